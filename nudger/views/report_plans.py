"""What the report shows of one person's plans and contacts beyond the counts: a mark for each
plan fact of the window (its timeline), and the last contact and who made it.

The marks and the contact are decided by pure functions of the log's entries (current ones
only: a corrected entry counts as its correction, as `balance` counts it); the two readers are
thin edges over `nudger.log.queries`. Rendering is `nudger.cli.report_timeline` and
`report_overview`; nothing here formats text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from nudger.core.model import Entry, Kind, Who
from nudger.core.rhythm import CONTACT_KINDS, Contact, contact
from nudger.log import queries

# The log's plan facts the timeline marks, and the mark each is. A loose plan that lapsed is
# missed, as `balance` counts it, so the timeline's missed marks are its missed count.
MARKS: dict[str, str] = {
    Kind.PLAN: "plan",
    Kind.CANCELLED: "cancelled",
    Kind.DECLINED: "declined",
    Kind.RESCHEDULED: "rescheduled",
    Kind.MISSED: "missed",
    Kind.LOOSE_EXPIRED: "missed",
}
# A contact: something that put the two of you in touch (a plan counts once it happened).
CONTACTS: tuple[str, ...] = tuple(CONTACT_KINDS.values())


@dataclass(frozen=True)
class PlanMark:
    """One plan fact, dated as the log dates it (and counts it): a plan when it was proposed,
    a cancellation, decline or move when it was made, a missed plan when it was found missed."""

    at: datetime
    mark: str  # "plan", "cancelled", "declined", "rescheduled" or "missed"
    who: Who  # who proposed, cancelled, declined or moved it
    title: str  # the calendar's title, the note logged with it, or a loose plan's words
    start: datetime | None  # when the plan was to take place, where the calendar said
    loose: bool = False  # a "we should ..." never turned into a plan


def plan_marks(entries: Iterable[Entry]) -> tuple[PlanMark, ...]:
    """A mark for each current plan fact among `entries`, in their order."""
    return tuple(
        PlanMark(
            at=entry.at,
            mark=MARKS[entry.kind],
            who=entry.who,
            title=_title(entry),
            start=_start(entry),
            loose=entry.kind == Kind.LOOSE_EXPIRED,
        )
        for entry in entries
        if entry.kind in MARKS and not entry.superseded
    )


def read_marks(
    db: sqlite3.Connection, person: int | None, since: datetime, until: datetime
) -> tuple[PlanMark, ...]:
    """The marks of the person's plan facts in [since, until); none for a person never logged."""
    if person is None:
        return ()
    return plan_marks(
        queries.entries(db, person=person, kinds=list(MARKS), since=since, until=until)
    )


def read_last_contact(
    db: sqlite3.Connection,
    person: int | None,
    until: datetime,
    kinds: Sequence[str] = CONTACTS,
) -> Contact | None:
    """The person's latest current contact (of `kinds`) before `until`, however long ago;
    None if none.

    It reads the newest entries a batch at a time, a bigger batch each time, so a corrected
    (superseded) newest entry never hides an older true one, and a long log is not read whole.
    """
    if person is None:
        return None
    size = 16
    while True:
        found = queries.entries(db, person=person, kinds=list(kinds), until=until, limit=size)
        current = [e for e in found if not e.superseded]
        if current:
            latest = current[-1]
            plans = (
                queries.entries(db, person=person, kinds=[Kind.PLAN])
                if latest.kind == Kind.HAPPENED
                else []
            )
            return contact(latest, plans)
        if len(found) < size:
            return None
        size *= 4


def _title(entry: Entry) -> str:
    for key in ("summary", "note", "text"):
        value = entry.details.get(key)
        if value:
            return str(value)
    return ""


def _start(entry: Entry) -> datetime | None:
    value = entry.details.get("start")
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:  # not a date nudger wrote: show none rather than a wrong one
        return None
