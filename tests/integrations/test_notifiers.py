"""The notifiers against a real private D-Bus and a notification server written for the tests.

Each test drives its notifier inside one `asyncio.run`, as the daemon does in its loop; the server
answers from its own thread (see `tests/dbus_session.py`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from integrations.notifiers import console, desktop
from nudger import adapters
from nudger.core.nudges.nudge import short_id
from nudger.ports import Message, Notifier, NotifierFactory, NotifierUnavailable
from tests.dbus_session import NotificationServer, SessionBus, serve_notifications

CHECKIN = Message(
    "checkin:Alex:2026-11-24",
    "Check in with Alex",
    "Ten minutes, no screens: how was your day?",
    ("done", "snooze"),
)
MARKUP = '<b>Tom & Jerry</b> <a href="x">'
QUICKLY = desktop.TIMEOUT / 2  # a failure seen at once, not a timeout waited out


class Pressed:
    """An action handler that remembers its calls and lets a test await the first one."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.called = asyncio.Event()

    async def __call__(self, nudge_id: str, action: str) -> None:
        self.calls.append((nudge_id, action))
        self.called.set()


async def ignore(nudge_id: str, action: str) -> None:
    """For messages whose buttons the test does not press."""


def with_notifier(
    scenario: Callable[[Notifier], Awaitable[None]], notifier: Notifier | None = None
) -> None:
    """Run `scenario` with a notifier (the desktop one by default), closed afterwards."""

    async def run() -> None:
        used = notifier or desktop.create("nudger")
        try:
            await scenario(used)
        finally:
            await used.close()

    asyncio.run(run())


def failure(call: Callable[[Notifier], Coroutine[Any, Any, None]]) -> tuple[str, float]:
    """The reason `call` gave for raising NotifierUnavailable, and how long it took."""
    caught: list[NotifierUnavailable] = []

    async def scenario(notifier: Notifier) -> None:
        with pytest.raises(NotifierUnavailable) as raised:
            await call(notifier)
        caught.append(raised.value)

    started = time.monotonic()
    with_notifier(scenario)
    return str(caught[0]), time.monotonic() - started


async def probe(notifier: Notifier) -> None:
    await notifier.probe()


async def show(notifier: Notifier) -> None:
    await notifier.show(CHECKIN, ignore)


# --- what arrives ---------------------------------------------------------------------------


def test_title_body_and_buttons_arrive(notification_server: NotificationServer) -> None:
    async def scenario(notifier: Notifier) -> None:
        await notifier.probe()
        await notifier.show(CHECKIN, ignore)

    with_notifier(scenario)
    [sent] = notification_server.received
    assert (sent.app_name, sent.summary, sent.body) == (
        "nudger",
        "Check in with Alex",
        "Ten minutes, no screens: how was your day?",
    )
    assert sent.buttons == {"done": "Done", "snooze": "Snooze"}


def test_pressing_a_button_calls_on_action(notification_server: NotificationServer) -> None:
    pressed = Pressed()

    async def scenario(notifier: Notifier) -> None:
        await notifier.show(
            Message("who:Alex:1", "Who suggested it?", "Dinner", ("me", "them")), ignore
        )
        await notifier.show(CHECKIN, pressed)
        notification_server.press(notification_server.received[-1].id, "snooze")
        await asyncio.wait_for(pressed.called.wait(), 2)

    with_notifier(scenario)
    assert pressed.calls == [("checkin:Alex:2026-11-24", "snooze")]


@pytest.mark.parametrize(
    ("capabilities", "body"),
    [
        (
            ["actions", "body", "body-markup"],
            '&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; &lt;a href="x"&gt;',
        ),
        (["actions", "body"], MARKUP),
    ],
    ids=["server-reads-markup", "server-reads-plain-text"],
)
def test_calendar_markup_arrives_as_text(
    notification_server: NotificationServer, capabilities: list[str], body: str
) -> None:
    notification_server.capabilities = capabilities
    message = Message("before_date:Tom:1", f"Soon: {MARKUP}", MARKUP, ("done",))

    with_notifier(lambda notifier: notifier.show(message, ignore))
    [sent] = notification_server.received
    assert sent.body == body
    assert sent.summary == f"Soon: {MARKUP}"  # the summary is never markup


def test_control_characters_do_not_reach_the_server(
    notification_server: NotificationServer,
) -> None:
    message = Message("x:1", "Dinner\x1b]0;pwned\x07", "line one\r\nline\ttwo\x00\x9b", ())

    with_notifier(lambda notifier: notifier.show(message, ignore))
    [sent] = notification_server.received
    assert (sent.summary, sent.body) == ("Dinner?]0;pwned?", "line one\nline\ttwo??")
    assert sent.buttons == {}


