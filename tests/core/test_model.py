"""The log's vocabulary: the kinds are stored strings, so their values are pinned here."""

from __future__ import annotations

from nudger.core import deliveries
from nudger.core.model import Kind

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
}


def test_every_kind_keeps_its_stored_value() -> None:
    assert {member.name: member.value for member in Kind} == STORED


def test_a_nudges_life_is_the_nudge_kinds() -> None:
    assert set(deliveries.KINDS) == {k for k in Kind if k.value.startswith("nudge.")}
