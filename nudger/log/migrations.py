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
            details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
            supersedes TEXT REFERENCES entry(key)
        )
        """
    )
    # The log is append-only, so a correction ("that plan was their idea", from `plans mark`)
    # is a new entry naming the one it replaces. Counting skips a replaced entry; an entry is
    # replaced at most once (a later correction replaces the correction).
    db.execute(
        "CREATE UNIQUE INDEX entry_by_supersedes ON entry (supersedes) WHERE supersedes IS NOT NULL"
    )
    # Covers the balance queries: a person's window is one index range with kind and who in it.
    db.execute("CREATE INDEX entry_by_person_time ON entry (person_id, at, kind, who)")
    db.execute("CREATE INDEX entry_by_time ON entry (at)")
    # Per-person, per-UTC-day counts by kind and side (the day is floor(at / 86400)), kept by
    # triggers, so a window's counts cost a row per day and kind rather than one per entry and
    # `balance` stays fast on a log of millions. Partial days at a window's edges are counted
    # from `entry` itself.
    db.execute(
        """
        CREATE TABLE day_tally (
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            day INTEGER NOT NULL,
            kind TEXT NOT NULL,
            me INTEGER NOT NULL DEFAULT 0,
            them INTEGER NOT NULL DEFAULT 0,
            unknown INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (person_id, day, kind)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TRIGGER entry_tally_insert AFTER INSERT ON entry
        WHEN new.person_id IS NOT NULL
        BEGIN
            INSERT INTO day_tally (person_id, day, kind, me, them, unknown)
            VALUES (new.person_id, (new.at - (new.at < 0) * 86399) / 86400, new.kind,
                    new.who = 'me', new.who = 'them', new.who = 'unknown')
            ON CONFLICT (person_id, day, kind) DO UPDATE SET
                me = me + excluded.me,
                them = them + excluded.them,
                unknown = unknown + excluded.unknown;
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER entry_tally_supersede AFTER INSERT ON entry
        WHEN new.supersedes IS NOT NULL
        BEGIN
            UPDATE day_tally SET
                me = me - (replaced.who = 'me'),
                them = them - (replaced.who = 'them'),
                unknown = unknown - (replaced.who = 'unknown')
            FROM (SELECT person_id, at, kind, who FROM entry WHERE key = new.supersedes) AS replaced
            WHERE day_tally.person_id = replaced.person_id AND day_tally.kind = replaced.kind
              AND day_tally.day = (replaced.at - (replaced.at < 0) * 86399) / 86400;
            DELETE FROM day_tally
            WHERE (person_id, day, kind) = (
                SELECT person_id, (at - (at < 0) * 86399) / 86400, kind
                FROM entry WHERE key = new.supersedes
            ) AND me = 0 AND them = 0 AND unknown = 0;
        END
        """
    )
    # A replaced entry is already out of the tally: deleting it must not take it out twice.
    db.execute(
        """
        CREATE TRIGGER entry_tally_delete AFTER DELETE ON entry
        WHEN old.person_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM entry WHERE supersedes = old.key)
        BEGIN
            UPDATE day_tally SET
                me = me - (old.who = 'me'),
                them = them - (old.who = 'them'),
                unknown = unknown - (old.who = 'unknown')
            WHERE person_id = old.person_id AND kind = old.kind
              AND day = (old.at - (old.at < 0) * 86399) / 86400;
            DELETE FROM day_tally
            WHERE person_id = old.person_id AND kind = old.kind
              AND day = (old.at - (old.at < 0) * 86399) / 86400
              AND me = 0 AND them = 0 AND unknown = 0;
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER entry_is_append_only BEFORE UPDATE ON entry
        BEGIN
            SELECT RAISE(ABORT, 'the log is append-only: add an entry instead');
        END
        """
    )


def m002_calendar_state(db: sqlite3.Connection) -> None:
    # What each source last showed, so a sync can tell what changed: not facts (those are
    # entries) but the calendar's current shape. Only resources involving tracked people are
    # kept; `fingerprint` records the people and window they were chosen by, so a change there
    # makes the next sync read the source whole.
    db.execute(
        """
        CREATE TABLE source_state (
            source TEXT PRIMARY KEY,
            cursor TEXT,
            fingerprint TEXT,
            last_attempt INTEGER,
            last_success INTEGER,
            outcome TEXT,
            message TEXT,
            failures INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute(
        """
        CREATE TABLE resource_state (
            source TEXT NOT NULL,
            resource TEXT NOT NULL,
            instances TEXT NOT NULL CHECK (json_valid(instances)),
            PRIMARY KEY (source, resource)
        ) WITHOUT ROWID
        """
    )


def m003_own_addresses(db: sqlite3.Connection) -> None:
    # What each source says of who "self" is (`Changes.own_addresses`): a JSON list of my
    # addresses, [] for a source that marks my entries but named no address yet, NULL for one
    # that cannot tell (or that has not synced since this column came).
    db.execute("ALTER TABLE source_state ADD COLUMN own_addresses TEXT")


def m004_import_coverage(db: sqlite3.Connection) -> None:
    # What each import of a chat export covered, per chat: the time of its first and last
    # message there, which decides a later file's first message (`nudger.core.conversations`).
    # `chat` is a digest of the format and the export's chat id (which may be a phone number):
    # no number or title is kept.
    db.execute(
        """
        CREATE TABLE import_span (
            chat TEXT NOT NULL,
            first_at INTEGER NOT NULL,
            last_at INTEGER NOT NULL CHECK (last_at >= first_at)
        )
        """
    )
    db.execute("CREATE INDEX import_span_by_chat ON import_span (chat)")


def m005_import_files(db: sqlite3.Connection) -> None:
    # The files the daemon found in the watched folder (`nudger.imports.watch`), each version
    # once: a file is read again only when its size or modification time changes. `outcome` is
    # "ok: <summary>" or "failed: <message>".
    db.execute(
        """
        CREATE TABLE import_file (
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY (path, size, mtime_ns)
        ) WITHOUT ROWID
        """
    )


def _channel(row: str) -> str:
    """The channel of an entry row (`new`, `old`, an alias) as `nudger.log.queries.CHANNEL`
    computes it: written here, not imported, because a migration is history and must not change
    when the query does (tests/log/test_channel_tally.py holds the two equal)."""
    return (
        f"coalesce(json_extract({row}.details, '$.channel'), CASE WHEN"
        f" substr({row}.source, 1, 9) = 'calendar:'"
        f" OR json_extract({row}.details, '$.calendar') IS NOT NULL"
        " THEN 'calendar' ELSE 'unknown' END)"
    )


def m006_channel_tally(db: sqlite3.Connection) -> None:
    # `day_tally` split by channel as well (the balance's `by_channel`), kept by the same kind
    # of triggers, so the split costs a row per day, kind and channel rather than one JSON read
    # per entry. Filled once from the entries that stand (not superseded).
    day = "({row}.at - ({row}.at < 0) * 86399) / 86400"
    db.execute(
        """
        CREATE TABLE channel_tally (
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            day INTEGER NOT NULL,
            kind TEXT NOT NULL,
            channel TEXT NOT NULL,
            me INTEGER NOT NULL DEFAULT 0,
            them INTEGER NOT NULL DEFAULT 0,
            unknown INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (person_id, day, kind, channel)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        f"""
        INSERT INTO channel_tally (person_id, day, kind, channel, me, them, unknown)
        SELECT person_id, {day.format(row="entry")}, kind, {_channel("entry")},
               sum(who = 'me'), sum(who = 'them'), sum(who = 'unknown')
        FROM entry
        WHERE person_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM entry AS later WHERE later.supersedes = entry.key)
        GROUP BY 1, 2, 3, 4
        """  # noqa: S608 - only constants are interpolated
    )
    db.execute(
        f"""
        CREATE TRIGGER entry_channel_tally_insert AFTER INSERT ON entry
        WHEN new.person_id IS NOT NULL
        BEGIN
            INSERT INTO channel_tally (person_id, day, kind, channel, me, them, unknown)
            VALUES (new.person_id, {day.format(row="new")}, new.kind, {_channel("new")},
                    new.who = 'me', new.who = 'them', new.who = 'unknown')
            ON CONFLICT (person_id, day, kind, channel) DO UPDATE SET
                me = me + excluded.me,
                them = them + excluded.them,
                unknown = unknown + excluded.unknown;
        END
        """  # noqa: S608 - only constants are interpolated
    )
    _channel_tally_minus(db, "supersede", "new.supersedes IS NOT NULL", "key = new.supersedes")
    # A replaced entry is already out of the tally: deleting it must not take it out twice.
    _channel_tally_minus(
        db,
        "delete",
        "old.person_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM entry WHERE supersedes = old.key)",
        "rowid = old.rowid",
        event="AFTER DELETE",
    )


def _channel_tally_minus(
    db: sqlite3.Connection, name: str, when: str, which: str, *, event: str = "AFTER INSERT"
) -> None:
    """A trigger taking one entry (`which`, found in `entry`, or `old` once deleted) out of
    `channel_tally`, and the row it leaves empty."""
    row = "old" if event == "AFTER DELETE" else "gone"
    source = "" if row == "old" else f", (SELECT * FROM entry WHERE {which}) AS gone"  # noqa: S608
    day = f"({row}.at - ({row}.at < 0) * 86399) / 86400"
    db.execute(
        f"""
        CREATE TRIGGER entry_channel_tally_{name} {event} ON entry
        WHEN {when}
        BEGIN
            UPDATE channel_tally SET
                me = me - ({row}.who = 'me'),
                them = them - ({row}.who = 'them'),
                unknown = unknown - ({row}.who = 'unknown')
            FROM (SELECT 1){source}
            WHERE channel_tally.person_id = {row}.person_id AND channel_tally.kind = {row}.kind
              AND channel_tally.day = {day} AND channel_tally.channel = {_channel(row)};
            DELETE FROM channel_tally
            WHERE me = 0 AND them = 0 AND unknown = 0 AND (person_id, day, kind, channel) IN (
                SELECT {row}.person_id, {day}, {row}.kind, {_channel(row)}
                FROM (SELECT 1){source}
            );
        END
        """  # noqa: S608 - only constants are interpolated
    )


MIGRATIONS: tuple[Migration, ...] = (
    m001_people_and_entries,
    m002_calendar_state,
    m003_own_addresses,
    m004_import_coverage,
    m005_import_files,
    m006_channel_tally,
)
