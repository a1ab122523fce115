"""The report's plan marks, last contact and order, read from a real SQLite log: a corrected
entry counts as its correction, however many entries stand between, and people are ordered by
what needs attention."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nudger.core.balance import BalanceQuestion, BalanceRules, Thresholds, summarize
from nudger.core.model import NewEntry, Who
from nudger.log import queries
from nudger.log.store import Store
from nudger.views.report_data import PersonFacts
from nudger.views.report_overview import by_attention
from nudger.views.report_plans import PlanMark, read_last_contact, read_marks

NOW = datetime(2026, 6, 10, 12, tzinfo=UTC)


def entry(days: float, kind: str, who: Who, key: str, **details: str) -> NewEntry:
    return NewEntry(NOW - timedelta(days=days), kind, who, "test", key, "Alex", details)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "log.sqlite3") as opened:
        yield opened


def test_a_corrected_newest_contact_gives_way_to_the_older_true_one(store: Store) -> None:
    """Fifty messages, every one of them corrected away: the call before them is the last
    contact, found past the first batches the reader asks for."""
    store.append(entry(30, "call", Who.THEM, "call"), now=NOW)
    for number in range(50):
        key = f"message:{number}"
        store.append(entry(20 - number / 10, "message", Who.ME, key), now=NOW)
        wrong = NewEntry(NOW, "plan", Who.ME, "mark", f"fix:{number}", "Alex", supersedes=key)
        store.append(wrong, now=NOW)
    alex = queries.person_id(store.db, "Alex")

    last = read_last_contact(store.db, alex, NOW)
    assert last is not None and (last.kind, last.who) == ("call", Who.THEM)
    assert read_last_contact(store.db, alex, NOW - timedelta(days=31)) is None
    assert read_last_contact(store.db, None, NOW) is None


def test_a_plan_that_happened_is_credited_to_the_side_that_stands(store: Store) -> None:
    store.append(entry(10, "plan", Who.UNKNOWN, "plan", uid="u1", summary="Lunch"), now=NOW)
    marked = NewEntry(
        NOW - timedelta(days=10), "plan", Who.ME, "mark", "mark:1", "Alex",
        {"uid": "u1", "summary": "Lunch"}, supersedes="plan",
    )  # fmt: skip
    store.append(marked, now=NOW)
    store.append(entry(2, "happened", Who.UNKNOWN, "happened", uid="u1"), now=NOW)
    alex = queries.person_id(store.db, "Alex")

    last = read_last_contact(store.db, alex, NOW)
    assert last is not None and (last.kind, last.who) == ("happened", Who.ME)
    marks = read_marks(store.db, alex, NOW - timedelta(days=30), NOW)
    assert [(m.mark, m.who, m.title) for m in marks] == [("plan", Who.ME, "Lunch")]


RULES = BalanceRules(("plan",), Thresholds(0.6, 0.75, 4), 6)
QUESTION = BalanceQuestion("", None, True, NOW - timedelta(days=90), NOW, RULES, UTC)


def facts(name: str, me: int, them: int, unknown_plans: int = 0) -> PersonFacts:
    counts = [("plan", Who.ME, me), ("plan", Who.THEM, them)]
    marks = tuple(PlanMark(NOW, "plan", Who.UNKNOWN, "", None) for _ in range(unknown_plans))
    balance = summarize(replace(QUESTION, person=name), counts)
    return PersonFacts(balance, (), (), (), marks=marks)


def test_people_are_ordered_by_what_needs_attention_then_by_name() -> None:
    people = [
        facts("balanced", 2, 2),
        facts("few", 1, 0),
        facts("answer me", 2, 2, unknown_plans=1),
        facts("leaning", 5, 3),
        facts("Zed one-sided", 0, 4),
        facts("alone one-sided", 4, 0),
    ]
    verdicts = {p.balance.person: p.balance.verdict for p in people}
    assert verdicts["leaning"] == "leaning" and verdicts["few"] == "not enough data"
    assert [p.balance.person for p in by_attention(people)] == [
        "alone one-sided",
        "Zed one-sided",
        "leaning",
        "answer me",
        "few",
        "balanced",
    ]
