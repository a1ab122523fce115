"""One model of a calendar event instance for every source; their port is in `nudger.ports`.

Adapters (ics, caldav, google) turn what their system holds into `EventInstance`s: recurrences
expanded per instance, times tz-aware in UTC (all-day and floating times read in the user's
zone), participation statuses normalized, addresses as `nudger.core.addresses` spells them.
The core (sync and detection) sees nothing else, so it never needs to know which system a plan
came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


class EventKind(StrEnum):
    """What a source says an event is. Only a plain `EVENT` can be a plan with someone: the
    others are days and states a calendar shows (a contact's birthday, an out-of-office),
    marked so by the system that made them (Google's `eventType`, an ICS client's `X-`
    property). The values are stored with the instances: never rename one."""

    EVENT = "event"
    BIRTHDAY = "birthday"
    ANNIVERSARY = "anniversary"
    SPECIAL_DAY = "special-day"  # another day to remember: a holiday, a date of death
    WORKING_LOCATION = "working-location"
    OUT_OF_OFFICE = "out-of-office"
    FOCUS_TIME = "focus-time"
    FROM_GMAIL = "from-gmail"  # made by Gmail from a message: a booking, a flight
    OTHER = "other"  # a kind the source names that nudger does not know: not a plain event


class Participation(StrEnum):
    """An attendee's answer (iCalendar PARTSTAT, Google responseStatus), normalized."""

    ACCEPTED = "accepted"
    DECLINED = "declined"
    TENTATIVE = "tentative"
    NEEDS_ACTION = "needs-action"
    DELEGATED = "delegated"


@dataclass(frozen=True, slots=True)
class Attendee:
    email: str
    participation: Participation = Participation.NEEDS_ACTION
    is_self: bool = False  # the source says this entry is the calendar's owner


def occurrence_of(recurrence_id: datetime | None) -> str:
    """How an occurrence is named: "single" for an event that does not recur, else its
    original start in UTC (`recurrence_id` is in UTC)."""
    return "single" if recurrence_id is None else recurrence_id.strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True, slots=True)
class EventInstance:
    """One occurrence of an event: a single event, or one instance of a recurring series."""

    uid: str
    recurrence_id: datetime | None  # UTC; None for an event that does not recur
    start: datetime  # UTC
    end: datetime  # UTC
    summary: str
    source: str  # the [[calendars]] entry it came from
    calendar: str  # the calendar inside that source
    all_day: bool = False
    kind: EventKind = EventKind.EVENT
    status: Status = Status.CONFIRMED
    organizer: str | None = None
    organizer_is_self: bool = False
    attendees: tuple[Attendee, ...] = ()
    description: str = ""
    sequence: int = 0
    created: datetime | None = None
    updated: datetime | None = None

    @property
    def recurring(self) -> bool:
        return self.recurrence_id is not None

    @property
    def occurrence(self) -> str:
        """Stable within its series: the original start of a recurring instance, in UTC."""
        return occurrence_of(self.recurrence_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "recurrence_id": None if self.recurrence_id is None else self.recurrence_id.isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "summary": self.summary,
            "source": self.source,
            "calendar": self.calendar,
            "all_day": self.all_day,
            "kind": self.kind.value,
            "status": self.status.value,
            "organizer": self.organizer,
            "organizer_is_self": self.organizer_is_self,
            "attendees": [[a.email, a.participation.value, a.is_self] for a in self.attendees],
            "description": self.description,
            "sequence": self.sequence,
            "created": None if self.created is None else self.created.isoformat(),
            "updated": None if self.updated is None else self.updated.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EventInstance:
        def moment(value: str | None) -> datetime | None:
            return None if value is None else datetime.fromisoformat(value)

        return cls(
            uid=data["uid"],
            recurrence_id=moment(data["recurrence_id"]),
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            summary=data["summary"],
            source=data["source"],
            calendar=data["calendar"],
            all_day=data["all_day"],
            kind=EventKind(data.get("kind", EventKind.EVENT)),  # stored before kinds: events
            status=Status(data["status"]),
            organizer=data["organizer"],
            organizer_is_self=data["organizer_is_self"],
            attendees=tuple(
                Attendee(email, Participation(answer), is_self)
                for email, answer, is_self in data["attendees"]
            ),
            description=data["description"],
            sequence=data["sequence"],
            created=moment(data["created"]),
            updated=moment(data["updated"]),
        )
