"""The channels beyond the backend (`notifications.channels`): a notifier for each, created on
first use with the URL read from its secret, and one send that says what went wrong.

A channel that cannot be created (its secret unreadable, an URL Apprise does not know) or
does not take a message is a reason, never an exception: the caller logs it as a failed
attempt and tries again later, and nothing else waits for it. A reason never holds the URL:
secrets' messages name where they looked, adapters name the scheme only.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from nudger import adapters
from nudger.config import secrets
from nudger.config.settings import Channel
from nudger.errors import NudgerError
from nudger.ports import ActionHandler, DeliveryUnknown, Message, Notifier, NotifierUnavailable

log = logging.getLogger(__name__)

APP_NAME = "nudger"
SECRET_TIMEOUT = 10.0  # seconds a url_command may take


def read_url(channel: Channel) -> str | None:
    """The channel's URL from its url_command, url_env or keyring; None when it has none.
    Raises `SecretError`, which names where it looked, never what it read."""
    return secrets.read(channel.secret, SECRET_TIMEOUT)


def create(channel: Channel, url: str | None = None) -> Notifier:
    """The notifier of `channel`, given its URL when it has one (read now unless given).
    Raises `NudgerError` (a secret that cannot be read, no such notifier, a URL it cannot
    use)."""
    url = url if url is not None else read_url(channel)
    if url is None:
        return adapters.notifier_factory(channel.type)(APP_NAME)
    return adapters.channel_factory(channel.type)(APP_NAME, url)


@dataclass(frozen=True, slots=True)
class SendFailure:
    """Why a send did not go through (never holding the URL), and whether it may have
    arrived all the same (no answer in time): then it must not be sent again."""

    reason: str
    may_have_arrived: bool = False


def explain(error: NudgerError) -> str:
    return f"{error.message} ({error.hint})" if error.hint else error.message


class Channels:
    """The configured channels by name, each notifier created when first needed."""

    def __init__(self) -> None:
        self.configs: dict[str, Channel] = {}
        self._notifiers: dict[str, Notifier] = {}

    async def set_up(self, channels: list[Channel]) -> None:
        """Forget the notifiers in use; the new settings' ones are created on first send."""
        await self.close()
        self.configs = {channel.name: channel for channel in channels}

    async def send(
        self, name: str, message: Message, on_action: ActionHandler
    ) -> SendFailure | None:
        """Send `message` on channel `name`: None when its service took it, else why not."""
        try:
            notifier = await self._notifier(name)
            await notifier.show(message, on_action)
        except NudgerError as error:
            return SendFailure(explain(error))
        except DeliveryUnknown as error:
            return SendFailure(str(error), may_have_arrived=True)
        except NotifierUnavailable as error:
            return SendFailure(str(error))
        return None

    async def _notifier(self, name: str) -> Notifier:
        if name not in self._notifiers:
            if name not in self.configs:
                raise NudgerError(f"no channel named {name!r} is configured")
            # A url_command is a subprocess: run it off the loop.
            self._notifiers[name] = await asyncio.to_thread(create, self.configs[name])
        return self._notifiers[name]

    async def close(self) -> None:
        for notifier in self._notifiers.values():
            await notifier.close()
        self._notifiers = {}
