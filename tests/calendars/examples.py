"""What the contract tests put in a calendar, and how they read what came back.

The same few events serve every test: a dinner (one event, three people, one of them declining)
and a weekly climbing series that crosses the change to summer time, both inside `WINDOW`; a
check-up naming nobody tracked, for the relevance filter. `by_uid` groups what a sync returned
by UID, since a Google series is a resource per instance and an iCalendar one a resource.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from nudger.core.events import EventInstance, Participation, Status
from nudger.ports import Changes, Window
from tests.calendars.driver import Driver
from tests.calendars.events import ALEX, BERLIN, ME, SAM, Event

WINDOW = Window(datetime(2027, 3, 1, tzinfo=BERLIN), datetime(2027, 5, 1, tzinfo=BERLIN), BERLIN)
ACCEPTED, DECLINED = Participation.ACCEPTED, Participation.DECLINED
CONFIRMED, CANCELLED = Status.CONFIRMED, Status.CANCELLED
BOB = "bob@example.org"


def at(month: int, day: int, hour: int) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=BERLIN)


def utc(month: int, day: int, hour: int) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=UTC)


DINNER = Event(
    "dinner",
    "Dinner with Alex",
    at(3, 17, 19),
    at(3, 17, 21),
    organizer=ME,
    attendees=((ME, ACCEPTED), (ALEX, Participation.NEEDS_ACTION), (SAM, DECLINED)),
)
# weekly at 18:00 Berlin from Monday 22 March, across the change to summer time on the 28th
CLIMBING = Event(
    "climbing",
    "Climbing",
    at(3, 22, 18),
    at(3, 22, 20),
    organizer=ALEX,
    attendees=((ALEX, ACCEPTED), (ME, ACCEPTED)),
    weeks=4,
)
WEEKS = [utc(3, 22, 17), utc(3, 29, 16), utc(4, 5, 16), utc(4, 12, 16)]  # the original starts
DENTIST = Event("dentist", "Check-up", at(3, 18, 9), at(3, 18, 10), attendees=((BOB, ACCEPTED),))


def by_uid(changes: Changes) -> dict[str, list[EventInstance]]:
    """The instances returned, by UID (a Google series is a resource per instance), in order."""
    found: dict[str, list[EventInstance]] = defaultdict(list)
    for resource in changes.changed:
        for instance in resource.instances:
            found[instance.uid].append(instance)
    return {uid: sorted(i, key=lambda i: (i.start, i.occurrence)) for uid, i in found.items()}


def answers(instance: EventInstance) -> set[tuple[str, Participation]]:
    return {(attendee.email, attendee.participation) for attendee in instance.attendees}


def put(driver: Driver, *events: Event) -> None:
    for event in events:
        driver.put(event)
