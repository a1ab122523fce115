"""Whom a query is about: the person named (configured, tracked or not, or someone only the log
still holds entries for), or everyone tracked. (Whom `nudger forget` erases: `views.forgetting`.)

The configured people come in as the settings' list, the logged names from the log's queries;
the names a query accepts are thus the same for `balance`, `report`, `history` and `forget`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from nudger.config.settings_core import Person
from nudger.errors import UnknownPersonError
from nudger.log import queries


@dataclass(frozen=True, slots=True)
class Chosen:
    """A person a query shows: their name, their kind (None for a name only the log holds),
    and whether they are tracked now."""

    name: str
    kind: str | None
    tracked: bool


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
    from nudger.config import people  # only when a person is named: `balance` alone skips it

    try:
        found = people.find(configured, name)
    except UnknownPersonError:
        match = next((n for n in logged if n.casefold() == name.casefold()), None)
        if match is None:
            raise people.unknown_person(name, [p.name for p in configured] + list(logged)) from None
        return Chosen(match, None, False)
    return Chosen(found.name, found.kind, found.tracked)
