"""`doctor`'s check of the log: there, readable, intact, and of a schema this nudger knows."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from nudger.ops.check import Check, failed, passed


@dataclass(frozen=True, slots=True)
class LogFacts:
    exists: bool
    version: int = 0
    problems: tuple[str, ...] = ()
    error: str | None = None


def log_check(path: Path) -> Check:
    return log_verdict(path, read_log_facts(path))


def read_log_facts(path: Path) -> LogFacts:
    """The log's schema version and integrity, without migrating it or creating a file.

    Opened as every command opens it (read-write, so that closing the last connection cleans
    up the -wal and -shm files as usual; a read-only one would leave them behind), but written
    to by nothing here."""
    from nudger.log.store import Store

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


def log_verdict(path: Path, facts: LogFacts) -> Check:
    from nudger.log.migrations import MIGRATIONS

    known = len(MIGRATIONS)
    aside = f"move it aside (mv {path} {path}.broken) and nudger starts a new one"
    if not facts.exists:
        return passed("log", f"{path} does not exist yet; it is created at first use")
    if facts.error is not None:
        said = "is damaged" if "malformed" in facts.error else "cannot be read"
        return failed(
            "log", f"{path} {said}: {facts.error}", f"restore it from a backup, or {aside}"
        )
    if facts.problems:
        shown = "; ".join(facts.problems[:3]) + (" …" if len(facts.problems) > 3 else "")
        return failed(
            "log",
            f"{path} is damaged: {shown}",
            f"restore it from a backup; or export what is readable (nudger export --out FILE) "
            f"and {aside}",
        )
    if facts.version > known:
        return failed(
            "log",
            f"{path} was written by a newer nudger (schema {facts.version}; this one knows "
            f"{known})",
            "upgrade nudger",
        )
    if facts.version < known:
        return passed(
            "log",
            f"{path} is healthy (schema {facts.version}; the next command that writes it "
            f"upgrades it to {known})",
        )
    return passed("log", f"{path} is healthy (schema {known})")
