"""One neutral description of an event, which every driver writes in its own system's form.

The contract suite says what is in a calendar once (`Event`), and each driver turns it into what
its system stores: iCalendar text here (`vcalendar`, for the ics folder, the ics URL and CalDAV),
Google events in `tests.calendars.google_driver`. Only what the contract needs is described: a
single event or a weekly series (the one kind of series the Google stand-in expands), its people
and their answers, and per occurrence an EXDATE, a cancellation or a move.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from nudger.core.events import Participation

BERLIN = ZoneInfo("Europe/Berlin")
ME = "me@example.org"
ALEX = "alex@example.org"
SAM = "sam@example.org"
STAMP = datetime(2027, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Event:
    """What a calendar holds for one UID. Times are tz-aware (a series keeps its wall time
    across DST in the zone of `start`); occurrences are named by their original start."""

    uid: str
    summary: str
    start: datetime
    end: datetime
    organizer: str = ME
    attendees: tuple[tuple[str, Participation], ...] = ()
    weeks: int = 0  # a weekly series of this many occurrences; 0 for a single event
    exdates: tuple[datetime, ...] = ()  # occurrences struck from the series
    cancelled: tuple[datetime, ...] = ()  # occurrences cancelled on their own
    moved: tuple[tuple[datetime, datetime], ...] = ()  # (original start, new start)
    sequence: int = 0

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def occurrences(self) -> list[datetime]:
        """The original starts of a series (the same wall time every week)."""
        local = self.start.replace(tzinfo=None)
        return [
            (local + timedelta(weeks=week)).replace(tzinfo=self.start.tzinfo)
            for week in range(self.weeks)
        ]


def vcalendar(events: Iterable[Event], *, extra: str = "") -> str:
    """A VCALENDAR holding `events` with the VTIMEZONEs they need (as real clients send), and
    `extra` (raw VEVENT lines, for an item a client should never have written) at its end."""
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//nudger contract suite//EN")
    calendar.add("VERSION", "2.0")
    for event in events:
        for component in vevents(event):
            calendar.add_component(component)
    calendar.add_missing_timezones()
    text = str(calendar.to_ical().decode())
    return text.replace("END:VCALENDAR", f"{extra}END:VCALENDAR", 1) if extra else text


def vevents(event: Event) -> list[icalendar.Event]:
    """The master and its overrides: a cancelled occurrence is an override with
    STATUS:CANCELLED, a moved one an override with its new DTSTART and DTEND."""
    master = _component(event, event.start, event.end)
    if event.weeks:
        master.add("RRULE", {"FREQ": "WEEKLY", "COUNT": event.weeks})
        if event.exdates:
            master.add("EXDATE", list(event.exdates))
    overrides = []
    for original in event.cancelled:
        override = _component(event, original, original + event.length, original=original)
        override.add("STATUS", "CANCELLED")
        overrides.append(override)
    for original, start in event.moved:
        overrides.append(_component(event, start, start + event.length, original=original))
    return [master, *overrides]


def _component(
    event: Event, start: datetime, end: datetime, *, original: datetime | None = None
) -> icalendar.Event:
    component = icalendar.Event()
    component.add("UID", event.uid)
    component.add("DTSTAMP", STAMP)
    if original is not None:
        component.add("RECURRENCE-ID", original)
    component.add("DTSTART", start)
    component.add("DTEND", end)
    component.add("SUMMARY", event.summary)
    component.add("SEQUENCE", event.sequence)
    component.add("ORGANIZER", icalendar.vCalAddress(f"mailto:{event.organizer}"))
    for email, answer in event.attendees:
        attendee = icalendar.vCalAddress(f"mailto:{email}")
        attendee.params["PARTSTAT"] = answer.value.upper()
        component.add("ATTENDEE", attendee)
    return component


# An event no client should write and a server stores as it is: an RRULE with a negative COUNT.
BROKEN_UID = "broken-1"
BROKEN_NAMED = "event 'Broken' on 2027-03-05"  # as a problem names it: its title and start
BROKEN = f"""\
BEGIN:VEVENT\r
UID:{BROKEN_UID}\r
DTSTAMP:20270101T000000Z\r
DTSTART:20270305T100000Z\r
RRULE:FREQ=DAILY;COUNT=-1\r
SUMMARY:Broken\r
END:VEVENT\r
"""
