"""The config `nudger init` starts a user with, and the addresses it learns on the way.

My own addresses are what makes a plan I organized mine: without them every such plan is of
unknown side. So `init` asks for them, and this module writes them into the starter (or, when
the file exists already, adds them to `me.emails` through the checked edit, keeping the file
as it was otherwise). Each address is checked first, so a typo is named as such rather than
as an invalid config file the user never wrote.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from nudger.config.settings_core import normalize_email, valid_email
from nudger.errors import UsageError

STARTER = """\
# nudger's settings. Every setting, with its default and what it does, is listed in
# config.example.toml; change one with `nudger config set KEY VALUE` (it checks the value and
# keeps these comments) or edit this file.

[me]
name = {name}
emails = {emails}  # your addresses, so nudger knows which invitations are yours
timezone = "system"    # or an IANA zone name such as "Europe/Berlin"

# Add the people you track with: nudger people add NAME --email ADDRESS --kind partner

# The embedded default source: a folder of .ics files (the vdir layout that vdirsyncer and khal
# write). Put .ics files in it, or sync a calendar into it.
[[calendars]]
name = "local"
type = "ics"
path = {folder}
"""


def my_addresses(values: Iterable[str], *, given_as: str = "--email") -> list[str]:
    """The addresses typed (each value may hold several, separated by commas or spaces),
    checked and spelled as the settings store them, each once; a usage error names a bad one."""
    found: list[str] = []
    for value in values:
        for word in re.split(r"[,\s]+", value.strip()):
            if not word:
                continue
            try:
                address = valid_email(word)
            except ValueError as error:
                raise UsageError(f"{given_as} {word}: {error}") from None
            if address not in found:
                found.append(address)
    return found


def starter_text(name: str, emails: Sequence[str], folder: Path) -> str:
    """The starter config for `name` with `emails`, reading .ics files from `folder`."""
    return STARTER.format(
        name=json.dumps(name), emails=json.dumps(list(emails)), folder=json.dumps(str(folder))
    )


def add_my_addresses(config: Path, emails: Sequence[str]) -> list[str]:
    """Add the `emails` not in `me.emails` yet, through the checked edit; returns those added."""
    from nudger.config import edit as config_edit

    added: list[str] = []

    def change(document: Any) -> None:
        me = document.setdefault("me", {})
        known = [normalize_email(str(address)) for address in me.get("emails", [])]
        added.extend(address for address in emails if address not in known)
        if added:
            me["emails"] = [*me.get("emails", []), *added]

    config_edit.edit(config, change)
    return added
