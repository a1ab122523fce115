"""Adding and removing `[[calendars]]` tables in the config file, as `people` does for people.

The table is checked with the whole file before anything is written (`edit.edit`), so a source
that would not validate never lands in the file. What a calendar logged is the log's business:
removing the table forgets nothing there.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nudger.errors import UsageError


def add(config: Path, table: dict[str, Any]) -> None:
    """Append `table` as a calendar source; its name must be new (in any case)."""
    from nudger.config import edit as config_edit

    name = str(table["name"])

    def change(document: Any) -> None:
        import tomlkit

        entries = document.setdefault("calendars", tomlkit.aot())
        if any(str(e.get("name", "")).casefold() == name.casefold() for e in entries):
            raise UsageError(f"a calendar named {name!r} exists", hint="pick another name")
        entries.append(table)

    config_edit.edit(config, change)


def remove(config: Path, name: str, names: Sequence[str]) -> str:
    """Drop the source called `name` (in any case) among the configured `names`; returns the
    name as configured."""
    from nudger.config import edit as config_edit

    match = next((n for n in names if n.casefold() == name.casefold()), None)
    if match is None:
        raise UsageError(
            f"no calendar named {name!r}", hint=f"calendars: {', '.join(names) or 'none'}"
        )

    def change(document: Any) -> None:
        entries = document["calendars"]
        index = next(i for i, e in enumerate(entries) if str(e.get("name")) == match)
        del entries[index]

    config_edit.edit(config, change)
    return match
