"""The detection rules, case by case: who initiated, cancelled, declined, moved, missed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from nudger.core.detect import (
    Rules,
    Tracked,
    initiator,
    involved,
    loose_facts,
    missed_facts,
    resource_facts,
)
from nudger.core.events import Attendee, EventInstance, Participation, Status
from nudger.core.model import Entry, Kind, NewEntry, Who
from nudger.core.vanishing import LoggedRemoval, Removals

ME = "sam@example.org"
ALEX = Tracked("Alex", frozenset({"alex@example.org"}), ("Alex", "Al"))
KIM = Tracked("Kim", frozenset({"kim@example.org"}), ("Kim",))
RULES = Rules(
    me=frozenset({ME}),
    people=(ALEX, KIM),
    me_markers=("[me]",),
    them_markers=("[them]",),
    missed_after=timedelta(days=14),
)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
START = datetime(2026, 5, 1, 18, 0, tzinfo=UTC)


def event(**changes: object) -> EventInstance:
    base = EventInstance(
        uid="e1",
        recurrence_id=None,
        start=START,
        end=START + timedelta(hours=2),
        summary="Dinner",
        source="home",
        calendar="home",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def invited(*emails: str, answer: Participation = Participation.ACCEPTED) -> tuple[Attendee, ...]:
    return tuple(Attendee(email, answer) for email in emails)


@pytest.mark.parametrize(
    ("instance", "expected"),
    [
        (event(organizer="alex@example.org", attendees=invited(ME)), Who.THEM),
        (event(organizer=ME, attendees=invited("alex@example.org")), Who.ME),
        (
            event(
                organizer_is_self=True, organizer="x@y.org", attendees=invited("alex@example.org")
            ),
            Who.ME,
        ),
        (event(summary="Dinner with Alex"), Who.UNKNOWN),  # a solo entry on my calendar
        (event(organizer=ME, summary="Lunch with Al"), Who.UNKNOWN),  # mine, but not an invitation
        (event(summary="Dinner with Alex [them]"), Who.THEM),
        (event(summary="Dinner with Alex", description="my idea [me]"), Who.ME),
        (event(organizer="boss@work.org", attendees=invited("alex@example.org", ME)), Who.UNKNOWN),
    ],
)
def test_who_initiated(instance: EventInstance, expected: Who) -> None:
    assert initiator(instance, ALEX, RULES) == expected


@pytest.mark.parametrize(
    ("instance", "people"),
    [
        (event(summary="Dinner with Alex"), ["Alex"]),
        (event(summary="Dinner with alexandra"), []),  # a name is matched as a word
        (event(summary="Al & Kim"), ["Alex", "Kim"]),
        (event(attendees=invited("KIM@example.org".lower())), ["Kim"]),
        (event(organizer="alex@example.org"), ["Alex"]),
        (event(summary="Team sync"), []),
    ],
)
def test_who_is_involved(instance: EventInstance, people: list[str]) -> None:
    assert [p.name for p in involved(instance, RULES)] == people


def kinds(facts: Sequence[NewEntry]) -> list[tuple[str, str]]:
    return sorted((f.kind, f.who.value) for f in facts)


def test_a_plan_i_made_that_they_declined() -> None:
    instance = event(
        organizer=ME, attendees=invited("alex@example.org", answer=Participation.DECLINED)
    )
    facts = resource_facts((), (instance,), RULES, now=NOW)
    assert kinds(facts) == [("declined", "them"), ("plan", "me")]  # declined: it did not happen


def test_a_cancelled_plan_is_cancelled_by_its_organizer() -> None:
    instance = event(organizer="alex@example.org", attendees=invited(ME), status=Status.CANCELLED)
    facts = resource_facts((), (instance,), RULES, now=NOW)
    assert kinds(facts) == [("cancelled", "them"), ("plan", "them")]


def test_a_plan_that_took_place_happened() -> None:
    instance = event(organizer=ME, attendees=invited("alex@example.org"))
    facts = resource_facts((), (instance,), RULES, now=NOW)
    assert kinds(facts) == [("happened", "unknown"), ("plan", "me")]


def test_a_moved_plan_is_rescheduled_once() -> None:
    before = event(
        organizer="alex@example.org",
        attendees=invited(ME),
        start=NOW + timedelta(days=3),
        end=NOW + timedelta(days=3, hours=2),
    )
    after = replace(
        before, start=before.start + timedelta(days=1), end=before.end + timedelta(days=1)
    )
    facts = resource_facts((before,), (after,), RULES, now=NOW)
    assert ("rescheduled", "them") in kinds(facts)
    keys = {f.key for f in facts}
    assert keys == {f.key for f in resource_facts((before,), (after,), RULES, now=NOW)}


def weekly(*weeks: int, first: datetime = START) -> list[EventInstance]:
    week = timedelta(days=7)
    return [
        event(
            uid="weekly",
            recurrence_id=first + n * week,
            start=first + n * week,
            end=first + n * week + timedelta(hours=2),
            organizer=ME,
            attendees=invited("alex@example.org"),
        )
        for n in weeks
    ]


def test_a_series_counts_once() -> None:
    facts = resource_facts((), weekly(0, 1, 2), RULES, now=NOW)
    assert [f.kind for f in facts].count(Kind.PLAN) == 3
    assert len({f.key for f in facts if f.kind == Kind.PLAN}) == 1  # one key: counted once


UPCOMING = NOW + timedelta(days=2)
SECOND_WEEK = weekly(1, first=UPCOMING)[0].occurrence


@pytest.mark.parametrize(
    ("old", "new", "excluded", "expected"),
    [
        # a past instance that vanished is history: nothing
        (weekly(0, 1, 2), weekly(0, 1), frozenset(), []),
        # an upcoming one: removed, cause unknown, so no side is blamed
        (
            weekly(0, 1, first=UPCOMING),
            weekly(0, first=UPCOMING),
            frozenset(),
            [("cancelled", "unknown")],
        ),
        # an upcoming one the series now strikes out (an EXDATE added): the organizer cancelled it
        (
            weekly(0, 1, first=UPCOMING),
            weekly(0, first=UPCOMING),
            {SECOND_WEEK},
            [("cancelled", "me")],
        ),
        # a whole resource gone: the same rules for each instance
        (weekly(0) + weekly(0, first=UPCOMING), [], frozenset(), [("cancelled", "unknown")]),
    ],
)
def test_what_a_vanished_instance_means(
    old: list[EventInstance],
    new: list[EventInstance],
    excluded: frozenset[str],
    expected: list[tuple[str, str]],
) -> None:
    facts = resource_facts(old, new, RULES, now=NOW, excluded=excluded)
    assert kinds([f for f in facts if f.kind == Kind.CANCELLED]) == expected
    removed = [(f.kind, f.who.value) for f in facts if f.details.get("removed")]
    assert removed == [fact for fact in expected if fact[1] == "unknown"]


def test_a_removed_plan_seen_again_is_retracted_and_a_second_removal_is_new() -> None:
    (plan,) = weekly(0, first=UPCOMING)
    (removal,) = resource_facts([plan], [], RULES, now=NOW)
    logged = LoggedRemoval(plan.uid, plan.occurrence, "Alex", removal.key, removal.key, False)
    back = resource_facts([], [plan], RULES, now=NOW, removals=Removals([logged]))
    (retraction,) = [f for f in back if f.kind == Kind.RETRACTED]
    assert (retraction.supersedes, retraction.person) == (removal.key, "Alex")
    # while it stands, the same vanishing is not logged twice
    assert resource_facts([plan], [], RULES, now=NOW, removals=Removals([logged])) == []
    retracted = replace(logged, current=retraction.key, retracted=True)
    (again,) = resource_facts([plan], [], RULES, now=NOW, removals=Removals([retracted]))
    assert again.key not in (removal.key, retraction.key) and again.who is Who.UNKNOWN


def test_a_plan_another_source_still_shows_has_not_vanished() -> None:
    (plan,) = weekly(0, first=UPCOMING)
    elsewhere = Removals(elsewhere={(plan.uid, plan.occurrence)})
    assert resource_facts([plan], [], RULES, now=NOW, removals=elsewhere) == []


def test_a_plan_is_never_proposed_after_it_was_called_off() -> None:
    cancelled = event(
        organizer="alex@example.org",
        attendees=invited(ME),
        status=Status.CANCELLED,
        start=UPCOMING,
        end=UPCOMING + timedelta(hours=1),
        updated=NOW - timedelta(days=3),
    )
    facts = {f.kind: f for f in resource_facts((), (cancelled,), RULES, now=NOW)}
    assert facts[Kind.PLAN].at <= facts[Kind.CANCELLED].at == NOW - timedelta(days=3)


def test_a_lost_plan_is_missed_unless_replaced() -> None:
    lost = event(organizer="alex@example.org", attendees=invited(ME), status=Status.CANCELLED)
    (missed,) = missed_facts([lost], RULES, now=NOW)
    assert (missed.kind, missed.who, missed.at) == (
        Kind.MISSED,
        Who.THEM,
        START + timedelta(days=14),
    )
    replacement = event(
        uid="e2",
        start=START + timedelta(days=5),
        organizer="alex@example.org",
        attendees=invited(ME),
    )
    assert missed_facts([lost, replacement], RULES, now=NOW) == []
    assert missed_facts([lost], RULES, now=START + timedelta(days=13)) == []  # not decided yet


def loose(at: datetime) -> Entry:
    return Entry(
        1, at, at, "Alex", "loose", Who.THEM, "manual", "manual:1", {"text": "coffee soon"}
    )


def plan(at: datetime) -> Entry:
    return Entry(2, at, at, "Alex", "plan", Who.ME, "calendar:home", "calendar:e9:plan:Alex", {})


def test_a_loose_plan_is_scheduled_or_lapses() -> None:
    said = START
    (scheduled,) = loose_facts(
        [loose(said), plan(said + timedelta(days=3))], expire_after=timedelta(days=21), now=NOW
    )
    assert (scheduled.kind, scheduled.who) == (Kind.LOOSE_SCHEDULED, Who.ME)
    (lapsed,) = loose_facts([loose(said)], expire_after=timedelta(days=21), now=NOW)
    assert (lapsed.kind, lapsed.at) == (Kind.LOOSE_EXPIRED, said + timedelta(days=21))
    assert loose_facts([loose(said)], expire_after=timedelta(days=60), now=NOW) == []
