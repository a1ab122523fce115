"""The nudges about give-and-take: the balance alert, and what happens during a wait.

When I carry the load alone, the balance alert advises leaving the ball in their court; once I
do (a wait, see `waits`), I hear each time they reach out and, at the end, whether they stepped
up. The verdict is the balance report's own (`nudger.core.balance`), so the alert and
`nudger balance` never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from nudger.core.balance import Sides, Thresholds, share_me, verdict
from nudger.core.model import Entry, Kind, Who
from nudger.core.nudges.context import Context
from nudger.core.nudges.log_index import latest_run
from nudger.core.nudges.nudge import Nudge, NudgeKind, make_nudge
from nudger.core.when import local_midnight

THEY_INITIATED_LATENESS = timedelta(days=2)
WAIT_REPORT_LATENESS = timedelta(days=3)

_VERBS: dict[str, str] = {
    Kind.PLAN: "suggested a plan",
    Kind.LOOSE: "suggested getting together",
    Kind.MESSAGE: "sent you a message",
    Kind.CALL: "called you",
    Kind.CHECKIN: "started a check-in",
}


def balance_alerts(c: Context) -> Iterator[Nudge]:
    """Advice to let the ball stay in their court, at most once per person per ISO week.

    Raised when my share of initiations over `balance.window` is one-sided (by
    `nudger.core.balance.verdict`) or my current run reaches `balance.streak`, and no wait is
    active. It is due at the later of the week's start and my latest initiation, so it keeps its
    time across restarts, and lasts until the week ends.
    """
    section = c.planning.balance
    if not section.alerts:
        return
    today = c.now.astimezone(c.zone).date()
    year, week, weekday = today.isocalendar()
    week_start = local_midnight(today - timedelta(days=weekday - 1), c.zone)
    for person in c.people:
        if c.held(person.name, c.now):
            continue
        reason = leaning_on_me(c, person.name)
        if reason is None:
            continue
        mine = [e for e in _counted(c, person.name) if e.who is not Who.UNKNOWN]
        yield make_nudge(
            NudgeKind.BALANCE_ALERT,
            person.name,
            f"{year}-W{week:02d}",
            max(week_start, mine[-1].at),
            local_midnight(today + timedelta(days=8 - weekday), c.zone),
            f"Let {person.name} take a turn",
            f"{reason} Try leaving the ball in their court for a while and see if they step up.",
            ("wait", "skip"),
        )


def leaning_on_me(c: Context, person: str) -> str | None:
    """Why the balance with `person` leans on me (my share over `balance.window` is one-sided,
    by `nudger.core.balance.verdict`, or my current run reaches `balance.streak`), or None when
    it does not: the balance alert's test, which the reach-out nudge asks too."""
    section = c.planning.balance
    thresholds = Thresholds(section.leaning, section.one_sided, section.min_count)
    counted = _counted(c, person)
    recent = Sides()  # unknowns too: while they outnumber the rest, no verdict is given
    for entry in counted:
        if entry.at >= c.now - section.window:
            recent = recent.plus(entry.who, 1)
    share = share_me(recent)
    lopsided = verdict(recent, thresholds) == "one-sided" and share is not None and share > 0.5
    run = latest_run([e for e in counted if e.who is not Who.UNKNOWN])
    if run[0] is Who.ME and run[1] >= section.streak:
        return f"You started the last {run[1]} in a row with {person}."
    if lopsided:
        return f"You started {recent.me} of the last {recent.known} things with {person}."
    return None


def _counted(c: Context, person: str) -> list[Entry]:
    kinds = c.planning.balance.kinds
    return [e for e in c.of(person) if e.kind in kinds and e.at <= c.now]


def wait_nudges(c: Context) -> Iterator[Nudge]:
    """During a wait: a nudge each time they initiate (seen when it was logged); at its end
    (its `until`, or when it was ended early) a report of whether they stepped up."""
    kinds = c.planning.balance.kinds
    for wait in c.waits:
        theirs = [
            e
            for e in c.of(wait.person)
            if e.kind in kinds and e.who is Who.THEM and wait.covers(e.at)
        ]
        for entry in theirs:
            due = max(entry.at, entry.recorded_at)
            yield make_nudge(
                NudgeKind.THEY_INITIATED,
                wait.person,
                entry.key,
                due,
                due + THEY_INITIATED_LATENESS,
                f"{wait.person} reached out",
                f"While you were waiting, {wait.person} {_VERBS.get(entry.kind, 'reached out')}. "
                "The ball came back to you.",
                ("done",),
            )
        days = max(1, round((wait.end - wait.start) / timedelta(days=1)))
        report = (
            f"{wait.person} started {_count(len(theirs), 'thing')} during your {days}-day wait: "
            "they stepped up."
            if theirs
            else f"{wait.person} did not start anything during your {days}-day wait. "
            "That is worth noticing, and maybe worth talking about."
        )
        yield make_nudge(
            NudgeKind.WAIT_REPORT,
            wait.person,
            f"{wait.start:%Y%m%dT%H%M%SZ}",
            wait.end,
            wait.end + WAIT_REPORT_LATENESS,
            f"Your wait with {wait.person} is over",
            report,
            ("done",),
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
