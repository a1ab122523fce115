"""The daemon end to end over a real private D-Bus: a plan in a calendar folder becomes one
desktop notification at its lead time, and pressing its button writes the answer to the log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from nudger import clock
from nudger.core import deliveries
from nudger.core.model import Kind
from nudger.core.nudges.nudge import NudgeKind
from nudger.daemon.loop import Daemon
from nudger.log import queries
from nudger.log.store import Store
from tests.daemon_harness import (
    cli,
    config_text,
    eventually,
    local,
    reminder_config,
    run_daemon,
    write_plan,
)
from tests.dbus_session import NotificationServer, SessionBus, serve_notifications

TITLE = "Dinner <b>Tom & Jerry</b>"  # calendar text with markup in it


def test_a_plan_gives_one_notification_on_time_and_its_button_writes_the_log(
    write_config: Callable[[str], Path],
    log_path: Path,
    tmp_path: Path,
    notification_server: NotificationServer,
) -> None:
    """Scaled down from "starts in 3 minutes, 2-minute lead time": it starts in 2 minutes and
    4 seconds, so the reminder is due 4 s after the daemon starts rather than a minute."""
    folder = tmp_path / "calendar"
    folder.mkdir()
    start = clock.now().replace(microsecond=0) + timedelta(minutes=2, seconds=4)
    write_plan(folder, "dinner@example.org", TITLE, start)
    write_config(reminder_config(folder))
    arrivals: list[tuple[datetime, datetime]] = []  # (due, arrived)

    async def scenario(daemon: Daemon) -> None:
        await eventually(lambda: _reminder(daemon) is not None, within=10)
        due = _reminder(daemon)
        assert due == start - timedelta(minutes=2)
        await eventually(lambda: bool(notification_server.received), within=10)
        arrivals.append((due, clock.now()))
        [shown] = notification_server.received
        assert shown.app_name == "nudger"
        # A summary is plain text: never escaped. Both name the person the plan is with.
        assert shown.summary == f"Coming up: {TITLE} with Alex"
        assert "Dinner &lt;b&gt;Tom &amp; Jerry&lt;/b&gt; with Alex is on" in shown.body
        assert shown.buttons == {"done": "Done", "snooze": "Snooze"}

        notification_server.press(shown.id, "snooze")
        await eventually(lambda: _kinds(log_path) >= {Kind.NUDGE_SNOOZED}, within=5)
        await eventually(lambda: _kinds(log_path) >= {Kind.NUDGE_SHOWN}, within=5)
        assert len(notification_server.received) == 1

    run_daemon(scenario)

    [(due, arrived)] = arrivals
    assert due <= arrived <= due + timedelta(seconds=2)
    with Store.open(log_path) as store:
        [snoozed] = queries.entries(store.db, kinds=[Kind.NUDGE_SNOOZED])
    assert snoozed.details["nudge"]["kind"] == "before_date"
    assert datetime.fromisoformat(snoozed.details["until"]) > arrived + timedelta(minutes=59)


def _reminder(daemon: Daemon) -> datetime | None:
    found = [
        d.nudge.due
        for d in daemon.nudges.scheduled.values()
        if d.nudge.kind is NudgeKind.BEFORE_DATE
    ]
    return found[0] if found else None


def _kinds(log_path: Path) -> set[str]:
    with Store.open_for_reading(log_path) as store:
        return {e.kind for e in queries.entries(store.db, kinds=deliveries.KINDS)}


def test_without_a_notification_server_nudges_go_to_the_console_until_one_appears(
    write_config: Callable[[str], Path],
    log_path: Path,
    session_bus: SessionBus,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A desktop session that comes up after the daemon: it falls back to the console, says so
    once, keeps running, and uses the desktop as soon as a probe finds the server."""
    caplog.set_level(logging.INFO, logger="nudger.daemon")
    now = local(clock.now())
    write_config(config_text(f"{now - timedelta(minutes=1):%H:%M}", backend="desktop"))
    via: list[str | None] = []

    async def scenario(daemon: Daemon) -> None:
        await eventually(lambda: _kinds(log_path) >= {Kind.NUDGE_SHOWN}, within=5)
        via.append(daemon.notifiers.problem)
        with serve_notifications(session_bus.address) as server:
            await eventually(lambda: daemon.notifiers.problem is None, within=5)
            # Snoozed from the console's hint, it comes back two seconds later on the desktop.
            assert await cli("snooze", f"checkin:Alex:{now.date()}", "2s") == 0
            await eventually(lambda: bool(server.received), within=5)
            assert [n.summary for n in server.received] == ["Check-in with Alex"]

    run_daemon(scenario, tick=0.2)  # a probe every five ticks: once a second here
    assert via and via[0] is not None and "org.freedesktop.Notifications" in via[0]
    warnings = [r.message for r in caplog.records if "notifications unavailable" in r.message]
    assert len(warnings) == 1  # said once, not at every probe
    assert "desktop notifications are back" in caplog.text
    assert "nudger: Check-in with Alex" in capfd.readouterr().err  # the first, on the console
