"""Whom a query is about, from the config's people and a real SQLite log: the named one, the
tracked, those only the log remembers; and `history` of someone with nothing logged yet."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nudger.config.settings_core import Person
from nudger.core.model import NewEntry, Who
from nudger.errors import UnknownPersonError
from nudger.log.store import Store
from nudger.views.forgetting import forgetting
from nudger.views.history import History, history
from nudger.views.people import Chosen, chosen_people

NOW = datetime(2026, 6, 10, 12, tzinfo=UTC)
PEOPLE = [
    Person(name="Alex", kind="partner", aliases=["Al"]),
    Person(name="Robin", kind="friend", removed="2026-01-01"),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "log.sqlite3") as opened:
        for person in ("Robin", "Kim"):
            entry = NewEntry(NOW, "call", Who.THEM, "cli", f"call:{person}", person=person)
            opened.append(entry, now=NOW)
        yield opened


def test_the_tracked_by_default_and_everyone_with_show_all(store: Store) -> None:
    assert chosen_people(store.db, PEOPLE, None) == [Chosen("Alex", "partner", True)]
    assert chosen_people(store.db, PEOPLE, None, show_all=True) == [
        Chosen("Alex", "partner", True),
        Chosen("Robin", "friend", False),
        Chosen("Kim", None, False),
    ]
    assert chosen_people(store.db, PEOPLE, "al") == [Chosen("Alex", "partner", True)]
    assert chosen_people(store.db, PEOPLE, "kim") == [Chosen("Kim", None, False)]
    with pytest.raises(UnknownPersonError):
        chosen_people(store.db, PEOPLE, "Sasha")


def test_history_of_someone_with_nothing_logged_is_empty(store: Store) -> None:
    assert history(store.db, PEOPLE, "Alex") == History([], 0)
    assert [e.person for e in history(store.db, PEOPLE, None).entries] == ["Robin", "Kim"]
    only_kim = history(store.db, PEOPLE, "Kim", kinds=["call"])
    assert ([e.person for e in only_kim.entries], only_kim.matched) == (["Kim"], 1)


def test_a_limited_history_says_how_many_matched(store: Store) -> None:
    newest = history(store.db, PEOPLE, None, limit=1)
    assert ([e.person for e in newest.entries], newest.matched) == (["Kim"], 2)


def test_forgetting_names_the_subject_and_keeps_the_others(store: Store) -> None:
    found = forgetting(store.db, PEOPLE, "Robin")
    assert (found.subject.name, found.configured) == ("Robin", PEOPLE[1])
    assert [other.name for other in found.others] == ["Alex"]
    assert found.footprint.entries == 1
    assert forgetting(store.db, PEOPLE, " kim ").configured is None
