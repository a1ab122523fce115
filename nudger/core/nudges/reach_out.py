"""The reach-out nudge: someone's contact rhythm came due, and nothing says contact is coming.

Due at `rhythm.time` on the local date the rhythm runs out (`nudger.core.rhythm.due_day`);
while no contact follows, it comes again once per rhythm period, each period its own
occurrence (the date it came due), so a restart plans the same id, a skip settles that period
only, and a contact logged meanwhile moves every date (new ids, and the old ones are planned no
more, which also withdraws a snoozed one: `STILL_PLANNED`). None is planned without any contact
in the log (how long it has been is unknown), while a wait holds my nudges for them, or while a
plan with them lies ahead and is going ahead (contact is coming).

When the balance leans on me (the balance alert's own test, `alerts.leaning_on_me`), it says
so and suggests waiting for them instead of pushing me to start again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from nudger.core.detect import involved
from nudger.core.model import Who
from nudger.core.nudges.alerts import leaning_on_me
from nudger.core.nudges.context import Context, going_ahead
from nudger.core.nudges.local_time import at, day_name
from nudger.core.nudges.nudge import DAILY_ACTIONS, Nudge, NudgeKind, make_nudge
from nudger.core.nudges.planning import Person
from nudger.core.rhythm import CONTACT_WORDS, Contact, due_day, last_contact


def reach_outs(c: Context) -> Iterator[Nudge]:
    """A nudge per period for each person whose rhythm ran out (see the module's docstring)."""
    rhythm = c.planning.rhythm
    today = c.now.astimezone(c.zone).date()
    for person in c.people:
        if person.every is None:
            continue
        last = last_contact(c.with_earlier(person.name), rhythm.counts, c.now)
        if last is None or _plan_ahead(c, person):
            continue
        period = person.every.days
        first = due_day(last, person.every, c.zone)
        rounds = max(0, (today - first).days // period)
        for n in (rounds, rounds + 1):
            day = first + timedelta(days=n * period)
            due = at(day, rhythm.time, c.zone)
            if c.planning.wait.hold_nudges and c.held(person.name, max(due, c.now)):
                continue
            days = (max(day, today) - last.at.astimezone(c.zone).date()).days
            title, body, actions = _words(c, person, last, days)
            yield make_nudge(
                NudgeKind.REACH_OUT,
                person.name,
                day.isoformat(),
                due,
                at(day + timedelta(days=period), rhythm.time, c.zone),
                title,
                body,
                actions,
            )


def _plan_ahead(c: Context, person: Person) -> bool:
    """A plan with them still to start, going ahead: contact is coming."""
    return any(
        p.start > c.now
        and going_ahead(p, c, person)
        and any(t.name == person.name for t in involved(p, c.planning.rules))
        for p in (*c.plans, *c.ahead)
    )


def _words(
    c: Context, person: Person, last: Contact, days: int
) -> tuple[str, str, tuple[str, ...]]:
    name = person.name
    what = CONTACT_WORDS.get(last.kind, last.kind)
    by = {Who.ME: "you", Who.THEM: name}.get(last.who)
    started = f"started by {by}" if by else "who started it is not known"
    since = (
        f"It has been {days} day{'s' * (days != 1)} since your last contact with {name}: "
        f"{what} on {day_name(last.at, c.zone)}, {started}."
    )
    reason = leaning_on_me(c, name)
    if reason is not None:
        return (
            f"It has been a while with {name}",
            f"{since} {reason} Rather than reaching out again, leave the ball in their court "
            "for a while and see if they do.",
            ("wait", "skip"),
        )
    return (
        f"Time to reach out to {name}",
        f"{since} Send a message, call, or suggest a plan.",
        DAILY_ACTIONS,
    )
