"""The vocabulary of the log: who did something, what kind of fact it is, and the typed rows.

Plain frozen dataclasses and string enums, so the pure core and the CLI share them without
importing pydantic, sqlite3 or anything else heavy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any


class Who(StrEnum):
    """Which side a fact belongs to: who initiated, cancelled, declined or started it."""

    ME = "me"
    THEM = "them"
    UNKNOWN = "unknown"


class Kind(StrEnum):
    """What an entry records: every kind the log holds is named here, and only here. The
    values are stored in the log: never rename one."""

    # Initiatives, logged by hand or seen in calendars; `balance.kinds` picks which count.
    PLAN = "plan"
    LOOSE = "loose"  # a "we should catch up" that is not on a calendar yet
    MESSAGE = "message"
    CALL = "call"
    CHECKIN = "checkin"
    GRATITUDE = "gratitude"
    # What became of plans.
    CANCELLED = "cancelled"
    DECLINED = "declined"
    RESCHEDULED = "rescheduled"
    HAPPENED = "happened"
    MISSED = "missed"
    LOOSE_SCHEDULED = "loose.scheduled"
    LOOSE_EXPIRED = "loose.expired"
    # A derived fact that proved false (a removed plan came back, the user said it was not
    # one): it supersedes that fact, which then counts nowhere; details say why.
    RETRACTED = "retracted"
    # A "ball in their court" wait: a started entry's details hold {"until": ISO date-time};
    # an ended entry closes the person's open wait early.
    WAIT_STARTED = "wait.started"
    WAIT_ENDED = "wait.ended"
    # What became of a nudge (`nudger.core.deliveries`): sent, shown by a notifier, expired
    # unshown, snoozed, or answered (done, skipped).
    NUDGE_SENT = "nudge.sent"
    NUDGE_SHOWN = "nudge.shown"
    NUDGE_EXPIRED = "nudge.expired"
    NUDGE_SNOOZED = "nudge.snoozed"
    NUDGE_DONE = "nudge.done"
    NUDGE_SKIPPED = "nudge.skipped"
    # A channel (`notifications.channels`) did not take a nudge; it is tried again later.
    NUDGE_FAILED = "nudge.failed"


MANUAL_KINDS: tuple[Kind, ...] = (
    Kind.MESSAGE,
    Kind.CALL,
    Kind.PLAN,
    Kind.CHECKIN,
    Kind.GRATITUDE,
    Kind.LOOSE,
)


@dataclass(frozen=True, slots=True)
class NewEntry:
    """A fact about to be appended. `key` makes appending it twice a no-op."""

    at: datetime
    kind: str
    who: Who
    source: str
    key: str
    person: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    supersedes: str | None = None  # the key of an entry this one corrects


@dataclass(frozen=True, slots=True)
class Entry:
    """A fact as stored in the log."""

    id: int
    at: datetime
    recorded_at: datetime
    person: str | None
    kind: str
    who: Who
    source: str
    key: str
    details: Mapping[str, Any]
    supersedes: str | None = None
    superseded: bool = False  # a later entry corrects this one; it no longer counts
    superseded_by: str | None = None  # that later entry's key

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "recorded_at": self.recorded_at.isoformat(),
            "person": self.person,
            "kind": self.kind,
            "who": self.who.value,
            "source": self.source,
            "key": self.key,
            "details": dict(self.details),
            "supersedes": self.supersedes,
            "superseded": self.superseded,
            "superseded_by": self.superseded_by,
        }


MARK_SOURCE = "mark"  # corrections of a plan's side, by `nudger plans mark` or a nudge's answer
NEITHER = "neither"  # the value of `details["settled"]` for a plan that was neither side's


class Side(StrEnum):
    """Whose idea a plan was, as the user settles it: mine, theirs, or neither of ours (a party
    someone untracked organized, a group thing). The log's `who` holds only me, them and
    unknown, so "neither" is stored as unknown, settled (see `settled_unknown`)."""

    ME = "me"
    THEM = "them"
    NEITHER = NEITHER


def settled_unknown(entry: Entry) -> bool:
    """Whether an entry of unknown side was settled as neither side's, so it is no open
    question: `plans review` and "who suggested it?" ask no more, `plans` shows "neither",
    and the balance counts it neither as an initiation of unknown side nor as one of ours.

    The one test of that mark: anything counting unknowns (a "not enough data" verdict, how
    many plans `plans review` could settle) leaves out the entries it holds for. The balance's
    SQL (`nudger.log.queries.settled_neither`) mirrors it."""
    return entry.who is Who.UNKNOWN and entry.details.get("settled") == NEITHER


def plan_side(entry: Entry) -> str:
    """The side a plan entry says: "me", "them", "unknown", or "neither" when settled so."""
    return NEITHER if settled_unknown(entry) else entry.who.value


def correction(current: Entry, who: Who, key: str) -> NewEntry:
    """An entry of the same kind replacing `current`, saying it was `who`'s (who suggested a
    plan, who cancelled, declined or moved it); the old side stays in `details["was"]`, and
    counting skips the replaced entry."""
    details = {name: value for name, value in current.details.items() if name != "settled"}
    return NewEntry(
        at=current.at,
        kind=current.kind,
        who=who,
        source=MARK_SOURCE,
        key=key,
        person=current.person,
        details={**details, "was": plan_side(current)},
        supersedes=current.key,
    )


def retraction(current: Entry, key: str, reason: str, at: datetime) -> NewEntry:
    """An entry taking `current` back: it was not a fact at all (the user says the
    cancellation was none). Counting skips `current` from then on."""
    return retraction_of(
        current.key, current.person, current.details, key=key, reason=reason, at=at
    )


def retraction_of(
    retracted: str,
    person: str | None,
    details: Mapping[str, Any],
    *,
    key: str,
    reason: str,
    at: datetime,
    source: str = MARK_SOURCE,
    supersedes: str | None = None,
) -> NewEntry:
    """The retraction of the entry keyed `retracted`, superseding it (or `supersedes`, the
    entry standing for it now, such as a user's correction of it); `details` are kept, with
    what was retracted and why."""
    return NewEntry(
        at=at,
        kind=Kind.RETRACTED.value,
        who=Who.UNKNOWN,
        source=source,
        key=key,
        person=person,
        details={**details, "retracted": retracted, "reason": reason},
        supersedes=supersedes or retracted,
    )


def side_corrections(current: Entry, who: Who, answer: str) -> list[NewEntry]:
    """What saying `who` suggested the plan `current` appends: one correction keyed by the
    answer (`mark:ANSWER`, so the same answer arriving twice is logged once), or nothing when
    the plan already says `who`. `plans mark`, `plans review` and a "Me"/"Them" button all
    correct a plan's side through this."""
    if current.who is who:
        return []
    return [correction(current, who, f"{MARK_SOURCE}:{answer}")]


def plan_corrections(current: Entry, side: Side, answer: str) -> list[NewEntry]:
    """What settling the plan `current` as `side`'s appends (see `side_corrections`): for
    neither, a correction that keeps the side unknown and marks it settled, or nothing when it
    is settled so already."""
    if side is not Side.NEITHER:
        return side_corrections(current, Who(side.value), answer)
    if settled_unknown(current):
        return []
    settled = correction(current, Who.UNKNOWN, f"{MARK_SOURCE}:{answer}")
    return [replace(settled, details={**settled.details, "settled": NEITHER})]
