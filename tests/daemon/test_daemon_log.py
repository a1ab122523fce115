"""The daemon's log shows times as every other command does: in the user's zone, not UTC.

The daemon runs in this process on an injected clock, a moment in the future (so no job the
real scheduler holds comes due during the test), with the user in Auckland and the machine in
UTC (the tests' TZ): a time in UTC would read twelve hours off.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nudger.core.nudges.nudge import short_id
from nudger.daemon.loop import Daemon
from nudger.log import sync_state
from nudger.log.store import Store
from tests.daemon_harness import config_text, eventually, run_daemon

NOW = datetime(2030, 6, 1, 0, 0, tzinfo=UTC)  # Saturday noon in Auckland (NZST, UTC+12)
AUCKLAND_CHECKIN = "Sat 2030-06-01 20:30"  # 08:30 in UTC


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def said(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger]


@pytest.fixture(autouse=True)
def daemon_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="nudger.daemon")


def test_the_running_line_gives_the_next_nudge_in_the_users_zone(
    write_config: Callable[[str], Path], caplog: pytest.LogCaptureFixture
) -> None:
    write_config(config_text("20:30", zone="Pacific/Auckland"))

    async def scenario(daemon: Daemon) -> None:
        pass

    run_daemon(scenario, tick=3600, now=Clock(NOW))
    (running,) = [line for line in said(caplog, "nudger.daemon.loop") if "running" in line]
    assert running == (
        f"running: 0 calendars, 2 nudges pending, next at {AUCKLAND_CHECKIN}, notifying via console"
    )


def test_a_shown_nudge_is_named_by_its_short_id_and_local_due_time(
    write_config: Callable[[str], Path], caplog: pytest.LogCaptureFixture
) -> None:
    write_config(config_text("20:30", zone="Pacific/Auckland"))
    moved = Clock(NOW)
    key = "checkin:Alex:2030-06-01"

    async def scenario(daemon: Daemon) -> None:
        moved.now = NOW + timedelta(hours=8, minutes=31)  # a minute after the check-in
        await daemon.nudges.deliver(key)

    run_daemon(scenario, tick=3600, now=moved)
    assert f"shown via console: check-in {short_id(key)} (due {AUCKLAND_CHECKIN})" in said(
        caplog, "nudger.daemon.nudge_jobs"
    )


def test_a_failing_sync_says_when_it_retries_in_words(
    write_config: Callable[[str], Path], caplog: pytest.LogCaptureFixture, home: Path
) -> None:
    tables = f'\n[[calendars]]\nname = "gone"\ntype = "ics"\npath = "{home / "gone"}"\n'
    write_config(config_text("20:30", zone="Pacific/Auckland", extra=tables))

    async def scenario(daemon: Daemon) -> None:
        await daemon.syncs.sync("gone")

    run_daemon(scenario, tick=3600, now=Clock(NOW))
    assert "gone: retrying in 30s" in said(caplog, "nudger.daemon.sync_jobs")


@pytest.fixture
def silent_server() -> Iterator[tuple[str, list[socket.socket]]]:
    """A calendar URL whose server accepts each connection and never answers (a sync that
    blocks), and the connections it took so far."""
    server = socket.create_server(("127.0.0.1", 0))
    taken: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):  # closed: the test is over
            while True:
                taken.append(server.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/calendar.ics", taken
    server.close()
    for connection in taken:
        connection.close()


def test_stopping_the_daemon_during_a_sync_is_quiet_and_records_nothing_of_it(
    write_config: Callable[[str], Path],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    log_path: Path,
    silent_server: tuple[str, list[socket.socket]],
) -> None:
    """It logged the job's CancelledError with a traceback (APScheduler's "raised an
    exception"). The sync's child is killed, its transaction never committed."""
    url, taken = silent_server
    tables = f'\n[[calendars]]\nname = "slow"\ntype = "ics"\nurl = "{url}"\n'
    write_config(config_text(extra=tables))
    caplog.set_level(logging.INFO)

    async def scenario(daemon: Daemon) -> None:
        await eventually(lambda: bool(taken), within=20)  # the sync is waiting on the server

    run_daemon(scenario)
    assert [
        r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR
    ] == []
    assert "slow: sync stopped with the daemon; the next sync reads it again" in said(
        caplog, "nudger.daemon.sync_jobs"
    )
    assert "Traceback" not in capfd.readouterr().err
    with Store.open_for_reading(log_path) as store:
        assert "slow" not in sync_state.source_states(store.db)  # nothing of it was recorded


def test_ctrl_c_during_a_sync_ends_its_process_without_a_traceback(
    write_config: Callable[[str], Path],
    log_path: Path,
    silent_server: tuple[str, list[socket.socket]],
) -> None:
    """Ctrl-C in the terminal of a daemon started by hand reaches its sync process too, which
    printed a KeyboardInterrupt traceback into the daemon's output."""
    url, taken = silent_server
    tables = f'\n[[calendars]]\nname = "slow"\ntype = "ics"\nurl = "{url}"\n'
    write_config(config_text(extra=tables))
    child = subprocess.Popen(
        [sys.executable, "-m", "nudger.sync.worker", "slow", "--now", NOW.isoformat()],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while not taken and time.monotonic() < deadline:
        time.sleep(0.05)
    assert taken, "the sync never reached the server"
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=10)
    assert (child.returncode, err) == (-signal.SIGINT, "")
    with Store.open_for_reading(log_path) as store:
        assert "slow" not in sync_state.source_states(store.db)  # nothing of it was recorded
