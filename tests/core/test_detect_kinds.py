"""What is not a plan: events a source marks as something else, and all-day entries the title
rule (`Rules.not_plans`) names a day to remember. Such events involve nobody, so they give no
fact; an invitation or a timed entry with the same words stays a plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from nudger.core.detect import Rules, Tracked, involved, is_plan, resource_facts
from nudger.core.events import Attendee, EventInstance, EventKind, Status

ME = "sam@example.org"
ALEX = Tracked("Alex", frozenset({"alex@example.org"}), ("Alex",))
RULES = Rules(
    me=frozenset({ME}), people=(ALEX,), not_plans=("birthday", "anniversary", "Geburtstag")
)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAY = datetime(2026, 6, 20, 22, 0, tzinfo=UTC)  # local midnight in Berlin, as a source reads it


def entry(summary: str, **changes: object) -> EventInstance:
    """An all-day entry on my own calendar naming Alex, unless `changes` say otherwise."""
    base = EventInstance(
        uid="e1",
        recurrence_id=None,
        start=DAY,
        end=DAY + timedelta(days=1),
        summary=summary,
        source="home",
        calendar="home",
        all_day=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("instance", "plan"),
    [
        (entry("Alex's birthday"), False),
        (entry("ALEX'S BIRTHDAY 🎂"), False),  # the words are matched case-blind
        (entry("Geburtstag von Alex"), False),
        (entry("Our anniversary (Alex)"), False),
        (entry("Alex's birthday", organizer=ME), False),  # made by me, still nobody invited
        (entry("Alex's birthday", attendees=(Attendee(ME),), organizer=ME), False),  # my own row
        (entry("Alex's birthday", organizer=ME, attendees=(Attendee("alex@example.org"),)), True),
        (
            entry("Alex's birthday trip", organizer="alex@example.org", attendees=(Attendee(ME),)),
            True,
        ),
        (entry("Birthday dinner with Alex", all_day=False), True),  # a timed entry is a plan
        (entry("Birthdays of the month: Alex"), True),  # a word, not a part of one
        (entry("Picnic with Alex"), True),
        (entry("Picnic with Alex", kind=EventKind.BIRTHDAY), False),  # the source says so
        (entry("Alex", kind=EventKind.ANNIVERSARY), False),
        (entry("Alex visits", all_day=False, kind=EventKind.OUT_OF_OFFICE), False),
        (entry("Alex in Lisbon", kind=EventKind.WORKING_LOCATION), False),
        (entry("Gift for Alex", all_day=False, kind=EventKind.FOCUS_TIME), False),
        (entry("Flight with Alex", all_day=False, kind=EventKind.FROM_GMAIL), False),
        (entry("Alex", all_day=False, kind=EventKind.OTHER), False),
    ],
)
def test_what_is_a_plan(instance: EventInstance, plan: bool) -> None:
    assert is_plan(instance, RULES) is plan
    assert [p.name for p in involved(instance, RULES)] == (["Alex"] if plan else [])


def test_without_words_the_title_decides_nothing() -> None:
    assert is_plan(entry("Alex's birthday"), replace(RULES, not_plans=()))
    assert not is_plan(entry("Alex", kind=EventKind.BIRTHDAY), replace(RULES, not_plans=()))


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.CANCELLED])
def test_a_day_to_remember_gives_no_fact_past_or_cancelled(status: Status) -> None:
    past = entry("Alex's birthday", start=NOW - timedelta(days=30), status=status)
    past = replace(past, end=past.start + timedelta(days=1))
    marked = entry("Alex", kind=EventKind.BIRTHDAY, status=status)
    for instance in (past, marked):
        facts = resource_facts((), (instance,), RULES, now=NOW)
        assert facts == []
