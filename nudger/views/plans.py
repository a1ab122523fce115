"""The plans `nudger plans` lists and `nudger plans review` walks, as typed rows; and marking
whose idea one was, written in one transaction.

A plan is a calendar UID with a tracked person in it (a series is one plan); its id is a short
hash of the UID. Which side the log holds for it is the current plan entry for (UID, person):
one seen in a calendar, or a correction of it. The stored instances come from the sync state,
the entries from the log's queries; this module speaks no SQL and prints nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from nudger.core.attendance import Answer, PlanStatus, addresses, answer_of, outcome
from nudger.core.detect import Rules, from_calendar, involved
from nudger.core.events import EventInstance, Participation, Status
from nudger.core.model import (
    MARK_SOURCE,
    Entry,
    Kind,
    Side,
    Who,
    plan_corrections,
    plan_side,
    settled_unknown,
)
from nudger.errors import NudgerError, UsageError
from nudger.log import queries, sync_state
from nudger.log.store import Store

Selection = Literal["all", "upcoming", "missed", "unclassified"]


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One instance of a plan with one person, as `nudger plans` lists it: what that person
    answered, what I answered, and the plan's own status are three facts, kept apart (one
    guest's decline is not another's)."""

    id: str
    person: str
    start: str  # ISO 8601, with its offset
    summary: str
    initiator: str  # "me", "them", "unknown" or "neither"
    status: PlanStatus  # for this person: cancelled, declined (by them or me), upcoming, past
    source: str
    recurring: bool
    all_day: bool = False  # a whole day (a date, no time): `start` is its local midnight
    answer: Answer | None = None  # the person's own; None: the invitation does not list them
    my_answer: Answer | None = None  # mine; None: not on the invitation (a solo entry)
    plan_status: str = Status.CONFIRMED.value  # the calendar's: confirmed, tentative, cancelled
    moves: tuple[Who, ...] = ()  # who moved this instance, each time the log saw it move

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "person": self.person,
            "start": self.start,
            "summary": self.summary,
            "kind": Kind.PLAN.value,
            "initiator": self.initiator,
            "status": self.status,
            "source": self.source,
            "recurring": self.recurring,
            "all_day": self.all_day,
            "answer": self.answer,
            "my_answer": self.my_answer,
            "plan_status": self.plan_status,
            "rescheduled": {who.value: self.moves.count(who) for who in Who},
        }


@dataclass(frozen=True, slots=True)
class MissedRow:
    """A missed plan or an expired loose one, as `nudger plans --missed` lists it."""

    id: str
    person: str | None
    start: str | None  # ISO 8601, as the entry recorded it; a loose plan has none
    summary: str
    kind: str  # "missed" or "loose.expired"

    @property
    def initiator(self) -> None:
        """Whose idea a missed plan was is not what this list is about."""
        return None

    @property
    def all_day(self) -> bool:
        """The entry keeps the missed plan's start, not whether it was a whole day."""
        return False

    @property
    def status(self) -> Literal["missed"]:
        return "missed"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "person": self.person,
            "start": self.start,
            "summary": self.summary,
            "kind": self.kind,
            "initiator": self.initiator,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class Review:
    """What `nudger plans review` asks about: each unknown plan the log can correct, once."""

    questions: tuple[tuple[EventInstance, str], ...]  # (the plan's first instance, the person)
    waiting: int  # unknown plans with no entry to correct until the next sync


def plan_id(uid: str) -> str:
    """A short, stable handle for a plan (a series counts as one plan)."""
    return hashlib.sha1(uid.encode(), usedforsecurity=False).hexdigest()[:8]


def current_plans(entries: Iterable[Entry]) -> list[Entry]:
    """Plan entries from calendars (or corrections of them) that still count."""
    return [
        e for e in entries if not e.superseded and (from_calendar(e) or e.source == MARK_SOURCE)
    ]


def initiators(store: Store) -> dict[tuple[str, str], str]:
    """The side the log holds for each plan, by (UID, person): "me", "them", "unknown", or
    "neither" for one settled as neither side's."""
    return {plan: plan_side(entry) for plan, entry in plan_entries(store).items()}


