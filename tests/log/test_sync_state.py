"""Sync state, the one owner of `source_state` and `resource_state`: positions, outcomes and the
stored plans, read back as typed rows from a real log."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nudger.core.events import EventInstance, EventKind
from nudger.log import sync_state
from nudger.log.migrations import m001_people_and_entries, m002_calendar_state
from nudger.log.store import Store

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def plan(uid: str, source: str = "home") -> EventInstance:
    start = NOW + timedelta(days=2)
    return EventInstance(
        uid=uid,
        recurrence_id=None,
        start=start,
        end=start + timedelta(hours=2),
        summary=f"Dinner {uid}",
        source=source,
        calendar="personal",
    )


def test_a_source_never_synced_has_no_position_and_no_failures(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        assert sync_state.position(store.db, "home") is None
        assert sync_state.failures(store.db, "home") == 0
        assert sync_state.source_states(store.db) == {}


def test_failures_count_up_in_a_row_keep_the_position_and_reset_on_success(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        with store.transaction():
            sync_state.record_success(
                store.db, "home", cursor="c1", fingerprint="f1", at=NOW, message="3 new facts"
            )
        later = NOW + timedelta(minutes=5)
        for _ in range(2):
            with store.transaction():
                sync_state.record_failure(store.db, "home", at=later, message="server down")
        assert sync_state.failures(store.db, "home") == 2
        assert sync_state.position(store.db, "home") == sync_state.SyncPosition("c1", "f1")
        state = sync_state.source_states(store.db)["home"]
        assert (state.outcome, state.message, state.failures) == ("failed", "server down", 2)
        assert (state.last_attempt, state.last_success) == (later, NOW)
        with store.transaction():
            sync_state.record_success(
                store.db, "home", cursor="c2", fingerprint="f1", at=later, message="0 new facts"
            )
        assert sync_state.failures(store.db, "home") == 0
        assert sync_state.position(store.db, "home") == sync_state.SyncPosition("c2", "f1")


def test_a_first_sync_that_fails_leaves_no_position(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        with store.transaction():
            sync_state.record_failure(store.db, "dav", at=NOW, message="refused")
        assert sync_state.position(store.db, "dav") == sync_state.SyncPosition(None, None)
        assert sync_state.failures(store.db, "dav") == 1


def test_stored_resources_round_trip_replace_and_drop(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        with store.transaction():
            sync_state.keep_resource(store.db, "home", "a.ics", [plan("a")])
            sync_state.keep_resource(store.db, "home", "b.ics", [plan("b")])
            sync_state.keep_resource(store.db, "dav", "c", [plan("c", "dav")])
            sync_state.keep_resource(store.db, "home", "a.ics", [plan("a2")])  # replaced
        assert sync_state.resources(store.db, "home") == {
            "a.ics": (plan("a2"),),
            "b.ics": (plan("b"),),
        }
        assert [i.uid for i in sync_state.instances(store.db)] == ["c", "a2", "b"]
        assert {(r.source, r.resource) for r in sync_state.stored_resources(store.db)} == {
            ("home", "a.ics"),
            ("home", "b.ics"),
            ("dav", "c"),
        }
        with store.transaction():
            sync_state.drop_resources(store.db, [("home", "b.ics"), ("home", "missing")])
        assert set(sync_state.resources(store.db, "home")) == {"a.ics"}


def test_forgetting_a_source_drops_its_state_and_resources_only(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        with store.transaction():
            for source in ("home", "dav"):
                sync_state.record_success(
                    store.db, source, cursor=None, fingerprint="f", at=NOW, message="ok"
                )
                sync_state.keep_resource(store.db, source, "r", [plan("r", source)])
        sync_state.forget_source(store, "home")
        assert set(sync_state.source_states(store.db)) == {"dav"}
        assert sync_state.resources(store.db, "home") == {}
        assert set(sync_state.resources(store.db, "dav")) == {"r"}


def test_a_stored_instance_keeps_its_kind_and_whole_day_and_old_rows_read_as_events(
    tmp_path: Path,
) -> None:
    """Instances stored before they had a kind are read back as plain events."""
    day = replace(plan("d"), all_day=True, kind=EventKind.ANNIVERSARY)
    with Store.open(tmp_path / "log.sqlite3") as store:
        with store.transaction():
            sync_state.keep_resource(store.db, "home", "d.ics", [day])
            sync_state.keep_resource(store.db, "home", "e.ics", [plan("e")])
            (stored,) = store.db.execute(
                "SELECT instances FROM resource_state WHERE resource = 'e.ics'"
            ).fetchone()
            older = [{k: v for k, v in item.items() if k != "kind"} for item in json.loads(stored)]
            store.db.execute(
                "UPDATE resource_state SET instances = ? WHERE resource = 'e.ics'",
                (json.dumps(older),),
            )
        assert sync_state.resources(store.db, "home") == {"d.ics": (day,), "e.ics": (plan("e"),)}
        assert plan("e").kind is EventKind.EVENT


def test_what_each_source_says_of_me_is_kept_per_source(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        for name, addresses in (("dav", ("sam@example.org",)), ("google", ()), ("home", None)):
            with store.transaction():
                sync_state.record_success(
                    store.db, name, cursor=None, fingerprint="f", at=NOW, message="ok"
                )
                sync_state.record_own_addresses(store.db, name, addresses)
        with store.transaction():  # a source that never synced says nothing
            sync_state.record_failure(store.db, "down", at=NOW, message="server down")
        assert sync_state.own_addresses(store.db) == {
            "dav": ("sam@example.org",),
            "google": (),
            "home": None,
        }
        assert sync_state.learnt_addresses(store.db) == {"sam@example.org"}
        sync_state.forget_source(store, "dav")
        assert sync_state.learnt_addresses(store.db) == frozenset()


def test_a_log_from_before_own_addresses_gains_the_column_empty(tmp_path: Path) -> None:
    """A log of schema 2 (synced by an older nudger): its sources have said nothing of me yet."""
    path = tmp_path / "log.sqlite3"
    old = sqlite3.connect(path)
    m001_people_and_entries(old)
    m002_calendar_state(old)
    old.execute("INSERT INTO source_state (source, last_success) VALUES ('home', 1)")
    old.execute("PRAGMA user_version = 2")
    old.commit()
    old.close()
    with Store.open(path) as store:
        assert sync_state.own_addresses(store.db) == {"home": None}
