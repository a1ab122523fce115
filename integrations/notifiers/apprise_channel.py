"""The `apprise` notifier: a nudge sent to ntfy, Telegram, Matrix, Pushover, e-mail or any other
service Apprise speaks to, through one channel URL.

The URL carries the service's token, so it lives only in this object: it is read by the daemon
from the channel's url_command/url_env/keyring, and every text leaving here (an error, a log
line) names the scheme only (`ntfy://…`), with every part of the URL struck out of whatever
Apprise said. Apprise's own log lines can hold the URL (Telegram's has the bot token in its
path), so they are captured while it sends and never reach the daemon's log.

Apprise is synchronous: each send runs in a thread with a timeout, so the daemon's loop never
waits on a slow service. Nothing can be pressed on these services from here (an ntfy action
with a URL could not reach this machine), so no action is offered and each message ends with
the commands that answer it. Text goes as plain text (`NotifyFormat.TEXT`): Apprise escapes it
for services that render markup, so a calendar title cannot format or link anything.
"""

from __future__ import annotations

import asyncio
import logging
import re

import apprise

from integrations.notifiers.console import answers
from nudger.core.text import printable, url_scheme
from nudger.errors import ConfigError
from nudger.ports import ActionHandler, DeliveryUnknown, Message, NotifierUnavailable

TIMEOUT = 20.0  # seconds a service may take to take a message
SHORTEST_SECRET = 4  # URL parts at least this long are struck out of messages

logging.getLogger("apprise").propagate = False  # its lines may quote the URL: captured instead


def create(app_name: str, url: str | None = None) -> AppriseChannel:
    """A channel to `url`; as a backend (no URL) it is a configuration error."""
    if url is None:
        raise ConfigError(
            "the apprise notifier sends to a channel's URL",
            hint="add it as a [[notifications.channels]] table with url_command, url_env or "
            "keyring, and name it in notifications.routes",
        )
    return AppriseChannel(app_name, url)


def redact(text: str, url: str) -> str:
    """`text` with the URL and every part of it (token, user, host, topic, chat id) struck out."""
    text = text.replace(url, url_scheme(url))
    rest = url.split("://", 1)[-1]
    for part in sorted(set(re.split(r"[/:@?&=#,+]", rest)), key=len, reverse=True):
        if len(part) >= SHORTEST_SECRET:
            text = text.replace(part, "…")
    return text


def body(message: Message) -> str:
    """The message body, then the commands that answer it (nothing here can be pressed)."""
    lines = [printable(message.body)] if message.body else []
    if hints := answers(message):
        lines.append("Answer with: " + "  |  ".join(hints))
    return "\n\n".join(lines)


class AppriseChannel:
    """One Apprise URL. `show` raises `NotifierUnavailable` when the service did not take the
    message, `DeliveryUnknown` when it did not answer in time (it may have taken it), each
    with a reason that holds no part of the URL."""

    name = "apprise"

    def __init__(self, app_name: str, url: str, *, timeout: float | None = None) -> None:
        self.app_name = app_name
        self.timeout = TIMEOUT if timeout is None else timeout
        self._url = url
        self._apprise = apprise.Apprise()
        if not self._apprise.add(url):
            raise ConfigError(
                f"Apprise does not understand the channel URL ({url_scheme(url)})",
                hint="see https://github.com/caronc/apprise/wiki for the URL of each service",
            )

    @property
    def address(self) -> str:
        return url_scheme(self._url)

    async def probe(self) -> None:
        """Nothing to ask without sending: `nudger notify test` sends a message instead."""

    async def show(self, message: Message, on_action: ActionHandler) -> None:
        del on_action  # no buttons reach back here
        title = printable(message.title)
        try:
            ok, said = await asyncio.wait_for(
                asyncio.to_thread(self._notify, title, body(message)), self.timeout
            )
        except TimeoutError:
            # It may still arrive (the thread goes on): sending it again could show it twice.
            raise DeliveryUnknown(
                f"{self.address} gave no answer within {self.timeout:g} s"
            ) from None
        if not ok:
            reason = " ".join(said.split()) or "the service did not take the message"
            raise NotifierUnavailable(f"{self.address}: {redact(reason, self._url)}")

    async def close(self) -> None:
        """Nothing held open between sends."""

    def _notify(self, title: str, text: str) -> tuple[bool, str]:
        """Send (in a worker thread); whether it went, and Apprise's warnings about it."""
        capture = apprise.LogCapture(level=logging.WARNING, fmt="%(message)s")  # type: ignore[no-untyped-call]
        with capture as said:
            result = self._apprise.notify(
                body=text, title=title, body_format=apprise.NotifyFormat.TEXT
            )
            return bool(result), str(said.getvalue())
