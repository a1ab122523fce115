"""What is not a plan, through the CLI as a user meets it: an ICS folder with the birthday
calendars real clients write (Nextcloud's, KDE's, Apple's special days), all-day entries the
title rule (`plans.not_plans`) takes for days to remember, and real all-day plans beside them;
then `daemon --once`, `plans`, `plans review` and `balance --json`. The same for Google's event
types and a group calendar, on the local Google stand-in with the real client."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from nudger import clock
from tests.conftest import RunCli
from tests.google_server import FakeGoogle, signed_in
from tests.story import ALEX, BERLIN, CONFIG, ME

TODAY = clock.now().astimezone(BERLIN).date()  # `daemon --once` reads the real clock
SOON = TODAY + timedelta(days=20)
EARLIER = TODAY - timedelta(days=40)


def vevent(uid: str, summary: str, day: date, *lines: str) -> str:
    """One all-day VEVENT, as the client that wrote it: `lines` are its own properties."""
    return "\r\n".join(
        [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{summary}",
            *lines,
            "END:VEVENT",
        ]
    )


def vcalendar(prodid: str, event: str) -> str:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{prodid}\r\n{event}\r\nEND:VCALENDAR\r\n"


NEXTCLOUD = "-//IDN nextcloud.com//Birthday calendar//EN"
# Each a day with Alex's name on it that is not a plan with Alex; the title rule's ones would
# be plans (of unknown side) without it, the marked ones whatever their title says.
NOT_PLANS = {
    "nextcloud-birthday": vcalendar(
        NEXTCLOUD,
        vevent(
            "alex-vcard",
            "🎂 Alex (1992)",
            EARLIER.replace(year=1992),  # leap years: any date of today's year is one
            "RRULE:FREQ=YEARLY",
            "TRANSP:TRANSPARENT",
            "X-NEXTCLOUD-BC-FIELD-TYPE:BDAY",
            "X-NEXTCLOUD-BC-UNKNOWN-YEAR:0",
            "X-NEXTCLOUD-BC-YEAR:1992",
        ),
    ),
    "nextcloud-anniversary": vcalendar(
        NEXTCLOUD,
        vevent(
            "alex-vcard-ann",
            "💍 Alex & Sam (2020)",
            SOON.replace(year=2020),
            "RRULE:FREQ=YEARLY",
            "X-NEXTCLOUD-BC-FIELD-TYPE:ANNIVERSARY",
        ),
    ),
    "kde-birthday": vcalendar(
        "-//K Desktop Environment//NONSGML libkcal 4.3//EN",
        vevent(
            "alex-kabc_KABC_Birthday",
            "Alex",
            SOON,
            "CATEGORIES:Birthday",
            "X-KDE-KABC-BIRTHDAY:YES",
            "X-KDE-KABC-NAME-1:Alex",
            "TRANSP:TRANSPARENT",
        ),
    ),
    "apple-special-day": vcalendar(
        "-//Apple Inc.//macOS 14.0//EN",
        vevent("apple-1", "Alex", SOON, "X-APPLE-SPECIAL-DAY:BIRTHDAY"),
    ),
    "titled-birthday": vcalendar("-//tests//EN", vevent("title-1", "Alex's birthday", SOON)),
    "titled-geburtstag": vcalendar(
        "-//tests//EN", vevent("title-2", "Geburtstag von Alex", EARLIER)
    ),
}
PLANS = {  # all-day plans: a solo entry (whose idea? unknown) and an invitation from Alex
    "picnic": vcalendar("-//tests//EN", vevent("picnic", "Picnic with Alex", SOON)),
    "trip": vcalendar(
        "-//tests//EN",
        vevent(
            "trip",
            "Alex's birthday trip",
            EARLIER,
            f"ORGANIZER:mailto:{ALEX}",
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}",
        ),
    ),
}


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / f"{name}.ics").write_text(text, encoding="utf-8")


def plans(cli: RunCli, *args: str) -> list[dict[str, Any]]:
    result = cli("plans", *args, "--json")
    assert result.code == 0, result.err
    return list(json.loads(result.out))


def initiations(cli: RunCli) -> dict[str, int]:
    since = (EARLIER - timedelta(days=1)).isoformat()
    until = (SOON + timedelta(days=1)).isoformat()
    result = cli("balance", "Alex", "--json", "--since", since, "--until", until)
    assert result.code == 0, result.err
    (alex,) = json.loads(result.out)
    return dict(alex["initiations"])


def facts(cli: RunCli) -> list[tuple[str, str]]:
    entries = json.loads(cli("history", "Alex", "--json").out)
    return sorted((e["details"].get("summary", ""), e["kind"]) for e in entries)


def test_birthdays_and_days_to_remember_are_not_plans(
    cli: RunCli, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(folder, NOT_PLANS | PLANS)
    synced = cli("daemon", "--once")
    assert synced.code == 0, synced.err
    assert "✓ local: 3 new facts" in synced.out  # two plans, and the trip happened
    assert [(row["summary"], row["initiator"], row["all_day"]) for row in plans(cli)] == [
        ("Alex's birthday trip", "them", True),
        ("Picnic with Alex", "unknown", True),
    ]
    assert facts(cli) == [
        ("Alex's birthday trip", "happened"),
        ("Alex's birthday trip", "plan"),
        ("Picnic with Alex", "plan"),
    ]
    assert initiations(cli) == {"me": 0, "them": 1, "unknown": 1}
    monkeypatch.setattr(sys, "stdin", io.StringIO("s\n"))
    review = cli("plans", "review")
    assert review.code == 0, review.err
    assert "[1/1] Picnic with Alex" in review.out
    assert f"{SOON:%a %Y-%m-%d}, all day" in review.out
    assert "birthday" not in review.out.lower() and "🎂" not in review.out
    assert "✓ local: 0 new facts" in cli("daemon", "--once").out


def test_plans_shows_a_whole_day_as_all_day_with_its_date(cli: RunCli, folder: Path) -> None:
    write(folder, PLANS)
    timed = vcalendar(
        "-//tests//EN",
        "BEGIN:VEVENT\r\nUID:dinner\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;TZID=Europe/Berlin:{SOON:%Y%m%d}T193000\r\n"
        f"DTEND;TZID=Europe/Berlin:{SOON:%Y%m%d}T213000\r\nSUMMARY:Dinner with Alex\r\nEND:VEVENT",
    )
    write(folder, {"dinner": timed})
    assert cli("daemon", "--once").code == 0
    listed = cli("plans", "Alex")
    assert listed.code == 0, listed.err
    assert f"{EARLIER:%Y-%m-%d} all day  Alex" in listed.out  # the trip
    assert f"{SOON:%Y-%m-%d} all day  Alex" in listed.out  # the picnic
    assert f"{SOON:%Y-%m-%d} 19:30    Alex" in listed.out  # the dinner: columns stay aligned
    assert "00:00" not in listed.out
    assert [row["all_day"] for row in plans(cli, "Alex")] == [True, True, False]


def test_taking_a_word_out_reads_the_calendar_again_and_putting_it_back_cancels_nothing(
    cli: RunCli, folder: Path
) -> None:
    """An incremental source would not list an unchanged entry again: without the word, the
    calendar is read whole, so "Alex's birthday" becomes a plan; with it again, it is no plan
    (and was not cancelled)."""
    write(folder, {"titled-birthday": NOT_PLANS["titled-birthday"]})
    assert cli("daemon", "--once").code == 0
    assert plans(cli) == []

    assert cli("config", "set", "plans.not_plans", "[]").code == 0
    assert "✓ local: 1 new facts" in cli("daemon", "--once").out
    assert [row["summary"] for row in plans(cli)] == ["Alex's birthday"]

    assert cli("config", "set", "plans.not_plans", '["Birthday"]').code == 0
    again = cli("daemon", "--once")
    assert "✓ local: 0 new facts" in again.out, again.out
    assert plans(cli) == []
    assert json.loads(cli("history", "Alex", "--kind", "cancelled", "--json").out) == []


def test_a_birthday_kept_as_a_plan_before_its_marker_was_read_is_not_cancelled(
    cli: RunCli, folder: Path
) -> None:
    """What an older nudger, blind to the markers, kept as a plan: read again with its marker,
    it is dropped as no plan, not counted as a plan cancelled."""
    marked = NOT_PLANS["nextcloud-anniversary"]
    blind = marked.replace("X-NEXTCLOUD-BC-FIELD-TYPE:ANNIVERSARY\r\n", "")
    assert blind != marked
    write(folder, {"anniversary": blind})
    assert cli("daemon", "--once").code == 0
    yearly = ["💍 Alex & Sam (2020)"] * 2  # this year's and last year's: a sync reads a year back
    assert [row["summary"] for row in plans(cli)] == yearly

    write(folder, {"anniversary": marked})
    again = cli("daemon", "--once")
    assert "✓ local: 0 new facts" in again.out, again.out
    assert plans(cli) == []
    assert json.loads(cli("history", "Alex", "--kind", "cancelled", "--json").out) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('["birthday", " "]', "plans.not_plans[1] = ' ': use a word such as birthday"),
        ("[3]", "plans.not_plans[0] = 3: Input should be a valid string"),
    ],
)
def test_config_set_checks_the_words(cli: RunCli, folder: Path, value: str, message: str) -> None:
    refused = cli("config", "set", "plans.not_plans", value)
    assert refused.code == 2
    assert message in refused.err
    assert cli("config", "get", "plans.not_plans").out.strip() == (
        '["birthday", "anniversary", "Geburtstag"]'
    )
    accepted = cli("config", "set", "plans.not_plans", "Jahrestag")  # one word: a list of one
    assert accepted.code == 0, accepted.err
    assert "Jahrestag" in cli("config", "get", "plans.not_plans").out


# -- Google -------------------------------------------------------------------------------------

GROUP = "family@group.calendar.google.com"


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    server = FakeGoogle().start()
    server.add_calendar("primary", "Sam")
    server.add_calendar(GROUP, "Family")
    yield server
    server.stop()


@pytest.fixture
def google_config(google: FakeGoogle, home: Path, write_config: Callable[[str], Path]) -> Path:
    token_file = home / "grants" / "google-token.json"
    return write_config(CONFIG + signed_in(google, token_file, ["primary", GROUP]))


@pytest.mark.usefixtures("no_network", "google_config")
def test_googles_own_event_types_and_a_group_calendars_creator(
    cli: RunCli, google: FakeGoogle
) -> None:
    """On my primary calendar: Alex's birthday (Google's birthday type, yearly), an out of
    office, a working location, focus time and a booking Gmail made, each naming Alex, and
    one real plan. In the family calendar, a dinner Alex made there with both of us invited:
    its organizer is the calendar (and `self`, on the calendar's own copy), so only its
    creator says it was Alex's idea."""
    noon = clock.now().astimezone(BERLIN).replace(hour=12, minute=0, second=0, microsecond=0)
    later = noon + timedelta(days=20)
    google.add_event(  # titled by name alone: its type says what it is, not a title word
        "primary",
        "Alex",
        EARLIER,
        EARLIER + timedelta(days=1),
        organizer=ME,
        me=ME,
        event_type="birthday",
        properties={"birthdayProperties": {"type": "birthday", "contact": "people/c7"}},
        yearly=10,
    )
    special = {
        "outOfOffice": "Out of office: Alex's wedding",
        "workingLocation": "Working from Alex's",
        "focusTime": "Focus: Alex's present",
        "fromGmail": "Flight to Lisbon (Alex)",
    }
    for number, (event_type, title) in enumerate(special.items()):
        start = later + timedelta(days=number)
        organizer = "unknownorganizer@calendar.google.com" if event_type == "fromGmail" else ME
        google.add_event(
            "primary",
            title,
            start,
            start + timedelta(hours=2),
            organizer=organizer,
            me=ME,
            event_type=event_type,
        )
    google.add_event(
        "primary",
        "Lunch",
        later,
        later + timedelta(hours=1),
        organizer=ME,
        me=ME,
        attendees={ME: "accepted", ALEX: "accepted"},
    )
    guests = {ME: "needsAction", ALEX: "accepted"}
    google.add_event(
        GROUP,
        "Family dinner",
        later,
        later + timedelta(hours=2),
        organizer=GROUP,
        me=GROUP,
        creator=ALEX,
        attendees=guests,
    )

    synced = cli("daemon", "--once")
    assert synced.code == 0, synced.err
    assert "✓ google: 2 new facts" in synced.out, synced.out
    assert sorted((row["summary"], row["initiator"]) for row in plans(cli)) == [
        ("Family dinner", "them"),
        ("Lunch", "me"),
    ]
    assert initiations(cli) == {"me": 1, "them": 1, "unknown": 0}
    assert "✓ google: 0 new facts" in cli("daemon", "--once").out
