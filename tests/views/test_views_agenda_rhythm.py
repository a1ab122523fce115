"""The agenda reads far enough back for a contact rhythm: a rhythm of months needs the last
contact from months ago, which lies before the entries the planner reads by default."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nudger.config.settings import Settings
from nudger.core.model import Kind, NewEntry, Who
from nudger.core.nudges.nudge import NudgeKind
from nudger.log.store import Store
from nudger.views import agenda

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "log.sqlite3") as opened:
        yield opened


def config(every: str) -> Settings:
    return Settings.model_validate(
        {
            "me": {"timezone": "Europe/Berlin"},
            "people": [{"name": "Kim", "kind": "friend", "every": every}],
            "checkin": {"enabled": False},
            "gratitude": {"enabled": False},
            "conversation": {"enabled": False},
            "rhythm": {"time": "09:00"},
        }
    )


def _contact(store: Store, kind: Kind, key: str, days: int, **details: str) -> None:
    at = NOW - timedelta(days=days)
    store.append(NewEntry(at, kind, Who.THEM, "calendar", key, "Kim", details), now=at)


def reach_outs(store: Store, settings: Settings) -> list[str]:
    found = agenda.pending(store.db, settings, now=NOW, zone=BERLIN, horizon=timedelta(hours=1))
    return [d.nudge.body for d in found if d.nudge.kind is NudgeKind.REACH_OUT]


def test_a_contact_older_than_the_balance_window_still_sets_the_rhythm(store: Store) -> None:
    _contact(store, Kind.PLAN, "p1", 130, uid="u1")
    _contact(store, Kind.HAPPENED, "h1", 120, uid="u1")  # 120 days ago, beyond the 90 read
    [body] = reach_outs(store, config("120d"))
    assert body.startswith("It has been 120 days since your last contact with Kim: a plan")
    assert "started by Kim." in body  # who proposed it, read from the plan even further back
    assert reach_outs(store, config("121d")) == []  # due tomorrow, not yet
