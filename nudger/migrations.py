"""The log's schema, as numbered migrations applied in order and recorded in `user_version`.

A migration is a function of a connection inside the open transaction; add a new one at the end,
never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def m001_people_and_entries(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE person (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE
        )
        """
    )
    # `at` and `recorded_at` are Unix seconds in UTC: compact, and window queries compare ints.
    db.execute(
        """
        CREATE TABLE entry (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            recorded_at INTEGER NOT NULL,
            person_id INTEGER REFERENCES person(id) ON DELETE RESTRICT,
            kind TEXT NOT NULL CHECK (kind <> ''),
            who TEXT NOT NULL CHECK (who IN ('me', 'them', 'unknown')),
            source TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE,
            details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
        )
        """
    )
    # Covers the balance queries: a person's window is one index range with kind and who in it.
    db.execute("CREATE INDEX entry_by_person_time ON entry (person_id, at, kind, who)")
    db.execute("CREATE INDEX entry_by_time ON entry (at)")
    db.execute(
        """
        CREATE TRIGGER entry_is_append_only BEFORE UPDATE ON entry
        BEGIN
            SELECT RAISE(ABORT, 'the log is append-only: add an entry instead');
        END
        """
    )


MIGRATIONS: tuple[Migration, ...] = (m001_people_and_entries,)
