"""Nudge planning: which nudges are due, as a pure function of choices, the log, plans and `now`.

This package owns the rules of every nudge kind (check-in, gratitude, monthly conversation,
before a date, balance alert, the "ball in their court" wait, missed-plan follow-up, "who
suggested it?" and the reach-out of a contact rhythm), their deterministic ids, their lateness,
quiet hours and local wall-clock (DST) maths. It must not do I/O: no clock (the caller passes
`now`), no sqlite, typer or APScheduler, no notifier. The daemon turns the list into jobs,
records sends in the log and passes the ids it already handled back in, so the schedule stays
a projection of the log.

One job a module: `nudge` (the value and its JSON), `daily` (check-ins, gratitude, the monthly
conversation), `plans` (before and after a date, missed plans, who suggested it), `alerts` (the
balance alert, the nudges of a wait), `waits` (wait spans, also read by the report and the CLI),
`reach_out` (a contact rhythm come due), `local_time` (wall-clock and quiet-hours maths),
`planning` (the user's choices as values) and `context` (what every rule reads). Callers
import what they need from those modules; this one only offers `plan()`.

Conventions:

- `due` may be in the past: a nudge stays plannable until `latest` (its kind's lateness), after
  which it is expired and no longer returned.
- Quiet hours move a due time to their end; a nudge whose moved time passes `latest` is dropped.
- Entries of the log that a later entry corrects (`superseded`) are ignored everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import datetime, timedelta, tzinfo

from nudger.core.events import EventInstance
from nudger.core.model import Entry
from nudger.core.nudges.alerts import balance_alerts, wait_nudges
from nudger.core.nudges.context import Context
from nudger.core.nudges.daily import checkins, conversations, gratitude
from nudger.core.nudges.local_time import out_of_quiet_hours
from nudger.core.nudges.nudge import Nudge
from nudger.core.nudges.planning import Planning
from nudger.core.nudges.plans import after_date, before_dates, missed_follow_ups, who_suggested
from nudger.core.nudges.reach_out import reach_outs
from nudger.core.nudges.waits import waits

# Every rule, one per nudge kind (an id starts with its kind, so no two rules make the same id).
_RULES: tuple[Callable[[Context], Iterator[Nudge]], ...] = (
    checkins,
    gratitude,
    after_date,
    conversations,
    before_dates,
    balance_alerts,
    wait_nudges,
    missed_follow_ups,
    who_suggested,
    reach_outs,
)


def plan(
    planning: Planning,
    *,
    entries: Sequence[Entry],
    plans: Sequence[EventInstance],
    handled: Collection[str],
    now: datetime,
    zone: tzinfo,
    horizon: timedelta = timedelta(days=7),
    ahead: Sequence[EventInstance] = (),
    earlier: Sequence[Entry] = (),
) -> list[Nudge]:
    """The nudges due from `now - lateness` to `now + horizon`, by due time, minus `handled`.

    `planning` is what the rules read of the settings (built at the edge by
    `nudger.config.core_values.planning_from`); `entries` are the log's entries (check-ins,
    plans and what became of them, messages, calls, loose plans, waits); `plans` the calendar
    instances with tracked people, including those that ended in the last two days (for the
    morning-after prompt); `ahead` the known instances starting later than those (a plan weeks
    away still means contact is coming, so no reach-out nudge); `earlier` older entries only
    the contact rhythm reads (each person's latest contacts before `entries`). A nudge is
    returned while `now < latest`; the daemon records one it never sent as expired.
    """
    context = Context(
        planning=planning,
        zone=zone,
        now=now,
        entries=tuple(sorted((e for e in entries if not e.superseded), key=lambda e: e.at)),
        plans=tuple(plans),
        waits=waits(entries),
        horizon=horizon,
        ahead=tuple(ahead),
        earlier=tuple(e for e in earlier if not e.superseded),
    )
    found: dict[str, Nudge] = {}
    for rule in _RULES:
        for nudge in rule(context):
            moved = out_of_quiet_hours(nudge, planning.quiet_hours, zone)
            if (
                moved is not None
                and moved.id not in handled
                and now < moved.latest
                and moved.due <= now + horizon
            ):
                found.setdefault(moved.id, moved)
    return sorted(found.values(), key=lambda n: (n.due, n.id))
