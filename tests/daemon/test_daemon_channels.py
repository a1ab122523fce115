"""The daemon sending nudges on a channel besides the backend, against a local HTTP endpoint
standing in for ntfy (`tests/http_recorder.py`) through Apprise's `json://`: the nudge arrives
there once with the person's name; a channel answering 500 is retried, and meanwhile the
backend (the console) has shown it; a kind routed elsewhere never reaches the channel.

The daemon's clock runs 59 s behind the real one, so the first retry, a minute after a failure
by that clock, is due a second later by APScheduler's (real) one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from integrations.notifiers import apprise_channel
from nudger import clock
from nudger.core.model import Kind
from nudger.daemon.loop import Daemon
from nudger.log import queries
from nudger.log.store import Store
from tests.daemon_harness import config_text, eventually, local, run_daemon
from tests.http_recorder import Recorder

LAG = timedelta(seconds=59)


def lagging() -> datetime:
    return clock.now() - LAG


def checkin_config(url_env: str, routes: str = 'checkin = ["console", "phone"]') -> str:
    """A check-in with Alex due a minute ago (still in time), routed to the console and phone."""
    due = local(lagging() - timedelta(minutes=1))
    return config_text(
        f"{due:%H:%M}",
        extra=f"""
        [notifications.routes]
        {routes}

        [[notifications.channels]]
        name = "phone"
        url_env = "{url_env}"
        """,
    )


def channel_entries(log_path: Path) -> list[tuple[str, int, str]]:
    with Store.open_for_reading(log_path) as store:
        kinds = [Kind.NUDGE_SENT, Kind.NUDGE_SHOWN, Kind.NUDGE_FAILED]
        found = queries.entries(store.db, kinds=kinds)
    return [
        (e.kind, e.details["attempt"], e.details.get("error", ""))
        for e in found
        if e.details.get("channel") == "phone"
    ]


@pytest.fixture
def phone(recorder: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHONE_URL", f"json://127.0.0.1:{recorder.port}/secret-topic")


def test_a_nudge_arrives_on_the_channel_once_with_the_persons_name(
    write_config: Callable[[str], Path],
    log_path: Path,
    recorder: Recorder,
    phone: None,
    capfd: pytest.CaptureFixture[str],
) -> None:
    write_config(checkin_config("PHONE_URL"))

    async def scenario(daemon: Daemon) -> None:
        await eventually(lambda: ("nudge.shown", 1, "") in channel_entries(log_path), within=10)
        daemon.reload(force=True)  # replanning again must not send it again

    run_daemon(scenario, now=lagging)
    [message] = recorder.json_bodies()
    assert message["title"] == "Check-in with Alex"
    assert "nudger done " in message["message"]
    assert channel_entries(log_path) == [("nudge.sent", 1, ""), ("nudge.shown", 1, "")]
    assert capfd.readouterr().err.count("Check-in with Alex") == 1  # the console's, once


def test_a_channel_answering_500_is_retried_while_the_console_has_shown_the_nudge(
    write_config: Callable[[str], Path],
    log_path: Path,
    recorder: Recorder,
    phone: None,
    capfd: pytest.CaptureFixture[str],
) -> None:
    write_config(checkin_config("PHONE_URL"))
    recorder.statuses = [500]
    shown_first: list[bool] = []

    async def scenario(daemon: Daemon) -> None:
        await eventually(lambda: len(channel_entries(log_path)) >= 2, within=10)
        shown_first.append("Check-in with Alex" in capfd.readouterr().err)
        await eventually(lambda: ("nudge.shown", 2, "") in channel_entries(log_path), within=10)

    run_daemon(scenario, now=lagging)
    assert shown_first == [True]  # the failing channel held nothing up
    [sent, failed, again, shown] = channel_entries(log_path)
    assert (sent[:2], failed[:2], again, shown) == (
        ("nudge.sent", 1),
        ("nudge.failed", 1),
        ("nudge.sent", 2, ""),
        ("nudge.shown", 2, ""),
    )
    assert failed[2].startswith("json://…: ") and "secret-topic" not in failed[2]
    assert len(recorder.requests) == 2
    with Store.open_for_reading(log_path) as store:
        console = queries.entries(store.db, kinds=[Kind.NUDGE_SHOWN])
    assert [e.details.get("via") for e in console if "channel" not in e.details] == ["console"]


def test_a_channel_that_gives_no_answer_in_time_is_left_in_doubt_and_never_sent_again(
    write_config: Callable[[str], Path],
    log_path: Path,
    recorder: Recorder,
    phone: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It may have arrived (the service took it, the answer was slow): a retry could show it
    twice, so there is none, though a failure's would be due a second later."""
    monkeypatch.setattr(apprise_channel, "TIMEOUT", 0.3)
    recorder.delay = 1.5
    write_config(checkin_config("PHONE_URL"))

    async def scenario(daemon: Daemon) -> None:
        await eventually(lambda: recorder.received.is_set(), within=10)
        await asyncio.sleep(2.5)

    run_daemon(scenario, now=lagging)
    assert len(recorder.requests) == 1
    assert channel_entries(log_path) == [("nudge.sent", 1, "")]


def test_a_kind_routed_elsewhere_never_reaches_the_channel(
    write_config: Callable[[str], Path],
    log_path: Path,
    recorder: Recorder,
    phone: None,
    capfd: pytest.CaptureFixture[str],
) -> None:
    write_config(checkin_config("PHONE_URL", routes='gratitude = ["phone"]'))

    async def scenario(daemon: Daemon) -> None:
        await eventually(lambda: "Check-in with Alex" in capfd.readouterr().err, within=10)

    run_daemon(scenario, now=lagging)
    assert recorder.requests == [] and channel_entries(log_path) == []
