"""A private session D-Bus and a notification server on it, for the desktop notifier's tests.

The desktop notifier is only worth what it does against a real bus, so `session_bus` starts the
real `dbus-daemon` (Debian package `dbus-daemon`) with a config file of its own: a session bus on
a unix socket in the test's folder, a permissive policy and **no service directories**, so that
nothing installed on the machine (dunst, for one) is auto-activated and "no server" stays true.

`notification_server` is a freedesktop notification server written with dbus-fast. It runs in a
thread with its own event loop, so the fixtures stay plain functions and a test drives its client
with `asyncio.run`. It records every Notify call, advertises the capabilities a test chooses, can
refuse or never answer a Notify, and "presses a button" by emitting ActionInvoked and then
NotificationClosed, the order real servers use.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import select
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from xml.sax.saxutils import escape

import pytest
from dbus_fast import DBusError, RequestNameReply
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusDict, DBusInt32, DBusSignature, DBusStr, DBusUInt32
from dbus_fast.service import ServiceInterface, dbus_method, dbus_signal

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
READY_WITHIN = 10.0  # seconds; dbus-daemon answers in a few milliseconds on an idle machine
INSTALL_DBUS = "dbus-daemon is needed for these tests: apt-get install dbus-daemon (Debian 12+)"
SOCKET_PATH_MAX = 107  # sun_path holds 108 bytes, the last one a NUL
CLOSED_BY_USER = 2  # NotificationClosed reasons, from the spec
CLOSED_BY_CALL = 3
# A common set (dunst's, less its own extensions); a test drops "body-markup" to play a
# server that shows the body as plain text.
DEFAULT_CAPABILITIES = ("actions", "body", "body-hyperlinks", "body-markup", "persistence")

CONFIG = """\
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>{listen}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

StringList = Annotated[list[str], DBusSignature("as")]
ServerInformation = Annotated[tuple[str, str, str, str], DBusSignature("ssss")]
IdAndKey = Annotated[tuple[int, str], DBusSignature("us")]
IdAndReason = Annotated[tuple[int, int], DBusSignature("uu")]
Nothing = Annotated[None, DBusSignature("")]  # a method that returns no value


# --- the bus ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionBus:
    """A running private bus: its address (as clients use it) and its process."""

    address: str
    socket: Path
    process: subprocess.Popen[bytes]


def dbus_address_value(text: str) -> str:
    """`text` escaped as a D-Bus address value: bytes outside [-0-9A-Za-z_/.\\*] become %XX."""
    return "".join(
        chr(byte) if re.fullmatch(rb"[-0-9A-Za-z_/.\\*]", bytes([byte])) else f"%{byte:02x}"
        for byte in os.fsencode(text)
    )


def start_session_bus(folder: Path) -> SessionBus:
    """Start `dbus-daemon` with its own config in `folder`; return once it answers a client."""
    socket = folder / "bus"
    if len(os.fsencode(socket)) > SOCKET_PATH_MAX:
        pytest.fail(f"the bus socket path is too long for a unix socket: {socket}", pytrace=False)
    config = folder / "session.conf"
    listen = f"unix:path={dbus_address_value(str(socket))}"
    config.write_text(CONFIG.format(listen=escape(listen)), encoding="utf-8")
    argv = [_dbus_daemon(), f"--config-file={config}", "--nofork", "--print-address=1"]
    log = folder / "dbus-daemon.log"  # a file, not a pipe: a pipe nobody reads can fill up
    with log.open("wb") as sink:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=sink)
    try:
        address = _printed_address(process, log)
        asyncio.run(_hello(address))
    except BaseException:
        stop_session_bus(process)
        raise
    return SessionBus(address, socket, process)


def _dbus_daemon() -> str:
    """The dbus-daemon executable, or a test failure saying how to install it."""
    found = shutil.which("dbus-daemon")
    if found is None:
        pytest.fail(INSTALL_DBUS, pytrace=False)
    return found


