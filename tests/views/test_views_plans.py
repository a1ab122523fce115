"""The plans view over a real SQLite log: typed rows, the review's questions, and marking a
plan's side once, in one transaction, with the keys the log has always had."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nudger.core.detect import Rules, Tracked
from nudger.core.events import Attendee, EventInstance
from nudger.core.model import Who
from nudger.errors import NudgerError, UsageError
from nudger.log import queries
from nudger.log.store import Store
from nudger.ports import Changes, Resource, Window
from nudger.sync.calendars import sync_source
from nudger.views import plans

NOW = datetime(2026, 6, 10, 12, tzinfo=UTC)
RULES = Rules(
    me=frozenset({"sam@example.org"}),
    people=(Tracked("Alex", frozenset({"alex@example.org"}), ("Alex",)),),
)


class Showing:
    """A calendar source that shows the same instances at every sync."""

    name = "home"

    def __init__(self, *instances: EventInstance) -> None:
        self.instances = instances

    def describe(self) -> list[str]:
        return ["in memory"]

    def sync(self, cursor: str | None, window: Window) -> Changes:
        resources = tuple(Resource(i.uid, (i,)) for i in self.instances)
        return Changes(changed=resources, cursor="c", complete=True)


def instance(uid: str, days: int, summary: str, **fields: object) -> EventInstance:
    start = NOW + timedelta(days=days)
    return EventInstance(
        uid=uid,
        recurrence_id=None,
        start=start,
        end=start + timedelta(hours=2),
        summary=summary,
        source="home",
        calendar="main",
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "log.sqlite3")
    source = Showing(
        instance("solo", -3, "Dinner with Alex"),
        instance(
            "theirs",
            2,
            "Climbing",
            organizer="alex@example.org",
            attendees=(Attendee("sam@example.org"),),
        ),
    )
    window = Window(NOW - timedelta(days=30), NOW + timedelta(days=30), UTC)
    assert sync_source(store, "home", source, RULES, window, now=NOW).ok
    return store


def test_plan_rows_are_typed_and_carry_the_side_the_log_holds(store: Store) -> None:
    rows = plans.plan_rows(store, RULES, NOW, only=None)
    assert [(r.summary, r.person, r.initiator, r.status) for r in rows] == [
        ("Dinner with Alex", "Alex", "unknown", "past"),
        ("Climbing", "Alex", "them", "upcoming"),
    ]
    assert all(isinstance(r, plans.PlanRow) for r in rows)
    assert rows[0].id == plans.plan_id("solo")
    assert list(rows[0].to_json()) == [
        "id",
        "person",
        "start",
        "summary",
        "kind",
        "initiator",
        "status",
        "source",
        "recurring",
        "all_day",
        "answer",
        "my_answer",
        "plan_status",
        "rescheduled",
    ]
    upcoming = plans.plan_rows(store, RULES, NOW, only=None, selection="upcoming")
    assert [r.summary for r in upcoming] == ["Climbing"]
    assert plans.plan_rows(store, RULES, NOW, only="Someone", selection="all") == []


def test_the_review_asks_about_the_unknown_plans_once(store: Store) -> None:
    found = plans.review(store, RULES, only=None)
    assert [(i.uid, name) for i, name in found.questions] == [("solo", "Alex")]
    assert found.waiting == 0
    unclassified = plans.plan_rows(store, RULES, NOW, only=None, selection="unclassified")
    assert [r.id for r in unclassified] == [plans.plan_id("solo")]


def test_marking_writes_one_correction_and_keeps_a_known_side(store: Store) -> None:
    before = plans.mark(store, "solo", "Alex", Who.ME, NOW)
    assert before.who is Who.UNKNOWN
    corrections = [e for e in queries.entries(store.db, kinds=["plan"]) if e.source == "mark"]
    assert [(e.who, e.details["was"], e.supersedes) for e in corrections] == [
        (Who.ME, "unknown", before.key)
    ]
    assert corrections[0].key.startswith("mark:")
    assert plans.mark(store, "solo", "Alex", Who.ME, NOW).who is Who.ME  # nothing new
    kept = plans.mark(store, "solo", "Alex", Who.THEM, NOW, keep_known=True)
    assert kept.who is Who.ME  # answered meanwhile: that answer stays
    assert len(queries.entries(store.db, kinds=["plan"])) == 3
    assert plans.find(store, plans.plan_id("solo"), None).who is Who.ME


def test_a_plan_that_is_not_there_says_so(store: Store) -> None:
    with pytest.raises(UsageError, match="no plan with the id"):
        plans.find(store, "00000000", None)
    with pytest.raises(NudgerError, match="no longer in the log"):
        plans.mark(store, "gone", "Alex", Who.ME, NOW)
