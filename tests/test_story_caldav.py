"""The scripted story through CalDAV, on a real Radicale and a real Xandikos: the same balance
as from an ICS folder, and a second sync that changes nothing."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from caldav.davclient import DAVClient

from nudger import clock
from tests.caldav_servers import Server
from tests.conftest import RunCli
from tests.story import CONFIG, EXPECTED, story

TODAY = clock.now().date()


@pytest.fixture
def configured(server: Server, write_config: Callable[[str], Path]) -> Path:
    table = f'\n[[calendars]]\nname = "dav"\ntype = "caldav"\nurl = "{server.url}"\n'
    if server.password:  # the password comes from a real command, as a user would set it up
        command = json.dumps([sys.executable, "-c", f"print({server.password!r})"])
        table += f'username = "{server.username}"\npassword_command = {command}\n'
    return write_config(CONFIG + table)


def count(log_path: Path) -> int:
    with sqlite3.connect(log_path) as db:
        return int(db.execute("SELECT count(*) FROM entry").fetchone()[0])


def test_the_story_through_caldav(
    cli: RunCli, client: DAVClient, configured: Path, log_path: Path
) -> None:
    told = story(TODAY)
    calendar: Any = client.get_principal().make_calendar(name="Shared", cal_id="shared")
    for text in told.events.values():
        calendar.add_event(text.decode())
    first = cli("daemon", "--once")
    assert first.code == 0, first.err
    assert "✓ dav:" in first.out, first.out
    result = cli("balance", "Alex", "--json", "--since", told.since, "--until", told.until)
    (alex,) = json.loads(result.out)
    assert {key: alex[key] for key in EXPECTED} == EXPECTED
    facts = count(log_path)

    again = cli("daemon", "--once")
    assert "✓ dav: 0 new facts" in again.out, again.out
    assert count(log_path) == facts
