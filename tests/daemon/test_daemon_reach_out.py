"""The daemon shows a reach-out nudge once, when a contact rhythm runs out: on the real clock,
in this process, with the console notifier, and a log written by `nudger log`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from nudger import clock
from nudger.cli import main
from nudger.core.model import Kind
from nudger.daemon.loop import Daemon
from nudger.log import queries
from nudger.log.store import Store
from tests.daemon_harness import config_text, eventually, local, run_daemon


def _rhythm_config(due: str) -> str:
    """Alex as a friend (no check-ins), every week, the reach-out at `due`."""
    return config_text(
        kind="friend",
        extra=f"""
        [balance]
        alerts = false

        [rhythm]
        time = "{due}"

        [rhythm.default_every]
        friend = "1w"
        """,
    )


def _sent(log_path: Path) -> list[str]:
    with Store.open(log_path) as store:
        return [
            str(e.details["nudge"]["id"])
            for e in queries.entries(store.db, kinds=[Kind.NUDGE_SENT])
        ]


def test_a_reach_out_is_shown_once_when_the_rhythm_runs_out(
    write_config: Callable[[str], Path], log_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    now = clock.now()
    write_config(_rhythm_config(f"{local(now - timedelta(minutes=1)):%H:%M}"))
    assert main(["log", "message", "-p", "Alex", "--by", "them", "--at", "-7d"]) == 0
    today = local(now).date()

    async def scenario(daemon: Daemon) -> None:
        await eventually(lambda: len(_sent(log_path)) == 1, within=5)
        daemon.reload(force=True)  # replanning again must not show it again
        await asyncio.sleep(0.3)

    run_daemon(scenario)
    assert _sent(log_path) == [f"reach_out:Alex:{today.isoformat()}"]
    err = capfd.readouterr().err
    assert err.count("Time to reach out to Alex") == 1
    assert "It has been 7 days since your last contact with Alex: a message" in err


def test_contact_logged_in_time_means_no_reach_out(
    write_config: Callable[[str], Path], log_path: Path
) -> None:
    now = clock.now()
    write_config(_rhythm_config(f"{local(now - timedelta(minutes=1)):%H:%M}"))
    assert main(["log", "message", "-p", "Alex", "--by", "them", "--at", "-7d"]) == 0
    assert main(["log", "call", "-p", "Alex", "--by", "me", "--at", "-1d"]) == 0

    async def scenario(daemon: Daemon) -> None:
        await asyncio.sleep(0.5)
        assert not any(job.id.startswith("nudge:reach_out") for job in daemon.scheduler.get_jobs())

    run_daemon(scenario)
    assert _sent(log_path) == []
