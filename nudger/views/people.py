"""Whom a query is about: the person named (configured, tracked or not, or someone only the log
still holds entries for), or everyone tracked; and whom `nudger forget` erases.

The configured people come in as the settings' list, the logged names from the log's queries;
the names a query accepts are thus the same for `balance`, `report`, `history` and `forget`.
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
    from nudger.core.detect import Tracked  # detection's modules stay off the query path


@dataclass(frozen=True, slots=True)
class Chosen:
    """A person a query shows: their name, their kind (None for a name only the log holds),
    and whether they are tracked now."""

    name: str
    kind: str | None
    tracked: bool


@dataclass(frozen=True, slots=True)
class Forgetting:
    """Whom `forget` erases, what the log holds about them, and who keeps their shared plans."""

    subject: Tracked
    configured: Person | None  # their [[people]] table, if the config has one
    others: tuple[Tracked, ...]  # everyone else still tracked: shared stored plans stay
    footprint: export.Footprint


def chosen_people(
    db: sqlite3.Connection,
    configured: Sequence[Person],
    person: str | None,
    *,
    show_all: bool = False,
) -> list[Chosen]:
    """The people a query shows: the one named, else everyone tracked (with `show_all`, also
    those no longer tracked and names only the log still holds)."""
    logged = queries.logged_people(db)
    if person is not None:
        return [resolve_person(configured, person, logged)]
    chosen = [Chosen(p.name, p.kind, p.tracked) for p in configured if show_all or p.tracked]
    if show_all:
        known = {p.name.casefold() for p in configured}
        chosen += [Chosen(name, None, False) for name in logged if name.casefold() not in known]
    return chosen


def resolve_person(configured: Sequence[Person], name: str, logged: Sequence[str]) -> Chosen:
    """A configured person (tracked or not), else someone the log still has entries for."""
    try:
        found = people.find(configured, name)
    except UnknownPersonError:
        match = next((n for n in logged if n.casefold() == name.casefold()), None)
        if match is None:
            raise people.unknown_person(name, [p.name for p in configured] + list(logged)) from None
        return Chosen(match, None, False)
    return Chosen(found.name, found.kind, found.tracked)


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
