"""A CalDAV object that vanished without the server's sync token telling is found by the next
full listing, which CalDAV sources do at least once a local day: the sync window moves each
day, the cursor holds the window it was made for, and a cursor for another window is never
continued from (`caldav._load`), so the first sync of a day lists every calendar whole.

Real Radicale, time injected. The plan's file is removed from Radicale's storage folder behind
its back; Radicale derives its token from the folder, so it would tell. The cursor is crafted
instead to be what a server that forgot to tell leaves: the token of now, the object not in
it, while the log still holds its plan.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from caldav import elements
from caldav.davclient import DAVClient

from nudger import clock
from nudger.config import paths
from nudger.log import sync_state
from nudger.log.store import Store
from tests.caldav_servers import Server
from tests.conftest import RunCli
from tests.daemon_harness import plan_text
from tests.story import CONFIG

NOW = clock.now().replace(hour=9, minute=0, second=0, microsecond=0)


@pytest.fixture
def synced(
    cli: RunCli,
    radicale: Server,
    tmp_path: Path,
    write_config: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """Three upcoming plans with Alex on Radicale, synced once; the folder Radicale keeps
    the calendar's objects in."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    with DAVClient(
        url=radicale.url,
        timeout=10,
        username=radicale.username,
        password=radicale.password,
        auth_type="basic",
    ) as client:
        calendar: Any = client.get_principal().make_calendar(name="Personal", cal_id="personal")
        for day, (uid, title) in enumerate([("dinner", "Dinner"), ("hike", "Hike")], start=3):
            calendar.add_event(plan_text(uid, title, NOW + timedelta(days=day)).decode())
        calendar.add_event(plan_text("film", "Film", NOW + timedelta(days=5)).decode())
    password = [sys.executable, "-c", f"print({radicale.password!r})"]
    write_config(
        CONFIG
        + f"""
[[calendars]]
name = "dav"
type = "caldav"
url = "{radicale.url}"
username = "{radicale.username}"
password_command = {json.dumps(password)}
"""
    )
    first = cli("daemon", "--once")
    assert first.code == 0 and "✓ dav: 3 new facts" in first.out, first.out + first.err
    return next(path.parent for path in tmp_path.rglob("*.ics") if b"UID:hike" in path.read_bytes())


def forget(server: Server, name: str) -> None:
    """The cursor a server that did not tell of `name`'s removal leaves: its token now."""
    with DAVClient(
        url=server.url, timeout=10, username=server.username, password=server.password
    ) as client:
        principal: Any = client.get_principal()
        calendar = principal.calendars()[0]
        token = str(calendar.get_property(elements.dav.SyncToken()))
    with Store.open(paths.data_dir() / paths.LOG_FILE_NAME) as store:
        known = sync_state.position(store.db, "dav")
        assert known is not None and known.cursor is not None and known.fingerprint
        cursor = json.loads(known.cursor)
        for state in cursor["calendars"].values():
            assert state["token"] != token  # Radicale's token did move
            state["token"] = token
            state["items"] = {h: v for h, v in state["items"].items() if not h.endswith(name)}
        with store.transaction():
            sync_state.record_success(
                store.db,
                "dav",
                cursor=json.dumps(cursor),
                fingerprint=known.fingerprint,
                at=NOW,
                message="crafted",
            )


def upcoming(cli: RunCli) -> list[str]:
    return sorted(plan["summary"] for plan in json.loads(cli("plans", "--json").out))


def at(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: when)


def test_an_object_gone_behind_the_sync_token_is_removed_at_the_next_days_full_listing(
    cli: RunCli, synced: Path, radicale: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    hike = next(path for path in synced.glob("*.ics") if b"UID:hike" in path.read_bytes())
    hike.unlink()
    forget(radicale, hike.name)
    before = json.loads(cli("history", "Alex", "--json").out)

    at(monkeypatch, NOW + timedelta(hours=1))  # the same day: a delta from the token
    same_day = cli("daemon", "--once")
    assert same_day.code == 0, same_day.out + same_day.err
    assert upcoming(cli) == ["Dinner", "Film", "Hike"]  # the token did not tell
    assert json.loads(cli("history", "Alex", "--json").out) == before

    at(monkeypatch, NOW + timedelta(days=1))  # a new day: a full listing
    next_day = cli("daemon", "--once")
    assert next_day.code == 0, next_day.out + next_day.err
    assert upcoming(cli) == ["Dinner", "Film"]
    after = json.loads(cli("history", "Alex", "--json").out)
    added = [entry for entry in after if entry not in before]
    assert len(added) == 1 and "Hike" in json.dumps(added), added  # its removal, once
    again = cli("daemon", "--once")
    assert "✓ dav: 0 new facts" in again.out  # no duplicate facts
    assert json.loads(cli("history", "Alex", "--json").out) == after
