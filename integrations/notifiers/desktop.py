"""The `desktop` notifier: freedesktop notifications on the session D-Bus, with buttons.

desktop-notifier sends each notification and routes its button presses back (on the daemon's
running asyncio loop). Beside it, a small dbus-fast connection of our own asks the server for its
raw capabilities before every notification, for two reasons: desktop-notifier does not say whether
the server renders `body-markup`, and it caches its own capability answer forever, so it cannot
tell whether the server is still there. Calendar text reaches the body, so the body is escaped
exactly when the server treats it as markup; the summary is plain text for every server (spec).

Only this module imports desktop-notifier and dbus-fast: the core loads it by name, when configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
from collections.abc import Callable, Iterator

from dbus_fast import DBusError, MessageType
from dbus_fast import Message as DBusMessage
from dbus_fast.aio import MessageBus
from dbus_fast.errors import AuthError, InvalidAddressError
from desktop_notifier import Button, DesktopNotifier, Notification

from nudger.ports import ActionHandler, Message, NotifierUnavailable, action_label

log = logging.getLogger(__name__)

SERVER = "org.freedesktop.Notifications"
SERVER_PATH = "/org/freedesktop/Notifications"
TIMEOUT = 3.0  # seconds for each exchange with the bus; a live server answers in milliseconds
# Where desktop-notifier logs the failure its send() swallows (see _swallowed_failures).
DESKTOP_NOTIFIER_SEND_LOG = "desktop_notifier.backends.base"

# Control characters (and lone surrogates, which are not UTF-8) from calendar text: a NUL is not
# allowed in a D-Bus string at all, and the rest break the server's markup parser or its layout.
# Tabs and newlines stay in the body; the spec allows them.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# The body is XML text content when the server has `body-markup`, never an attribute value, so
# these three are all it needs; quotes stay as they are (an entity like &#39; is shown verbatim by
# servers that repair markup with a fixed list of entities, as GNOME Shell does).
_MARKUP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def create(app_name: str) -> FreedesktopNotifier:
    return FreedesktopNotifier(app_name)


class FreedesktopNotifier:
    """Shows messages through the freedesktop notification server on the session bus.

    When the bus or the server fails, both connections are dropped and the next call starts
    afresh, so a desktop that comes up (or back) after the daemon is found by the next probe.
    """

    name = "desktop"

    def __init__(self, app_name: str, *, timeout: float = TIMEOUT) -> None:
        self.app_name = app_name
        self.timeout = timeout
        self._bus: MessageBus | None = None  # ours: the raw capabilities
        self._notifier: DesktopNotifier | None = None  # desktop-notifier's: Notify and the signals
        self._handlers: set[asyncio.Future[None]] = set()

    async def probe(self) -> None:
        await self._connect()

    async def show(self, message: Message, on_action: ActionHandler) -> None:
        notifier, capabilities = await self._connect()
        dispatched = asyncio.Event()  # desktop-notifier's only sign that the server took it
        notification = Notification(
            title=_summary(message.title),
            message=_body(message.body, markup="body-markup" in capabilities),
            buttons=self._buttons(message, on_action),
            on_dispatched=dispatched.set,
        )
        with _swallowed_failures() as failures:
            try:
                await asyncio.wait_for(notifier.send_notification(notification), self.timeout)
            except TimeoutError as error:
                await self._disconnect()
                raise NotifierUnavailable(_reason(error, self.timeout)) from error
        if not dispatched.is_set():
            # The server answered, with an error: it is alive, so the connections stay.
            why = f" ({_reason(failures[-1], self.timeout)})" if failures else ""
            raise NotifierUnavailable(f"the notification server did not accept the nudge{why}")

    async def close(self) -> None:
        """Let handlers of buttons already pressed finish, then leave the bus."""
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._disconnect()

    async def _connect(self) -> tuple[DesktopNotifier, list[str]]:
        """desktop-notifier, connected, and the server's capabilities, asked anew each time:
        an answer proves that the server is there now."""
        try:
            return await asyncio.wait_for(self._connect_and_ask(), self.timeout)
        except Exception as error:
            await self._disconnect()
            raise NotifierUnavailable(_reason(error, self.timeout)) from error

    async def _connect_and_ask(self) -> tuple[DesktopNotifier, list[str]]:
        if self._bus is None or not self._bus.connected:
            await self._disconnect()  # the bus went away: start afresh, desktop-notifier too
            self._bus = await MessageBus().connect()
        capabilities = await _server_capabilities(self._bus)
        if self._notifier is None:
            self._notifier = DesktopNotifier(self.app_name, app_icon=None)
        await self._notifier.get_capabilities()  # connects it and subscribes to the buttons
        return self._notifier, capabilities

    async def _disconnect(self) -> None:
        """Close both connections. desktop-notifier has no close(), so its bus is reached
        through its backend; left open, a failed attempt would leak a socket per probe."""
        backend = getattr(self._notifier, "_backend", None)
        buses = [self._bus, getattr(backend, "bus", None)]
        self._bus, self._notifier = None, None
        for bus in buses:
            if isinstance(bus, MessageBus):
                bus.disconnect()
                # dbus-fast 5.2 leaves wait_for_disconnect() unannotated
                closed = bus.wait_for_disconnect()  # type: ignore[no-untyped-call]
                # a connection that had failed raises its error here: it is closed all the same
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(closed, self.timeout)

    def _buttons(self, message: Message, on_action: ActionHandler) -> tuple[Button, ...]:
        """One button per action, its D-Bus action key the action's name (readable in
        dbus-monitor and in a server's history), its label for people."""
        loop = asyncio.get_running_loop()
        return tuple(
            Button(
                action_label(action),
                on_pressed=self._pressed(loop, on_action, message.nudge_id, action),
                identifier=action,
            )
            for action in message.actions
        )

    def _pressed(
        self,
        loop: asyncio.AbstractEventLoop,
        on_action: ActionHandler,
        nudge_id: str,
        action: str,
    ) -> Callable[[], None]:
        """desktop-notifier calls buttons synchronously from its signal handler; the handler is
        a coroutine, so it runs as a task, kept here until done so that it is not collected."""

        def pressed() -> None:
            task = asyncio.ensure_future(on_action(nudge_id, action), loop=loop)
            self._handlers.add(task)
            task.add_done_callback(self._handled)

        return pressed

    def _handled(self, task: asyncio.Future[None]) -> None:
        self._handlers.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("the handler of a pressed button failed", exc_info=error)


