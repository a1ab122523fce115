"""The notifier port: how the daemon shows a nudge and hears which button was pressed.

Adapters live in `integrations/notifiers/` (desktop over D-Bus, console on stderr) and are found
by name through the `nudger.notifiers` entry-point group. Each registers a factory
`create(app_name: str) -> Notifier`. The core hands them plain text; escaping for whatever
markup a notification server renders is the adapter's job, because only it knows the server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

# Called with (nudge id, action) when the user presses a button, e.g. ("checkin:Alex:…", "done").
ActionHandler = Callable[[str, str], Awaitable[None]]


class NotifierUnavailable(Exception):
    """The notifier cannot show anything now (no session bus, no notification server).

    The message says why in one line; the daemon falls back and probes again later.
    """


@dataclass(frozen=True, slots=True)
class Message:
    """One notification: plain text (never markup) and the actions offered as buttons."""

    nudge_id: str
    title: str
    body: str
    actions: tuple[str, ...]  # action names: done, snooze, skip, me, them, wait


ACTION_LABELS = {
    "done": "Done",
    "snooze": "Snooze",
    "skip": "Skip",
    "me": "Me",
    "them": "Them",
    "wait": "Let them step up",
}


def action_label(action: str) -> str:
    """The button text for an action name."""
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


class Notifier(Protocol):
    """Shows messages. Failure contract:

    - `probe()` raises `NotifierUnavailable` when nothing could be shown now; it is cheap enough
      to call again every few minutes.
    - `show()` raises `NotifierUnavailable` when this message could not be delivered (the caller
      then uses the fallback); any button pressed later calls `on_action` on the running loop.
    - Neither raises anything else for a delivery problem, and neither logs secrets.
    """

    name: str

    async def probe(self) -> None: ...

    async def show(self, message: Message, on_action: ActionHandler) -> None: ...

    async def close(self) -> None: ...


NotifierFactory = Callable[[str], Notifier]
