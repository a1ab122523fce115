"""The story of `tests.story` told by Google: the same balance as from an ICS folder.

Each iCalendar object of the story is put into the local stand-in for Google (`FakeGoogle`) in
the form Google gives it (an invitation with its organizer among the attendees, a cancelled
event as a deleted one, an EXDATE in the series' `recurrence` (listed as no instance at all), an
overridden instance as a moved
exception, a date as `start.date`), reading every UID, time, answer and stamp from the story
itself so the two cannot drift apart. The real CLI then syncs it through the google source, and
`balance --json` must say exactly what the story expects, and a second sync nothing new. A
socket guard fails the test if anything tries to leave this machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest

from nudger import clock
from tests.conftest import RunCli
from tests.google_server import FakeGoogle, signed_in
from tests.story import CONFIG, EXPECTED, ME, story
from tests.sync.test_calendar_sync import balance, entry_count

TODAY = clock.now().date()  # as in the ICS test: the story ends the week before the real today
CALENDAR = "primary"
ANSWERS = {
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "tentative",
    "NEEDS-ACTION": "needsAction",
}

pytestmark = pytest.mark.usefixtures("no_network")  # nothing may leave the machine


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    server = FakeGoogle().start()
    server.add_calendar(CALENDAR, "Sam", zone="Europe/Berlin")
    yield server
    server.stop()


@pytest.fixture
def configured(google: FakeGoogle, home: Path, write_config: Callable[[str], Path]) -> Path:
    """The story's config with one Google calendar, signed in as `nudger auth google` leaves
    it (an access token the stand-in accepts, valid long enough that it is never renewed)."""
    token_file = home / "grants" / "google-token.json"
    return write_config(CONFIG + signed_in(google, token_file, [CALENDAR]))


def put_story(google: FakeGoogle) -> None:
    for text in story(TODAY).events.values():
        put(google, icalendar.Calendar.from_ical(text))


def put(google: FakeGoogle, calendar: icalendar.Calendar) -> None:
    """One story object as Google keeps it, each change stamped with the story's own times:
    `created` is the event's CREATED (a plan counts from when it was made) and `updated` its
    DTSTAMP, which is what the iCalendar sources read as the time of an answer or a
    cancellation when there is no LAST-MODIFIED."""
    [master] = [event for event in calendar.events if event.RECURRENCE_ID is None]
    organizer = _address(master.organizer)
    attendees = {organizer: "accepted"}  # Google lists the organizer among the guests
    attendees |= {_address(guest): ANSWERS[guest.params["PARTSTAT"]] for guest in master.attendees}
    google.now = master.created
    event_id = google.add_event(
        CALENDAR,
        str(master.summary),
        master.start,
        master.end,
        weekly=_weekly(master.rrules),
        uid=master.uid,
        organizer=organizer,
        attendees=attendees,
        me=ME,
        exdates=tuple(_moments(master.exdates)),  # dates struck from the series from the start
    )
    google.now = master.DTSTAMP
    if master.status.upper() == "CANCELLED":  # the organizer deleted it
        google.delete(CALENDAR, event_id, whole=True)
    for override in calendar.events:
        original = override.RECURRENCE_ID
        if original is None:
            continue
        # the stand-in gives an exception the series' organizer, guests and `created` (the
        # plan counts once, from the series' CREATED), so the story must not differ in them
        assert _address(override.organizer) == organizer
        assert [_address(guest) for guest in override.attendees] == list(attendees)[1:]
        start, end = override.start, override.end
        assert isinstance(original, datetime) and isinstance(start, datetime)
        assert isinstance(end, datetime)
        google.now = override.DTSTAMP
        google.move_instance(CALENDAR, event_id, original, start, end, summary=override.summary)
    google.now = None


def _moments(values: list[Any]) -> Iterator[datetime]:
    for value in values:
        assert isinstance(value, datetime)
        yield value


def _address(value: icalendar.vCalAddress | None) -> str:
    assert value is not None
    return value.email.lower()


def _weekly(rules: list[icalendar.vRecur]) -> int:
    """The number of weekly instances: the only kind of series the stand-in expands."""
    if not rules:
        return 0
    [rule] = rules
    assert rule["FREQ"] == ["WEEKLY"] and set(rule) == {"FREQ", "COUNT"}, rule
    return int(rule["COUNT"][0])


def google_story(google: FakeGoogle, cli: RunCli) -> None:
    """Put the story into Google and sync it once (a failing sync fails the second test,
    which no xfail covers)."""
    put_story(google)
    first = cli("daemon", "--once")
    assert first.code == 0, first.err
    assert "✓ google:" in first.out, first.out


def test_the_story_from_google_gives_the_expected_balance(
    cli: RunCli, google: FakeGoogle, configured: Path
) -> None:
    google_story(google, cli)
    alex = balance(cli)
    assert {key: alex[key] for key in EXPECTED} == EXPECTED


def test_a_second_sync_of_the_google_story_changes_nothing(
    cli: RunCli, google: FakeGoogle, configured: Path, log_path: Path
) -> None:
    google_story(google, cli)
    facts = entry_count(log_path)
    before = balance(cli)
    again = cli("daemon", "--once")
    assert again.code == 0, again.err
    assert "✓ google: 0 new facts" in again.out, again.out
    assert entry_count(log_path) == facts
    assert balance(cli) == before
    requests = [query for _, path, query in google.requests if path.endswith("/events")]
    assert ["syncToken" in query for query in requests] == [False, True]  # full, then a delta


def test_the_stand_in_lists_the_story_series_as_google_does(google: FakeGoogle) -> None:
    """The weekly date with singleEvents: eleven instances (the EXDATE'd one is listed nowhere),
    the moved one in place of its original; without: the series and its exception."""
    put_story(google)
    single = {"singleEvents": "true", "showDeleted": "true"}
    items = [i for i in google.list_events(CALENDAR, single)[1]["items"] if "recurringEventId" in i]
    assert len(items) == len({item["id"] for item in items}) == 11
    assert all(item["status"] == "confirmed" for item in items)
    [moved] = [i for i in items if "start" in i and i["start"] != i["originalStartTime"]]
    original = datetime.fromisoformat(moved["originalStartTime"]["dateTime"]).astimezone(UTC)
    assert moved["id"] == f"{moved['recurringEventId']}_{original:%Y%m%dT%H%M%SZ}"
    assert (moved["status"], moved["summary"]) == ("confirmed", "Friday date (moved)")
    assert moved["updated"] > moved["created"] and moved["sequence"] == 1
    series = google.list_events(CALENDAR, {"showDeleted": "true"})[1]["items"]
    weekly = [i for i in series if "recurringEventId" in i or i.get("iCalUID") == "weekly-date"]
    assert sorted(("recurrence" in i, "recurringEventId" in i) for i in weekly) == [
        (False, True),
        (True, False),
    ]
