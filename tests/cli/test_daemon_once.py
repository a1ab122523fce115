"""`nudger daemon --once`'s exit code tells a setting to fix (2) from a failure that may pass (1).

A folder that does not exist or an address the server does not know is the user's to fix: exit
2, the calendar named on its ✗ line and the fix under it. A server that is down or failing is
exit 1, since trying later may help. Real parts: real folders, a real local web server, a port
nothing listens on.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.story import CONFIG
from tests.sync.test_calendar_sync import _CalendarServer

Calendars = Callable[..., Path]


@pytest.fixture
def calendars(write_config: Callable[[str], Path]) -> Calendars:
    """Write a config with these `[[calendars]]` tables: name → a path or a URL."""

    def write(**sources: str) -> Path:
        tables = "".join(
            f'\n[[calendars]]\nname = "{name}"\ntype = "ics"\n'
            + (f'url = "{where}"\n' if where.startswith("http") else f'path = "{where}"\n')
            for name, where in sources.items()
        )
        return write_config(CONFIG + tables)

    return write


@pytest.fixture
def server() -> Iterator[_CalendarServer]:
    host = _CalendarServer(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    yield host
    host.stop()


def closed_port() -> int:
    """A port on this machine nothing listens on (a server that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_folder_that_does_not_exist_is_the_users_to_fix(
    cli: RunCli, calendars: Calendars, home: Path
) -> None:
    calendars(local=str(home / "nowhere"))
    result = cli("daemon", "--once")
    assert result.code == 2
    assert result.out.splitlines() == [
        f"✗ local: {home / 'nowhere'} does not exist",
        "    create it, or fix the path with: nudger config set calendars.local.path ...",
    ]
    assert "Traceback" not in result.err and "unexpected" not in result.err


def test_a_wrong_setting_is_exit_2_though_other_calendars_synced(
    cli: RunCli, calendars: Calendars, home: Path, server: _CalendarServer
) -> None:
    (home / "calendar").mkdir()
    calendars(local=str(home / "calendar"), gone=str(home / "gone"), web=server.url)
    server.status = 503  # down too: still 2, the setting needs the user whatever the server does
    result = cli("daemon", "--once")
    assert result.code == 2
    assert "✓ local: 0 new facts" in result.out
    assert "✗ gone:" in result.out
    assert "✗ web: 127.0.0.1:" in result.out


def test_an_address_the_server_does_not_know_is_a_setting_to_check(
    cli: RunCli, calendars: Calendars, server: _CalendarServer
) -> None:
    calendars(web=server.url)
    server.status = 404
    result = cli("daemon", "--once")
    assert result.code == 2
    host = server.url.split("/")[2]
    assert result.out.splitlines() == [
        f"✗ web: {host} answered 404 Not Found for the calendar",
        "    check its settings: nudger config get calendars.web",
    ]


def test_a_server_that_is_down_is_exit_1(cli: RunCli, calendars: Calendars) -> None:
    port = closed_port()
    calendars(web=f"http://127.0.0.1:{port}/calendar.ics")
    result = cli("daemon", "--once")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith(f"✗ web: cannot reach 127.0.0.1:{port}")
    assert lines[1:] == [
        "    if the server is up and reachable from here, check its address: "
        "nudger config get calendars.web"
    ]


def test_a_server_failing_while_another_synced_is_still_exit_1(
    cli: RunCli, calendars: Calendars, home: Path, server: _CalendarServer
) -> None:
    (home / "calendar").mkdir()
    calendars(local=str(home / "calendar"), web=server.url)
    server.status = 503
    result = cli("daemon", "--once")
    assert result.code == 1
    assert "✓ local:" in result.out and "✗ web:" in result.out
    server.status = 200
    assert cli("daemon", "--once").code == 0


def test_the_help_says_what_each_exit_code_means(cli: RunCli) -> None:
    shown = " ".join(cli("daemon", "--help").out.replace("│", " ").split())
    assert "0 every calendar synced" in shown
    assert "1 one could not be read for now (a server down or slow" in shown
    assert "2 one's settings need fixing (a folder that does not exist" in shown
