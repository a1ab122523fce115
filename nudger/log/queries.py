"""Reading the log: each function is one question, answered with typed rows.

Windows are half-open, `since <= at < until`, in UTC. Counting happens in SQL over the
(person, at, kind, who) index, so a query reads only the person's window, however long the log.
Nothing here formats or decides; `nudger.core.balance` and the CLI do that.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nudger.core.model import MARK_SOURCE, NEITHER, Entry, Who
from nudger.log.store import to_timestamp


@dataclass(frozen=True, slots=True)
class Count:
    """How many entries of one kind, by one side, fall in a window."""

    kind: str
    who: Who
    count: int


_DAY = 86400
_SIDES = (Who.ME, Who.THEM, Who.UNKNOWN)
_WHOLE_DAYS = (
    "SELECT ?, kind, me, them, unknown FROM day_tally WHERE person_id = ? AND day >= ? AND day < ?"
)
# An entry a later one corrects no longer counts (the tally already leaves it out).
_CURRENT = "NOT EXISTS (SELECT 1 FROM entry AS later WHERE later.supersedes = entry.key)"
_PARTIAL_DAY = (
    "SELECT ?, kind, who = 'me', who = 'them', who = 'unknown' FROM entry"
    " WHERE person_id = ? AND at >= ? AND at < ?"
    " AND NOT EXISTS (SELECT 1 FROM entry AS later WHERE later.supersedes = entry.key)"
)
# The channel an entry came by: the one an import or `log --channel` wrote in its details;
# "calendar" for an entry seen in a calendar (its source is `calendar:NAME`, and a correction
# keeps the details that name the calendar); else "unknown" (hand-logged without --channel),
# never a guess.
CHANNEL = (
    "coalesce(json_extract(entry.details, '$.channel'), CASE WHEN"
    " substr(entry.source, 1, 9) = 'calendar:'"
    " OR json_extract(entry.details, '$.calendar') IS NOT NULL THEN 'calendar' ELSE 'unknown' END)"
)


@dataclass(frozen=True, slots=True)
class ChannelCount:
    """How many initiations of one kind, by one channel and side, fall in a window."""

    kind: str
    channel: str
    who: Who
    count: int


def _only(channels: Sequence[str]) -> tuple[str, list[str]]:
    """The condition keeping only entries of `channels` (none: every channel), and its values."""
    if not channels:
        return "", []
    return f" AND {CHANNEL} IN ({', '.join('?' for _ in channels)})", list(channels)


def bound(moment: datetime) -> int:
    """A window edge in the log's whole seconds.

    Entries keep the second they happened in (rounded down), so an edge rounds up: an entry
    logged at 12:00:00.7 is inside a window that ends at 12:00:00.9, as it happened before it.
    """
    return math.ceil(moment.timestamp())


def from_timestamp(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def person_id(db: sqlite3.Connection, name: str) -> int | None:
    """The log's id for a person (case-insensitive), or None if nothing was logged for them."""
    row = db.execute("SELECT id FROM person WHERE name = ?", (name,)).fetchone()
    return None if row is None else int(row[0])


def logged_people(db: sqlite3.Connection) -> list[str]:
    """Everyone the log has entries for, including people no longer tracked."""
    return [row[0] for row in db.execute("SELECT name FROM person ORDER BY name")]


