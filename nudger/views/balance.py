"""Reading one person's balance from the log: the queries `nudger.core.balance.summarize` needs.

A balance is asked as one value (`BalanceQuestion`); `balance_rules` makes its rules from the
`[balance]` settings, so the core sees values, never the schema.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from nudger.config.settings_core import Balance
from nudger.core.balance import (
    BalanceQuestion,
    BalanceRules,
    PersonBalance,
    Streak,
    Thresholds,
    current_runner,
    month_periods,
    summarize,
)
from nudger.core.model import Who
from nudger.log import queries


def balance_rules(section: Balance) -> BalanceRules:
    """The counting rules in the `[balance]` settings, as the core's value."""
    return BalanceRules(
        kinds=tuple(section.kinds),
        thresholds=Thresholds(section.leaning, section.one_sided, section.min_count),
        trend_months=section.trend_months,
    )


def balance_of(db: sqlite3.Connection, question: BalanceQuestion) -> PersonBalance:
    """The balance `question` asks for, with the trend of its rules' `trend_months`."""
    kinds = list(question.rules.kinds)
    until = question.until
    person_id = queries.person_id(db, question.person)
    counts: list[tuple[str, Who, int]] = []
    months: list[tuple[str, list[tuple[Who, int]]]] = []
    last_initiated: dict[Who, datetime | None] = {Who.ME: None, Who.THEM: None}
    streak = None
    periods = month_periods(until, question.rules.trend_months, question.zone)
    if person_id is not None:
        window, *by_month = queries.counts(
            db, person_id, [(question.since, until), *[(start, end) for _, start, end in periods]]
        )
        counts = [(c.kind, c.who, c.count) for c in window]
        months = [
            (label, [(c.who, c.count) for c in found if c.kind in kinds])
            for (label, _, _), found in zip(periods, by_month, strict=True)
        ]
        for who in (Who.ME, Who.THEM):
            last_initiated[who] = queries.last_initiation(db, person_id, kinds, who, until)
        runner = current_runner(last_initiated[Who.ME], last_initiated[Who.THEM])
        if runner is not None:
            who, after = runner
            streak = Streak(who, queries.initiations_after(db, person_id, kinds, who, after, until))
    else:
        months = [(label, []) for label, _, _ in periods]
    return summarize(
        question, counts, streak_now=streak, last_initiated=last_initiated, months=months
    )
