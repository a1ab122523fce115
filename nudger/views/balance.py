"""Reading one person's balance from the log: the queries `nudger.core.balance.summarize` needs.

A balance is asked as one value (`BalanceQuestion`); `balance_rules` makes its rules from the
`[balance]` settings, so the core sees values, never the schema.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
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
        count_messages=section.count_messages,
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
    neither = 0
    channels = question.channels
    by_channel: list[tuple[str, Who, int]] = []
    if person_id is not None:
        windows = [(question.since, until), *[(start, end) for _, start, end in periods]]
        settled = _settled_neither(db, person_id, kinds, windows, channels)
        window, *by_month = [
            _unsettled(found, settled_there)
            for found, settled_there in zip(
                queries.counts(db, person_id, windows, channels), settled, strict=True
            )
        ]
        by_channel = _by_channel(db, person_id, question)
        neither = settled[0].total()
        counts = [(c.kind, c.who, c.count) for c in window]
        months = [
            (label, [(c.who, c.count) for c in found if c.kind in kinds])
            for (label, _, _), found in zip(periods, by_month, strict=True)
        ]
        for who in (Who.ME, Who.THEM):
            last_initiated[who] = queries.last_initiation(
                db, person_id, kinds, who, until, channels
            )
        runner = current_runner(last_initiated[Who.ME], last_initiated[Who.THEM])
        if runner is not None:
            who, after = runner
            streak = Streak(
                who, queries.initiations_after(db, person_id, kinds, who, after, until, channels)
            )
    else:
        months = [(label, []) for label, _, _ in periods]
    return summarize(
        question,
        counts,
        streak_now=streak,
        last_initiated=last_initiated,
        months=months,
        neither=neither,
        channel_counts=by_channel,
    )


def _by_channel(
    db: sqlite3.Connection, person: int, question: BalanceQuestion
) -> list[tuple[str, Who, int]]:
    """The window's initiations by (channel, who), plans settled as neither side's left out
    as in the counts."""
    found = queries.channel_counts(
        db, person, question.rules.kinds, question.since, question.until, question.channels
    )
    return [(count.channel, count.who, count.count) for count in found]


def _settled_neither(
    db: sqlite3.Connection,
    person: int,
    kinds: list[str],
    windows: Sequence[tuple[datetime, datetime]],
    channels: Sequence[str] = (),
) -> list[Counter[str]]:
    """How many entries of each kind were settled as neither side's, in each window."""
    if not windows:
        return []
    found = queries.settled_neither(
        db, person, kinds, min(w[0] for w in windows), max(w[1] for w in windows), channels
    )
    return [Counter(kind for kind, at in found if since <= at < until) for since, until in windows]


def _unsettled(found: list[queries.Count], settled: Counter[str]) -> list[queries.Count]:
    """The counts with the plans settled as neither side's taken out of the unknown side: they
    are no open question, and no initiation of ours."""
    kept = []
    for count in found:
        left = count.count - settled[count.kind] if count.who is Who.UNKNOWN else count.count
        if left > 0:
            kept.append(queries.Count(count.kind, count.who, left))
    return kept
