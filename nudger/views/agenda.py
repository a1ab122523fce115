"""The nudges still to deliver, read from the log: the edge between the store and the pure planner.

`nudger.core.nudges.plan` decides from settings, entries, plans and `now`; `nudger.core.deliveries`
says what the log already settled. This module reads exactly what those two need (not the whole log:
a log of millions stays fast) and hands back the deliveries, for the daemon's schedule and for
`nudger nudges`, `status`, `done` and `snooze`, which must all see the same list.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo

from nudger.config.core_values import planning_from, with_learnt
from nudger.config.settings import Settings
from nudger.core import deliveries
from nudger.core.answers import answer_entries
from nudger.core.deliveries import Delivery
from nudger.core.model import Entry, Kind
from nudger.core.nudges import plan
from nudger.core.rhythm import contact_kinds
from nudger.log import queries, sync_state
from nudger.log.store import Store

# Entries further back than this cannot change a plan: the longest lateness is a week, the
# "who suggested it?" question looks two weeks back, and balance windows are read separately.
_RECENT = timedelta(days=30)
_LONGEST_WAIT = timedelta(days=366)
_PLANS_ENDED_WITHIN = timedelta(days=2)  # the morning-after prompt needs yesterday's dates


def pending(
    db: sqlite3.Connection,
    settings: Settings,
    *,
    now: datetime,
    zone: tzinfo,
    horizon: timedelta = timedelta(days=2),
) -> list[Delivery]:
    """Every delivery due from now (or overdue but still in time) until `now + horizon`."""
    back = max(_RECENT, settings.balance.window, settings.plans.missed_after)
    entries = queries.entries(db, since=now - back)
    seen = {e.key for e in entries}
    older_waits = queries.entries(
        db, kinds=[Kind.WAIT_STARTED, Kind.WAIT_ENDED], since=now - _LONGEST_WAIT, until=now - back
    )
    older_checkins = _last_checkins(db, before=now - back)
    history = [e for e in older_waits + older_checkins if e.key not in seen] + entries
    records = [e for e in history if e.kind in deliveries.KINDS]
    known = sync_state.instances(db)
    plans = [
        instance
        for instance in known
        if instance.end >= now - _PLANS_ENDED_WITHIN and instance.start <= now + horizon
    ]
    planning = planning_from(settings)
    planning = replace(planning, rules=with_learnt(planning.rules, sync_state.learnt_addresses(db)))
    planned = plan(
        planning,
        entries=[e for e in history if e.kind not in deliveries.KINDS],
        plans=plans,
        handled=(),  # the whole plan: `pending` leaves out what is settled, and checks snoozes
        now=now,
        zone=zone,
        horizon=horizon,
        ahead=[instance for instance in known if instance.start > now + horizon],
        earlier=_earlier_contacts(db, settings, before=now - back),
    )
    return deliveries.pending(planned, records, now)


def _last_checkins(db: sqlite3.Connection, *, before: datetime) -> list[Entry]:
    """Each person's last check-in before `before`: whose turn it is can depend on one long ago."""
    found = []
    for name in queries.logged_people(db):
        person = queries.person_id(db, name)
        if person is not None:
            found += queries.entries(db, person=person, kinds=[Kind.CHECKIN], until=before, limit=1)
    return found


def _earlier_contacts(
    db: sqlite3.Connection, settings: Settings, *, before: datetime
) -> list[Entry]:
    """For each person with a contact rhythm, their latest contacts before `before` (and, when
    one is a plan that happened, their plans, which say who proposed it): a rhythm can reach
    further back than the entries `pending` reads."""
    kinds = sorted(contact_kinds(settings.rhythm.counts))
    found: list[Entry] = []
    for person in settings.people:
        person_id = queries.person_id(db, person.name)
        if not person.tracked or settings.rhythm.every(person) is None or person_id is None:
            continue
        latest = queries.entries(db, person=person_id, kinds=kinds, until=before, limit=16)
        found += latest
        if any(e.kind == Kind.HAPPENED for e in latest):
            found += queries.entries(db, person=person_id, kinds=[Kind.PLAN], until=before)
    return found


def record_answer(
    store: Store,
    delivery: Delivery,
    action: str,
    settings: Settings,
    *,
    now: datetime,
    snooze: timedelta | None = None,
) -> int:
    """Log the answer to a delivery (a button, or `nudger done|snooze|skip`); returns how many
    entries were new (0 when this answer was already logged)."""
    nudge = delivery.nudge
    history: list[Entry] = []
    if nudge.person is not None:
        person = queries.person_id(store.db, nudge.person)
        if person is not None:
            history = queries.entries(store.db, person=person, kinds=[Kind.CHECKIN, Kind.PLAN])
    entries = answer_entries(
        nudge,
        action,
        answer=f"{delivery.key}:{action}",
        history=history,
        now=now,
        snooze=snooze or settings.notifications.snooze,
        wait_days=settings.wait.days,
    )
    return store.append_many(entries, now=now)