def counts(
    db: sqlite3.Connection,
    person: int,
    windows: Sequence[tuple[datetime, datetime]],
    channels: Sequence[str] = (),
) -> list[list[Count]]:
    """Entries per (kind, who) for one person in each [since, until) window, in one query.

    Whole UTC days come from `day_tally`; the partial days at a window's edges are counted from
    the entries themselves, so the answer is exact for any edge and costs a row per day and
    kind rather than a row per entry. The tally knows no channel, so with `channels` every
    entry of the window is read.
    """
    branches: list[str] = []
    parameters: list[object] = []
    only, values = _only(channels)
    for number, (since, until) in enumerate(windows):
        start, end = bound(since), bound(until)
        first_day, last_day = -(-start // _DAY), end // _DAY
        if first_day >= last_day or channels:  # no whole day inside: count the entries
            edges = [(start, end)]
        else:
            edges = [(start, first_day * _DAY), (last_day * _DAY, end)]
            branches.append(_WHOLE_DAYS)
            parameters += [number, person, first_day, last_day]
        for edge_start, edge_end in edges:
            branches.append(_PARTIAL_DAY + only)
            parameters += [number, person, edge_start, edge_end, *values]
    found: list[list[Count]] = [[] for _ in windows]
    if not branches:
        return found
    rows = db.execute(
        f"WITH part (w, kind, me, them, unknown) AS ({' UNION ALL '.join(branches)})"  # noqa: S608
        " SELECT w, kind, sum(me), sum(them), sum(unknown) FROM part GROUP BY w, kind",
        parameters,
    )
    for number, kind, *by_side in rows:
        for who, n in zip(_SIDES, by_side, strict=True):
            if n:
                found[number].append(Count(kind, who, int(n)))
    return found


def initiations_after(
    db: sqlite3.Connection,
    person: int,
    kinds: Sequence[str],
    who: Who,
    after: datetime | None,
    until: datetime,
    channels: Sequence[str] = (),
) -> int:
    """How many times `who` initiated with this person after `after` (exclusive), before
    `until` (by `channels`, when given)."""
    marks = ", ".join("?" for _ in kinds)
    floor = -(2**62) if after is None else to_timestamp(after) + 1
    only, values = _only(channels)
    row = db.execute(
        f"""
        SELECT count(*) FROM entry
        WHERE person_id = ? AND at >= ? AND at < ? AND kind IN ({marks}) AND who = ?
          AND {_CURRENT}{only}
        """,  # noqa: S608 - only placeholders and constants are interpolated
        (person, floor, bound(until), *kinds, who.value, *values),
    ).fetchone()
    return int(row[0])


def last_initiation(
    db: sqlite3.Connection,
    person: int,
    kinds: Sequence[str],
    who: Who,
    until: datetime,
    channels: Sequence[str] = (),
) -> datetime | None:
    """When `who` last initiated with this person before `until` (by `channels`, when given)."""
    marks = ", ".join("?" for _ in kinds)
    only, values = _only(channels)
    row = db.execute(
        f"""
        SELECT max(at) FROM entry
        WHERE person_id = ? AND at < ? AND kind IN ({marks}) AND who = ? AND {_CURRENT}{only}
        """,  # noqa: S608 - only placeholders and constants are interpolated
        (person, bound(until), *kinds, who.value, *values),
    ).fetchone()
    return None if row[0] is None else from_timestamp(int(row[0]))


def channel_counts(
    db: sqlite3.Connection,
    person: int,
    kinds: Sequence[str],
    since: datetime,
    until: datetime,
    channels: Sequence[str] = (),
) -> list[ChannelCount]:
    """Current entries of `kinds` in [since, until) per (kind, channel, who): the balance's
    split by channel. Kind is in the person's index, so only those entries are read; plans
    settled as neither side's are no initiation (as `settled_neither` finds them).

    Whole UTC days come from `channel_tally`, the edges from the entries, as `counts` does; a
    log holding corrections is read entry by entry (the tally cannot tell a plan settled as
    neither side's from one of unknown side), which most logs never are."""
    marks = ", ".join("?" for _ in kinds)
    only, values = _only(channels)
    start, end = bound(since), bound(until)
    first_day, last_day = -(-start // _DAY), end // _DAY
    if channels or first_day >= last_day or _any_key(db, f"{MARK_SOURCE}:"):
        first_day = last_day = end // _DAY
        edges = [(start, end)]
    else:
        edges = [(start, first_day * _DAY), (last_day * _DAY, end)]
    branches = [
        f"SELECT kind, channel, me, them, unknown FROM channel_tally WHERE person_id = ?"  # noqa: S608
        f" AND day >= ? AND day < ? AND kind IN ({marks})"
    ]
    parameters: list[object] = [person, first_day, last_day, *kinds]
    for edge_start, edge_end in edges:
        branches.append(
            f"SELECT kind, {CHANNEL}, who = 'me', who = 'them', who = 'unknown' FROM entry"  # noqa: S608
            f" WHERE person_id = ? AND at >= ? AND at < ? AND kind IN ({marks}) AND {_CURRENT}"
            f"{only} AND NOT (who = 'unknown' AND source = ?"
            " AND json_extract(details, '$.settled') IS ?)"
        )
        parameters += [person, edge_start, edge_end, *kinds, *values, MARK_SOURCE, NEITHER]
    rows = db.execute(
        "SELECT kind, channel, sum(me), sum(them), sum(unknown) FROM ("  # noqa: S608
        + " UNION ALL ".join(branches)
        + ") GROUP BY 1, 2",  # the first branch names the columns
        parameters,
    )
    return [
        ChannelCount(str(kind), str(channel), who, int(n))
        for kind, channel, *sides in rows
        for who, n in zip(_SIDES, sides, strict=True)
        if n
    ]


def channels_logged(db: sqlite3.Connection) -> set[str]:
    """Every channel the log's entries came by (`--channel` is checked against them)."""
    return {str(row[0]) for row in db.execute(f"SELECT DISTINCT {CHANNEL} FROM entry")}  # noqa: S608


def settled_neither(
    db: sqlite3.Connection,
    person: int,
    kinds: Sequence[str],
    since: datetime,
    until: datetime,
    channels: Sequence[str] = (),
) -> list[tuple[str, datetime]]:
    """The kind and time of each current entry of `kinds` in [since, until) that was settled as
    neither side's (`nudger.core.model.settled_unknown`, in SQL): the balance takes them out
    of the unknown side. Only corrections carry that mark, so only they are read."""
    if not _any_key(db, f"{MARK_SOURCE}:"):  # most logs hold no correction at all
        return []
    marks = ", ".join("?" for _ in kinds)
    only, values = _only(channels)
    rows = db.execute(
        f"""
        SELECT kind, at FROM entry
        WHERE person_id = ? AND at >= ? AND at < ? AND kind IN ({marks}) AND who = 'unknown'
          AND source = ? AND json_extract(details, '$.settled') = ? AND {_CURRENT}{only}
        """,  # noqa: S608 - only placeholders and constants are interpolated
        (person, bound(since), bound(until), *kinds, MARK_SOURCE, NEITHER, *values),
    )
    return [(str(kind), from_timestamp(int(at))) for kind, at in rows]


def any_unknown_calendar_plan(db: sqlite3.Connection, since: datetime, until: datetime) -> bool:
    """Whether a plan of unknown side seen in a calendar (or a correction of one) stands in
    [since, until): only those can `plans review` settle, so without one nothing reads the
    sync state to count them. A plan's key starts with `calendar:` or `mark:`, and the key's
    index is the one to walk (`+` keeps SQLite off the others): plans of unknown side are few
    among the entries of a window."""
    return any(
        db.execute(
            f"""
            SELECT 1 FROM entry
            WHERE key >= ? AND key < ? AND +kind = 'plan' AND +who = 'unknown'
              AND +at >= ? AND +at < ? AND {_CURRENT} LIMIT 1
            """,  # noqa: S608 - only a constant is interpolated
            (prefix, key_after(prefix), bound(since), bound(until)),
        ).fetchone()
        for prefix in ("calendar:", f"{MARK_SOURCE}:")
    )


def _any_key(db: sqlite3.Connection, prefix: str) -> bool:
    """Whether any entry's key starts with `prefix` (one step down the key's index)."""
    found = db.execute(
        "SELECT 1 FROM entry WHERE key >= ? AND key < ? LIMIT 1", (prefix, key_after(prefix))
    ).fetchone()
    return found is not None


def key_after(prefix: str) -> str:
    """The first string after every string starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def entries(
    db: sqlite3.Connection,
    *,
    person: int | None = None,
    kinds: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """Entries matching every given filter, oldest first; with `limit`, the newest `limit`."""
    condition, parameters = _filters(person, kinds, since, until)
    newest = f"ORDER BY entry.at DESC, entry.id DESC LIMIT {int(limit)}" if limit else ""
    rows = db.execute(
        f"""
        SELECT * FROM (
            SELECT entry.id, entry.at, entry.recorded_at, person.name, entry.kind, entry.who,
                   entry.source, entry.key, entry.details, entry.supersedes,
                   (SELECT later.key FROM entry AS later WHERE later.supersedes = entry.key)
            FROM entry LEFT JOIN person ON person.id = entry.person_id
            {condition} {newest}
        ) ORDER BY at, id
        """,  # noqa: S608 - only placeholders and a checked integer are interpolated
        parameters,
    )
    return [entry_from_row(row) for row in rows]


def entry(db: sqlite3.Connection, entry_id: int) -> Entry | None:
    """The entry with this id (as `history` shows it), or None."""
    row = db.execute(
        """
        SELECT entry.id, entry.at, entry.recorded_at, person.name, entry.kind, entry.who,
               entry.source, entry.key, entry.details, entry.supersedes,
               (SELECT later.key FROM entry AS later WHERE later.supersedes = entry.key)
        FROM entry LEFT JOIN person ON person.id = entry.person_id
        WHERE entry.id = ?
        """,
        (entry_id,),
    ).fetchone()
    return None if row is None else entry_from_row(row)


def count_entries(
    db: sqlite3.Connection,
    *,
    person: int | None = None,
    kinds: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """How many entries `entries` would give for the same filters without a limit."""
    condition, parameters = _filters(person, kinds, since, until)
    query = f"SELECT count(*) FROM entry {condition}"  # noqa: S608 - placeholders only
    return int(db.execute(query, parameters).fetchone()[0])


def _filters(
    person: int | None, kinds: Sequence[str], since: datetime | None, until: datetime | None
) -> tuple[str, list[object]]:
    """The WHERE clause and its parameters for the filters `entries` and `count_entries` take."""
    where: list[str] = []
    parameters: list[object] = []
    if person is not None:
        where.append("entry.person_id = ?")
        parameters.append(person)
    if kinds:
        where.append(f"entry.kind IN ({', '.join('?' for _ in kinds)})")
        parameters.extend(kinds)
    if since is not None:
        where.append("entry.at >= ?")
        parameters.append(bound(since))
    if until is not None:
        where.append("entry.at < ?")
        parameters.append(bound(until))
    return (f"WHERE {' AND '.join(where)}" if where else ""), parameters


def entry_from_row(row: Sequence[Any]) -> Entry:
    """An entry from a row of `entry` joined with its person's name, in the column order
    `entries` selects (id, at, recorded_at, name, kind, who, source, key, details, supersedes,
    and the key of the entry that supersedes it, if one does)."""
    return Entry(
        id=row[0],
        at=from_timestamp(row[1]),
        recorded_at=from_timestamp(row[2]),
        person=row[3],
        kind=row[4],
        who=Who(row[5]),
        source=row[6],
        key=row[7],
        details=json.loads(row[8]),
        supersedes=row[9],
        superseded=row[10] is not None,
        superseded_by=row[10],
    )
