"""The log's vocabulary: the kinds are stored strings, so their values are pinned here."""

from __future__ import annotations

from datetime import UTC, datetime

from nudger.core import deliveries
from nudger.core.model import Entry, Kind, Side, Who, plan_corrections, plan_side, settled_unknown

# What logs on disk already hold: a member may be added, never renamed or given a new value.
STORED = {
    "PLAN": "plan",
    "LOOSE": "loose",
    "MESSAGE": "message",
    "CALL": "call",
    "CHECKIN": "checkin",
    "GRATITUDE": "gratitude",
    "CANCELLED": "cancelled",
    "DECLINED": "declined",
    "RESCHEDULED": "rescheduled",
    "HAPPENED": "happened",
    "MISSED": "missed",
    "LOOSE_SCHEDULED": "loose.scheduled",
    "LOOSE_EXPIRED": "loose.expired",
    "RETRACTED": "retracted",
    "WAIT_STARTED": "wait.started",
    "WAIT_ENDED": "wait.ended",
    "NUDGE_SENT": "nudge.sent",
    "NUDGE_SHOWN": "nudge.shown",
    "NUDGE_EXPIRED": "nudge.expired",
    "NUDGE_SNOOZED": "nudge.snoozed",
    "NUDGE_DONE": "nudge.done",
    "NUDGE_SKIPPED": "nudge.skipped",
    "NUDGE_FAILED": "nudge.failed",
}


def test_every_kind_keeps_its_stored_value() -> None:
    assert {member.name: member.value for member in Kind} == STORED


def test_a_nudges_life_is_the_nudge_kinds() -> None:
    assert set(deliveries.KINDS) == {k for k in Kind if k.value.startswith("nudge.")}


def test_neither_is_an_unknown_side_settled_and_a_later_side_replaces_it() -> None:
    at = datetime(2026, 6, 1, tzinfo=UTC)
    seen = Entry(1, at, at, "Alex", "plan", Who.UNKNOWN, "calendar:home", "c:1", {"uid": "u"})
    assert (settled_unknown(seen), plan_side(seen)) == (False, "unknown")

    (neither,) = plan_corrections(seen, Side.NEITHER, "a1")
    assert (neither.who, neither.supersedes, neither.key) == (Who.UNKNOWN, "c:1", "mark:a1")
    assert neither.details == {"uid": "u", "was": "unknown", "settled": "neither"}
    stored = Entry(2, at, at, "Alex", "plan", neither.who, "mark", neither.key, neither.details)
    assert (settled_unknown(stored), plan_side(stored)) == (True, "neither")
    assert plan_corrections(stored, Side.NEITHER, "a2") == []  # settled so already

    (mine,) = plan_corrections(stored, Side.ME, "a3")
    assert (mine.who, mine.details) == (Who.ME, {"uid": "u", "was": "neither"})
