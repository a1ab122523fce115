"""The balance asked as one value: the rules made from the `[balance]` settings, and the same
question answered by `balance_of` and the report's `person_facts` from a real SQLite log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nudger.config.settings_core import Balance
from nudger.core.balance import BalanceQuestion, Sides, Thresholds
from nudger.core.model import NewEntry, Who
from nudger.log.store import Store
from nudger.views.balance import balance_of, balance_rules
from nudger.views.report_data import person_facts

NOW = datetime(2026, 6, 10, 12, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "log.sqlite3") as opened:
        for days, kind, who in [(40, "plan", Who.ME), (20, "call", Who.THEM), (3, "plan", Who.ME)]:
            at = NOW - timedelta(days=days)
            entry = NewEntry(at, kind, who, "cli", f"{kind}:{days}", person="Alex")
            opened.append(entry, now=NOW)
        yield opened


def test_the_rules_are_the_balance_settings_as_values() -> None:
    rules = balance_rules(Balance(kinds=["plan", "call"], leaning=0.7, trend_months=3))
    assert rules.kinds == ("plan", "call")
    assert rules.thresholds == Thresholds(leaning=0.7, one_sided=0.75, min_count=4)
    assert rules.trend_months == 3


def test_balance_and_report_answer_one_question_alike(store: Store) -> None:
    question = BalanceQuestion(
        person="Alex",
        kind="partner",
        tracked=True,
        since=NOW - timedelta(days=30),
        until=NOW,
        rules=balance_rules(Balance(trend_months=2)),
        zone=UTC,
    )
    report = balance_of(store.db, question)
    assert (report.person, report.since, report.until) == ("Alex", question.since, NOW)
    assert report.initiations == Sides(me=1, them=1)
    assert [month.label for month in report.trend] == ["2026-05", "2026-06"]
    facts = person_facts(store.db, question)
    assert facts.balance == report
    assert sum(m.balance.initiations.known for m in facts.months) == 2
