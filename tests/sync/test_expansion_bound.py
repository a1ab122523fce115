"""A series no plan with someone could be costs a sync neither its time nor its other events.

A minutely series of a million and a secondly one sit beside a normal plan with Alex: `daemon
--once` records the plan, warns once for each of the two (file, title, rule), and ends in
seconds. A series with more occurrences in the window than `sync.max_instances_per_series` is
read up to the cap with one warning, and the next sync finds nothing vanished.
"""

from __future__ import annotations

import json
import time as timer
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from nudger import clock
from tests.conftest import RunCli
from tests.story import ALEX, CONFIG, ME

TODAY = clock.now().date()


def _calendar(uid: str, title: str, days: int, rule: str | None = None) -> bytes:
    start = datetime.combine(TODAY + timedelta(days=days), time(18), tzinfo=UTC)
    stamp = f"{start - timedelta(days=7):%Y%m%dT%H%M%SZ}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//nudger tests//bounds//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
        "DURATION:PT1H",
        f"SUMMARY:{title}",
        f"ORGANIZER:mailto:{ALEX}",
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}",
        *([f"RRULE:{rule}"] if rule else []),
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines).encode()


@pytest.fixture
def folder(home: Path, write_config: Callable[[str], Path]) -> Path:
    calendar = home / "calendar"
    calendar.mkdir()
    write_config(CONFIG + f'\n[[calendars]]\nname = "local"\ntype = "ics"\npath = "{calendar}"\n')
    (calendar / "plan.ics").write_bytes(_calendar("plan", "Dinner", 3))
    return calendar


def upcoming_plans(cli: RunCli) -> list[str]:
    result = cli("plans", "--json")
    assert result.code == 0, result.err
    return [plan["summary"] for plan in json.loads(result.out)]


def test_minutely_and_secondly_series_cost_one_warning_each_and_not_the_plan(
    cli: RunCli, folder: Path
) -> None:
    (folder / "minutely.ics").write_bytes(
        _calendar("m", "Alex stand-up", -30, "FREQ=MINUTELY;COUNT=1000000")
    )
    (folder / "secondly.ics").write_bytes(_calendar("s", "Alex ping", -300, "FREQ=SECONDLY"))
    began = timer.monotonic()
    result = cli("daemon", "--once")
    took = timer.monotonic() - began
    assert result.code == 0, result.out + result.err
    assert took < 10
    assert "✓ local: 1 new fact" in result.out
    warnings = [line for line in result.err.splitlines() if "more often than daily" in line]
    assert len(warnings) == 2, result.err
    assert any(
        "skipped:" in line
        and "minutely.ics: event 'Alex stand-up'" in line
        and "FREQ=MINUTELY" in line
        for line in warnings
    )
    assert any("secondly.ics" in line and "FREQ=SECONDLY" in line for line in warnings)
    assert upcoming_plans(cli) == ["Dinner"]


def test_a_series_over_the_cap_is_read_up_to_it_and_nothing_vanishes_next_sync(
    cli: RunCli, folder: Path
) -> None:
    assert cli("config", "set", "sync.max_instances_per_series", "100").code == 0
    daily = folder / "daily.ics"
    daily.write_bytes(_calendar("d", "Walk with Alex", -200, "FREQ=DAILY"))
    first = cli("daemon", "--once")
    assert first.code == 0, first.out + first.err
    capped = [line for line in first.err.splitlines() if "occurrences in the sync window" in line]
    assert len(capped) == 1 and capped[0].startswith(f"    capped: {daily}: event 'Walk with Alex'")
    assert "first 100" in capped[0]
    before = cli("history", "Alex", "--json").out

    daily.write_bytes(daily.read_bytes().replace(b"Walk with Alex", b"Walk with Alex "))
    second = cli("daemon", "--once")
    assert second.code == 0, second.out + second.err
    assert "✓ local: 0 new facts" in second.out
    assert cli("history", "Alex", "--json").out == before


def test_lowering_the_cap_is_no_removal_of_the_dates_it_no_longer_reads(
    cli: RunCli, folder: Path
) -> None:
    """A setting changed, not the calendar: the upcoming dates beyond the new cap were not
    listed, which says nothing of them, so no removal is logged for them."""
    (folder / "daily.ics").write_bytes(_calendar("d", "Walk with Alex", -50, "FREQ=DAILY"))
    assert cli("config", "set", "sync.max_instances_per_series", "200").code == 0
    assert cli("daemon", "--once").code == 0
    before = cli("history", "Alex", "--json").out
    assert cli("config", "set", "sync.max_instances_per_series", "100").code == 0
    daily = folder / "daily.ics"  # edited, so the folder is read again under the new cap
    daily.write_bytes(daily.read_bytes().replace(b"Walk with Alex", b"Walk with Alex "))
    lowered = cli("daemon", "--once")
    assert lowered.code == 0, lowered.out + lowered.err
    assert "✓ local: 0 new facts" in lowered.out
    assert cli("history", "Alex", "--json").out == before
