"""The pure balance rules: share, verdict, the current run and month edges."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from nudger.core.balance import (
    BalanceQuestion,
    BalanceRules,
    Sides,
    Thresholds,
    current_runner,
    month_periods,
    share_me,
    summarize,
    verdict,
    verdict_reason,
)
from nudger.core.model import Who

RULES = Thresholds(leaning=0.6, one_sided=0.75, min_count=4)


@pytest.mark.parametrize(
    ("me", "them", "unknown", "expected"),
    [
        (0, 0, 0, "not enough data"),
        (2, 1, 9, "not enough data"),  # unknowns are not evidence either way
        (2, 2, 0, "balanced"),
        (11, 9, 0, "balanced"),  # 55 %
        (3, 2, 0, "leaning"),  # 60 % sits on the threshold
        (2, 3, 0, "leaning"),  # leaning their way is leaning too
        (3, 1, 0, "one-sided"),  # 75 %
        (0, 4, 0, "one-sided"),
        (7, 1, 5, "one-sided"),
        (0, 7, 11, "not enough data"),  # most plans of unknown side: the 7 say little
        (7, 1, 9, "not enough data"),
        (4, 4, 8, "balanced"),  # as many unknown as known: not outnumbered
    ],
)
def test_verdict(me: int, them: int, unknown: int, expected: str) -> None:
    assert verdict(Sides(me, them, unknown), RULES) == expected


@pytest.mark.parametrize(
    ("sides", "all_plans", "reason"),
    [
        (Sides(0, 7, 11), True, "11 of 18 plans have no known side"),
        (Sides(0, 7, 11), False, "11 of 18 initiations have no known side"),
        (Sides(0, 0, 1), True, "1 of 1 plan has no known side"),
        (Sides(1, 0, 2), True, "2 of 3 plans have no known side"),
        (
            Sides(2, 1, 0),
            False,
            "only 3 initiations of known side; a verdict needs 4 (balance.min_count)",
        ),
        (Sides(1, 0, 1), True, "only 1 plan of known side; a verdict needs 4 (balance.min_count)"),
        (Sides(), True, "nothing was started in this window"),
        (Sides(3, 1, 0), True, None),  # a verdict needs no reason
        (Sides(4, 4, 8), True, None),
    ],
)
def test_verdict_reason(sides: Sides, all_plans: bool, reason: str | None) -> None:
    assert verdict_reason(sides, RULES, all_plans=all_plans) == reason


def test_share_ignores_unknown_side() -> None:
    assert share_me(Sides(3, 1, 100)) == 0.75
    assert share_me(Sides(0, 0, 5)) is None


@pytest.mark.parametrize(
    ("last_me", "last_them", "expected"),
    [
        (None, None, None),
        (datetime(2026, 1, 2, tzinfo=UTC), None, (Who.ME, None)),
        (None, datetime(2026, 1, 2, tzinfo=UTC), (Who.THEM, None)),
        (
            datetime(2026, 1, 3, tzinfo=UTC),
            datetime(2026, 1, 2, tzinfo=UTC),
            (Who.ME, datetime(2026, 1, 2, tzinfo=UTC)),
        ),
        (
            datetime(2026, 1, 1, tzinfo=UTC),
            datetime(2026, 1, 2, tzinfo=UTC),
            (Who.THEM, datetime(2026, 1, 1, tzinfo=UTC)),
        ),
    ],
)
def test_current_runner(
    last_me: datetime | None, last_them: datetime | None, expected: object
) -> None:
    assert current_runner(last_me, last_them) == expected


def test_month_periods_follow_local_midnights_across_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    until = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)
    periods = month_periods(until, 3, berlin)
    assert [label for label, _, _ in periods] == ["2026-02", "2026-03", "2026-04"]
    assert periods[0][1] == datetime(2026, 1, 31, 23, 0, tzinfo=UTC)
    assert periods[1][1] == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    assert periods[2][1] == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # summer time
    assert periods[2][2] == until  # the month in progress counts what has happened
    assert all(end == following[1] for (_, _, end), following in itertools.pairwise(periods))


def test_month_periods_cross_the_year() -> None:
    periods = month_periods(datetime(2026, 2, 1, 0, 0, 1, tzinfo=UTC), 3, UTC)
    assert [label for label, _, _ in periods] == ["2025-12", "2026-01", "2026-02"]


def test_summarize_splits_initiations_from_what_became_of_them() -> None:
    question = BalanceQuestion(
        person="Alex",
        kind="partner",
        tracked=True,
        since=datetime(2026, 1, 1, tzinfo=UTC),
        until=datetime(2026, 2, 1, tzinfo=UTC),
        rules=BalanceRules(kinds=("plan", "message", "call"), thresholds=RULES, trend_months=6),
        zone=UTC,
    )
    report = summarize(
        question,
        counts=[
            ("plan", Who.ME, 3),
            ("plan", Who.UNKNOWN, 1),
            ("message", Who.THEM, 2),
            ("gratitude", Who.ME, 4),  # not an initiation kind by default
            ("cancelled", Who.THEM, 1),
            ("declined", Who.ME, 1),
            ("missed", Who.UNKNOWN, 2),
        ],
    )
    assert report.initiations == Sides(3, 2, 1)
    assert report.by_kind == {"plan": Sides(3, 0, 1), "message": Sides(0, 2, 0), "call": Sides()}
    assert report.cancellations == Sides(0, 1, 0)
    assert report.declines == Sides(1, 0, 0)
    assert report.missed == 2
    assert report.share_me == 0.6
    assert report.verdict == "leaning"
