"""Talking to the systemd service manager that runs the daemon: sd_notify and the watchdog.

The raw protocol, no library: each call sends one datagram of `KEY=value` lines to the unix socket
named by `$NOTIFY_SOCKET` (a leading `@` names an abstract socket). Outside systemd there is no
socket and every call is a no-op returning False, so the daemon runs the same in a terminal.

This module must never stop the daemon: a socket that vanished (the manager restarting, a test
listener gone) or a full queue makes `notify` return False, never raise, and never block the
event loop. It reads no clock and keeps no state.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from datetime import timedelta

log = logging.getLogger(__name__)

# The messages the daemon sends (systemd's sd_notify(3) names them).
READY = "READY=1"
RELOADING = "RELOADING=1"
STOPPING = "STOPPING=1"
WATCHDOG = "WATCHDOG=1"


def status(text: str) -> str:
    """A `STATUS=` message showing `text` in `systemctl status`, on one line whatever it holds.

    A newline would end the message and start another assignment, so every run of whitespace
    (including newlines from a calendar's name) becomes one space.
    """
    return "STATUS=" + " ".join(text.split())


def encode(messages: tuple[str, ...]) -> bytes:
    """The datagram carrying `messages`; each must be one `KEY=value` line."""
    if not messages:
        raise ValueError("nothing to notify: give at least one KEY=value message")
    for message in messages:
        key, equals, _ = message.partition("=")
        if not equals or not key or "\n" in message:
            raise ValueError(f"not a one-line KEY=value notification: {message!r}")
    return "\n".join(messages).encode()


def socket_address(value: str | None) -> str | None:
    """Where `$NOTIFY_SOCKET` points, as `socket.connect` takes it; None when it names nothing
    usable (unset, empty, or neither an absolute path nor `@abstract`)."""
    if not value:
        return None
    if value.startswith("@") and len(value) > 1:
        return "\0" + value[1:]
    if value.startswith("/"):
        return value
    return None


def notify(*messages: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send `messages` (e.g. READY, status("…")) to the service manager, as one datagram.

    Returns True when the manager's socket took them; False outside systemd (no
    `$NOTIFY_SOCKET`) and when sending failed (the socket vanished, refused or was full), which is
    logged and otherwise ignored. Raises ValueError only for a malformed message, a bug.
    """
    payload = encode(messages)
    environment = os.environ if environ is None else environ
    address = socket_address(environment.get("NOTIFY_SOCKET"))
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sender:
            sender.setblocking(False)  # a stuck manager must not stall the daemon's event loop
            sender.connect(address)
            sender.send(payload)
    except OSError as error:
        log.warning("could not tell the service manager %s: %s", ", ".join(messages), error)
        return False
    return True


def watchdog_timeout(
    environ: Mapping[str, str] | None = None, pid: int | None = None
) -> timedelta | None:
    """How long the manager waits for a WATCHDOG ping before restarting the service (its
    `WatchdogSec=`), from `$WATCHDOG_USEC`; None when no watchdog was asked for, the value is
    not a positive number, or `$WATCHDOG_PID` names another process (a child inherited it).

    Ping at least twice per timeout, as sd_watchdog_enabled(3) advises.
    """
    environment = os.environ if environ is None else environ
    try:
        microseconds = int(environment.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    if microseconds <= 0:
        return None
    for_pid = environment.get("WATCHDOG_PID")
    if for_pid:
        try:
            if int(for_pid) != (os.getpid() if pid is None else pid):
                return None
        except ValueError:
            return None
    return timedelta(microseconds=microseconds)
