"""The `console` notifier: each nudge as a few lines on stderr, where the journal picks it up.

The fallback when no desktop is reachable (a server, an SSH session, a daemon started before the
desktop). Nothing can be pressed here, so each message ends with the commands that answer it.
Titles and bodies carry calendar text, which may hold control characters, so everything printed
goes through `printable`.
"""

from __future__ import annotations

import shlex
import sys

from nudger.core.nudges.nudge import short_id
from nudger.core.text import printable
from nudger.ports import ActionHandler, Message, NotifierUnavailable

# The command that answers each action ({id} is the nudge id, quoted for a shell).
COMMANDS = {
    "done": "nudger done {id}",
    "snooze": "nudger snooze {id} 1h",
    "skip": "nudger skip {id}",
    "me": "nudger answer {id} me",
    "them": "nudger answer {id} them",
    "wait": "nudger answer {id} wait",
}


def create(app_name: str) -> ConsoleNotifier:
    return ConsoleNotifier(app_name)


class ConsoleNotifier:
    """Writes messages to stderr, looked up at each call so a redirected stderr is followed."""

    name = "console"

    def __init__(self, app_name: str) -> None:
        self.app_name = app_name

    async def probe(self) -> None:
        """Never fails: stderr is always there (and if not, there is nowhere to say so)."""

    async def show(self, message: Message, on_action: ActionHandler) -> None:
        del on_action  # nothing to press on a console
        try:
            sys.stderr.write(render(self.app_name, message))  # one write: lines stay together
            sys.stderr.flush()
        except (OSError, ValueError) as error:  # a closed pipe, a closed file
            raise NotifierUnavailable(f"cannot write to stderr ({error})") from error

    async def close(self) -> None:
        """Nothing to release."""


def render(app_name: str, message: Message) -> str:
    """The message as lines: the title, the body indented, then the commands that answer it."""
    lines = [f"{printable(app_name)}: {printable(message.title)}"]
    if message.body:
        lines.append(f"  {printable(message.body)}")
    if hints := answers(message):
        lines.append("  answer with: " + "  |  ".join(hints))
    return "\n".join(lines) + "\n"


def answers(message: Message) -> list[str]:
    """The commands for the message's actions, in order, each once."""
    nudge_id = shlex.quote(short_id(message.nudge_id))  # what `nudger nudges` lists, too
    commands = (COMMANDS.get(action) for action in message.actions)
    return list(dict.fromkeys(c.format(id=nudge_id) for c in commands if c is not None))
