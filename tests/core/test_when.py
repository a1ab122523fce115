"""Reading times and durations as people type them; DST and zones included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nudger.core.when import (
    format_duration,
    months_back,
    parse_at,
    parse_duration,
    parse_since,
    parse_until,
)
from nudger.errors import UsageError

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)  # 14:00 in Berlin, the day clocks go forward


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("15m", timedelta(minutes=15)),
        ("15min", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("1h30m", timedelta(minutes=90)),
        ("90d", timedelta(days=90)),
        ("2w", timedelta(weeks=2)),
        (" 1d 2h ", timedelta(days=1, hours=2)),
    ],
)
def test_durations_read_as_written(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "d", "1x", "1.5h", "-2h", "ten minutes", "1y"])
def test_a_bad_duration_names_the_forms_that_work(text: str) -> None:
    with pytest.raises(UsageError, match="15m, 2h"):
        parse_duration(text)


@pytest.mark.parametrize(
    "value",
    [
        timedelta(0),
        timedelta(seconds=59),
        timedelta(minutes=90),
        timedelta(days=90),
        timedelta(weeks=3),
    ],
)
def test_durations_round_trip(value: timedelta) -> None:
    assert parse_duration(format_duration(value)) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90d", NOW - timedelta(days=90)),
        ("24h", NOW - timedelta(hours=24)),
        ("2w", NOW - timedelta(weeks=2)),
        # Calendar months keep the local wall time: 14:00 CEST now, 14:00 CET in January.
        ("2mo", utc(2026, 1, 29, 13, 0)),
        ("1y", utc(2025, 3, 29, 13, 0)),
        ("2026-03-01", utc(2026, 2, 28, 23, 0)),  # local midnight in Berlin
        ("2026-03-01T18:00", utc(2026, 3, 1, 17, 0)),
        ("2026-03-01T18:00+00:00", utc(2026, 3, 1, 18, 0)),
        # Every form --at takes is a start too (it used to refuse `--since yesterday`).
        ("yesterday", utc(2026, 3, 27, 23, 0)),  # local midnight, still winter time
        ("today", utc(2026, 3, 28, 23, 0)),
        ("yesterday 19:00", utc(2026, 3, 28, 18, 0)),
        ("-2d", NOW - timedelta(days=2)),
        ("90m ago", NOW - timedelta(minutes=90)),
    ],
)
def test_since_forms(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW, BERLIN) == expected


def test_months_back_clamps_to_the_shorter_month() -> None:
    assert months_back(utc(2026, 3, 31, 10, 0), 1, UTC) == utc(2026, 2, 28, 10, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-28", utc(2026, 3, 28, 23, 0)),  # the whole day is included: until next midnight
        ("2026-03-28T20:00", utc(2026, 3, 28, 19, 0)),
        ("now", NOW),
        ("today", utc(2026, 3, 29, 22, 0)),  # Berlin is on summer time by then
        ("yesterday", utc(2026, 3, 28, 23, 0)),  # yesterday included: until today's midnight
        ("Tomorrow", utc(2026, 3, 30, 22, 0)),
        ("yesterday 19:00", utc(2026, 3, 28, 18, 0)),
        ("-2d", NOW - timedelta(days=2)),
    ],
)
def test_until_forms(text: str, expected: datetime) -> None:
    assert parse_until(text, NOW, BERLIN) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("-2d", NOW - timedelta(days=2)),
        ("-3h", NOW - timedelta(hours=3)),
        ("90m ago", NOW - timedelta(minutes=90)),
        ("2d ago", NOW - timedelta(days=2)),
        ("yesterday 19:00", utc(2026, 3, 28, 18, 0)),  # still winter time yesterday
        ("Yesterday  19:00", utc(2026, 3, 28, 18, 0)),
        ("today 13:00", utc(2026, 3, 29, 11, 0)),  # summer time today
        ("13:00", utc(2026, 3, 29, 11, 0)),
        ("today", utc(2026, 3, 28, 23, 0)),
        # 02:30 does not exist in Berlin that night: it means the moment just after the jump.
        ("today 02:30", utc(2026, 3, 29, 1, 30)),
        ("2026-03-01", utc(2026, 2, 28, 23, 0)),
        ("2026-03-01T19:00", utc(2026, 3, 1, 18, 0)),
        ("2026-03-01T19:00-05:00", utc(2026, 3, 2, 0, 0)),
    ],
)
def test_at_forms(text: str, expected: datetime) -> None:
    assert parse_at(text, NOW, BERLIN) == expected


def test_an_ambiguous_autumn_time_means_its_first_occurrence() -> None:
    fall_back = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    assert parse_at("today 01:30", fall_back, NEW_YORK) == utc(2026, 11, 1, 5, 30)


@pytest.mark.parametrize("text", ["last tuesday", "25:00", "yesterday 7pm", "-2y", "soon"])
def test_a_bad_at_names_the_forms_that_work(text: str) -> None:
    with pytest.raises(UsageError, match="yesterday 19:00, -2d"):
        parse_at(text, NOW, BERLIN)


@pytest.mark.parametrize("text", ["forever", "6m", "2026-13-01"])
def test_a_bad_since_names_the_forms_that_work(text: str) -> None:
    with pytest.raises(UsageError, match="90d, 12w, 6mo, 1y"):
        parse_since(text, NOW, BERLIN)
