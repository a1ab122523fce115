"""SIGKILL of the daemon around a channel's send never sends the nudge twice on that channel.

The daemon runs as a child process (as under systemd), its check-in routed to the console and
to a channel whose endpoint (`tests/http_recorder.py`) is local. Killed while the endpoint holds
the request, the attempt is in doubt: the restarted daemon never sends it again.
Killed after the endpoint took it, the restart finds it shown and sends nothing either.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from nudger import clock
from nudger.core import channel_deliveries
from nudger.core.model import Kind
from nudger.daemon import wake
from nudger.log import queries
from nudger.log.store import Store
from tests.daemon_harness import config_text, local
from tests.http_recorder import Recorder


def start_daemon(output: Path) -> subprocess.Popen[bytes]:
    with output.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "nudger", "daemon"], stdout=sink, stderr=sink
        )


def wait_for(check: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def phone_entries(log_path: Path) -> list[str]:
    with Store.open_for_reading(log_path) as store:
        found = queries.entries(store.db, kinds=channel_deliveries.KINDS)
    return [e.kind for e in found if e.details.get("channel") == "phone"]


def restart_and_settle(output: Path, data_dir: Path) -> None:
    """A second run, long enough to have sent anything it would (a minute's retry aside)."""
    daemon = start_daemon(output)
    try:
        wait_for(lambda: wake.running(data_dir), 30, "the daemon did not start")
        time.sleep(2)
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(10) == 0


@pytest.fixture
def setup(
    write_config: Callable[[str], Path],
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PHONE_URL", f"json://127.0.0.1:{recorder.port}/topic")
    due = local(clock.now() - timedelta(minutes=1))
    write_config(
        config_text(
            f"{due:%H:%M}",
            extra="""
            [notifications.routes]
            checkin = ["console", "phone"]

            [[notifications.channels]]
            name = "phone"
            url_env = "PHONE_URL"
            """,
        )
    )


def test_killed_while_the_channel_holds_the_request_it_is_in_doubt_and_never_resent(
    setup: None, recorder: Recorder, log_path: Path, tmp_path: Path
) -> None:
    recorder.delay = 5.0  # the endpoint answers only after the kill
    output = tmp_path / "daemon.txt"
    daemon = start_daemon(output)
    assert recorder.received.wait(30), output.read_text(encoding="utf-8")
    daemon.send_signal(signal.SIGKILL)
    daemon.wait()
    assert phone_entries(log_path) == [Kind.NUDGE_SENT]
    restart_and_settle(output, log_path.parent)

    assert len(recorder.requests) == 1
    assert phone_entries(log_path) == [Kind.NUDGE_SENT]
    with Store.open_for_reading(log_path) as store:
        records = queries.entries(store.db, kinds=channel_deliveries.KINDS)
    [doubt] = channel_deliveries.in_doubt(records)
    assert doubt.startswith("checkin:Alex:") and doubt.endswith(" on phone")


def test_killed_after_the_channel_took_it_the_restart_sends_nothing(
    setup: None, recorder: Recorder, log_path: Path, tmp_path: Path
) -> None:
    output = tmp_path / "daemon.txt"
    daemon = start_daemon(output)
    wait_for(
        lambda: log_path.exists() and Kind.NUDGE_SHOWN in phone_entries(log_path),
        30,
        "the channel never took the nudge",
    )
    daemon.send_signal(signal.SIGKILL)
    daemon.wait()
    restart_and_settle(output, log_path.parent)

    assert len(recorder.requests) == 1
    assert phone_entries(log_path) == [Kind.NUDGE_SENT, Kind.NUDGE_SHOWN]
    assert output.read_text(encoding="utf-8").count("Check-in with Alex") == 1
