"""One model of a calendar event instance for every source, and the port sources implement.

Adapters (ics, caldav, google) turn what their system holds into `EventInstance`s: recurrences
expanded per instance, times tz-aware in UTC (all-day and floating times read in the user's
zone), participation statuses normalized, addresses lower-case without `mailto:`. The core
(sync and detection) sees nothing else, so it never needs to know which system a plan came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any, Protocol


class Status(StrEnum):
    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


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
        return (
            "single"
            if self.recurrence_id is None
            else self.recurrence_id.strftime("%Y%m%dT%H%M%SZ")
        )

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


@dataclass(frozen=True, slots=True)
class Resource:
    """One stored object of a source (an .ics file, a CalDAV resource, a Google event) and its
    instances inside the sync window. `id` is stable within the source."""

    id: str
    instances: tuple[EventInstance, ...]


@dataclass(frozen=True, slots=True)
class Changes:
    """What a sync found since the cursor it was given.

    With `complete`, `changed` holds every resource the source has (a first sync, a file that
    was read whole, a full resync after an expired token): a resource known before and missing
    now is gone. Otherwise `removed` names the resources deleted since the cursor.
    """

    changed: tuple[Resource, ...]
    cursor: str | None
    complete: bool
    removed: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())  # items skipped, each with file/UID and reason


@dataclass(frozen=True, slots=True)
class Window:
    """The span of instances a sync reads (recurrences are expanded only inside it), and the
    zone all-day and floating times are read in.

    `mentions` are the addresses and words that name the tracked people (`detect.mentions`):
    only an event whose text contains one of them can involve anyone, so a source may skip,
    without parsing it, an object that contains none (and report one that held a relevant event
    before as it does any other change). Empty: no filter, every object is read. A source that
    skips must treat a cursor made with other mentions as none (objects it skipped may count now).
    """

    start: datetime
    end: datetime
    zone: tzinfo
    mentions: frozenset[str] = frozenset()


class SourceError(Exception):
    """A source could not be synced. The message is one readable sentence for `status` and the
    journal, never containing a secret; `retry` says whether trying again later may help
    (the server is down or slow) or not (the credentials are wrong, the grant was revoked)."""

    def __init__(self, message: str, *, retry: bool, remedy: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.remedy = remedy


class CalendarSource(Protocol):
    """A calendar system nudger reads. Implementations live in `integrations/calendars/`.

    The failure contract: `sync` either returns `Changes` or raises `SourceError`. It never
    returns an empty or partial result to hide a failure, because silence would read as "no
    events" and turn every plan into a cancellation. A single bad item is not a failure: it is
    skipped and named in `Changes.problems`, and the rest is returned. Every network call has a
    timeout. Secrets (passwords, tokens) never appear in a message.
    """

    name: str

    def sync(self, cursor: str | None, window: Window) -> Changes:
        """The changes since `cursor` (None: everything), instances expanded inside `window`."""
        ...

    def describe(self) -> Sequence[str]:
        """What the source finds, one line each (for `nudger calendars test`); raises
        `SourceError` saying exactly what is wrong when it cannot connect."""
        ...
