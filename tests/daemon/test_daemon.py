"""The daemon in this process, on the real clock, with the console notifier: schedule, changes
from the CLI taking effect within seconds, waits holding nudges, what expired while away."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nudger import clock
from nudger.cli import main
from nudger.core import deliveries
from nudger.core.model import Kind
from nudger.daemon import heartbeat
from nudger.daemon.clock_watch import Pulse
from nudger.daemon.loop import Daemon
from nudger.daemon.sync_jobs import retry_delay
from nudger.log import queries, sync_state
from nudger.log.store import Store
from tests.daemon_harness import cli, config_text, eventually, local, run_daemon


def job_time(daemon: Daemon, key: str) -> datetime | None:
    job = daemon.scheduler.get_job(f"nudge:{key}")
    return None if job is None else job.next_run_time


def test_config_set_moves_the_next_checkin_within_5_seconds(
    write_config: Callable[[str], Path],
) -> None:
    later = local(clock.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    write_config(config_text(f"{later - timedelta(hours=1):%H:%M}"))
    key = f"checkin:Alex:{later.date()}"
    seconds: list[float] = []

    async def scenario(daemon: Daemon) -> None:
        assert job_time(daemon, key) == later - timedelta(hours=1)
        assert await cli("config", "set", "checkin.time", f"{later:%H:%M}") == 0
        seconds.append(await eventually(lambda: job_time(daemon, key) == later, within=5))

    run_daemon(scenario)
    assert seconds and seconds[0] < 5


def test_wait_holds_the_checkin_i_would_start_and_ending_it_brings_it_back(
    write_config: Callable[[str], Path],
) -> None:
    later = local(clock.now() + timedelta(hours=2))
    write_config(config_text(f"{later:%H:%M}"))
    key = f"checkin:Alex:{later.date()}"

    async def scenario(daemon: Daemon) -> None:
        assert job_time(daemon, key) is not None
        assert await cli("wait", "Alex", "--days", "3") == 0
        await eventually(lambda: job_time(daemon, key) is None, within=5)
        assert await cli("wait", "Alex", "--end") == 0
        await eventually(lambda: job_time(daemon, key) is not None, within=5)

    run_daemon(scenario)


def test_a_due_nudge_is_shown_once_and_recorded(
    write_config: Callable[[str], Path], log_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A check-in due a minute ago (still in time) goes out at start, once, on the console."""
    write_config(config_text(f"{local(clock.now() - timedelta(minutes=1)):%H:%M}"))

    async def scenario(daemon: Daemon) -> None:
        await eventually(lambda: _kinds(log_path) >= {Kind.NUDGE_SENT, Kind.NUDGE_SHOWN}, within=5)
        daemon.reload(force=True)  # replanning again must not show it again
        await asyncio.sleep(0.3)

    run_daemon(scenario)
    err = capfd.readouterr().err
    assert err.count("Check-in with Alex") == 1
    with Store.open(log_path) as store:
        sent = queries.entries(store.db, kinds=[Kind.NUDGE_SENT])
        assert [e.details["via"] for e in sent] == ["console"]


def test_what_came_due_and_ran_out_while_stopped_is_recorded_as_expired(
    write_config: Callable[[str], Path], log_path: Path, home: Path
) -> None:
    now = clock.now()
    write_config(config_text("12:00"))  # noon where it is about noon now: overdue, in time
    data = home / ".local/share/nudger"
    data.mkdir(parents=True)
    alive = now - timedelta(days=3)
    heartbeat.write(data, {"alive": alive.isoformat()})

    async def scenario(daemon: Daemon) -> None:
        pass

    run_daemon(scenario)
    with Store.open(log_path) as store:
        expired = queries.entries(store.db, kinds=[Kind.NUDGE_EXPIRED])
    days = sorted(e.details["nudge"]["occurrence"] for e in expired)
    # The check-ins of the heartbeat's day (due at noon, just before it) and the two after;
    # today's is overdue but still in time, so it is shown instead.
    today = local(now).date()
    assert days == [(today - timedelta(days=n)).isoformat() for n in (3, 2, 1)]
    assert all(e.kind == Kind.NUDGE_EXPIRED for e in expired)


