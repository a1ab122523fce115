"""The facts one report page shows, read from the log and counted the way `balance` counts them.

The window's totals are `balance_of` itself, and every month goes through the same pure
`summarize`, so the page and `nudger balance --json` cannot disagree about a number. The few
queries are thin edges; the month edges and the outcome of each wait are pure functions of
values. Rendering belongs to `nudger.cli.report_page`; nothing here imports pygal or formats text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from nudger.core.balance import BalanceQuestion, PersonBalance, Sides, month_periods, summarize
from nudger.core.model import Entry, Kind, Who
from nudger.core.nudges.waits import waits
from nudger.core.rhythm import Contact, Drift
from nudger.log import queries
from nudger.views.balance import balance_of
from nudger.views.report_plans import PlanMark, read_last_contact, read_marks

THANKS_SHOWN = 10  # the newest gratitude notes listed per person; the counts cover them all


@dataclass(frozen=True)
class MonthFacts:
    """One calendar month of the user's zone, clipped to the window."""

    label: str  # "2026-06", as `balance` labels its trend
    balance: PersonBalance  # the month's initiations, cancellations, declines, missed plans
    checkins: Sides  # check-ins kept, by who started them
    gratitude: Sides  # gratitude moments, by who said thanks


@dataclass(frozen=True)
class WaitOutcome:
    """A "ball in their court" wait and whether they stepped up during it."""

    start: datetime
    planned_until: datetime
    end: datetime  # `planned_until`, or when `nudger wait --end` (or an answer) closed it
    their_initiations: int  # counted up to `end`, or to the end of the window if it is sooner
    running: bool  # still running when the window ends

    @property
    def ended_early(self) -> bool:
        return self.end < self.planned_until


@dataclass(frozen=True)
class Thanks:
    """A gratitude moment with its note."""

    at: datetime
    who: Who
    note: str


@dataclass(frozen=True)
class PersonFacts:
    """Everything the page shows about one person."""

    balance: PersonBalance
    months: tuple[MonthFacts, ...]
    waits: tuple[WaitOutcome, ...]
    thanks: tuple[Thanks, ...]  # the newest first, at most THANKS_SHOWN
    marks: tuple[PlanMark, ...] = ()  # the window's plan facts, oldest first (its timeline)
    last_contact: Contact | None = None  # the latest before the window's end, however old
    drift: Drift | None = None  # against their contact rhythm at the window's end (configured)

    @property
    def unknown_plans(self) -> int:
        """The window's plans whose side nobody knows yet: what `plans review` would ask."""
        return sum(m.mark == "plan" and m.who is Who.UNKNOWN for m in self.marks)


def person_facts(db: sqlite3.Connection, question: BalanceQuestion) -> PersonFacts:
    """The facts of `question`'s person over its window: the balance, each month, each wait,
    the thanks, the plan facts, and the last contact."""
    total = balance_of(db, question)
    since, until, rules = question.since, question.until, question.rules
    found = queries.person_id(db, question.person)
    periods = report_months(since, until, question.zone)
    if found is None:  # tracked, nothing logged yet: every month is empty
        by_month: list[list[queries.Count]] = [[] for _ in periods]
        history: list[Entry] = []
        thanks: list[Entry] = []
    else:
        by_month = queries.counts(db, found, [(start, end) for _, start, end in periods])
        history = queries.entries(db, person=found, kinds=[Kind.WAIT_STARTED, Kind.WAIT_ENDED])
        thanks = queries.entries(db, person=found, kinds=[Kind.GRATITUDE], since=since, until=until)
    months = tuple(
        month_facts(label, start, end, counts, question)
        for (label, start, end), counts in zip(periods, by_month, strict=True)
    )
    spans = wait_spans(history, since, until)
    during = (
        queries.counts(db, found, [(start, min(end, until)) for start, _, end in spans])
        if found is not None and spans
        else []
    )
    return PersonFacts(
        balance=total,
        months=months,
        waits=wait_outcomes(spans, during, rules.kinds, until),
        thanks=newest_thanks(thanks),
        marks=read_marks(db, found, since, until),
        last_contact=read_last_contact(db, found, until),
    )


def report_months(
    since: datetime, until: datetime, zone: tzinfo
) -> list[tuple[str, datetime, datetime]]:
    """The calendar months of `zone` the window touches, the first starting at `since`.

    The same months as `balance`'s trend (`month_periods`), with the first one clipped, so the
    months add up to the window's totals exactly.
    """
    first = since.astimezone(zone).date()
    last = (until - timedelta(microseconds=1)).astimezone(zone).date()
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    periods = month_periods(until, max(count, 1), zone)
    label, start, end = periods[0]
    return [(label, max(start, since), end), *periods[1:]]


def month_facts(
    label: str,
    start: datetime,
    end: datetime,
    counts: Sequence[queries.Count],
    question: BalanceQuestion,
) -> MonthFacts:
    """A month's counts, sorted into sides by `balance`'s own rules, plus check-ins and thanks."""
    rows = [(c.kind, c.who, c.count) for c in counts]
    month = replace(question, person="", kind=None, tracked=True, since=start, until=end)
    return MonthFacts(
        label=label,
        balance=summarize(month, rows),
        checkins=_sides(rows, Kind.CHECKIN),
        gratitude=_sides(rows, Kind.GRATITUDE),
    )


def wait_spans(
    entries: Sequence[Entry], since: datetime, until: datetime
) -> list[tuple[datetime, datetime, datetime]]:
    """(start, planned until, end) of each wait that overlaps the window, oldest first.

    Which entry closes a wait is `nudger.core.nudges.waits`' rule, so the page reports the same
    waits the daemon nudged about; the planned end comes from the started entry.
    """
    planned = {
        (e.person, e.at): datetime.fromisoformat(str(e.details["until"]))
        for e in entries
        if e.kind == Kind.WAIT_STARTED and not e.superseded and "until" in e.details
    }
    spans = []
    for wait in waits(entries):
        if wait.start < until and wait.end > since:
            spans.append((wait.start, planned.get((wait.person, wait.start), wait.end), wait.end))
    return spans


def wait_outcomes(
    spans: Sequence[tuple[datetime, datetime, datetime]],
    during: Sequence[Sequence[queries.Count]],
    kinds: Sequence[str],
    until: datetime,
) -> tuple[WaitOutcome, ...]:
    """Each wait with the initiations of theirs counted during it (`during`, one list a wait)."""
    return tuple(
        WaitOutcome(
            start=start,
            planned_until=planned,
            end=end,
            their_initiations=sum(c.count for c in counts if c.kind in kinds and c.who is Who.THEM),
            running=end > until,
        )
        for (start, planned, end), counts in zip(spans, during, strict=True)
    )


def newest_thanks(entries: Sequence[Entry]) -> tuple[Thanks, ...]:
    """The newest gratitude moments that carry a note, newest first."""
    noted = [
        Thanks(e.at, e.who, str(e.details["note"]))
        for e in entries
        if not e.superseded and e.details.get("note")
    ]
    return tuple(reversed(noted[-THANKS_SHOWN:]))


def _sides(rows: Sequence[tuple[str, Who, int]], kind: str) -> Sides:
    sides = Sides()
    for entry_kind, who, count in rows:
        if entry_kind == kind:
            sides = sides.plus(who, count)
    return sides