def test_a_failing_action_handler_is_logged(
    notification_server: NotificationServer, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(nudge_id: str, action: str) -> None:
        raise RuntimeError("the log is locked")

    async def scenario(notifier: Notifier) -> None:
        await notifier.show(CHECKIN, broken)
        notification_server.press(notification_server.received[-1].id, "done")
        for _ in range(200):  # until the signal has come back and the handler has run
            if logged():
                break
            await asyncio.sleep(0.01)

    def logged() -> list[logging.LogRecord]:
        return [record for record in caplog.records if record.name == desktop.__name__]

    with_notifier(scenario)
    [record] = logged()
    assert record.getMessage() == "the handler of a pressed button failed"
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == "the log is locked"


# --- when nothing can be shown ----------------------------------------------------------------


@pytest.mark.parametrize("call", [probe, show])
def test_a_missing_bus_socket_is_reported_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: Callable[[Notifier], Any]
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")

    reason, took = failure(call)
    assert reason == (
        f"cannot reach the session D-Bus at unix:path={tmp_path}/no-bus (No such file or directory)"
    )
    assert took < QUICKLY


@pytest.mark.parametrize("call", [probe, show])
def test_no_bus_address_and_no_display_is_reported_at_once(
    monkeypatch: pytest.MonkeyPatch, call: Callable[[Notifier], Any]
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)

    reason, took = failure(call)
    assert reason.startswith("no usable session D-Bus address (DBUS_SESSION_BUS_ADDRESS not set")
    assert "\n" not in reason
    assert took < QUICKLY


@pytest.mark.parametrize("call", [probe, show])
def test_a_bus_without_a_notification_server_is_reported_at_once(
    session_bus: SessionBus, call: Callable[[Notifier], Any]
) -> None:
    reason, took = failure(call)
    assert reason.startswith("no notification server is running on the session D-Bus (")
    assert "org.freedesktop.Notifications" in reason
    assert took < QUICKLY


def test_a_server_that_refuses_the_nudge(notification_server: NotificationServer) -> None:
    notification_server.refuse = True

    reason, _ = failure(show)
    assert reason == (
        "the notification server did not accept the nudge (the notification server answered "
        "org.freedesktop.Notifications.Error.Refused: not now)"
    )


def test_a_server_that_never_answers_times_out(notification_server: NotificationServer) -> None:
    notification_server.hang = True
    caught: list[str] = []

    async def scenario(notifier: Notifier) -> None:
        with pytest.raises(NotifierUnavailable) as raised:
            await notifier.show(CHECKIN, ignore)
        caught.append(str(raised.value))

    started = time.monotonic()
    with_notifier(scenario, desktop.FreedesktopNotifier("nudger", timeout=0.2))
    assert caught == ["the notification server did not answer within 0.2 s"]
    assert time.monotonic() - started < QUICKLY


def test_probe_follows_the_server_going_and_coming(session_bus: SessionBus) -> None:
    """desktop-notifier caches the server's capabilities; the probe must not trust that cache."""
    pressed = Pressed()

    async def scenario(notifier: Notifier) -> None:
        with serve_notifications(session_bus.address):
            await notifier.show(CHECKIN, ignore)
        with pytest.raises(NotifierUnavailable, match="no notification server"):
            await notifier.probe()
        with serve_notifications(session_bus.address) as server:
            await notifier.probe()
            await notifier.show(CHECKIN, pressed)
            server.press(server.received[-1].id, "done")
            await asyncio.wait_for(pressed.called.wait(), 2)

    with_notifier(scenario)
    assert pressed.calls == [("checkin:Alex:2026-11-24", "done")]


# --- the console ------------------------------------------------------------------------------


def test_the_console_prints_the_nudge_and_the_commands_that_answer_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    pressed = Pressed()
    message = Message(
        "checkin:Alex Doe:2026-11-24",
        "Check in with \x1b[2JAlex",
        "Ten minutes,\nno screens.",
        ("done", "snooze", "skip"),
    )

    async def scenario(notifier: Notifier) -> None:
        await notifier.probe()
        await notifier.show(message, pressed)

    with_notifier(scenario, console.create("nudger"))
    captured = capsys.readouterr()
    assert captured.out == ""
    handle = short_id("checkin:Alex Doe:2026-11-24")  # as `nudger nudges` lists it
    assert captured.err == (
        "nudger: Check in with ?[2JAlex\n"
        "  Ten minutes, no screens.\n"
        f"  answer with: nudger done {handle}  |  "
        f"nudger snooze {handle} 1h  |  "
        f"nudger skip {handle}\n"
    )
    assert pressed.calls == []


def test_the_console_gives_the_commands_that_answer_who_suggested_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    message = Message("who_suggested:Alex:k1", "Who suggested it?", "", ("me", "them"))

    with_notifier(lambda notifier: notifier.show(message, ignore), console.create("nudger"))
    handle = short_id("who_suggested:Alex:k1")  # not the long internal id
    assert capsys.readouterr().err == (
        "nudger: Who suggested it?\n"
        f"  answer with: nudger answer {handle} me  |  nudger answer {handle} them\n"
    )


# --- found by name ----------------------------------------------------------------------------


# Typed as the port's factory, so mypy checks both adapters against the Notifier protocol.
FACTORIES: list[tuple[str, NotifierFactory]] = [
    ("desktop", desktop.create),
    ("console", console.create),
]


@pytest.mark.parametrize(("name", "factory"), FACTORIES)
def test_both_notifiers_load_by_name(name: str, factory: NotifierFactory) -> None:
    assert factory("nudger").name == name
    assert adapters.load(adapters.NOTIFIERS, name) is factory
