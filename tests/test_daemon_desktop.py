"""The daemon end to end over a real private D-Bus: a plan in a calendar folder becomes one
desktop notification at its lead time, and pressing its button writes the answer to the log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from nudger import clock, deliveries, queries
from nudger.daemon import Daemon
from nudger.nudges import NudgeKind
from nudger.store import Store
from tests.daemon_harness import config_text, eventually, run_daemon, write_plan
from tests.dbus_session import NotificationServer

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
    write_config(
        config_text(
            kind="friend",  # no check-ins or gratitude: this plan's reminder is the only nudge
            backend="desktop",
            extra=f"""
            [[calendars]]
            name = "home"
            type = "ics"
            path = "{folder}"

            [dates]
            lead_times = ["2m"]
            ask_who_initiated = false

            [balance]
            alerts = false
            """,
        )
    )
    arrivals: list[tuple[datetime, datetime]] = []  # (due, arrived)

    async def scenario(daemon: Daemon) -> None:
        await eventually(lambda: _reminder(daemon) is not None, within=10)
        due = _reminder(daemon)
        assert due == start - timedelta(minutes=2)
        await eventually(lambda: bool(notification_server.received), within=10)
        arrivals.append((due, clock.now()))
        [shown] = notification_server.received
        assert shown.app_name == "nudger"
        assert shown.summary == f"Coming up: {TITLE}"  # a summary is plain text: never escaped
        assert "Dinner &lt;b&gt;Tom &amp; Jerry&lt;/b&gt; is on" in shown.body
        assert shown.buttons == {"done": "Done", "snooze": "Snooze"}

        notification_server.press(shown.id, "snooze")
        await eventually(lambda: _kinds(log_path) >= {deliveries.SNOOZED}, within=5)
        await eventually(lambda: _kinds(log_path) >= {deliveries.SHOWN}, within=5)
        assert len(notification_server.received) == 1

    run_daemon(scenario)

    [(due, arrived)] = arrivals
    assert due <= arrived <= due + timedelta(seconds=2)
    with Store.open(log_path) as store:
        [snoozed] = queries.entries(store.db, kinds=[deliveries.SNOOZED])
    assert snoozed.details["nudge"]["kind"] == "before_date"
    assert datetime.fromisoformat(snoozed.details["until"]) > arrived + timedelta(minutes=59)


def _reminder(daemon: Daemon) -> datetime | None:
    found = [
        d.nudge.due for d in daemon.scheduled.values() if d.nudge.kind is NudgeKind.BEFORE_DATE
    ]
    return found[0] if found else None


def _kinds(log_path: Path) -> set[str]:
    with Store.open_for_reading(log_path) as store:
        return {e.kind for e in queries.entries(store.db, kinds=deliveries.KINDS)}
