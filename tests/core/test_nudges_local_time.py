"""The planner's wall-clock maths alone: local times as UTC, quiet hours, weekdays of a month."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from nudger.core.nudges.local_time import (
    add_minutes,
    at,
    in_quiet_hours,
    instant,
    minutes_between,
    nth_weekday,
)
from nudger.core.nudges.planning import QuietHours

BERLIN = ZoneInfo("Europe/Berlin")
NIGHT = QuietHours(enabled=True, start=time(22, 0), end=time(8, 0))


@pytest.mark.parametrize(
    ("day", "clock", "expected"),
    [
        (date(2026, 6, 1), time(20, 30), datetime(2026, 6, 1, 18, 30, tzinfo=UTC)),
        # Spring forward: 02:30 does not exist and lands past the jump, as CronTrigger fires it.
        (date(2026, 3, 29), time(2, 30), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        # Fall back: 02:30 happens twice; the first one is meant.
        (date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_a_local_time_as_utc(day: date, clock: time, expected: datetime) -> None:
    assert at(day, clock, BERLIN) == expected


@pytest.mark.parametrize(
    ("local", "quiet"),
    [("21:59", False), ("22:00", True), ("03:00", True), ("07:59", True), ("08:00", False)],
)
def test_quiet_hours_wrap_past_midnight(local: str, quiet: bool) -> None:
    moment = at(date(2026, 6, 1), time.fromisoformat(local), BERLIN)
    assert in_quiet_hours(moment, NIGHT, BERLIN) is quiet


def test_no_quiet_hours_when_off_or_empty() -> None:
    moment = at(date(2026, 6, 1), time(23, 0), BERLIN)
    assert not in_quiet_hours(moment, QuietHours(False, time(22), time(8)), BERLIN)
    assert not in_quiet_hours(moment, QuietHours(True, time(22), time(22)), BERLIN)


@pytest.mark.parametrize(
    ("week", "expected"),
    [(1, date(2026, 5, 3)), (4, date(2026, 5, 24)), (-1, date(2026, 5, 31))],
)
def test_the_nth_sunday_of_may(week: int, expected: date) -> None:
    assert nth_weekday(2026, 5, 6, week) == expected


def test_last_weekday_of_december_crosses_the_year() -> None:
    assert nth_weekday(2026, 12, 4, -1) == date(2026, 12, 25)


def test_minutes_in_a_window() -> None:
    assert minutes_between(time(10, 0), time(20, 15)) == 615
    assert add_minutes(time(10, 0), 615) == time(20, 15)


def test_an_instant_from_entry_details() -> None:
    assert instant("2026-06-01T20:00:00+02:00") == datetime(2026, 6, 1, 18, 0, tzinfo=UTC)
    assert instant("2026-06-01T18:00:00") == datetime(2026, 6, 1, 18, 0, tzinfo=UTC)
    assert instant("not a date") is None
    assert instant(None) is None
