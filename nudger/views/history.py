"""The log's entries as `nudger history` lists them: for one person or everyone, of some kinds,
in a window, the newest `limit` of them, oldest first.

A person is named as every query names them (`nudger.views.people.resolve_person`); someone
tracked with nothing logged yet has an empty history, not everyone's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from nudger.config.settings_core import Person
from nudger.core.model import Entry
from nudger.log import queries
from nudger.views.people import resolve_person


@dataclass(frozen=True, slots=True)
class History:
    """The entries shown, oldest first, and how many matched (more when a limit cut them)."""

    entries: list[Entry]
    matched: int


def history(
    db: sqlite3.Connection,
    configured: Sequence[Person],
    person: str | None,
    *,
    kinds: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> History:
    """The entries matching every filter given, oldest first; with `limit`, the newest `limit`."""
    person_id = None
    if person is not None:
        name = resolve_person(configured, person, queries.logged_people(db)).name
        person_id = queries.person_id(db, name)
        if person_id is None:  # tracked, no entries yet
            return History([], 0)
    shown = queries.entries(
        db, person=person_id, kinds=kinds, since=since, until=until, limit=limit
    )
    if limit is None or len(shown) < limit:
        return History(shown, len(shown))
    matched = queries.count_entries(db, person=person_id, kinds=kinds, since=since, until=until)
    return History(shown, matched)
