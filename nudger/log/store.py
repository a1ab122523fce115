"""The log: an append-only SQLite file that is nudger's single source of truth.

This module owns the connection (WAL, a busy timeout, foreign keys, full fsync on commit), the
migrations and appending. Reading is `nudger.log.queries`' job. Every write is one short
`BEGIN IMMEDIATE` transaction, so the daemon and any number of CLI processes can append at once:
a writer waits for the lock (up to the busy timeout) instead of failing with "database is locked".
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from types import TracebackType

from nudger.core.model import NewEntry
from nudger.errors import StoreError
from nudger.log.migrations import MIGRATIONS
from nudger.private_file import make_private_folder

BUSY_TIMEOUT_SECONDS = 30.0


class Store:
    """An open log. Use `Store.open` to write, `Store.open_for_reading` for queries."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self.db = connection
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (creating the folder and file if needed) and bring the schema up to date."""
        try:
            make_private_folder(path.parent)
            _create_private(path)
            connection = _connect(str(path))
            _use_write_ahead_log(connection)
            store = cls(connection, path)
            store._migrate()
        except sqlite3.Error as error:
            raise _store_error(path, error) from error
        except OSError as error:
            raise StoreError(
                f"cannot create the log at {path}: {error.strerror}",
                hint="check the folder's permissions, or point NUDGER_DATA_DIR elsewhere",
            ) from error
        return store

    @classmethod
    def open_for_reading(cls, path: Path) -> Store:
        """Open an existing log; a log that does not exist yet reads as an empty one.

        Queries thus leave no file behind on a machine where nothing was logged yet.
        """
        if not path.exists():
            store = cls(_connect(":memory:"), None)
            store._migrate()
            return store
        return cls.open(path)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with the write lock up front.

        A deferred transaction that upgrades from reading to writing can fail at once with
        SQLITE_BUSY when another process committed in between; IMMEDIATE waits for the lock.
        """
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise _store_error(self.path, error) from error
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as error:
            raise _store_error(self.path, error) from error

    def append(self, entry: NewEntry, *, now: datetime) -> int | None:
        """Append one fact; returns its id, or None when its key was already logged."""
        with self.transaction():
            return self.insert(entry, now)

    def append_before_acting(self, entry: NewEntry, *, now: datetime) -> int | None:
        """`append`, committed without waiting for the disk, for a record that must precede an
        action (the daemon's "sent" before showing a nudge).

        The commit is then as safe against a killed process as any (the write-ahead log is in
        the kernel's hands); only a power cut before the next synced commit could undo it. In
        exchange the gap between the record and the act shrinks from a disk flush to
        microseconds, and with it the chance that a crash falls in between.
        """
        return self.append_all_before_acting([entry], now=now)[0]

    def append_all_before_acting(
        self, entries: Sequence[NewEntry], *, now: datetime
    ) -> list[int | None]:
        """`append_before_acting` for records that precede several actions (a nudge sent on
        each of its channels), in one transaction: a crash leaves all of them or none."""
        self.db.execute("PRAGMA synchronous = NORMAL")
        try:
            with self.transaction():
                return [self.insert(entry, now) for entry in entries]
        finally:
            self.db.execute("PRAGMA synchronous = FULL")

    def append_many(self, entries: Iterable[NewEntry], *, now: datetime) -> int:
        """Append facts in one transaction (all or none); returns how many were new."""
        with self.transaction():
            return sum(self.insert(entry, now) is not None for entry in entries)

    def person_id(self, name: str) -> int:
        """The id of a person in the log, added on first use (names match case-insensitively)."""
        self.db.execute(
            "INSERT INTO person (name) VALUES (?) ON CONFLICT (name) DO NOTHING", (name,)
        )
        row = self.db.execute("SELECT id FROM person WHERE name = ?", (name,)).fetchone()
        return int(row[0])

    def integrity_problems(self) -> list[str]:
        """What `PRAGMA integrity_check` and the foreign-key check report; empty when healthy."""
        problems = [row[0] for row in self.db.execute("PRAGMA integrity_check")]
        problems = [] if problems == ["ok"] else problems
        dangling = self.db.execute("PRAGMA foreign_key_check").fetchall()
        return problems + [f"a dangling reference in {row[0]}" for row in dangling]

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def insert(self, entry: NewEntry, now: datetime) -> int | None:
        """Append one fact inside a transaction the caller holds (see `transaction`)."""
        person_id = self.person_id(entry.person) if entry.person is not None else None
        cursor = self.db.execute(
            """
            INSERT INTO entry
                (at, recorded_at, person_id, kind, who, source, key, details, supersedes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (key) DO NOTHING
            """,
            (
                to_timestamp(entry.at),
                to_timestamp(now),
                person_id,
                entry.kind,
                entry.who.value,
                entry.source,
                entry.key,
                json.dumps(dict(entry.details), ensure_ascii=False, sort_keys=True),
                entry.supersedes,
            ),
        )
        return cursor.lastrowid if cursor.rowcount == 1 else None

    def _migrate(self) -> None:
        known = len(MIGRATIONS)
        if self.schema_version() == known:
            return
        with self.transaction():
            # Re-read inside the lock: another process may have migrated meanwhile.
            version = self.schema_version()
            if version > known:
                raise StoreError(
                    f"the log at {self.path} was written by a newer nudger (schema {version}, "
                    f"this one knows {known})",
                    hint="upgrade nudger",
                )
            for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
                migration(self.db)
                self.db.execute(f"PRAGMA user_version = {number}")


def to_timestamp(moment: datetime) -> int:
    """The whole second `moment` falls in (the log keeps seconds)."""
    if moment.tzinfo is None:
        raise ValueError("the log stores tz-aware times only")
    return math.floor(moment.timestamp())


def _create_private(path: Path) -> None:
    """Create the log owner-only (SQLite gives -wal and -shm the same mode) if it is missing.

    Never open and close an existing log file here: closing any descriptor of a file drops
    every POSIX lock this process holds on it, including those of its other connections, and
    SQLite relies on them. Another process then takes itself for the last user, checkpoints
    and deletes the write-ahead log under the daemon's feet, and what the daemon commits after
    that goes to a deleted file: invisible to everyone, and lost at a crash.
    """
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _connect(target: str) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions, so ours are exactly the ones we BEGIN.
    connection = sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = FULL")
    return connection


def _use_write_ahead_log(connection: sqlite3.Connection) -> None:
    """Switch a new log to WAL; the mode is stored in the file, so later opens skip this.

    Switching needs an exclusive lock that the busy handler does not always wait for, so two
    processes creating the log at the same moment retry here instead of failing.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
            if mode == "wal":
                return
            connection.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _store_error(path: Path | None, error: sqlite3.Error) -> StoreError:
    text = str(error)
    where = str(path) if path else "the log"
    if "locked" in text or "busy" in text:
        return StoreError(
            f"{where} stayed busy for over {BUSY_TIMEOUT_SECONDS:.0f} s",
            hint="another nudger process holds it; try again",
        )
    if "readonly" in text or "unable to open" in text:
        return StoreError(
            f"cannot write {where}: {text}",
            hint="check the file's permissions, or point NUDGER_DATA_DIR elsewhere",
        )
    if "malformed" in text or "not a database" in text:
        return StoreError(f"{where} is damaged: {text}", hint="restore it from a backup")
    return StoreError(f"{where}: {text}")