async def _server_capabilities(bus: MessageBus) -> list[str]:
    """GetCapabilities, called directly (no introspection round trip)."""
    reply = await bus.call(
        DBusMessage(
            destination=SERVER, path=SERVER_PATH, interface=SERVER, member="GetCapabilities"
        )
    )
    if reply.message_type == MessageType.ERROR:
        text = reply.body[0] if reply.body else ""
        raise DBusError(reply.error_name or "org.freedesktop.DBus.Error.Failed", str(text))
    return [str(capability) for capability in reply.body[0]]


def _summary(text: str) -> str:
    """The title on one line, without control characters; never markup (spec)."""
    return _body(text, markup=False).replace("\n", " ").replace("\t", " ")


def _body(text: str, *, markup: bool) -> str:
    """The body as the server will read it: escaped if it reads markup, else plain."""
    clean = _UNSAFE.sub("?", text.replace("\r\n", "\n").replace("\r", "\n"))
    return clean.translate(_MARKUP) if markup else clean


@contextlib.contextmanager
def _swallowed_failures() -> Iterator[list[BaseException]]:
    """The errors desktop-notifier's send() logs instead of raising, caught while it runs, so
    that the reason travels in NotifierUnavailable (and its traceback stays out of the journal)."""
    caught: list[BaseException] = []

    def catch(record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            caught.append(record.exc_info[1])
            return False
        return True

    logger = logging.getLogger(DESKTOP_NOTIFIER_SEND_LOG)
    logger.addFilter(catch)
    try:
        yield caught
    finally:
        logger.removeFilter(catch)


def _reason(error: BaseException, timeout: float) -> str:
    """One line a user can act on, for each failure seen on Linux desktops (TECH-NOTES §5)."""
    if isinstance(error, TimeoutError):
        reason = f"the notification server did not answer within {timeout:g} s"
    elif isinstance(error, InvalidAddressError):
        reason = f"no usable session D-Bus address ({error})"
    elif isinstance(error, AuthError):
        reason = f"the session D-Bus refused the connection ({error})"
    elif isinstance(error, OSError):
        address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
        reason = f"cannot reach the session D-Bus at {address} ({error.strerror or error})"
    elif isinstance(error, DBusError):
        reason = _server_reason(error)
    else:
        reason = f"the session D-Bus failed ({type(error).__name__}: {error})"
    return " ".join(reason.split())


def _server_reason(error: DBusError) -> str:
    if error.type == "org.freedesktop.DBus.Error.ServiceUnknown":
        return f"no notification server is running on the session D-Bus ({error.text})"
    if error.type.startswith("org.freedesktop.DBus.Error.Spawn."):
        return f"the notification server could not be started ({error.text})"
    return f"the notification server answered {error.type}: {error.text}"
