"""The scripted story every calendar source must tell the same way.

Twelve weeks with Alex, ending last week: I invite 7 times, Alex invites 3 times; Alex declines
2 of mine; I cancel 1; a weekly date (mine) with one EXDATE and one moved instance; one of Alex's
invitations is in New York time; one all-day event (Alex's). Built as iCalendar objects so each
backend (an ICS folder, CalDAV servers) receives the same data; the expected balance is written
out by hand from the rules in DESIGN.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar

ME = "sam@example.org"
ALEX = "alex@example.org"
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

CONFIG = f"""\
[me]
name = "Sam"
emails = ["{ME}"]
timezone = "Europe/Berlin"

[[people]]
name = "Alex"
kind = "partner"
emails = ["{ALEX}"]
"""


@dataclass(frozen=True)
class Story:
    first_monday: date
    events: dict[str, bytes]  # file name -> one VCALENDAR with one event (or a series)

    @property
    def since(self) -> str:
        return (self.first_monday - timedelta(days=7)).isoformat()

    @property
    def until(self) -> str:
        return (self.first_monday + timedelta(weeks=12, days=-1)).isoformat()


EXPECTED = {
    "initiations": {"me": 8, "them": 4, "unknown": 0},  # 7 invitations + 1 series; 3 + 1 all-day
    "share_me": 0.6667,
    "verdict": "leaning",
    # one cancelled; the date the series struck out before it was first seen was never a plan
    "cancellations": {"me": 1, "them": 0, "unknown": 0},
    "declines": {"me": 0, "them": 2, "unknown": 0},
    "missed": 0,  # every lost plan had another with Alex within two weeks
}


def story(today: date) -> Story:
    """The story in the twelve weeks before the week of `today`."""
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=12)
    events: dict[str, bytes] = {}

    def day(week: int, weekday: int) -> date:
        return monday + timedelta(weeks=week, days=weekday)

    def at(week: int, weekday: int, hour: int, zone: ZoneInfo = BERLIN) -> datetime:
        return datetime.combine(day(week, weekday), time(hour), tzinfo=zone)

    for week in range(7):  # my invitations, Wednesdays 19:00
        start = at(week, 2, 19)
        event = _event(f"mine-{week}", f"Dinner {week + 1}", start, organizer=ME, guest=ALEX)
        if week in (1, 4):
            _answer(event, ALEX, "DECLINED")
        if week == 5:
            event.add("STATUS", "CANCELLED")
            event["SEQUENCE"] = 1
        events[f"mine-{week}.ics"] = _wrap(event)
    for number, (week, zone) in enumerate(((2, BERLIN), (7, NEW_YORK), (9, BERLIN))):
        start = at(week, 5, 12, zone)  # Saturdays at noon
        events[f"theirs-{number}.ics"] = _wrap(
            _event(f"theirs-{number}", f"Alex's plan {number + 1}", start, organizer=ALEX, guest=ME)
        )
    series = _event("weekly-date", "Friday date", at(0, 4, 20), organizer=ME, guest=ALEX)
    series.add("RRULE", {"FREQ": "WEEKLY", "COUNT": 12})
    series.add("EXDATE", at(3, 4, 20))
    moved = _event("weekly-date", "Friday date (moved)", at(8, 5, 18), organizer=ME, guest=ALEX)
    moved.add("RECURRENCE-ID", at(8, 4, 20))
    moved["SEQUENCE"] = 1
    events["weekly-date.ics"] = _wrap(series, moved)
    trip = _event("birthday-trip", "Alex's birthday trip", day(10, 6), organizer=ALEX, guest=ME)
    del trip["DTEND"]
    trip.add("DTEND", day(10, 6) + timedelta(days=1))
    events["birthday-trip.ics"] = _wrap(trip)
    return Story(monday, events)


def _event(
    uid: str, summary: str, start: date | datetime, *, organizer: str, guest: str
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("UID", uid)
    event.add("SUMMARY", summary)
    event.add("DTSTART", start)
    event.add("DTEND", start + timedelta(hours=2))
    created = datetime.combine(start, time(9), tzinfo=UTC) - timedelta(days=3)
    event.add("CREATED", created)
    event.add("DTSTAMP", created)
    event.add("ORGANIZER", f"mailto:{organizer}")
    attendee = icalendar.vCalAddress(f"mailto:{guest}")
    attendee.params["PARTSTAT"] = "ACCEPTED"
    event.add("ATTENDEE", attendee)
    return event


def _answer(event: icalendar.Event, email: str, answer: str) -> None:
    attendee = event["ATTENDEE"]
    assert str(attendee).lower() == f"mailto:{email}"
    attendee.params["PARTSTAT"] = answer


def _wrap(*events: icalendar.Event) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//nudger tests//story//EN")
    calendar.add("VERSION", "2.0")
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