def plan_entries(store: Store) -> dict[tuple[str, str], Entry]:
    """The entry that counts for each plan in the log, by (UID, person)."""
    return {
        (str(entry.details.get("uid")), entry.person): entry
        for entry in current_plans(queries.entries(store.db, kinds=[Kind.PLAN]))
        if entry.person is not None
    }


def plan_status(instance: EventInstance, now: datetime) -> PlanStatus:
    """What became of a plan's instance as a whole: any guest's decline counts (`outcome`
    says it for one person)."""
    if instance.status is Status.CANCELLED:
        return "cancelled"
    if any(a.participation is Participation.DECLINED for a in instance.attendees):
        return "declined"
    return "upcoming" if instance.start >= now else "past"


def unknown_plans(
    instances: Iterable[EventInstance],
    initiators: Mapping[tuple[str, str], str],
    rules: Rules,
    only: str | None = None,
) -> list[tuple[EventInstance, str]]:
    """Each plan (a UID with a tracked person in it) whose initiator is unknown, once, with its
    first instance, in the order of those instances' starts.

    `initiators` maps (UID, person) to the side the log holds for that plan ("me", "them",
    "unknown", "neither"); a plan the log has no entry for yet is unknown too, and one settled
    as neither side's is not. `only` keeps one person.
    """
    seen: set[tuple[str, str]] = set()
    found: list[tuple[EventInstance, str]] = []
    for instance in sorted(instances, key=lambda i: i.start):
        for person in involved(instance, rules):
            plan = (instance.uid, person.name)
            if only is not None and person.name != only:
                continue
            if plan in seen or initiators.get(plan, "unknown") != "unknown":
                continue
            seen.add(plan)
            found.append((instance, person.name))
    return found


def plan_rows(
    store: Store, rules: Rules, now: datetime, *, only: str | None, selection: Selection = "all"
) -> list[PlanRow] | list[MissedRow]:
    """The rows `nudger plans` lists: every stored instance with a tracked person in it, by
    start; or only those ahead, the missed plans, or the unknown plans `plans review` asks about
    (each once). `only` keeps one person."""
    if selection == "missed":
        lost = queries.entries(store.db, kinds=[Kind.MISSED, Kind.LOOSE_EXPIRED])
        return [_missed_row(entry) for entry in lost if only is None or entry.person == only]
    sides = initiators(store)
    stored, sources = one_per_occurrence(sync_state.instances(store.db))
    pairs = (
        unknown_plans(stored, sides, rules, only)
        if selection == "unclassified"
        else [
            (instance, who.name)
            for instance in sorted(stored, key=lambda i: i.start)
            for who in involved(instance, rules)
            if only is None or who.name == only
        ]
    )
    moved = moves(store)
    rows = [
        replace(
            _plan_row(instance, name, sides, moved, rules, now),
            source=", ".join(sources[(instance.uid, instance.occurrence)]),
        )
        for instance, name in pairs
    ]
    return [row for row in rows if selection != "upcoming" or row.status == "upcoming"]


def one_per_occurrence(
    instances: Iterable[EventInstance],
) -> tuple[list[EventInstance], dict[tuple[str, str], list[str]]]:
    """Each plan instance once, however many sources show it (the same invite in two
    calendars is one plan, as the log counts it), with the sources that show it, in order."""
    kept: dict[tuple[str, str], EventInstance] = {}
    sources: dict[tuple[str, str], list[str]] = {}
    for instance in instances:
        key = (instance.uid, instance.occurrence)
        kept.setdefault(key, instance)
        if instance.source not in sources.setdefault(key, []):
            sources[key].append(instance.source)
    return list(kept.values()), sources


def moves(store: Store) -> dict[tuple[str, str, str], tuple[Who, ...]]:
    """Who moved each plan instance, oldest first, by (UID, occurrence, person): the
    `rescheduled` entries that still count."""
    found: dict[tuple[str, str, str], tuple[Who, ...]] = {}
    for entry in queries.entries(store.db, kinds=[Kind.RESCHEDULED]):
        if entry.superseded or entry.person is None:
            continue
        key = (str(entry.details.get("uid")), str(entry.details.get("occurrence")), entry.person)
        found[key] = (*found.get(key, ()), entry.who)
    return found


