"""The daemon's log shows times as every other command does: in the user's zone, not UTC.

The daemon runs in this process on an injected clock, a moment in the future (so no job the
real scheduler holds comes due during the test), with the user in Auckland and the machine in
UTC (the tests' TZ): a time in UTC would read twelve hours off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nudger.core.nudges.nudge import short_id
from nudger.daemon.loop import Daemon
from tests.daemon_harness import config_text, run_daemon

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