def test_a_second_daemon_for_the_same_data_refuses_to_start(
    write_config: Callable[[str], Path],
) -> None:
    from nudger.errors import NudgerError

    write_config(config_text("12:00"))

    async def scenario(daemon: Daemon) -> None:
        with pytest.raises(NudgerError, match="already running"):
            await Daemon(clock=clock.now).run()

    run_daemon(scenario)


def test_status_while_running_and_after(
    write_config: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(config_text(f"{local(clock.now() + timedelta(hours=1)):%H:%M}"))
    said: list[dict[str, Any]] = []

    async def scenario(daemon: Daemon) -> None:
        capsys.readouterr()
        assert await cli("status", "--json") == 0
        said.append(json.loads(capsys.readouterr().out))

    run_daemon(scenario)
    [running] = said
    assert running["daemon"]["running"] is True
    assert running["daemon"]["notifier"] == "console"
    assert [n["kind"] for n in running["next"]][:1] == ["checkin"]
    assert main(["status"]) == 0
    assert "Daemon: not running" in capsys.readouterr().out


def test_backoff_doubles_from_30_seconds_up_to_the_limit() -> None:
    interval, limit = timedelta(minutes=15), timedelta(hours=1)
    delays = [retry_delay(n, interval, limit) for n in range(10)]
    assert delays[0] == interval
    assert delays[1:5] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert delays[-1] == limit
    assert retry_delay(10_000, interval, limit) == limit


def test_a_suspend_or_a_clock_jump_is_noticed() -> None:
    start = Pulse(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), monotonic=100.0, boot=100.0)
    steady = Pulse(start.wall + timedelta(seconds=60), monotonic=160.0, boot=160.0)
    slept = Pulse(start.wall + timedelta(hours=1), monotonic=160.0, boot=3700.0)
    jumped = Pulse(start.wall + timedelta(minutes=31), monotonic=160.0, boot=160.0)
    assert steady.gap_since(start) == 0
    assert slept.gap_since(start) == 3540
    assert jumped.gap_since(start) == 1800


def _kinds(log_path: Path) -> set[str]:
    with Store.open_for_reading(log_path) as store:
        return {e.kind for e in queries.entries(store.db, kinds=deliveries.KINDS)}


