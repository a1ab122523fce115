"""Contact rhythms: the last contact with someone, how many days ago it was, and when they are due.

A rhythm is the longest the user wants to go without contact with a person ("every 2w"). Contact
is any current entry of the kinds `rhythm.counts` names, in either direction: a plan that
happened (the log's `happened` fact: an instance whose end passed and that was neither cancelled
nor declined), a message, a call, a check-in, a gratitude moment. A cancelled, declined or missed
plan is no contact, a plan still ahead is no contact yet, and a superseded (corrected or
retracted) entry counts nowhere.

Days are calendar days in the user's zone, so a contact at 23:30 on Monday was one day ago on
Tuesday morning, whatever a DST change did in between. Pure: entries, the rhythm, `now`, the zone.
`nudger people`, `nudger drift`, the report's overview and the reach-out nudge all read it here,
so they never disagree about who is overdue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from nudger.core.model import Entry, Kind, Who

# What the `rhythm.counts` setting names, and the kind of log entry each stands for: a plan
# counts once it happened, never when it was proposed.
CONTACT_KINDS: dict[str, str] = {
    "plan": Kind.HAPPENED,
    "message": Kind.MESSAGE,
    "call": Kind.CALL,
    "checkin": Kind.CHECKIN,
    "gratitude": Kind.GRATITUDE,
}
DEFAULT_COUNTS: tuple[str, ...] = tuple(CONTACT_KINDS)
# A contact in words, as lists and nudges name it.
CONTACT_WORDS: dict[str, str] = {
    Kind.HAPPENED: "a plan",
    Kind.MESSAGE: "a message",
    Kind.CALL: "a call",
    Kind.CHECKIN: "a check-in",
    Kind.GRATITUDE: "thanks",
}


def contact_kinds(counts: Iterable[str]) -> frozenset[str]:
    """The log kinds that are contact, for the setting's names (`plan` is a plan that happened)."""
    return frozenset(CONTACT_KINDS[name] for name in counts)


@dataclass(frozen=True)
class Contact:
    """The latest contact: when, what kind of entry, and who made it."""

    at: datetime
    kind: str
    who: Who  # for a plan that happened: who proposed it (unknown when the log does not say)


def contact(latest: Entry, plans: Sequence[Entry]) -> Contact:
    """The contact `latest` is; a plan that happened is credited to whoever proposed it (the
    current plan entry of its calendar UID), since the happening itself has no side."""
    who = latest.who
    if latest.kind == Kind.HAPPENED:
        uid = latest.details.get("uid")
        sides = [p.who for p in plans if not p.superseded and uid and p.details.get("uid") == uid]
        who = sides[-1] if sides else Who.UNKNOWN
    return Contact(latest.at, latest.kind, who)


def last_contact(entries: Iterable[Entry], kinds: frozenset[str], now: datetime) -> Contact | None:
    """The latest current contact among `entries` (one person's, any order) up to `now`."""
    every = list(entries)
    found = [e for e in every if e.kind in kinds and not e.superseded and e.at <= now]
    if not found:
        return None
    latest = max(found, key=lambda e: (e.at, e.id))
    return contact(latest, sorted((e for e in every if e.kind == Kind.PLAN), key=lambda e: e.at))


@dataclass(frozen=True)
class Drift:
    """Where one person stands against their rhythm, in local calendar days."""

    person: str
    every: timedelta | None  # None: no rhythm for them
    last: Contact | None  # None: no contact in the log, so how long it has been is unknown
    days_since: int | None
    due_in: int | None  # days until due; 0 due today, negative overdue; None without both above
    due_date: date | None = None  # the local date it comes (or came) due

    @property
    def overdue(self) -> int:
        """Days overdue (0 when not overdue, or when it cannot be told)."""
        return 0 if self.due_in is None or self.due_in >= 0 else -self.due_in

    @property
    def due(self) -> bool:
        return self.due_in is not None and self.due_in <= 0

    def status(self) -> str:
        """ "overdue 5d", "due today", "due in 3d", "no contact logged", or "" without rhythm."""
        if self.every is None:
            return ""
        if self.due_in is None:
            return "no contact logged"
        if self.due_in < 0:
            return f"overdue {-self.due_in}d"
        return "due today" if self.due_in == 0 else f"due in {self.due_in}d"

    def to_json(self) -> dict[str, object]:
        last = self.last
        return {
            "person": self.person,
            "every_days": None if self.every is None else self.every.days,
            "last_contact": None
            if last is None
            else {"at": last.at.isoformat(), "kind": last.kind, "who": last.who.value},
            "days_since": self.days_since,
            "due_in": self.due_in,
            "due_date": None if self.due_date is None else self.due_date.isoformat(),
            "overdue": self.overdue,
            "status": self.status() or None,
        }


def local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def due_day(last: Contact, every: timedelta, zone: tzinfo) -> date:
    """The local date on which going without contact reaches the rhythm."""
    return local_day(last.at, zone) + timedelta(days=every.days)


def drift_of(
    person: str, every: timedelta | None, last: Contact | None, now: datetime, zone: tzinfo
) -> Drift:
    """Where `person` stands on `now`'s local date."""
    today = local_day(now, zone)
    since = None if last is None else (today - local_day(last.at, zone)).days
    if last is None or every is None:
        return Drift(person, every, last, since, None)
    day = due_day(last, every, zone)
    return Drift(person, every, last, since, (day - today).days, day)


def most_overdue(drifts: Iterable[Drift]) -> list[Drift]:
    """The overdue ones (due today included), most overdue first, then by name."""
    return sorted(
        (d for d in drifts if d.due),
        key=lambda d: (d.due_in if d.due_in is not None else 0, d.person.casefold()),
    )
