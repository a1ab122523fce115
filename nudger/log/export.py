"""The user's data leaving the log: all of it exported (`nudger export`), or one person's erased
(`nudger forget`).

Export streams: entries are read from one SQLite statement (a consistent snapshot, in the order
of the `at` index, so no sort is built) and written one at a time, so a log of millions of entries
never sits in memory as a list. Each entry is written as `history --json` shows it
(`Entry.to_json`): JSON is an array of those objects, one a line; CSV is one row an entry with
`details` as JSON text. A file is written owner-only (0600 from its creation) and appears whole,
under its name, only once complete.

Forgetting deletes rows from a log that is otherwise append-only. The schema only forbids
UPDATE (`entry_is_append_only`); DELETE is allowed and keeps the per-day tallies right through
`entry_tally_delete`. The person's tallies are dropped first, so that trigger finds nothing to
adjust for a whole person, then their entries, then their row in `person`, and the calendar
plans that sync stored because they named them. `secure_delete` overwrites what was deleted,
and a checkpoint empties the write-ahead log, so the text does not linger in the file's free
pages.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from nudger.core.model import Entry
from nudger.errors import UsageError
from nudger.log import sync_state
from nudger.log.queries import entry_from_row

if TYPE_CHECKING:
    from nudger.core.detect import Tracked
    from nudger.log.store import Store

Format = Literal["json", "csv"]
COLUMNS = (
    "id",
    "at",
    "recorded_at",
    "person",
    "kind",
    "who",
    "source",
    "key",
    "details",
    "supersedes",
    "superseded",
    "superseded_by",
)
_ENTRIES = """
    SELECT entry.id, entry.at, entry.recorded_at, person.name, entry.kind, entry.who,
           entry.source, entry.key, entry.details, entry.supersedes,
           (SELECT later.key FROM entry AS later WHERE later.supersedes = entry.key)
    FROM entry LEFT JOIN person ON person.id = entry.person_id
    ORDER BY entry.at, entry.id
"""
CHECKPOINT_WAIT_MS = 2000  # for the checkpoint after forgetting; a busy daemon may delay it


# --- export -----------------------------------------------------------------------------------


def entries(db: sqlite3.Connection) -> Iterator[Entry]:
    """Every entry, oldest first, read one at a time."""
    for row in db.execute(_ENTRIES):
        yield entry_from_row(row)


def write_json(found: Iterable[Entry], out: TextIO) -> int:
    """A JSON array, one entry a line (so `grep` works on it too); returns how many."""
    count = 0
    out.write("[")
    for entry in found:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(entry.to_json(), ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


def write_csv(found: Iterable[Entry], out: TextIO) -> int:
    """A header row, then one row an entry: `details` as JSON text, `superseded` as true or
    false, an absent person, supersedes or superseded_by as an empty field; returns how many."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for entry in found:
        data = entry.to_json()
        data["details"] = json.dumps(data["details"], ensure_ascii=False, sort_keys=True)
        data["superseded"] = "true" if entry.superseded else "false"
        writer.writerow("" if data[column] is None else data[column] for column in COLUMNS)
        count += 1
    return count


def write(db: sqlite3.Connection, kind: Format, out: TextIO) -> int:
    """The whole log to `out` in the format `kind`; returns how many entries were written."""
    return (write_json if kind == "json" else write_csv)(entries(db), out)


