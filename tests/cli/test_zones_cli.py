"""Zones belong to their file, through the CLI: what `plans` shows for invites whose zones
other files call by the same name, by a Windows display name, or by a name nobody defines; and
a DATE value with a TZID is an all-day plan (issue 15, Builds 3 and 6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from nudger import clock
from tests.conftest import RunCli
from tests.story import ALEX, BERLIN, CONFIG, ME, NEW_YORK


@pytest.fixture
def folder(home: Path, write_config: Callable[[str], Path]) -> Path:
    folder = home / "calendar"
    folder.mkdir()
    write_config(CONFIG + f'\n[[calendars]]\nname = "local"\ntype = "ics"\npath = "{folder}"\n')
    return folder


DAY = (clock.now() + timedelta(days=5)).date()


def invite(uid: str, start: str, *, zone: str = "", end: str = "") -> str:
    """One invite to Alex from me (`start`/`end` are whole property lines' tails), with a
    VTIMEZONE `zone` (its text) when given."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
        zone,
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART{start}",
        end,
        f"SUMMARY:{uid}",
        f"ORGANIZER:mailto:{ME}",
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ALEX}",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(line for line in lines if line)


def custom_zone(offset: str) -> str:
    """Outlook's way: a zone of its own, named "Customized Time Zone", at a fixed offset."""
    return "\r\n".join(
        [
            "BEGIN:VTIMEZONE",
            "TZID:Customized Time Zone",
            "BEGIN:STANDARD",
            "DTSTART:16010101T000000",
            f"TZOFFSETFROM:{offset}",
            f"TZOFFSETTO:{offset}",
            "END:STANDARD",
            "END:VTIMEZONE",
        ]
    )


def at_ten(zone: str) -> str:
    return f';TZID="{zone}":{DAY:%Y%m%d}T100000'


def synced(cli: RunCli) -> str:
    done = cli("daemon", "--once")
    assert done.code == 0, done.out + done.err
    return done.out + done.err


def starts(cli: RunCli) -> dict[str, Any]:
    done = cli("plans", "--json")
    assert done.code == 0, done.err
    return {row["summary"]: row for row in json.loads(done.out)}


def utc_at(hour: int, minute: int = 0) -> str:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=UTC).isoformat()


def at_ten_in(zone: ZoneInfo) -> str:
    return datetime(DAY.year, DAY.month, DAY.day, 10, tzinfo=zone).astimezone(UTC).isoformat()


def test_two_files_with_the_same_custom_tzid_each_keep_their_own_offset(
    cli: RunCli, folder: Path
) -> None:
    (folder / "india.ics").write_text(
        invite("India", at_ten("Customized Time Zone"), zone=custom_zone("+0530"))
    )
    (folder / "brazil.ics").write_text(
        invite("Brazil", at_ten("Customized Time Zone"), zone=custom_zone("-0300"))
    )
    synced(cli)
    rows = starts(cli)
    assert rows["India"]["start"] == utc_at(4, 30)  # 10:00 at +05:30
    assert rows["Brazil"]["start"] == utc_at(13)  # 10:00 at -03:00


def test_a_windows_display_name_is_the_zone_it_names(cli: RunCli, folder: Path) -> None:
    pacific = "(UTC-08:00) Pacific Time (US & Canada)"
    (folder / "pacific.ics").write_text(invite("Pacific", at_ten(pacific)))
    (folder / "eastern.ics").write_text(invite("Eastern", at_ten("US-Eastern")))
    output = synced(cli)
    rows = starts(cli)
    assert rows["Pacific"]["start"] == at_ten_in(ZoneInfo("America/Los_Angeles"))
    assert rows["Eastern"]["start"] == at_ten_in(NEW_YORK)
    assert "time zone" not in output


def test_an_unknown_zone_is_read_in_mine_and_says_so(cli: RunCli, folder: Path) -> None:
    (folder / "a-defined.ics").write_text(  # read first
        invite("Defined", at_ten("Customized Time Zone"), zone=custom_zone("+0530"))
    )
    (folder / "b-borrowing.ics").write_text(invite("Borrowing", at_ten("Customized Time Zone")))
    output = synced(cli)
    rows = starts(cli)
    assert rows["Defined"]["start"] == utc_at(4, 30)
    assert rows["Borrowing"]["start"] == at_ten_in(BERLIN)  # mine, not the other file's
    assert "b-borrowing.ics: event 'Borrowing'" in output
    assert "'Customized Time Zone' is neither defined in the file nor known" in output
    assert "read in your own time zone" in output


@pytest.mark.parametrize("value", [";VALUE=DATE", ""])  # some exporters leave VALUE= out
def test_a_date_with_a_tzid_is_an_all_day_plan(cli: RunCli, folder: Path, value: str) -> None:
    day = f"{DAY:%Y%m%d}"
    after = f"{DAY + timedelta(days=1):%Y%m%d}"
    (folder / "picnic.ics").write_text(
        invite(
            "Picnic",
            f"{value};TZID=America/New_York:{day}",
            end=f"DTEND{value};TZID=America/New_York:{after}",
        )
    )
    synced(cli)
    picnic = starts(cli)["Picnic"]
    assert picnic["all_day"] is True
    midnight = datetime(DAY.year, DAY.month, DAY.day, tzinfo=BERLIN)  # the day where I am
    assert picnic["start"] == midnight.astimezone(UTC).isoformat()
