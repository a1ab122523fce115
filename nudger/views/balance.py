"""Reading one person's balance from the log: the queries `nudger.core.balance.summarize` needs."""

from __future__ import annotations

import sqlite3
from datetime import datetime, tzinfo

from nudger.config.settings_core import Balance
from nudger.core.balance import (
    PersonBalance,
    Streak,
    Thresholds,
    current_runner,
    month_periods,
    summarize,
)
from nudger.core.model import Who
from nudger.log import queries


def balance_of(
    db: sqlite3.Connection,
    *,
    person: str,
    kind: str | None,
    tracked: bool,
    since: datetime,
    until: datetime,
    rules: Balance,
    zone: tzinfo,
) -> PersonBalance:
    """The balance of one person over [since, until), with the trend of `rules.trend_months`."""
    kinds = list(rules.kinds)
    person_id = queries.person_id(db, person)
    counts: list[tuple[str, Who, int]] = []
    months: list[tuple[str, list[tuple[Who, int]]]] = []
    last_initiated: dict[Who, datetime | None] = {Who.ME: None, Who.THEM: None}
    streak = None
    periods = month_periods(until, rules.trend_months, zone)
    if person_id is not None:
        window, *by_month = queries.counts(
            db, person_id, [(since, until), *[(start, end) for _, start, end in periods]]
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
        person=person,
        kind=kind,
        tracked=tracked,
        since=since,
        until=until,
        counts=counts,
        initiation_kinds=kinds,
        thresholds=Thresholds(rules.leaning, rules.one_sided, rules.min_count),
        streak_now=streak,
        last_initiated=last_initiated,
        months=months,
    )
