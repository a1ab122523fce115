"""Who initiated, who cancelled, who declined, what moved, what happened and what was missed.

Pure: event instances (before and after a sync), the people you track and `now` in; log entries
out. Every entry has a key derived from the event, so deriving the same facts twice appends
nothing, and the same invite seen in two calendars (same UID) counts once. The rules are the ones
in DESIGN.md: the organizer initiated; a plan I organized with them invited is mine; a solo entry
("Dinner with Alex") is unknown unless a marker in its title or description says whose it was.
A standing series counts as one initiation, its instances as plans.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from nudger.core import vanishing
from nudger.core.events import EventInstance, EventKind, Participation, Status
from nudger.core.model import Entry, Kind, NewEntry, Who
from nudger.core.vanishing import NO_REMOVALS, Removals

CALENDAR_SOURCE = "calendar"


def from_calendar(entry: Entry) -> bool:
    """Whether a log entry was derived from a calendar (its source is `calendar:NAME`)."""
    return entry.source.startswith(f"{CALENDAR_SOURCE}:")


@dataclass(frozen=True)
class Tracked:
    """A person as detection sees them: the addresses and the words that name them."""

    name: str
    emails: frozenset[str]
    words: tuple[str, ...]

    def named_in(self, text: str) -> bool:
        return any(
            re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
            for word in self.words
        )


@dataclass(frozen=True)
class Rules:
    """What detection reads of the settings (built at the edge, `nudger.config.core_values`)."""

    me: frozenset[str]  # my addresses
    people: tuple[Tracked, ...]
    me_markers: tuple[str, ...] = ()
    them_markers: tuple[str, ...] = ()
    missed_after: timedelta = timedelta(days=14)
    not_plans: tuple[str, ...] = ()  # title words of an all-day entry that is not a plan


def involved(instance: EventInstance, rules: Rules) -> list[Tracked]:
    """The tracked people in an event: by address (organizer, attendees) or named in its title.
    Nobody is involved in what is not a plan (`is_plan`)."""
    if not is_plan(instance, rules):
        return []
    addresses = {instance.organizer, *(a.email for a in instance.attendees)}
    return [
        person
        for person in rules.people
        if person.emails & addresses or person.named_in(instance.summary)
    ]


def is_plan(instance: EventInstance, rules: Rules) -> bool:
    """Whether an event can be a plan with someone. Not when its source marks it as something
    else (a birthday, an out-of-office: `EventInstance.kind`), nor when it is an all-day entry
    that invites nobody and whose title has one of the `not_plans` words as a word ("Sam's
    birthday", "Geburtstag von Sam"): a day to remember, not an arrangement. An invitation,
    or a timed entry ("Birthday dinner with Sam" at 19:00), stays a plan."""
    if instance.kind is not EventKind.EVENT:
        return False
    if not instance.all_day or any(a.email != instance.organizer for a in instance.attendees):
        return True
    return not any(
        re.search(rf"(?<!\w){re.escape(word)}(?!\w)", instance.summary, re.IGNORECASE)
        for word in rules.not_plans
    )


def mentions(rules: Rules) -> frozenset[str]:
    """What an event's text must contain for `involved` to find anyone in it: each tracked
    person's addresses (organizer, attendees) and the words that name them (the title).

    Sources skip, unparsed, the objects that contain none of these (`Window.mentions`), so this
    follows `involved` route by route: a new route there needs its terms here."""
    return frozenset(term for person in rules.people for term in (*person.emails, *person.words))


def initiator(instance: EventInstance, person: Tracked, rules: Rules) -> Who:
    """Whose idea the plan was; unknown when the calendar does not say."""
    text = f"{instance.summary}\n{instance.description}".casefold()
    if any(marker.casefold() in text for marker in rules.them_markers):
        return Who.THEM
    if any(marker.casefold() in text for marker in rules.me_markers):
        return Who.ME
    if instance.organizer in person.emails:
        return Who.THEM
    invited = any(a.email in person.emails for a in instance.attendees)
    if invited and (instance.organizer_is_self or instance.organizer in rules.me):
        return Who.ME
    return Who.UNKNOWN


def side(email: str | None, person: Tracked, rules: Rules, *, is_self: bool = False) -> Who:
    if is_self or email in rules.me:
        return Who.ME
    return Who.THEM if email in person.emails else Who.UNKNOWN


def resource_facts(
    old: Sequence[EventInstance],
    new: Sequence[EventInstance],
    rules: Rules,
    *,
    now: datetime,
    excluded: Collection[str] = frozenset(),
    uninvited: Collection[str] = frozenset(),
    removals: Removals = NO_REMOVALS,
    read_until: datetime | None = None,
) -> list[NewEntry]:
    """The facts of one resource's change: proposed, cancelled, declined, moved, happened.

    An instance that involved someone before and does not now was cancelled by its organizer
    when the series strikes it out (`excluded`: an EXDATE added to a series we had seen) or
    when it is still there without them (`uninvited`: the organizer took them off; the edge
    leaves this empty when the people or addresses changed, as then the rules did, not the
    plan). Otherwise its absence says nothing about who, and `nudger.core.vanishing` decides
    what it means. An instance seen again takes back the removal its vanishing was logged as.
    One starting after `read_until` (the source stopped reading the series there) was not
    listed, so its absence means nothing at all.
    """
    facts: list[NewEntry] = []
    before = {instance.occurrence: instance for instance in old}
    seen = set()
    for instance in new:
        seen.add(instance.occurrence)
        previous = before.get(instance.occurrence)
        facts += _instance_facts(previous, instance, rules, now)
        if previous is None and removals.logged:
            facts += _returned(instance, rules, now, removals)
    for occurrence, instance in before.items():
        if occurrence in seen or (read_until is not None and instance.start > read_until):
            continue
        cancelled = replace(instance, status=Status.CANCELLED, updated=None)
        if occurrence in excluded or occurrence in uninvited:
            facts += _instance_facts(instance, cancelled, rules, now)
        elif vanishing.live([instance], now):
            facts += _vanished(cancelled, rules, now, removals)
    return facts


def kept(
    old: Sequence[EventInstance], new: Sequence[EventInstance], now: datetime
) -> tuple[EventInstance, ...]:
    """What to keep of a resource for the next sync and for `plans`: what it shows now, except
    a plan that took place and was cancelled only afterwards (`_cleared_after`), which stays as
    it was, so nothing reads it as lost (a missed plan) later."""
    before = {instance.occurrence: instance for instance in old}
    return tuple(
        previous
        if (previous := before.get(instance.occurrence)) and _cleared_after(previous, instance, now)
        else instance
        for instance in new
    )


def _vanished(
    instance: EventInstance, rules: Rules, now: datetime, removals: Removals
) -> list[NewEntry]:
    facts = []
    for person in involved(instance, rules):
        key = f"{CALENDAR_SOURCE}:{instance.uid}:{instance.occurrence}:cancelled:{person.name}"
        base = _entry(key, Kind.CANCELLED, Who.UNKNOWN, now, person, instance)
        if (entry := vanishing.removal(instance, person.name, base, removals)) is not None:
            facts.append(entry)
    return facts


def _returned(
    instance: EventInstance, rules: Rules, now: datetime, removals: Removals
) -> list[NewEntry]:
    facts = []
    for person in involved(instance, rules):
        key = f"{CALENDAR_SOURCE}:{instance.uid}:plan:{person.name}"
        base = _entry(key, Kind.PLAN, Who.UNKNOWN, now, person, instance)
        facts += vanishing.retractions(instance, person.name, base, removals)
    return facts


def _instance_facts(
    old: EventInstance | None, new: EventInstance, rules: Rules, now: datetime
) -> list[NewEntry]:
    facts = []
    when_changed = _not_after(new.updated, now)
    proposed = _proposed_at(new, now)
    if new.status is Status.CANCELLED or _declined(new):  # a plan is made before it is called off
        proposed = min(proposed, when_changed)
    for person in involved(new, rules):
        base = f"{CALENDAR_SOURCE}:{new.uid}"
        plan = f"{base}:{new.occurrence}"
        facts.append(
            _entry(
                f"{base}:plan:{person.name}",
                Kind.PLAN,
                initiator(new, person, rules),
                proposed,
                person,
                new,
            )
        )
        organizer = side(new.organizer, person, rules, is_self=new.organizer_is_self)
        if new.status is Status.CANCELLED and not _cleared_after(old, new, now):
            facts.append(
                _entry(
                    f"{plan}:cancelled:{person.name}",
                    Kind.CANCELLED,
                    organizer,
                    when_changed,
                    person,
                    new,
                )
            )
        for attendee in new.attendees:
            if attendee.participation is Participation.DECLINED:
                who = side(attendee.email, person, rules, is_self=attendee.is_self)
                if who is not Who.UNKNOWN:
                    facts.append(
                        _entry(
                            f"{plan}:declined:{attendee.email}",
                            Kind.DECLINED,
                            who,
                            when_changed,
                            person,
                            new,
                        )
                    )
        moved = (old is not None and old.start != new.start) or (
            old is None and new.recurrence_id is not None and new.start != new.recurrence_id
        )
        if moved and new.status is not Status.CANCELLED:
            facts.append(
                _entry(
                    f"{plan}:moved:{new.start.isoformat()}:{person.name}",
                    Kind.RESCHEDULED,
                    organizer,
                    when_changed,
                    person,
                    new,
                )
            )
        if new.end <= now and new.status is not Status.CANCELLED and not _declined(new):
            facts.append(
                _entry(
                    f"{plan}:happened:{person.name}",
                    Kind.HAPPENED,
                    Who.UNKNOWN,
                    new.end,
                    person,
                    new,
                )
            )
    return facts


def missed_facts(
    instances: Iterable[EventInstance], rules: Rules, *, now: datetime
) -> list[NewEntry]:
    """A cancelled or declined plan that no other plan with that person replaced within
    `missed_after` of it is missed, once that time has passed."""
    every = list(instances)
    facts = []
    for lost in every:
        if lost.status is not Status.CANCELLED and not _declined(lost):
            continue
        decided = lost.start + rules.missed_after
        if decided > now:
            continue
        for person in involved(lost, rules):
            replaced = any(
                other.uid != lost.uid
                and other.status is not Status.CANCELLED
                and not _declined(other)
                and abs(other.start - lost.start) <= rules.missed_after
                and person in involved(other, rules)
                for other in every
            )
            if not replaced:
                who = side(lost.organizer, person, rules, is_self=lost.organizer_is_self)
                key = f"{CALENDAR_SOURCE}:{lost.uid}:{lost.occurrence}:missed:{person.name}"
                facts.append(_entry(key, Kind.MISSED, who, decided, person, lost))
    return facts


def _cleared_after(old: EventInstance | None, new: EventInstance, now: datetime) -> bool:
    """Whether a plan seen live before is cancelled only now that it is over, and not said to
    have been cancelled before it ended: a plan cannot be called off once it took place, so
    that is someone clearing out old events (Google lists a deleted series' past dates as
    cancelled), not news."""
    if old is None or old.status is Status.CANCELLED or new.end > now:
        return False
    return new.updated is None or new.updated >= new.end


def _declined(instance: EventInstance) -> bool:
    return any(a.participation is Participation.DECLINED for a in instance.attendees)


def _proposed_at(instance: EventInstance, now: datetime) -> datetime:
    """When the plan was made (DESIGN's one dating rule): its creation time if the calendar
    kept one, else the first time nudger saw it (now), but never after the plan's own start,
    so a year of history read on the first sync is not dated today. The caller also keeps it
    from falling after the plan's own cancellation or decline."""
    created = _not_after(instance.created, now) if instance.created else None
    return created or min(instance.start, now)


def _not_after(moment: datetime | None, now: datetime) -> datetime:
    return now if moment is None or moment > now else moment


def _entry(
    key: str, kind: Kind, who: Who, at: datetime, person: Tracked, instance: EventInstance
) -> NewEntry:
    details: dict[str, Any] = {
        "uid": instance.uid,
        "occurrence": instance.occurrence,
        "summary": instance.summary,
        "start": instance.start.isoformat(),
        "source": instance.source,
        "calendar": instance.calendar,
    }
    if instance.recurring:
        details["recurring"] = True
    return NewEntry(
        at=at,
        kind=kind.value,
        who=who,
        source=f"{CALENDAR_SOURCE}:{instance.source}",
        key=key,
        person=person.name,
        details=details,
    )


def loose_facts(
    entries: Sequence[Entry], *, expire_after: timedelta, now: datetime
) -> list[NewEntry]:
    """A loose plan ("we should catch up") is scheduled by the first plan with that person made
    within `expire_after` of it; with none by then, it lapsed (and counts as missed)."""
    settled = {
        e.details.get("loose")
        for e in entries
        if e.kind in (Kind.LOOSE_SCHEDULED, Kind.LOOSE_EXPIRED)
    }
    plans = sorted((e for e in entries if e.kind == Kind.PLAN), key=lambda e: e.at)
    facts = []
    for loose in entries:
        if loose.kind != Kind.LOOSE or loose.key in settled or loose.person is None:
            continue
        deadline = loose.at + expire_after
        match = next(
            (p for p in plans if p.person == loose.person and loose.at <= p.at <= deadline), None
        )
        details = {"loose": loose.key, "text": str(loose.details.get("text", ""))}
        if match is not None:
            facts.append(
                NewEntry(
                    at=match.at,
                    kind=Kind.LOOSE_SCHEDULED.value,
                    who=match.who,
                    source=match.source,
                    key=f"{loose.key}:scheduled",
                    person=loose.person,
                    details={**details, "plan": match.key},
                )
            )
        elif deadline <= now:
            facts.append(
                NewEntry(
                    at=deadline,
                    kind=Kind.LOOSE_EXPIRED.value,
                    who=loose.who,
                    source=loose.source,
                    key=f"{loose.key}:expired",
                    person=loose.person,
                    details=details,
                )
            )
    return facts
