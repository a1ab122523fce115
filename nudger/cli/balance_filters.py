"""`balance --kind` and `--channel`: the filters a balance is asked with, checked.

Each option is repeatable and takes a comma list. A kind must be one the `[balance]` settings
count as an initiation; a channel one nudger writes or one the log holds (a CSV import may name
its own), so a typo is a usage error listing what would work, never an empty balance.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from nudger.errors import UsageError

# The channels nudger itself writes: imports, calendars, and hand-logged entries without one.
KNOWN_CHANNELS = ("calendar", "phone", "signal", "sms", "telegram", "unknown", "whatsapp")


def split(values: Sequence[str] | None) -> tuple[str, ...]:
    """`--kind plan,call --kind message` as ("plan", "call", "message"), each once, in order."""
    found: list[str] = []
    for value in values or ():
        for name in value.split(","):
            name = name.strip().lower()
            if name and name not in found:
                found.append(name)
    return tuple(found)


def checked_kinds(asked: tuple[str, ...], initiations: Sequence[str]) -> tuple[str, ...]:
    """The kinds asked for, each one the balance counts as an initiation."""
    for name in asked:
        if name not in initiations:
            raise UsageError(
                f"--kind {name!r} is not a kind the balance counts",
                hint=f"kinds: {', '.join(initiations)} (the balance.kinds setting)",
            )
    return asked


def checked_channels(db: sqlite3.Connection, asked: tuple[str, ...]) -> tuple[str, ...]:
    """The channels asked for, each a known one or one the log holds (read only when needed)."""
    if all(name in KNOWN_CHANNELS for name in asked):
        return asked
    from nudger.log import queries

    valid = sorted(set(KNOWN_CHANNELS) | queries.channels_logged(db))
    for name in asked:
        if name not in valid:
            raise UsageError(
                f"--channel {name!r} is not a channel", hint=f"channels: {', '.join(valid)}"
            )
    return asked