def review(store: Store, rules: Rules, *, only: str | None) -> Review:
    """The unknown plans to ask about, and how many must wait for the next sync: a plan with
    someone added since the last sync has no entry to correct yet."""
    entries = plan_entries(store)
    sides = {plan: plan_side(entry) for plan, entry in entries.items()}
    unknown = unknown_plans(sync_state.instances(store.db), sides, rules, only)
    questions = tuple((i, name) for i, name in unknown if (i.uid, name) in entries)
    return Review(questions, len(unknown) - len(questions))


def mark(
    store: Store,
    uid: str,
    person: str,
    side: Side | Who,
    now: datetime,
    *,
    keep_known: bool = False,
) -> Entry:
    """Settle whose idea the plan (UID, person) was (mine, theirs, or neither of ours), in one
    transaction; returns the entry that stood before, so the caller can tell what changed.

    Nothing is written when the plan already says `side`, nor, with `keep_known`, when it is
    settled already (someone answered since `plans review` began: that answer stays). `side`
    may be given as `Who.ME` or `Who.THEM` too.
    """
    with store.transaction():
        person_id = queries.person_id(store.db, person)
        plans = current_plans(queries.entries(store.db, person=person_id, kinds=[Kind.PLAN]))
        current = next(
            (e for e in plans if e.person == person and e.details.get("uid") == uid), None
        )
        if current is None:
            raise NudgerError(f"plan {plan_id(uid)} is no longer in the log")
        if keep_known and (current.who is not Who.UNKNOWN or settled_unknown(current)):
            return current
        for entry in plan_corrections(current, Side(side.value), str(uuid.uuid4())):
            store.insert(entry, now)
    return current


def mark_by_id(
    store: Store, plan: str, person: str | None, side: Side | Who, now: datetime
) -> Entry:
    """`plans mark`: the plan whose id is `plan` (with `person`, when it is with several
    people) settled as `side`'s; returns the entry that stood before (see `mark`)."""
    current = find(store, plan, person)
    return mark(store, str(current.details.get("uid", "")), str(current.person), side, now)


def find(store: Store, plan: str, person: str | None) -> Entry:
    """The current plan entry whose id is `plan` (with `person`, when given); a usage error
    when there is none, or when the plan is with several people and `person` does not say."""
    wanted = plan.strip().lower()
    found = [
        e
        for e in current_plans(queries.entries(store.db, kinds=[Kind.PLAN]))
        if plan_id(str(e.details.get("uid", ""))) == wanted
        and (person is None or e.person == person)
    ]
    if not found:
        raise UsageError(f"no plan with the id {plan!r}", hint="nudger plans lists them")
    if len({e.person for e in found}) > 1:
        names = " or ".join(sorted(str(e.person) for e in found))
        raise UsageError(f"plan {plan} is with {names}", hint="say which with --person")
    return found[0]


def _plan_row(
    instance: EventInstance,
    person: str,
    sides: Mapping[tuple[str, str], str],
    moved: Mapping[tuple[str, str, str], tuple[Who, ...]],
    rules: Rules,
    now: datetime,
) -> PlanRow:
    return PlanRow(
        id=plan_id(instance.uid),
        person=person,
        start=instance.start.isoformat(),
        summary=instance.summary,
        initiator=sides.get((instance.uid, person), "unknown"),
        status=outcome(instance, person, rules, now),
        source=instance.source,
        recurring=instance.recurring,
        all_day=instance.all_day,
        answer=answer_of(instance, addresses(rules, person)),
        my_answer=answer_of(instance, rules.me, me=True),
        plan_status=instance.status.value,
        moves=moved.get((instance.uid, instance.occurrence, person), ()),
    )


def _missed_row(entry: Entry) -> MissedRow:
    return MissedRow(
        id=plan_id(str(entry.details.get("uid", entry.key))),
        person=entry.person,
        start=entry.details.get("start"),
        summary=entry.details.get("summary") or entry.details.get("text", ""),
        kind=entry.kind,
    )
