"""The apprise notifier against a real local HTTP endpoint (`tests/http_recorder.py`), through
Apprise's own `json://` and `ntfy://` plugins: what arrives, once; what a failing or silent
service turns into; and that no error text holds the URL's token."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from integrations.notifiers import apprise_channel
from nudger import adapters
from nudger.core.nudges.nudge import short_id
from nudger.errors import ConfigError
from nudger.ports import DeliveryUnknown, Message, NotifierUnavailable
from tests.http_recorder import Recorder

TOKEN = "tk_9f8e7d6c5b4a"  # noqa: S105 (a made-up token, to be kept out of messages)
NUDGE = Message(
    "before_date:Alex:uid-1:single:2h@20261203T190000Z",
    'Dinner with <b>Alex</b> & "Sam" in 2 hours',
    "<i>Bistro</i> at 19:00\x1b[31m",
    ("done", "snooze", "skip"),
)


async def nothing(_nudge_id: str, _action: str) -> None:
    raise AssertionError("no button can be pressed on a channel")


def show(url: str, message: Message = NUDGE, timeout: float = 5.0) -> None:
    channel = apprise_channel.AppriseChannel("nudger", url, timeout=timeout)
    asyncio.run(channel.show(message, nothing))


def test_the_entry_point_is_the_apprise_channel() -> None:
    factory = adapters.channel_factory("apprise")
    assert isinstance(factory("nudger", "json://127.0.0.1:9/"), apprise_channel.AppriseChannel)


def test_a_nudge_arrives_once_as_plain_text_ending_with_the_commands_that_answer_it(
    recorder: Recorder,
) -> None:
    show(f"json://127.0.0.1:{recorder.port}/{TOKEN}")
    [sent] = recorder.json_bodies()
    assert recorder.requests[0]["path"] == f"/{TOKEN}"
    assert sent["title"] == 'Dinner with <b>Alex</b> & "Sam" in 2 hours'  # as typed, not markup
    handle = short_id(NUDGE.nudge_id)
    assert sent["message"] == (
        "<i>Bistro</i> at 19:00?[31m\n\n"  # the escape character made harmless
        f"Answer with: nudger done {handle}  |  nudger snooze {handle} 1h  |  nudger skip {handle}"
    )
    assert sent["type"] == "info"


def test_an_ntfy_channel_offers_no_action_or_click_that_could_not_reach_this_machine(
    recorder: Recorder,
) -> None:
    show(f"ntfy://127.0.0.1:{recorder.port}/{TOKEN}")
    [request] = recorder.requests
    [sent] = recorder.json_bodies()
    assert sent["topic"] == TOKEN and "Alex" in sent["title"]
    assert "actions" not in sent and "click" not in sent
    headers = {name.lower() for name in request["headers"]}
    assert not headers & {"x-actions", "actions", "x-click", "click"}
    assert f"nudger done {short_id(NUDGE.nudge_id)}" in sent["message"]


class Lines(logging.Handler):
    """What reaches the root logger, where the daemon's journal handler sits."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_a_service_answering_500_is_a_failure_whose_reason_holds_no_part_of_the_url(
    recorder: Recorder,
) -> None:
    recorder.statuses = [500]
    url = f"json://bot:{TOKEN}@127.0.0.1:{recorder.port}/chat-31415926"
    root, journal = logging.getLogger(), Lines()
    root.addHandler(journal)
    level, root.level = root.level, logging.DEBUG
    try:
        with pytest.raises(NotifierUnavailable) as caught:
            show(url)
    finally:
        root.removeHandler(journal)
        root.setLevel(level)
    reason = str(caught.value)
    assert reason.startswith("json://…: ") and "500" in reason
    logged = "\n".join(journal.lines)
    for secret in (TOKEN, "chat-31415926", str(recorder.port)):
        assert secret not in reason
        assert secret not in logged  # Apprise's own lines are captured, not passed on
    assert len(recorder.requests) == 1


def test_a_service_that_does_not_answer_in_time_is_a_delivery_in_doubt_not_a_wait(
    recorder: Recorder,
) -> None:
    recorder.delay = 3.0
    channel = apprise_channel.AppriseChannel(
        "nudger", f"json://127.0.0.1:{recorder.port}/{TOKEN}", timeout=0.5
    )

    async def timed() -> float:
        started = time.monotonic()
        with pytest.raises(DeliveryUnknown, match=r"json://… gave no answer within 0.5 s"):
            await channel.show(NUDGE, nothing)  # it may still arrive: not a plain failure
        return time.monotonic() - started

    assert asyncio.run(timed()) < 1.5  # the loop is free again; the thread ends on its own


def test_a_url_apprise_does_not_know_is_a_config_error_naming_only_its_scheme() -> None:
    with pytest.raises(ConfigError) as caught:
        apprise_channel.create("nudger", f"nosuchservice://{TOKEN}@example.org")
    assert "nosuchservice://…" in caught.value.message and TOKEN not in caught.value.message


def test_as_a_backend_without_a_url_it_says_to_make_it_a_channel() -> None:
    with pytest.raises(ConfigError, match="channel's URL"):
        apprise_channel.create("nudger")
