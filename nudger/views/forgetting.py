"""Whom `nudger forget NAME` erases: someone in the config (tracked or removed, by name or
alias), else someone the log still has entries for; what the log holds about them; and who keeps
the plans they shared.

Apart from `views.people` so that the query commands, which choose people too, do not import
the export and sync-state modules that only forgetting needs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nudger.config import people
from nudger.config.settings_core import Person
from nudger.errors import UnknownPersonError
from nudger.log import export, queries

if TYPE_CHECKING:
    from nudger.core.detect import Tracked


@dataclass(frozen=True, slots=True)
class Forgetting:
    """Whom `forget` erases, what the log holds about them, and who keeps their shared plans."""

    subject: Tracked
    configured: Person | None  # their [[people]] table, if the config has one
    others: tuple[Tracked, ...]  # everyone else still tracked: shared stored plans stay
    footprint: export.Footprint


def forgetting(db: sqlite3.Connection, configured: Sequence[Person], name: str) -> Forgetting:
    """Whom `forget NAME` erases: someone in the config (tracked or removed, by name or alias),
    else someone the log still has entries for; the error lists both kinds of names."""
    subject, person = _subject(configured, name, queries.logged_people(db))
    others = tuple(
        export.subject_from(p.name, p.emails, p.aliases)
        for p in configured
        if p.tracked and p.name.casefold() != subject.name.casefold()
    )
    return Forgetting(subject, person, others, export.footprint(db, subject, others))


def _subject(
    configured: Sequence[Person], name: str, logged: Sequence[str]
) -> tuple[Tracked, Person | None]:
    try:
        found = people.find(configured, name)
    except UnknownPersonError:
        match = next((n for n in logged if n.casefold() == " ".join(name.split()).casefold()), None)
        if match is None:
            raise people.unknown_person(name, [p.name for p in configured] + list(logged)) from None
        return export.subject_from(match), None
    return export.subject_from(found.name, found.emails, found.aliases), found
