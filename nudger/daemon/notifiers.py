"""The daemon's notifiers: the configured one, the fallback that shows nudges while it is down,
and the probing that notices when it is back.

A notifier that fails is a warning, never a dead daemon: the fallback (the console by default)
takes over at once, the main one is probed again every few ticks, and the log says which one
showed each nudge. What is in use and why is what `status` and the heartbeat report.
"""

from __future__ import annotations

import logging

from nudger import adapters
from nudger.config.settings import Notifications
from nudger.daemon.channels import Channels
from nudger.errors import NudgerError
from nudger.ports import ActionHandler, Message, Notifier, NotifierUnavailable

log = logging.getLogger(__name__)

APP_NAME = "nudger"
REPROBE_EVERY = 5  # ticks between probes of a notifier that was unavailable


class Notifiers:
    """The main notifier and its fallback, and why the main one cannot be used (`problem`)."""

    def __init__(self) -> None:
        self.main: Notifier | None = None
        self.fallback: Notifier | None = None
        self.problem: str | None = None
        self.channels = Channels()  # the other places nudges go to (`notifications.channels`)
        self._backend = ""

    async def set_up(self, section: Notifications) -> None:
        """Close the notifiers in use, create the configured ones, then probe the main one."""
        await self.close()
        self._backend = section.backend
        self.main = _create(section.backend)
        self.fallback = _create(section.fallback) if section.fallback != section.backend else None
        await self.channels.set_up(section.channels)
        await self.probe()

    async def probe(self) -> bool:
        """Check the main notifier (True: it works); while it is unavailable the fallback shows
        nudges. The change either way is logged once, not at every probe."""
        if self.main is None:
            self.problem = f"no {self._backend} notifier"
            return False
        try:
            await self.main.probe()
        except NotifierUnavailable as error:
            if self.problem is None:
                log.warning(
                    "%s notifications unavailable (%s); using %s until they are back",
                    self.main.name,
                    error,
                    self.fallback.name if self.fallback else "nothing",
                )
            self.problem = str(error)
            return False
        if self.problem is not None:
            log.info("%s notifications are back", self.main.name)
        self.problem = None
        return True

    def due_for_probe(self, tick: int) -> bool:
        """Whether this tick should probe the main notifier again: only while it is down."""
        return self.problem is not None and tick % REPROBE_EVERY == 0

    def showing(self) -> Notifier | None:
        """The notifier that shows nudges now: the main one, or while it is down the fallback."""
        return self.main if self.problem is None else self.fallback

    async def show(
        self, via: Notifier, message: Message, on_action: ActionHandler
    ) -> Notifier | None:
        """Show `message` through `via`, or the fallback when `via` turns out unavailable;
        returns the notifier that showed it, or None when none could."""
        try:
            await via.show(message, on_action)
        except NotifierUnavailable as error:
            self.problem = str(error)
            log.warning("%s could not show a nudge (%s)", via.name, error)
            if self.fallback is not None and via is not self.fallback:
                return await self.show(self.fallback, message, on_action)
            return None
        return via

    async def close(self) -> None:
        for notifier in (self.main, self.fallback):
            if notifier is not None:
                await notifier.close()
        await self.channels.close()


def _create(name: str) -> Notifier | None:
    """The notifier adapter of that name, or None (logged) when it cannot be loaded."""
    try:
        return adapters.notifier_factory(name)(APP_NAME)
    except NudgerError as error:
        log.error("notifier %s: %s", name, error.message)
        return None
