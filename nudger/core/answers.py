"""Answering a nudge (a notification's button, or `nudger done|snooze|skip`): the facts it adds.

"Done" on a check-in logs the check-in, started by whoever's turn the nudge said it was; on a
gratitude moment it logs the gratitude. "Me"/"Them" answers "who suggested it?" by correcting the
plan entry, like `nudger plans mark`. "Let them step up" starts a wait. Every answer also settles
the nudge (see `nudger.core.deliveries`), and every entry's key derives from the answer's key, so
the same answer arriving twice (a D-Bus signal repeated, a button pressed twice) is logged once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from nudger.core import deliveries
from nudger.core.model import Entry, Kind, NewEntry, Who, side_corrections
from nudger.core.nudges.daily import checkin_turn
from nudger.core.nudges.nudge import Nudge, NudgeKind
from nudger.errors import UsageError

ACTIONS = ("done", "snooze", "skip", "me", "them", "wait")


def answer_entries(
    nudge: Nudge,
    action: str,
    *,
    answer: str,
    history: Sequence[Entry],
    now: datetime,
    snooze: timedelta,
    wait_days: int,
) -> list[NewEntry]:
    """The entries answering `nudge` with `action`.

    `history` holds the person's entries (check-ins, plans and their corrections); `answer` is
    the key of this answer (the delivery it came from and the action).
    """
    if action not in nudge.actions:
        offered = ", ".join(nudge.actions)
        raise UsageError(f"{nudge.id} does not take {action!r}", hint=f"it takes: {offered}")
    if action == "snooze":
        return [deliveries.snoozed(nudge, now + snooze, now, answer)]
    if action == "skip":
        return [deliveries.answered(nudge, Kind.NUDGE_SKIPPED, now, answer)]
    settle = deliveries.answered(nudge, Kind.NUDGE_DONE, now, answer)
    if action in ("me", "them"):
        return [*_marked(nudge, Who(action), history, now, answer), settle]
    if action == "wait":
        return [started_wait(nudge.person or "", now, wait_days, answer), settle]
    return [*_logged(nudge, history, now, answer), settle]


def started_wait(person: str, now: datetime, days: int, answer: str) -> NewEntry:
    """A "ball in their court" wait for `days`, from now."""
    until = now + timedelta(days=days)
    return NewEntry(
        at=now,
        kind=Kind.WAIT_STARTED.value,
        who=Who.ME,
        source=deliveries.SOURCE,
        key=f"{Kind.WAIT_STARTED}:{answer}",
        person=person,
        details={"until": until.isoformat(), "days": days},
    )


def ended_wait(person: str, now: datetime, answer: str) -> NewEntry:
    """Ends the wait with `person` that is running now."""
    return NewEntry(
        at=now,
        kind=Kind.WAIT_ENDED.value,
        who=Who.ME,
        source=deliveries.SOURCE,
        key=f"{Kind.WAIT_ENDED}:{answer}",
        person=person,
    )


def _marked(
    nudge: Nudge, who: Who, history: Sequence[Entry], now: datetime, answer: str
) -> list[NewEntry]:
    current = _latest_version(nudge.occurrence, history)
    return [] if current is None else side_corrections(current, who, answer)


def _latest_version(key: str, history: Sequence[Entry]) -> Entry | None:
    """The entry that currently stands for the one logged under `key` (corrections followed)."""
    by_key = {e.key: e for e in history}
    replaced_by = {e.supersedes: e for e in history if e.supersedes}
    current = by_key.get(key)
    while current is not None and current.key in replaced_by:
        current = replaced_by[current.key]
    return current


def _logged(nudge: Nudge, history: Sequence[Entry], now: datetime, answer: str) -> list[NewEntry]:
    """What "done" logs for a nudge that asked for something to happen."""
    if nudge.kind is NudgeKind.CHECKIN:
        checkins = [e for e in history if e.kind == Kind.CHECKIN and not e.superseded]
        kind, who = Kind.CHECKIN, checkin_turn(sorted(checkins, key=lambda e: e.at))
    elif nudge.kind in (NudgeKind.GRATITUDE, NudgeKind.GRATITUDE_AFTER_DATE):
        kind, who = Kind.GRATITUDE, Who.ME
    else:
        return []
    return [
        NewEntry(
            at=now,
            kind=kind.value,
            who=who,
            source=deliveries.SOURCE,
            key=f"{kind.value}:{answer}",
            person=nudge.person,
            details={"nudge": nudge.id},
        )
    ]
