"""`doctor`'s checks of notifications: the session bus and a notification server for the
desktop backend, or another backend's own probe."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nudger.errors import NudgerError
from nudger.ops.check import Check, failed, not_applicable, passed

if TYPE_CHECKING:
    from nudger.config.settings import Settings

APP_NAME = "nudger"


@dataclass(frozen=True, slots=True)
class ProbeOutcome:
    """What probing the notifier found: nothing wrong, or the reason and whether the session
    bus itself (rather than the notification server on it) was what failed."""

    problem: str | None = None
    bus_failed: bool = False


def notification_checks(settings: Settings) -> list[Check]:
    """The session bus and a notification server, for the desktop backend; another backend
    only has to answer its own probe."""
    section = settings.notifications
    backend, fallback = section.backend, section.fallback
    if backend != "desktop":
        return [notifier_verdict(backend, fallback, _probe(backend))]
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
    if not address and not os.environ.get("DISPLAY"):
        return [
            failed(
                "session bus",
                "no session D-Bus: DBUS_SESSION_BUS_ADDRESS is not set",
                "run nudger in your desktop session (a terminal there, or its autostart); the "
                "systemd user service gets it from the user manager. Meanwhile nudges go to the "
                f"{fallback} fallback",
            ),
            not_applicable("notification server", "not checked: no session bus"),
        ]
    outcome = _probe(backend)
    return [bus_verdict(address, outcome, fallback), notifier_verdict(backend, fallback, outcome)]


def _probe(backend: str) -> ProbeOutcome:
    """Create the notifier and ask it once (the desktop one waits at most its own timeout)."""
    import asyncio

    from nudger import adapters
    from nudger.ports import NotifierUnavailable

    try:
        create = adapters.notifier_factory(backend)
    except NudgerError as error:
        return ProbeOutcome(f"{error.message} ({error.hint})" if error.hint else error.message)

    async def ask() -> None:
        notifier = create(APP_NAME)
        try:
            await notifier.probe()
        finally:
            await notifier.close()

    try:
        asyncio.run(ask())
    except NotifierUnavailable as error:
        return ProbeOutcome(str(error), bus_failed=_bus_failed(error.__cause__))
    return ProbeOutcome()


def _bus_failed(cause: BaseException | None) -> bool:
    """Whether the notifier could not reach the bus at all: a bad address or a refused
    authentication (ValueErrors in dbus-fast), or a socket that is not there; a timeout or an
    error answered on the bus is about the server."""
    if isinstance(cause, TimeoutError):
        return False
    return isinstance(cause, OSError | ValueError)


def bus_verdict(address: str, outcome: ProbeOutcome, fallback: str) -> Check:
    if outcome.problem is not None and outcome.bus_failed:
        return failed(
            "session bus",
            outcome.problem,
            "run nudger in your desktop session, where DBUS_SESSION_BUS_ADDRESS names a bus that "
            f"runs; meanwhile nudges go to the {fallback} fallback",
        )
    return passed("session bus", f"reachable at {address or 'the address DISPLAY gives'}")


def notifier_verdict(backend: str, fallback: str, outcome: ProbeOutcome) -> Check:
    name = "notification server" if backend == "desktop" else "notifications"
    if outcome.problem is None:
        said = "answers: nudges appear as desktop notifications" if backend == "desktop" else ""
        return passed(name, said or f"the {backend} notifier works")
    if outcome.bus_failed:
        return not_applicable(name, "not checked: the session bus cannot be reached")
    if backend == "desktop":
        return failed(
            name,
            outcome.problem,
            "start your desktop's notification server (on a bare window manager: dunst or "
            f'mako), or set notifications.backend = "console"; meanwhile nudges go to the '
            f"{fallback} fallback",
        )
    return failed(
        name,
        outcome.problem,
        f'set notifications.backend to one installed ("desktop" or "console"); meanwhile '
        f"nudges go to the {fallback} fallback",
    )
