"""The rituals: the daily check-in, the gratitude moments of each week, the monthly conversation.

Each rule turns a section of the settings into nudges at local wall times (see `local_time`),
one occurrence per local date, week or month, so a restart plans the same ids again. Whose turn
it is to start a check-in (`checkin_turn`) is also what answering one logs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from nudger.core.events import Status
from nudger.core.model import Entry, Kind, Who
from nudger.core.nudges.context import Context, of_kinds
from nudger.core.nudges.local_time import (
    add_minutes,
    at,
    in_quiet_hours,
    minutes_between,
    nth_weekday,
)
from nudger.core.nudges.nudge import DAILY_ACTIONS, Nudge, NudgeKind, make_nudge
from nudger.core.when import local_midnight

GRATITUDE_LATENESS = timedelta(hours=3)
CONVERSATION_LATENESS = timedelta(days=7)  # a missed month is still worth catching up on
_GRATITUDE_TRIES = 24  # candidate times per gratitude moment before it is given up for the week


def checkin_turn(checkins: Sequence[Entry]) -> Who:
    """Who starts the next check-in: them after one I started, otherwise me."""
    return Who.THEM if checkins and checkins[-1].who is Who.ME else Who.ME


def checkins(c: Context) -> Iterator[Nudge]:
    """A daily check-in at `checkin.time`, unless one is already logged that local day.

    It lasts until the end of its local day (a check-in in the evening is still worth it). The
    turn to start it alternates: after mine it is theirs, after theirs (or none, or an unknown
    starter) mine. While a wait holds nudges, a check-in I would have to start is held; one
    where it is their turn still comes, since it leaves the ball in their court.
    """
    section = c.planning.checkin
    if not section.enabled:
        return
    for person in of_kinds(c, section.kinds):
        logged_checkins = [e for e in c.of(person.name) if e.kind == Kind.CHECKIN]
        logged = {e.at.astimezone(c.zone).date() for e in logged_checkins}
        last_by_me = checkin_turn(logged_checkins) is Who.THEM
        for day in c.local_days(1):
            if day.weekday() not in section.days or day in logged:
                continue
            due = at(day, section.time, c.zone)
            if not last_by_me and c.planning.wait.hold_nudges and c.held(person.name, due):
                continue
            turn = (
                f"It's {person.name}'s turn to start; you started the last one."
                if last_by_me
                else "It's your turn to start: ask how their day really was."
            )
            yield make_nudge(
                NudgeKind.CHECKIN,
                person.name,
                day.isoformat(),
                due,
                local_midnight(day + timedelta(days=1), c.zone),
                f"Check-in with {person.name}",
                f"Put the phones away for ten minutes together. {turn}",
                DAILY_ACTIONS,
            )


def gratitude(c: Context) -> Iterator[Nudge]:
    """`per_week` spontaneous moments per person, drawn reproducibly for each ISO week.

    Each moment has its own seeded generator (person, ISO year and week, index) yielding a
    sequence of candidate times in the `earliest`-`latest` window on distinct days where it can;
    the first candidate outside quiet hours and outside every plan wins. A restart redraws the
    same times, and a new plan only moves the moments it collides with.
    """
    section = c.planning.gratitude
    if not section.enabled or section.per_week == 0:
        return
    weeks = sorted({day.isocalendar()[:2] for day in c.local_days(1)})
    busy = [(p.start, p.end) for p in c.plans if p.status is not Status.CANCELLED]
    quiet = c.planning.quiet_hours
    for person in of_kinds(c, section.kinds):
        for year, week in weeks:
            monday = date.fromisocalendar(year, week, 1)
            for index in range(section.per_week):
                seed = f"{person.name}:{year}-W{week:02d}:{index}"
                # Not for security: a reproducible draw is the point.
                draw = random.Random(seed)  # noqa: S311
                # Spread the moments over the week: moment i prefers day i (mod 7), then others.
                for attempt in range(_GRATITUDE_TRIES):
                    offset = (index + draw.randrange(7) * (attempt > 0)) % 7
                    minutes = minutes_between(section.earliest, section.latest)
                    clock = add_minutes(section.earliest, draw.randrange(minutes + 1))
                    due = at(monday + timedelta(days=offset), clock, c.zone)
                    if in_quiet_hours(due, quiet, c.zone) or any(s <= due < e for s, e in busy):
                        continue
                    yield make_nudge(
                        NudgeKind.GRATITUDE,
                        person.name,
                        f"{year}-W{week:02d}-{index + 1}",
                        due,
                        due + GRATITUDE_LATENESS,
                        f"A thank-you for {person.name}",
                        f"Think of one thing {person.name} did lately that you liked, "
                        "and tell them.",
                        DAILY_ACTIONS,
                    )
                    break


def conversations(c: Context) -> Iterator[Nudge]:
    """The monthly conversation on the configured weekday of the month; it still comes up to a
    week late, since a missed month is worth catching up on. Held during a wait (I would be
    the one asking for it)."""
    section = c.planning.conversation
    if not section.enabled:
        return
    months = sorted({(d.year, d.month) for d in c.local_days(8)})
    for person in of_kinds(c, section.kinds):
        for year, month in months:
            due = at(nth_weekday(year, month, section.weekday, section.week), section.time, c.zone)
            if c.planning.wait.hold_nudges and c.held(person.name, due):
                continue
            yield make_nudge(
                NudgeKind.CONVERSATION,
                person.name,
                f"{year}-{month:02d}",
                due,
                due + CONVERSATION_LATENESS,
                f"Your monthly talk with {person.name}",
                "Find a quiet hour to talk about the two of you: what went well this month, "
                "and what you would like more of.",
                DAILY_ACTIONS,
            )
