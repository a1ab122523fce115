"""Reading what sync keeps about each source and its plans (`source_state`, `resource_state`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from nudger.core.events import EventInstance
from nudger.log.queries import from_timestamp
from nudger.log.store import Store


@dataclass(frozen=True)
class SourceState:
    source: str
    outcome: str | None
    message: str | None
    last_attempt: datetime | None
    last_success: datetime | None
    failures: int

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "message": self.message,
            "last_attempt": None if self.last_attempt is None else self.last_attempt.isoformat(),
            "last_success": None if self.last_success is None else self.last_success.isoformat(),
            "failures": self.failures,
        }

    def describe(self, zone: tzinfo) -> str:
        def local(moment: datetime | None) -> str:
            return "never" if moment is None else f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"

        if self.outcome == "ok":
            return f"synced {local(self.last_success)}: {self.message}"
        return (
            f"failed {local(self.last_attempt)} ({self.failures} in a row): {self.message}; "
            f"last success {local(self.last_success)}"
        )


def source_states(db: sqlite3.Connection) -> dict[str, SourceState]:
    rows = db.execute(
        "SELECT source, outcome, message, last_attempt, last_success, failures FROM source_state"
    )
    return {
        row[0]: SourceState(
            row[0],
            row[1],
            row[2],
            None if row[3] is None else from_timestamp(row[3]),
            None if row[4] is None else from_timestamp(row[4]),
            int(row[5]),
        )
        for row in rows
    }


def resources(db: sqlite3.Connection, source: str) -> dict[str, tuple[EventInstance, ...]]:
    """What a source showed at its last sync, by resource (only those involving tracked people)."""
    return {
        resource: _decode(stored)
        for resource, stored in db.execute(
            "SELECT resource, instances FROM resource_state WHERE source = ?", (source,)
        )
    }


def instances(db: sqlite3.Connection) -> Iterator[EventInstance]:
    """Every stored plan instance (those involving tracked people), across sources."""
    for (stored,) in db.execute("SELECT instances FROM resource_state ORDER BY source, resource"):
        yield from _decode(stored)


def _decode(stored: str) -> tuple[EventInstance, ...]:
    return tuple(EventInstance.from_json(item) for item in json.loads(stored))


def forget_source(store: Store, source: str) -> None:
    """Drop what sync kept about a source; the facts it gave stay in the log."""
    with store.transaction():
        store.db.execute("DELETE FROM resource_state WHERE source = ?", (source,))
        store.db.execute("DELETE FROM source_state WHERE source = ?", (source,))
