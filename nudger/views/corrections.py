"""`nudger plans correct`: the user says a fact in the log is wrong, mostly one nudger derived
from a calendar (any initiation or what became of a plan; not the nudges' own bookkeeping).

Whose it was (a cancellation that was theirs, a move that was mine) is a correction: an entry of
the same kind with the other side, superseding it. That it was no fact at all (a cancellation
that was none, a decline that was a mistake) is a retraction. Either is appended, the log stays
append-only, the original stays in `history` marked as no longer counting, and the next sync
derives the same key again, which appends nothing: the correction holds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from nudger.core.model import (
    MANUAL_KINDS,
    MARK_SOURCE,
    Entry,
    Kind,
    NewEntry,
    Who,
    correction,
    retraction,
)
from nudger.errors import UsageError
from nudger.log import queries
from nudger.log.store import Store

NOT_ONE = "you said it was not one"
CORRECTABLE = frozenset(
    {
        *MANUAL_KINDS,
        Kind.CANCELLED,
        Kind.DECLINED,
        Kind.RESCHEDULED,
        Kind.HAPPENED,
        Kind.MISSED,
        Kind.LOOSE_SCHEDULED,
        Kind.LOOSE_EXPIRED,
    }
)


@dataclass(frozen=True, slots=True)
class Corrected:
    """The entry that stood, and what now stands for it (None: it already said so)."""

    before: Entry
    after: NewEntry | None


def correct(store: Store, entry_id: int, by: Who | None, now: datetime) -> Corrected:
    """Say the fact #`entry_id` was `by`'s, or (None) that it was none, in one transaction."""
    with store.transaction():
        before = queries.entry(store.db, entry_id)
        if before is None:
            raise UsageError(f"there is no entry #{entry_id}", hint="nudger history shows each #")
        if before.superseded:
            raise UsageError(
                f"entry #{entry_id} was corrected already",
                hint="correct what replaced it (nudger history --json: superseded_by)",
            )
        if before.kind not in CORRECTABLE:
            raise UsageError(
                f"entry #{entry_id} is a {before.kind} entry, which is no fact to correct",
                hint="initiations, cancellations, declines, moves and missed plans are",
            )
        key = f"{MARK_SOURCE}:{uuid.uuid4()}"
        if by is None:
            after: NewEntry | None = retraction(before, key, NOT_ONE, now)
        else:
            after = None if by is before.who else correction(before, by, key)
        if after is not None:
            store.insert(after, now)
    return Corrected(before, after)


def open_removals(store: Store, person: str | None) -> list[Entry]:
    """The upcoming plans that vanished with nothing saying why (`nudger.core.vanishing`) and
    that nobody settled yet, by the plan's date: what `plans review` asks about after the plans."""
    found = queries.entries(store.db, kinds=[Kind.CANCELLED])
    open_ones = [
        entry
        for entry in found
        if entry.details.get("removed")
        and not entry.superseded
        and entry.who is Who.UNKNOWN
        and (person is None or entry.person == person)
    ]
    return sorted(open_ones, key=lambda e: (str(e.details.get("start")), str(e.person), e.id))
