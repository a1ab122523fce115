"""`channel_tally` (migration m006) against a direct count of the entries: whatever is appended,
corrected or deleted, the balance's split by channel is the same read either way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from nudger.core.model import NewEntry, Who
from nudger.log import queries
from nudger.log.store import Store

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
KINDS = ["message", "call", "plan"]
SOURCES = ["import:whatsapp", "calendar:work", "cli"]

entries = st.lists(
    st.tuples(
        st.sampled_from(["Alex", "Kim"]),
        st.integers(-5 * 86400, 5 * 86400),  # seconds from NOW
        st.sampled_from(KINDS),
        st.sampled_from(list(Who)),
        st.sampled_from(SOURCES),
        st.sampled_from([None, "whatsapp", "sms"]),  # details.channel
        st.one_of(st.none(), st.integers(0, 40)),  # corrects the entry with this index
    ),
    max_size=40,
)


def exact(store: Store, person: int, since: datetime, until: datetime) -> set[tuple[object, ...]]:
    """The split read entry by entry, as before the tally."""
    rows = store.db.execute(
        f"""
        SELECT kind, {queries.CHANNEL}, who, count(*) FROM entry
        WHERE person_id = ? AND at >= ? AND at < ? AND kind IN ('message', 'call', 'plan')
          AND NOT EXISTS (SELECT 1 FROM entry AS later WHERE later.supersedes = entry.key)
        GROUP BY 1, 2, 3
        """,  # noqa: S608 - a constant
        (person, queries.bound(since), queries.bound(until)),
    )
    return {(k, c, Who(w), n) for k, c, w, n in rows}


@settings(max_examples=60, deadline=None)
@given(
    entries,
    st.integers(-6 * 86400, 6 * 86400),
    st.integers(0, 8 * 86400),
    st.booleans(),
)
def test_the_tally_splits_by_channel_as_the_entries_do(
    made: list[tuple[str, int, str, Who, str, str | None, int | None]],
    start: int,
    length: int,
    forget_kim: bool,
) -> None:
    since = NOW + timedelta(seconds=start)
    until = since + timedelta(seconds=length)
    with TemporaryDirectory() as folder, Store.open(Path(folder) / "log.sqlite3") as store:
        keys: list[tuple[str, str]] = []  # (key, person)
        corrected: set[str] = set()
        for number, (person, offset, kind, who, source, channel, corrects) in enumerate(made):
            replaced = None
            if corrects is not None and corrects < len(keys):
                target, whose = keys[corrects]
                if whose == person and target not in corrected:  # as a correction is made
                    replaced = target
                    corrected.add(target)
            key = f"k{number}"
            store.append(
                NewEntry(
                    at=NOW + timedelta(seconds=offset),
                    kind=kind,
                    who=who,
                    source=source,
                    key=key,
                    person=person,
                    details={"channel": channel} if channel else {},
                    supersedes=replaced,
                ),
                now=NOW,
            )
            keys.append((key, person))
        if forget_kim:  # as `nudger forget` deletes someone
            kim = "(SELECT id FROM person WHERE name = 'Kim')"
            for table in ("day_tally", "channel_tally", "entry"):
                store.db.execute(f"DELETE FROM {table} WHERE person_id = {kim}")  # noqa: S608
        for (person,) in store.db.execute("SELECT id FROM person").fetchall():
            tallied = queries.channel_counts(store.db, person, KINDS, since, until)
            assert {(c.kind, c.channel, c.who, c.count) for c in tallied} == exact(
                store, person, since, until
            )
