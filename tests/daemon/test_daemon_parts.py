"""The daemon's collaborators on their own: the clock watch, and the notifiers' fallback and
probing, with small in-memory notifiers (no bus, no scheduler)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from nudger.daemon.clock_watch import ClockWatch
from nudger.daemon.notifiers import REPROBE_EVERY, Notifiers
from nudger.ports import ActionHandler, Message, NotifierUnavailable

WALL = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
MESSAGE = Message("checkin:Alex:2026-06-01", "Check-in with Alex", "How was today?", ("done",))


class Recording:
    """A notifier that shows into a list, or is unavailable while `down`."""

    def __init__(self, name: str, *, down: bool = False) -> None:
        self.name = name
        self.down = down
        self.shown: list[str] = []
        self.closed = False

    async def probe(self) -> None:
        if self.down:
            raise NotifierUnavailable(f"{self.name} is down")

    async def show(self, message: Message, on_action: ActionHandler) -> None:
        await self.probe()
        self.shown.append(message.nudge_id)

    async def close(self) -> None:
        self.closed = True


async def _ignore(_nudge_id: str, _action: str) -> None:
    return None


def _notifiers(main: Recording, fallback: Recording | None) -> Notifiers:
    notifiers = Notifiers()
    notifiers.main, notifiers.fallback = main, fallback
    return notifiers


def test_the_clock_watch_tells_a_jump_and_stays_quiet_while_the_clocks_keep_step() -> None:
    watch = ClockWatch(WALL)
    assert watch.gap(WALL) is None
    gap = watch.gap(WALL + timedelta(hours=1))
    assert gap is not None and 3590 < gap <= 3600
    assert watch.gap(WALL + timedelta(hours=1)) is None  # measured from the last pulse


def test_a_nudge_the_main_notifier_cannot_show_goes_to_the_fallback() -> None:
    desktop, console = Recording("desktop", down=True), Recording("console")
    notifiers = _notifiers(desktop, console)
    shown_by = asyncio.run(notifiers.show(desktop, MESSAGE, _ignore))
    assert shown_by is console
    assert console.shown == [MESSAGE.nudge_id] and desktop.shown == []
    assert notifiers.problem == "desktop is down"
    assert notifiers.showing() is console


def test_a_nudge_nothing_can_show_is_reported_as_not_shown() -> None:
    console = Recording("console", down=True)
    notifiers = _notifiers(Recording("desktop", down=True), console)
    assert asyncio.run(notifiers.show(console, MESSAGE, _ignore)) is None


def test_probing_says_once_that_the_notifier_is_down_and_once_that_it_is_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="nudger.daemon")
    desktop = Recording("desktop", down=True)
    notifiers = _notifiers(desktop, Recording("console"))
    assert not asyncio.run(notifiers.probe())
    assert not asyncio.run(notifiers.probe())
    assert notifiers.due_for_probe(REPROBE_EVERY) and not notifiers.due_for_probe(1)
    desktop.down = False
    assert asyncio.run(notifiers.probe())
    assert notifiers.problem is None and not notifiers.due_for_probe(REPROBE_EVERY)
    said = [r.getMessage() for r in caplog.records]
    assert sum("notifications unavailable" in line for line in said) == 1
    assert said[-1] == "desktop notifications are back"
    asyncio.run(notifiers.close())
    assert desktop.closed