def test_checkin_done_from_the_cli_is_logged(
    write_config: Callable[[str], Path], log_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(config_text(f"{local(clock.now() + timedelta(hours=1)):%H:%M}"))
    assert main(["nudges", "--json"]) == 0
    upcoming = json.loads(capsys.readouterr().out)["upcoming"]
    [checkin] = [n for n in upcoming if n["kind"] == "checkin"][:1]
    assert main(["done", checkin["short_id"]]) == 0
    assert "Done: Check-in with Alex" in capsys.readouterr().out
    assert main(["done", checkin["short_id"]]) == 2  # no longer coming up or shown
    with Store.open(log_path) as store:
        assert [e.kind for e in queries.entries(store.db, kinds=[Kind.CHECKIN])] == ["checkin"]


class FakeClock:
    """The daemon's injected clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.parametrize(
    ("zone", "checkin", "day", "expected"),
    [
        # 02:30 does not exist on the spring-forward day: it comes once, just after the jump.
        ("Europe/Berlin", "02:30", "2027-03-28", datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        # 01:30 happens twice on the fall-back day: it comes once, at the first (EDT, UTC-4).
        ("America/New_York", "01:30", "2027-11-07", datetime(2027, 11, 7, 5, 30, tzinfo=UTC)),
    ],
)
def test_a_checkin_on_a_dst_change_day_is_scheduled_and_sent_exactly_once(
    write_config: Callable[[str], Path],
    log_path: Path,
    zone: str,
    checkin: str,
    day: str,
    expected: datetime,
) -> None:
    """The injected clock walks across the change day in 10-minute steps, replanning at each
    (as syncs and ticks do) and running every job that has come due by the fake clock."""
    write_config(config_text(checkin, zone=zone))
    fake = FakeClock(expected - timedelta(hours=20))
    key = f"checkin:Alex:{day}"
    scheduled: set[datetime] = set()

    async def both() -> None:
        daemon = Daemon(clock=fake)
        running = asyncio.create_task(daemon.run())
        await asyncio.wait_for(daemon.ready.wait(), 10)
        try:
            while fake.now < expected + timedelta(hours=20):
                fake.now += timedelta(minutes=10)
                daemon.reload()
                if (when := job_time(daemon, key)) is not None:
                    scheduled.add(when)
                for job in daemon.scheduler.get_jobs():  # the real clock is months earlier
                    if job.id.startswith("nudge:") and job.next_run_time <= fake.now:
                        daemon.scheduler.remove_job(job.id)
                        await daemon.nudges.deliver(job.id.removeprefix("nudge:"))
        finally:
            daemon.stop()
            await asyncio.wait_for(running, 10)

    asyncio.run(both())
    assert scheduled == {expected}
    with Store.open(log_path) as store:
        sent = queries.entries(store.db, kinds=[Kind.NUDGE_SENT])
    days = [
        e.details["nudge"]["occurrence"] for e in sent if e.details["nudge"]["kind"] == "checkin"
    ]
    assert days.count(day) == 1
    assert [e.at for e in sent if e.details["nudge"]["occurrence"] == day] == [expected]


def test_a_source_that_is_down_is_retried_with_backoff_while_the_others_sync(
    write_config: Callable[[str], Path], log_path: Path, tmp_path: Path
) -> None:
    import socket

    folder = tmp_path / "calendar"
    folder.mkdir()
    with socket.socket() as probe:  # a port nothing listens on: the server is down
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    write_config(
        config_text(
            extra=f"""
            [[calendars]]
            name = "home"
            type = "ics"
            path = "{folder}"

            [[calendars]]
            name = "dav"
            type = "caldav"
            url = "http://127.0.0.1:{port}/"
            """
        )
    )
    next_sync: dict[str, timedelta] = {}

    async def scenario(daemon: Daemon) -> None:
        def both_tried() -> bool:
            with Store.open_for_reading(log_path) as store:
                found = sync_state.source_states(store.db)
            return {"home", "dav"} <= set(found)

        await eventually(both_tried, within=20)
        await asyncio.sleep(0.3)  # the rescheduling after the second sync
        for name in ("home", "dav"):
            job = daemon.scheduler.get_job(f"sync:{name}")
            next_sync[name] = job.next_run_time - clock.now()

    run_daemon(scenario)
    with Store.open_for_reading(log_path) as store:
        states = sync_state.source_states(store.db)
    assert (states["home"].outcome, states["dav"].outcome) == ("ok", "failed")
    assert states["dav"].failures == 1
    assert "127.0.0.1" in (states["dav"].message or "")
    assert timedelta(seconds=25) < next_sync["dav"] <= timedelta(seconds=30)  # first retry
    assert timedelta(minutes=14) < next_sync["home"] <= timedelta(minutes=15)  # its interval


def test_sighup_rereads_a_config_edited_by_hand(write_config: Callable[[str], Path]) -> None:
    later = local(clock.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    write_config(config_text(f"{later - timedelta(hours=1):%H:%M}"))
    key = f"checkin:Alex:{later.date()}"

    async def scenario(daemon: Daemon) -> None:
        assert job_time(daemon, key) == later - timedelta(hours=1)
        write_config(config_text(f"{later:%H:%M}"))  # an editor: no poke, the tick is a minute off
        os.kill(os.getpid(), signal.SIGHUP)
        await eventually(lambda: job_time(daemon, key) == later, within=2)

    run_daemon(scenario)