def _printed_address(process: subprocess.Popen[bytes], log: Path) -> str:
    """The address dbus-daemon prints once it listens (or a failure quoting its log)."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], READY_WITHIN)
    line = process.stdout.readline().decode().strip() if ready else ""
    if not line:
        stop_session_bus(process)
        errors = log.read_text(encoding="utf-8", errors="replace")
        pytest.fail(f"dbus-daemon did not start: {errors}", pytrace=False)
    return line


async def _hello(address: str) -> None:
    """Connect once (connecting sends Hello and waits for the reply), then leave."""
    bus = await asyncio.wait_for(MessageBus(bus_address=address).connect(), READY_WITHIN)
    await _disconnect(bus)


async def _disconnect(bus: MessageBus) -> None:
    bus.disconnect()
    closed = bus.wait_for_disconnect()  # type: ignore[no-untyped-call]  # unannotated in dbus-fast
    # an error here means the bus daemon went first; the connection is closed either way
    with contextlib.suppress(OSError, EOFError):
        await asyncio.wait_for(closed, READY_WITHIN)


def stop_session_bus(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.communicate(timeout=READY_WITHIN)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


@pytest.fixture
def session_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SessionBus]:
    """A private session bus for this test, set as `DBUS_SESSION_BUS_ADDRESS`."""
    folder = tmp_path / "dbus"
    folder.mkdir()
    bus = start_session_bus(folder)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    try:
        yield bus
    finally:
        stop_session_bus(bus.process)


# --- the notification server --------------------------------------------------------------------


@dataclass(frozen=True)
class Notify:
    """One Notify call as the server received it (hints unwrapped from their variants)."""

    id: int
    app_name: str
    replaces_id: int
    app_icon: str
    summary: str
    body: str
    actions: list[str]
    hints: dict[str, Any]
    expire_timeout: int

    @property
    def buttons(self) -> dict[str, str]:
        """Action key → label, without the "default" action (a click on the body)."""
        pairs = dict(zip(self.actions[::2], self.actions[1::2], strict=True))
        return {key: label for key, label in pairs.items() if key != "default"}


@dataclass
class NotificationServer:
    """A notification server's state and knobs. Set the knobs before the client asks."""

    capabilities: list[str] = field(default_factory=lambda: list(DEFAULT_CAPABILITIES))
    refuse: bool = False  # answer Notify with an error
    hang: bool = False  # answer Notify only when the server stops
    closed: list[int] = field(default_factory=list)  # ids closed by CloseNotification
    _received: list[Notify] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _loop: asyncio.AbstractEventLoop | None = None
    _interface: NotificationsInterface | None = None

    @property
    def received(self) -> list[Notify]:
        """Every Notify call so far, oldest first."""
        with self._lock:
            return list(self._received)

    def record(self, call: Notify) -> None:
        with self._lock:
            self._received.append(call)

    def next_id(self) -> int:
        with self._lock:
            return len(self._received) + 1

    def press(self, notification_id: int, action_key: str) -> None:
        """Act as the user pressing a button: ActionInvoked, then NotificationClosed."""
        assert self._loop is not None and self._interface is not None, "the server is not running"
        self._loop.call_soon_threadsafe(self._interface.press, notification_id, action_key)


class NotificationsInterface(ServiceInterface):
    """org.freedesktop.Notifications, answering from a `NotificationServer`'s state."""

    def __init__(self, server: NotificationServer) -> None:
        super().__init__(BUS_NAME)
        self.server = server
        self.stopping = asyncio.Event()  # set when the server stops: calls left hanging answer

    @dbus_method()
    async def Notify(
        self,
        app_name: DBusStr,
        replaces_id: DBusUInt32,
        app_icon: DBusStr,
        summary: DBusStr,
        body: DBusStr,
        actions: StringList,
        hints: DBusDict,
        expire_timeout: DBusInt32,
    ) -> DBusUInt32:
        if self.server.hang:
            await self.stopping.wait()
            raise DBusError("org.freedesktop.Notifications.Error.Stopped", "the server stopped")
        if self.server.refuse:
            raise DBusError("org.freedesktop.Notifications.Error.Refused", "not now")
        unwrapped = {key: value.value for key, value in hints.items()}
        new_id = self.server.next_id()
        call = Notify(
            new_id,
            app_name,
            replaces_id,
            app_icon,
            summary,
            body,
            actions,
            unwrapped,
            expire_timeout,
        )
        self.server.record(call)
        return new_id

    @dbus_method()
    def CloseNotification(self, id: DBusUInt32) -> Nothing:
        self.server.closed.append(id)
        self.NotificationClosed(id, CLOSED_BY_CALL)

    @dbus_method()
    def GetCapabilities(self) -> StringList:
        return list(self.server.capabilities)

    @dbus_method()
    def GetServerInformation(self) -> ServerInformation:
        return ("nudger-test", "nudger", "1.0", "1.2")

    @dbus_signal()
    def ActionInvoked(self, id: int, action_key: str) -> IdAndKey:
        return (id, action_key)

    @dbus_signal()
    def NotificationClosed(self, id: int, reason: int) -> IdAndReason:
        return (id, reason)

    def press(self, notification_id: int, action_key: str) -> None:
        self.ActionInvoked(notification_id, action_key)
        self.NotificationClosed(notification_id, CLOSED_BY_USER)


class _ServerThread:
    """Runs a `NotificationServer` on the bus at `address` in a thread with its own loop."""

    def __init__(self, server: NotificationServer, address: str) -> None:
        self.server = server
        self.address = address
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="notification-server")
        self.bus: MessageBus | None = None

    def start(self) -> None:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self.loop).result(READY_WITHIN)
        self.server._loop = self.loop

    def stop(self) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self._leave(), self.loop).result(READY_WITHIN)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(READY_WITHIN)
            self.loop.close()

    async def _serve(self) -> None:
        self.bus = await MessageBus(bus_address=self.address).connect()
        interface = NotificationsInterface(self.server)
        self.bus.export(OBJECT_PATH, interface)
        reply = await self.bus.request_name(BUS_NAME)
        assert reply == RequestNameReply.PRIMARY_OWNER, reply
        self.server._interface = interface

    async def _leave(self) -> None:
        """Answer the calls left hanging, then disconnect."""
        if self.server._interface is not None:
            self.server._interface.stopping.set()
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        if others:
            await asyncio.wait(others, timeout=READY_WITHIN)
        if self.bus is not None:
            await _disconnect(self.bus)


@contextlib.contextmanager
def serve_notifications(address: str) -> Iterator[NotificationServer]:
    """A notification server on the bus at `address` while the block runs (for a test that
    needs the server to come and go; most take the `notification_server` fixture)."""
    server = NotificationServer()
    running = _ServerThread(server, address)
    running.start()
    try:
        yield server
    finally:
        running.stop()


@pytest.fixture
def notification_server(session_bus: SessionBus) -> Iterator[NotificationServer]:
    """A notification server owning org.freedesktop.Notifications on the private bus."""
    with serve_notifications(session_bus.address) as server:
        yield server
