"""Finding adapters by name: calendar sources and notifiers, registered as entry points.

The core never imports `integrations` (or a third party's package) directly: a configured name
such as `caldav` or `desktop` is looked up in the `nudger.calendars` or `nudger.notifiers`
group and imported only then, so a command that needs no adapter pays for none.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from nudger.errors import ConfigError

CALENDARS = "nudger.calendars"
NOTIFIERS = "nudger.notifiers"
AUTH = "nudger.auth"  # signing in to a calendar service: `nudger auth google`


def available(group: str) -> dict[str, EntryPoint]:
    """The adapters installed for `group`, by name."""
    return {entry.name: entry for entry in entry_points(group=group)}


def load(group: str, name: str) -> object:
    """The adapter registered as `name` in `group`, imported now."""
    found = available(group)
    if name not in found:
        installed = ", ".join(sorted(found)) or "none"
        raise ConfigError(
            f"no {group.rsplit('.', 1)[-1]} adapter named {name!r} is installed",
            hint=f"installed: {installed}",
        )
    return found[name].load()
