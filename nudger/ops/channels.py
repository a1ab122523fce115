"""The notification channels, as `doctor` and `nudger notify test` see them: can each one's URL
be read and used, and does a test message go through?

Neither shows more of a URL than its scheme (`ntfy://…`): the secrets' errors name where they
looked, and the adapters strike the URL out of what a service answered.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from nudger import adapters
from nudger.config.secrets import SecretError
from nudger.config.settings import Channel, Notifications, Settings
from nudger.core.text import url_scheme
from nudger.daemon import channels
from nudger.errors import NudgerError, UsageError
from nudger.ops.check import Check, failed, not_applicable, passed
from nudger.ports import Message, NotifierUnavailable

TEST_MESSAGE = Message(
    nudge_id="test",
    title="nudger: a test message",
    body="If you can read this, nudges reach you here.",
    actions=(),
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What sending the test message on one channel did: `problem` is None when it went."""

    channel: str
    kind: str  # "backend" or the channel's type
    problem: str | None

    def to_json(self) -> dict[str, str | bool | None]:
        return {
            "channel": self.channel,
            "type": self.kind,
            "ok": self.problem is None,
            "problem": self.problem,
        }


def channel_checks(settings: Settings) -> list[Check]:
    """One check a channel: its type, the scheme of its URL, whether the URL can be read and is
    one its notifier can use (nothing is sent), and which nudge kinds go to it."""
    section = settings.notifications
    return [_check(channel, _kinds_to(channel.name, section)) for channel in section.channels]


def _kinds_to(name: str, section: Notifications) -> list[str]:
    return [str(kind) for kind in section.routes if name in section.route(kind)]


def _check(channel: Channel, kinds: list[str]) -> Check:
    name = f"channel {channel.name}"
    try:
        url = channels.read_url(channel)
    except SecretError as error:
        fix = error.hint or "check its url_command, url_env or keyring setting"
        return failed(name, f"{channel.type}: cannot read its URL: {error.message}", fix)
    where = f"{channel.type}, {url_scheme(url)}" if url is not None else channel.type
    try:
        asyncio.run(channels.create(channel, url).close())
    except NudgerError as error:
        return failed(name, f"{where}: {error.message}", error.hint or "check its type and URL")
    said = "its URL can be read" if url is not None else "it needs no URL"
    if not kinds:
        hint = f'name it in notifications.routes, e.g. checkin = ["{channel.name}"]'
        return not_applicable(name, f"{where}: {said}, but no route sends nudges to it", hint)
    return passed(name, f"{where}: {said}; gets {', '.join(kinds)}")


def send_test_messages(settings: Settings, only: str | None = None) -> list[Outcome]:
    """Send the test message on the backend and each channel (or only the one named); raises
    `NudgerError` for a name that is no channel."""
    section = settings.notifications
    names = [section.backend, *section.channel_names]
    if only is not None:
        found = [n for n in names if n.casefold() == only.strip().casefold()]
        if not found:
            raise UsageError(f"no channel named {only!r}", hint="channels: " + ", ".join(names))
        names = found
    return asyncio.run(_send_all(settings, names))


async def _send_all(settings: Settings, names: list[str]) -> list[Outcome]:
    section = settings.notifications
    sending = channels.Channels()
    await sending.set_up(section.channels)
    try:
        outcomes = []
        for name in names:
            if name == section.backend:
                outcomes.append(Outcome(name, "backend", await _backend(name)))
            else:
                failure = await sending.send(name, TEST_MESSAGE, _no)
                problem = None if failure is None else failure.reason
                outcomes.append(Outcome(name, sending.configs[name].type, problem))
        return outcomes
    finally:
        await sending.close()


async def _backend(name: str) -> str | None:
    try:
        notifier = adapters.notifier_factory(name)(channels.APP_NAME)
    except NudgerError as error:
        return channels.explain(error)
    try:
        await notifier.probe()
        await notifier.show(TEST_MESSAGE, _no)
    except NotifierUnavailable as error:
        return str(error)
    finally:
        await notifier.close()
    return None


async def _no(_nudge_id: str, _action: str) -> None:
    """A test message has no buttons."""
