"""What the log keeps of imports besides their facts: the spans each import covered per chat,
and which files of the watched folder were read. The queries and writes for `nudger.imports`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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


@dataclass(frozen=True, slots=True)
class FileSeen:
    """A watched file as last read: its size and modification time then, and how it went."""

    size: int
    mtime_ns: int
    ok: bool
    message: str


def file_seen(db: sqlite3.Connection, path: Path) -> FileSeen | None:
    row = db.execute(
        "SELECT size, mtime_ns, ok, message FROM import_file WHERE path = ?", (str(path),)
    ).fetchone()
    return None if row is None else FileSeen(int(row[0]), int(row[1]), bool(row[2]), row[3])


def record_file(db: sqlite3.Connection, path: Path, seen: FileSeen, now: datetime) -> None:
    """Remember having read `path` as it was (not a fact: state, replaced on the next read)."""
    db.execute(
        """
        INSERT INTO import_file (path, size, mtime_ns, at, ok, message) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
            at = excluded.at, ok = excluded.ok, message = excluded.message
        """,
        (str(path), seen.size, seen.mtime_ns, to_timestamp(now), int(seen.ok), seen.message),
    )


def _moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
