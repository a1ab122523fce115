"""How the log file is, found without migrating it or creating it: `doctor` decides from this.

Here, not in `nudger.ops`, because finding out means speaking SQLite (opening the file, reading
its schema version, running the integrity checks), and only the log package does.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from nudger.log.store import Store


@dataclass(frozen=True, slots=True)
class LogFacts:
    """The log's state: whether it exists, its schema version, what the integrity checks
    reported, or the error that kept it from being read at all."""

    exists: bool
    version: int = 0
    problems: tuple[str, ...] = ()
    error: str | None = None


def read_log_facts(path: Path) -> LogFacts:
    """The log's schema version and integrity, without migrating it or creating a file.

    Opened as every command opens it (read-write, so that closing the last connection cleans
    up the -wal and -shm files as usual; a read-only one would leave them behind), but written
    to by nothing here."""
    if not path.exists():
        return LogFacts(exists=False)
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True)
    except sqlite3.Error as error:
        return LogFacts(exists=True, error=str(error))
    store = Store(connection, path)
    try:
        version = store.schema_version()
        problems = tuple(store.integrity_problems())
    except sqlite3.Error as error:
        return LogFacts(exists=True, error=str(error))
    finally:
        store.close()
    return LogFacts(exists=True, version=version, problems=problems)


def read_own_addresses(path: Path) -> dict[str, tuple[str, ...] | None]:
    """What each source that synced says of who I am (`sync_state.own_addresses`), read as
    `read_log_facts` reads the log: without migrating or creating it. Nothing when there is no
    log, or one this nudger cannot read (`doctor`'s log check says why)."""
    from nudger.log import sync_state

    if not path.exists():
        return {}
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True)
    except sqlite3.Error:
        return {}
    try:
        return sync_state.own_addresses(connection)
    except sqlite3.Error:  # a log from before the column, or a damaged one
        return {}
    finally:
        connection.close()