@contextmanager
def private_output(path: Path) -> Iterator[TextIO]:
    """A text file to stream into that replaces `path` once the block ends without error:
    created 0600 (never readable by others, not even for a moment), fsynced, then renamed over
    `path`; after an error nothing is left behind and an older `path` is kept as it was."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder", hint="give a file name: --out FILE")
    if not path.parent.is_dir():
        raise UsageError(
            f"the folder {path.parent} does not exist", hint="create it first, or pick another"
        )
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)  # a leftover of a crash; O_EXCL below refuses symlinks
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise UsageError(f"cannot write in {path.parent}: {error.strerror}") from error
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# --- forget -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Footprint:
    """What the log holds about one person: their entries, the stored calendar plans that name
    only them (deleted with them), and those that also name someone still tracked (kept: they
    are that person's plans too, and sync needs them to notice changes)."""

    entries: int
    plans: int
    shared_plans: int

    @property
    def empty(self) -> bool:
        return not self.entries and not self.plans


# Their own entries, and any without a person that is about them (a nudge record names its
# person in `details.nudge.person`; today every such record also carries the person).
_THEIR_ENTRIES = """
    (entry.person_id = (SELECT id FROM person WHERE name = :name)
     OR (entry.person_id IS NULL AND json_extract(entry.details, '$.nudge.person') = :name
         COLLATE NOCASE))
"""


def footprint(db: sqlite3.Connection, subject: Tracked, others: Sequence[Tracked]) -> Footprint:
    """What `forget` would delete for `subject`; `others` are the people still tracked."""
    (count,) = db.execute(
        f"SELECT count(*) FROM entry WHERE {_THEIR_ENTRIES}",  # noqa: S608 - a constant
        {"name": subject.name},
    ).fetchone()
    only, shared = _stored_plans(db, subject, others)
    return Footprint(int(count), len(only), shared)


def forget(store: Store, subject: Tracked, others: Sequence[Tracked]) -> Footprint:
    """Delete everything the log holds about `subject`, in one transaction; returns what went.

    The caller stops tracking them first: a tracked person's plans would come back at the next
    sync, and a nudge already shown to them could be planned (and shown) again.
    """
    db = store.db
    db.execute("PRAGMA secure_delete = ON")  # zero what is deleted, not just unlink it
    with store.transaction():
        only, shared = _stored_plans(db, subject, others)
        row = db.execute("SELECT id FROM person WHERE name = ?", (subject.name,)).fetchone()
        if row is not None:
            db.execute("DELETE FROM day_tally WHERE person_id = ?", (row[0],))
            db.execute("DELETE FROM channel_tally WHERE person_id = ?", (row[0],))
        deleted = db.execute(
            f"DELETE FROM entry WHERE {_THEIR_ENTRIES}",  # noqa: S608 - a constant
            {"name": subject.name},
        ).rowcount
        if row is not None:
            db.execute("DELETE FROM person WHERE id = ?", (row[0],))
        sync_state.drop_resources(db, only)
    _checkpoint(db)
    return Footprint(deleted, len(only), shared)


def _stored_plans(
    db: sqlite3.Connection, subject: Tracked, others: Sequence[Tracked]
) -> tuple[list[tuple[str, str]], int]:
    """The stored calendar resources (source, resource) that name only `subject`, and how
    many name them and someone in `others` as well."""
    from nudger.core.detect import Rules, involved

    theirs = Rules(me=frozenset(), people=(subject,))
    rest = Rules(me=frozenset(), people=tuple(others))
    only: list[tuple[str, str]] = []
    shared = 0
    for stored in sync_state.stored_resources(db):
        if not any(involved(instance, theirs) for instance in stored.instances):
            continue
        if any(involved(instance, rest) for instance in stored.instances):
            shared += 1
        else:
            only.append((stored.source, stored.resource))
    return only, shared


def _checkpoint(db: sqlite3.Connection) -> None:
    """Copy the write-ahead log into the file and empty it, so the deleted rows' old pages go
    too; a reader that holds an old snapshot (a daemon mid-sync) may keep it from finishing,
    which leaves them to be overwritten by later writes."""
    db.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
    with suppress(sqlite3.Error):
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def subject_from(name: str, emails: Iterable[str] = (), aliases: Iterable[str] = ()) -> Tracked:
    """Whom to forget as detection sees people: the name and the words and addresses that
    name them in a stored calendar plan."""
    from nudger.core.detect import Tracked

    return Tracked(name, frozenset(emails), (name, *aliases))


def describe(footprint_: Footprint) -> str:
    """`123 entries and 4 stored calendar plans`, for the prompt and the report."""
    parts = [f"{footprint_.entries} {'entry' if footprint_.entries == 1 else 'entries'}"]
    if footprint_.plans:
        parts.append(
            f"{footprint_.plans} stored calendar {'plan' if footprint_.plans == 1 else 'plans'}"
        )
    return " and ".join(parts)
