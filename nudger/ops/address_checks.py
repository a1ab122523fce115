"""`doctor`'s check of my own addresses: does nudger know which invitations are mine?

Without them every plan I organize is of unknown side, and the verdict has nothing to stand on.
nudger knows them from `me.emails` and from sources that can tell (CalDAV's
calendar-user-address-set, Google's `self` entries; what each said at its last sync is in the
log's sync state). The check fails when `me.emails` is empty and a source cannot tell, which
includes one not synced yet: then plans I organize there are unknown, or mine only through what
another source says (which a first sync in another order misses); the fix names the addresses
the sources taught, if any.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nudger.ops.check import Check, failed, not_applicable, passed

if TYPE_CHECKING:
    from nudger.config.settings import Settings

NAME = "my addresses"
Learnt = Mapping[str, tuple[str, ...] | None]  # source -> what it says of me (None: cannot tell)


def address_check(settings: Settings, log: Path) -> Check:
    from nudger.log.health import read_own_addresses

    theirs = {address: p.name for p in settings.people if p.tracked for address in p.emails}
    enabled = [config.name for config in settings.calendars if config.enabled]
    return address_verdict(settings.me.emails, enabled, read_own_addresses(log), theirs)


def address_verdict(
    configured: Sequence[str], sources: Sequence[str], learnt: Learnt, theirs: Mapping[str, str]
) -> Check:
    """The check from what is known: my configured addresses, the enabled sources, what each
    said of me, and the tracked people's addresses (one of those is never taken for mine)."""
    if not sources:
        return not_applicable(NAME, "no calendar to read")
    said = [_said(name, learnt, theirs) for name in sources]
    mine = "me.emails: " + ", ".join(configured) if configured else "me.emails is empty"
    detail = "; ".join([mine, *said])
    blind = [name for name in sources if learnt.get(name) is None]
    if configured or not blind:
        return passed(NAME, detail)
    teachers = [n for n in sources if any(a not in theirs for a in learnt.get(n) or ())]
    taught = sorted({a for n in teachers for a in learnt[n] or () if a not in theirs})
    if not taught:
        return failed(
            NAME,
            f"{detail}. So plans you organize in {_names(blind)} count as unknown",
            "nudger config set me.emails you@example.org (the addresses your invitations "
            "come from)",
        )
    # Then they are mine through what another source says, as long as it keeps saying it and
    # synced before: the settings make it so whatever the sources do.
    return failed(
        NAME,
        f"{detail}. Plans you organize in {_names(blind)} are yours only by what "
        f"{_names(teachers)} {'says' if len(teachers) == 1 else 'say'}",
        f"nudger config set me.emails {json.dumps(taught) if len(taught) > 1 else taught[0]}",
    )


def _said(name: str, learnt: Learnt, theirs: Mapping[str, str]) -> str:
    if name not in learnt:
        return f"{name}: not synced yet, so it has told nothing"
    found = learnt[name]
    if found is None:
        return f"{name}: cannot tell which invitations are yours"
    if not found:
        return f"{name}: marks your own entries (no address learnt yet)"
    mine = [a for a in found if a not in theirs]
    ignored = ", ".join(f"{a} ({theirs[a]}'s)" for a in found if a in theirs)
    told = f"{name}: says you are {', '.join(mine)}" if mine else f"{name}: names no address"
    return told + (f", ignoring {ignored}" if ignored else "")


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
