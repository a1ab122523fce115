"""What the log keeps of imports besides their facts: the spans each import covered per chat
and the watched folder's files already read. The queries and writes for `nudger.imports`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from nudger.core.conversations import Span
from nudger.log.store import to_timestamp


def spans(db: sqlite3.Connection, chat: str) -> list[Span]:
    """What earlier imports of `chat` (a digest) covered."""
    rows = db.execute("SELECT first_at, last_at FROM import_span WHERE chat = ?", (chat,))
    return [Span(_moment(first), _moment(last)) for first, last in rows]


def add_span(db: sqlite3.Connection, chat: str, span: Span) -> None:
    """Record what an import covered, inside the caller's transaction."""
    db.execute(
        "INSERT INTO import_span (chat, first_at, last_at) VALUES (?, ?, ?)",
        (chat, to_timestamp(span.first), to_timestamp(span.last)),
    )


def known_keys(db: sqlite3.Connection, keys: Iterable[str]) -> set[str]:
    """Which of `keys` the log holds already."""
    wanted = list(keys)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(f"SELECT key FROM entry WHERE key IN ({marks})", chunk)  # noqa: S608
        found.update(row[0] for row in rows)
    return found


def seen_files(db: sqlite3.Connection) -> set[tuple[str, int, int]]:
    """The (path, size, mtime_ns) of every file version the watched folder's passes read."""
    return {
        (path, size, mtime)
        for path, size, mtime in db.execute("SELECT path, size, mtime_ns FROM import_file")
    }


def record_file(
    db: sqlite3.Connection, path: str, size: int, mtime_ns: int, outcome: str, at: datetime
) -> None:
    """Remember a file version as read, with what came of it (in the caller's transaction, or
    alone: this statement is then its own)."""
    db.execute(
        "INSERT OR REPLACE INTO import_file (path, size, mtime_ns, outcome, at)"
        " VALUES (?, ?, ?, ?, ?)",
        (path, size, mtime_ns, outcome, to_timestamp(at)),
    )


def _moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
