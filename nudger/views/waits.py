"""A "ball in their court" wait with one person (`nudger wait`): whether one runs, starting one,
ending it early.

Which entries open and close a wait is the core's rule (`nudger.core.nudges.waits.wait_until`), so
the command sees the same waits the daemon holds nudges for. The entries come from
`nudger.core.answers`, keyed by the moment of the command, so a repeated run adds nothing.
"""

from __future__ import annotations

from datetime import datetime

from nudger.core.answers import ended_wait, started_wait
from nudger.core.model import Kind
from nudger.core.nudges.waits import wait_until
from nudger.log import queries
from nudger.log.store import Store


def open_until(store: Store, person: str, now: datetime) -> datetime | None:
    """When the wait with `person` that runs now ends, or None when none runs."""
    found = queries.person_id(store.db, person)
    if found is None:
        return None
    waits = queries.entries(store.db, person=found, kinds=[Kind.WAIT_STARTED, Kind.WAIT_ENDED])
    return wait_until(waits, person, now)


def start(store: Store, person: str, days: int, now: datetime) -> datetime:
    """Start waiting `days` for `person` from now; returns when the wait ends."""
    entry = started_wait(person, now, days, _answer(now))
    store.append(entry, now=now)
    return datetime.fromisoformat(str(entry.details["until"]))


def end(store: Store, person: str, now: datetime) -> None:
    """End the wait with `person` that runs now."""
    store.append(ended_wait(person, now, _answer(now)), now=now)


def _answer(now: datetime) -> str:
    """The key a command's answer gets: the run's one instant."""
    return f"cli:{now.isoformat()}"
