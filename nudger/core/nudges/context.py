"""What every planning rule reads: one call's inputs, prepared once, and the questions they share.

`plan()` builds one `Context` per call (the log's current entries oldest first, the tracked
people, the waits) and hands it to each rule, so the rules neither re-sort the log nor repeat
the small lookups below (a person's entries, the plans with them, whether a plan is going ahead).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property

from nudger.core.detect import involved
from nudger.core.events import EventInstance, Participation, Status
from nudger.core.model import Entry
from nudger.core.nudges.log_index import LogIndex
from nudger.core.nudges.planning import Person, Planning
from nudger.core.nudges.waits import WaitSpan


@dataclass(frozen=True)
class Context:
    """One planning call: the user's choices, the clock and zone, and the log and plans it sees."""

    planning: Planning
    zone: tzinfo
    now: datetime
    entries: tuple[Entry, ...]  # current (not superseded), oldest first
    plans: tuple[EventInstance, ...]
    waits: tuple[WaitSpan, ...]
    horizon: timedelta
    ahead: tuple[EventInstance, ...] = ()  # known plans starting after the horizon too
    # Older entries only the contact rhythm reads: each person's latest contacts (and plans)
    # before `entries` begin, so a rhythm of months needs no months of log.
    earlier: tuple[Entry, ...] = ()

    @cached_property
    def index(self) -> LogIndex:
        """The entries by person and by plan occurrence, built on first use, once a call."""
        return LogIndex.build(self.entries, self.now)

    @cached_property
    def _instances(self) -> dict[tuple[str, str], EventInstance]:
        found: dict[tuple[str, str], EventInstance] = {}
        for instance in self.plans:
            found.setdefault((instance.uid, instance.occurrence), instance)
        return found

    def instance(self, uid: object, occurrence: object) -> EventInstance | None:
        """The calendar instance of that UID and occurrence (as a log entry's details name
        them), or None when the daemon passed in none."""
        if not (isinstance(uid, str) and isinstance(occurrence, str)):
            return None
        return self._instances.get((uid, occurrence))

    def of(self, person: str) -> list[Entry]:
        return self.index.of(person)

    def with_earlier(self, person: str) -> list[Entry]:
        """The person's entries, the older ones the contact rhythm reads included."""
        return [e for e in self.earlier if (e.person or "").casefold() == person.casefold()] + (
            self.of(person)
        )

    def local_days(self, back: int) -> list[date]:
        """Local dates from `back` days before today to the last one the horizon reaches."""
        first = self.now.astimezone(self.zone).date() - timedelta(days=back)
        last = (self.now + self.horizon).astimezone(self.zone).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def held(self, person: str, moment: datetime) -> bool:
        return any(w.person == person and w.covers(moment) for w in self.waits)

    @property
    def people(self) -> tuple[Person, ...]:
        """The tracked people."""
        return self.planning.people


def of_kinds(c: Context, kinds: Collection[str]) -> list[Person]:
    """The tracked people of the given kinds (partner, dating, friend, family)."""
    return [p for p in c.people if p.kind in kinds]


def tracked(c: Context, name: str) -> Person | None:
    """The tracked person of that name (any case), or None once removed or never added."""
    return next((p for p in c.people if p.name.casefold() == name.casefold()), None)


def plans_with(c: Context, person: Person) -> list[EventInstance]:
    """The calendar instances that involve `person`, by detection's rules."""
    return [p for p in c.plans if any(t.name == person.name for t in involved(p, c.planning.rules))]


def going_ahead(instance: EventInstance, c: Context, person: Person) -> bool:
    """Not cancelled, and declined neither by them nor by me."""
    if instance.status is Status.CANCELLED:
        return False
    return not any(
        a.participation is Participation.DECLINED
        and (a.is_self or a.email in person.emails or a.email in c.planning.rules.me)
        for a in instance.attendees
    )
