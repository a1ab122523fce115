"""The log: schema, idempotent appends, the append-only rule, and exact window counts."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nudger.core.model import NewEntry, Who
from nudger.errors import StoreError
from nudger.log import queries
from nudger.log.migrations import MIGRATIONS
from nudger.log.store import Store

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def entry(
    key: str, at: datetime, *, person: str | None = "Alex", kind: str = "message", who: Who = Who.ME
) -> NewEntry:
    return NewEntry(at=at, kind=kind, who=who, source="test", key=key, person=person)


def test_a_new_log_is_private_in_wal_mode_and_fully_migrated(tmp_path: Path) -> None:
    path = tmp_path / "data" / "log.sqlite3"
    with Store.open(path) as store:
        assert store.schema_version() == len(MIGRATIONS)
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.integrity_problems() == []
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_appending_the_same_key_twice_adds_one_entry(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        first = store.append(entry("k1", NOW), now=NOW)
        again = store.append(entry("k1", NOW - timedelta(days=1)), now=NOW)
        assert first is not None
        assert again is None
        assert store.append_many([entry("k1", NOW), entry("k2", NOW)], now=NOW) == 1
        assert [e.key for e in queries.entries(store.db)] == ["k1", "k2"]


def test_entries_cannot_be_rewritten(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        store.append(entry("k1", NOW), now=NOW)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db.execute("UPDATE entry SET who = 'them'")


def test_a_failed_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    naive = NewEntry(at=datetime(2026, 1, 1), kind="message", who=Who.ME, source="t", key="bad")  # noqa: DTZ001
    with Store.open(tmp_path / "log.sqlite3") as store:
        with pytest.raises(ValueError, match="tz-aware"):
            store.append_many([entry("good", NOW), naive], now=NOW)
        assert queries.entries(store.db) == []


def test_a_log_from_a_newer_nudger_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    Store.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer nudger"):
        Store.open(path)


def test_a_damaged_file_is_reported_not_crashed_on(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="damaged"):
        Store.open(path)


def test_reading_a_log_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "data" / "log.sqlite3"
    with Store.open_for_reading(path) as store:
        assert queries.entries(store.db) == []
    assert not path.parent.exists()


def test_entry_rows_keep_their_details_and_person(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        store.append(
            NewEntry(
                at=NOW,
                kind="loose",
                who=Who.THEM,
                source="manual",
                key="k",
                person="Alex",
                details={"text": "coffee soon ☕"},
            ),
            now=NOW + timedelta(seconds=5),
        )
        (row,) = queries.entries(store.db)
    assert row.person == "Alex"
    assert row.details == {"text": "coffee soon ☕"}
    assert row.at == NOW
    assert row.recorded_at == NOW + timedelta(seconds=5)
    assert row.who is Who.THEM


SECONDS = 40 * 86400
moments = st.integers(min_value=-SECONDS, max_value=SECONDS)
logged = st.lists(
    st.tuples(
        moments,
        st.sampled_from(["Alex", "Sam"]),
        st.sampled_from(["plan", "call"]),
        st.sampled_from(list(Who)),
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(
    rows=logged,
    windows=st.lists(st.tuples(moments, moments), min_size=1, max_size=4),
    removed=st.sets(st.integers(min_value=0, max_value=59), max_size=10),
    corrected=st.sets(st.integers(min_value=0, max_value=59), max_size=10),
)
def test_window_counts_equal_counting_the_entries(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[int, str, str, Who]],
    windows: list[tuple[int, int]],
    removed: set[int],
    corrected: set[int],
) -> None:
    """The day tally (kept by triggers through deletions and corrections) never disagrees with
    counting the entries that still count."""
    origin = datetime(2026, 3, 1, tzinfo=UTC)
    corrected -= removed
    flipped = {Who.ME: Who.THEM, Who.THEM: Who.UNKNOWN, Who.UNKNOWN: Who.ME}
    path = tmp_path_factory.mktemp("log") / "log.sqlite3"
    with Store.open(path) as store:
        store.append_many(
            [
                entry(f"k{n}", origin + timedelta(seconds=s), person=p, kind=k, who=w)
                for n, (s, p, k, w) in enumerate(rows)
            ],
            now=NOW,
        )
        fixes = []
        for n in sorted(corrected):
            if n < len(rows):
                s, p, k, w = rows[n]
                at = origin + timedelta(seconds=s)
                fixed = entry(f"fix{n}", at, person=p, kind=k, who=flipped[w])
                store.append(replace(fixed, supersedes=f"k{n}"), now=NOW)
                fixes.append((s, p, k, flipped[w]))
        with store.transaction():
            for n in removed:  # `forget` deletes; the tally must follow
                store.db.execute("DELETE FROM entry WHERE key = ?", (f"k{n}",))
        current = [row for n, row in enumerate(rows) if n not in removed | corrected] + fixes
        spans = [
            (origin + timedelta(seconds=min(a, b)), origin + timedelta(seconds=max(a, b)))
            for a, b in windows
        ]
        for person in ("Alex", "Sam"):
            person_id = queries.person_id(store.db, person)
            if person_id is None:
                continue
            found = queries.counts(store.db, person_id, spans)
            for (since, until), counts in zip(spans, found, strict=True):
                expected = Counter(
                    (k, w)
                    for s, p, k, w in current
                    if p == person and since <= origin + timedelta(seconds=s) < until
                )
                assert {(c.kind, c.who): c.count for c in counts} == dict(expected)
        assert store.integrity_problems() == []
