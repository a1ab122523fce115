"""What sync keeps about each source and its plans: the one owner of `source_state` and
`resource_state` (see `migrations.m002_calendar_state`).

Not facts (those are entries) but each calendar's current shape: a source's cursor, the
outcome of its last sync and what it says of who I am (`source_state`), and the plan instances
it last showed that involve a tracked person (`resource_state`). Sync writes them, the daemon
reads a source's failure count for its backoff, `status` and `calendars list` read the
outcomes, detection and `doctor` the addresses, `forget` reads and deletes the
stored plans. Every statement on these tables is here, so their shape can change in one place.

Writers run inside the caller's transaction (`Store.transaction()`): a sync writes its facts and
the state they leave together, so a crash leaves both or neither.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from nudger.core.events import EventInstance
from nudger.log.queries import from_timestamp
from nudger.log.store import Store, to_timestamp


@dataclass(frozen=True)
class SourceState:
    """How a source's last sync went, for `status` and `calendars list`."""

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


@dataclass(frozen=True, slots=True)
class SyncPosition:
    """Where a source's last successful sync left off: its cursor (None: read it whole), and
    the fingerprint of the people and addresses it was chosen by."""

    cursor: str | None
    fingerprint: str | None


@dataclass(frozen=True, slots=True)
class StoredResource:
    """One calendar resource as sync last kept it: its plan instances that involve someone."""

    source: str
    resource: str
    instances: tuple[EventInstance, ...]


# --- sources ----------------------------------------------------------------------------------


def source_states(db: sqlite3.Connection) -> dict[str, SourceState]:
    """Every source that was ever synced, by name."""
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


def position(db: sqlite3.Connection, source: str) -> SyncPosition | None:
    """Where the source's last sync left off, or None when it never synced."""
    row = db.execute(
        "SELECT cursor, fingerprint FROM source_state WHERE source = ?", (source,)
    ).fetchone()
    return None if row is None else SyncPosition(row[0], row[1])


def failures(db: sqlite3.Connection, source: str) -> int:
    """How many syncs of the source failed in a row (0 for one never synced): the backoff's
    input, read by the daemon after each sync process."""
    row = db.execute("SELECT failures FROM source_state WHERE source = ?", (source,)).fetchone()
    return int(row[0]) if row else 0


def record_success(
    db: sqlite3.Connection,
    source: str,
    *,
    cursor: str | None,
    fingerprint: str,
    at: datetime,
    message: str,
) -> None:
    """A sync that worked: its new position, and the failure count back to 0."""
    db.execute(
        """
        INSERT INTO source_state (source, cursor, fingerprint, last_attempt, last_success,
                                  outcome, message, failures)
        VALUES (?, ?, ?, ?, ?, 'ok', ?, 0)
        ON CONFLICT (source) DO UPDATE SET
            cursor = excluded.cursor, fingerprint = excluded.fingerprint,
            last_attempt = excluded.last_attempt, last_success = excluded.last_success,
            outcome = 'ok', message = excluded.message, failures = 0
        """,
        (source, cursor, fingerprint, to_timestamp(at), to_timestamp(at), message),
    )


def record_failure(db: sqlite3.Connection, source: str, *, at: datetime, message: str) -> None:
    """A sync that failed: why, and one more failure in a row; the position is kept, so the
    next sync that works goes on from where the last good one left off."""
    db.execute(
        """
        INSERT INTO source_state (source, last_attempt, outcome, message, failures)
        VALUES (?, ?, 'failed', ?, 1)
        ON CONFLICT (source) DO UPDATE SET
            last_attempt = excluded.last_attempt, outcome = 'failed',
            message = excluded.message, failures = failures + 1
        """,
        (source, to_timestamp(at), message),
    )


def record_own_addresses(
    db: sqlite3.Connection, source: str, addresses: Sequence[str] | None
) -> None:
    """What a source that just synced said of who I am (None: it cannot tell); call it after
    `record_success`, in the same transaction."""
    stored = None if addresses is None else json.dumps(sorted(addresses))
    db.execute("UPDATE source_state SET own_addresses = ? WHERE source = ?", (stored, source))


def own_addresses(db: sqlite3.Connection) -> dict[str, tuple[str, ...] | None]:
    """By source that ever synced: the addresses it says are mine (empty: it marks my entries
    but named none), or None when it cannot tell."""
    rows = db.execute(
        "SELECT source, own_addresses FROM source_state WHERE last_success IS NOT NULL"
    )
    return {
        source: None if stored is None else tuple(str(a) for a in json.loads(stored))
        for source, stored in rows
    }


def learnt_addresses(db: sqlite3.Connection) -> frozenset[str]:
    """Every address some source says is mine."""
    return frozenset(a for found in own_addresses(db).values() for a in found or ())


def forget_source(store: Store, source: str) -> None:
    """Drop what sync kept about a source; the facts it gave stay in the log."""
    with store.transaction():
        store.db.execute("DELETE FROM resource_state WHERE source = ?", (source,))
        store.db.execute("DELETE FROM source_state WHERE source = ?", (source,))


# --- resources --------------------------------------------------------------------------------


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


def occurrences_elsewhere(db: sqlite3.Connection, source: str) -> set[tuple[str, str]]:
    """The (UID, occurrence) of every plan instance the other sources show: a plan gone from
    one calendar and still in another has not vanished. Read only when something vanished."""
    return {
        (instance.uid, instance.occurrence)
        for (stored,) in db.execute(
            "SELECT instances FROM resource_state WHERE source <> ?", (source,)
        )
        for instance in _decode(stored)
    }


def stored_resources(db: sqlite3.Connection) -> Iterator[StoredResource]:
    """Every stored resource of every source, one at a time (for `forget`, which looks for the
    plans naming one person)."""
    for source, resource, stored in db.execute(
        "SELECT source, resource, instances FROM resource_state"
    ):
        yield StoredResource(source, resource, _decode(stored))


def keep_resource(
    db: sqlite3.Connection, source: str, resource: str, found: Sequence[EventInstance]
) -> None:
    """Store (or replace) what a resource now shows: the instances that involve someone."""
    db.execute(
        "INSERT INTO resource_state (source, resource, instances) VALUES (?, ?, ?)"
        " ON CONFLICT (source, resource) DO UPDATE SET instances = excluded.instances",
        (source, resource, json.dumps([instance.to_json() for instance in found])),
    )


def drop_resources(db: sqlite3.Connection, keys: Iterable[tuple[str, str]]) -> None:
    """Forget stored resources, each given as (source, resource); an unknown one is no error."""
    db.executemany("DELETE FROM resource_state WHERE source = ? AND resource = ?", keys)


def _decode(stored: str) -> tuple[EventInstance, ...]:
    return tuple(EventInstance.from_json(item) for item in json.loads(stored))
