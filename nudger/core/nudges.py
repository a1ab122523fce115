"""Nudge planning: which nudges are due, as a pure function of settings, the log, plans and `now`.

This module owns the rules of every nudge kind (check-in, gratitude, monthly conversation,
before a date, balance alert, the "ball in their court" wait, missed-plan follow-up and "who
suggested it?"), their deterministic ids, their lateness, quiet hours and local wall-clock
(DST) maths. It must not do I/O: no clock (the caller passes `now`), no sqlite, typer or
APScheduler, no notifier. The daemon turns the list into jobs, records sends in the log and
passes the ids it already handled back in, so the schedule stays a projection of the log.

Conventions:

- Every time is UTC inside; a setting such as "20:30" is a local wall time in `zone`, built with
  `fold=0`: a time inside a spring-forward gap lands on the old offset (02:30 in Berlin on the
  change day is 03:30 summer time, as APScheduler's CronTrigger fires it), and an ambiguous
  autumn time means its first occurrence. Occurrences are generated per local date, so a daily
  nudge comes exactly once on either change day.
- `due` may be in the past: a nudge stays plannable until `latest` (its kind's lateness), after
  which it is expired and no longer returned.
- Quiet hours move a due time to their end; a nudge whose moved time passes `latest` is dropped.
- Entries of the log that a later entry corrects (`superseded`) are ignored everywhere.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from nudger.config.settings import QuietHours, Settings
from nudger.config.settings_core import WEEKDAYS, Person
from nudger.core.balance import Sides, Thresholds, share_me, verdict
from nudger.core.detect import Rules, from_calendar, involved, rules_from
from nudger.core.events import EventInstance, Participation, Status
from nudger.core.model import Entry, Kind, Who
from nudger.core.when import format_duration, local_midnight

_GRATITUDE_TRIES = 24  # candidate times per gratitude moment before it is given up for the week
_ASK_WHO_MAX_AGE = timedelta(days=14)  # only ask about plans that start at most this long ago


class NudgeKind(StrEnum):
    """What a nudge is about. The values appear in ids and in the log: never rename one."""

    CHECKIN = "checkin"
    GRATITUDE = "gratitude"
    GRATITUDE_AFTER_DATE = "gratitude_after_date"
    CONVERSATION = "conversation"
    BEFORE_DATE = "before_date"
    BALANCE_ALERT = "balance_alert"
    THEY_INITIATED = "they_initiated"
    WAIT_REPORT = "wait_report"
    MISSED_FOLLOW_UP = "missed_follow_up"
    WHO_SUGGESTED = "who_suggested"


@dataclass(frozen=True, slots=True)
class Nudge:
    """One notification to deliver once, between `due` and `latest` (UTC)."""

    id: str
    kind: NudgeKind
    person: str | None
    due: datetime
    latest: datetime
    title: str
    body: str
    actions: tuple[str, ...]
    occurrence: str = ""  # what the nudge is about within its kind: a date, a week, a log key

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "person": self.person,
            "due": self.due.isoformat(),
            "latest": self.latest.isoformat(),
            "title": self.title,
            "body": self.body,
            "actions": list(self.actions),
            "occurrence": self.occurrence,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Nudge:
        return cls(
            id=str(data["id"]),
            kind=NudgeKind(data["kind"]),
            person=data.get("person"),
            due=datetime.fromisoformat(data["due"]),
            latest=datetime.fromisoformat(data["latest"]),
            title=str(data["title"]),
            body=str(data["body"]),
            actions=tuple(data["actions"]),
            occurrence=str(data.get("occurrence", "")),
        )


# Fixed lateness per kind; check-ins and the after-date prompt last until the end of their
# local day, a before-date nudge until the plan starts, a balance alert until the week ends.
GRATITUDE_LATENESS = timedelta(hours=3)
CONVERSATION_LATENESS = timedelta(days=7)
THEY_INITIATED_LATENESS = timedelta(days=2)
WAIT_REPORT_LATENESS = timedelta(days=3)
MISSED_LATENESS = timedelta(days=3)
WHO_SUGGESTED_LATENESS = timedelta(days=7)

_DAILY = ("done", "snooze", "skip")


@dataclass(frozen=True)
class WaitSpan:
    person: str
    start: datetime
    end: datetime  # `until`, or when a wait.ended entry closed it, whichever is first

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class _Context:
    settings: Settings
    zone: tzinfo
    now: datetime
    entries: tuple[Entry, ...]  # current (not superseded), oldest first
    plans: tuple[EventInstance, ...]
    people: tuple[Person, ...]  # tracked only
    rules: Rules
    waits: tuple[WaitSpan, ...]
    horizon: timedelta

    def of(self, person: str) -> list[Entry]:
        return [e for e in self.entries if (e.person or "").casefold() == person.casefold()]

    def local_days(self, back: int) -> list[date]:
        """Local dates from `back` days before today to the last one the horizon reaches."""
        first = self.now.astimezone(self.zone).date() - timedelta(days=back)
        last = (self.now + self.horizon).astimezone(self.zone).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def held(self, person: str, moment: datetime) -> bool:
        return any(w.person == person and w.covers(moment) for w in self.waits)


def plan(
    settings: Settings,
    *,
    entries: Sequence[Entry],
    plans: Sequence[EventInstance],
    handled: Collection[str],
    now: datetime,
    zone: tzinfo,
    horizon: timedelta = timedelta(days=7),
) -> list[Nudge]:
    """The nudges due from `now - lateness` to `now + horizon`, by due time, minus `handled`.

    `entries` are the log's entries (check-ins, plans and what became of them, messages, calls,
    loose plans, waits); `plans` the calendar instances with tracked people, including those
    that ended in the last two days (for the morning-after prompt). A nudge is returned while
    `now < latest`; the daemon records one it never sent as expired.
    """
    people = tuple(p for p in settings.people if p.tracked)
    context = _Context(
        settings=settings,
        zone=zone,
        now=now,
        entries=tuple(sorted((e for e in entries if not e.superseded), key=lambda e: e.at)),
        plans=tuple(plans),
        people=people,
        rules=rules_from(settings),
        waits=waits(entries),
        horizon=horizon,
    )
    rules = (
        _checkins,
        _gratitude,
        _after_date,
        _conversations,
        _before_dates,
        _balance_alerts,
        _wait_nudges,
        _missed_follow_ups,
        _who_suggested,
    )
    found: dict[str, Nudge] = {}
    for rule in rules:
        for nudge in rule(context):
            moved = _out_of_quiet_hours(nudge, settings.notifications.quiet_hours, zone)
            if (
                moved is not None
                and moved.id not in handled
                and now < moved.latest
                and moved.due <= now + horizon
            ):
                found.setdefault(moved.id, moved)
    return sorted(found.values(), key=lambda n: (n.due, n.id))


# --- the rules, one per kind -------------------------------------------------------------------


def _checkins(c: _Context) -> Iterator[Nudge]:
    """A daily check-in at `checkin.time`, unless one is already logged that local day.

    It lasts until the end of its local day (a check-in in the evening is still worth it). The
    turn to start it alternates: after mine it is theirs, after theirs (or none, or an unknown
    starter) mine. While a wait holds nudges, a check-in I would have to start is held; one
    where it is their turn still comes, since it leaves the ball in their court.
    """
    section = c.settings.checkin
    if not section.enabled:
        return
    days = {WEEKDAYS.index(d) for d in section.days}
    for person in _of_kinds(c, section.kinds):
        checkins = [e for e in c.of(person.name) if e.kind == Kind.CHECKIN]
        logged = {e.at.astimezone(c.zone).date() for e in checkins}
        last_by_me = checkin_turn(checkins) is Who.THEM
        for day in c.local_days(1):
            if day.weekday() not in days or day in logged:
                continue
            due = _at(day, section.time, c.zone)
            if not last_by_me and c.settings.wait.hold_nudges and c.held(person.name, due):
                continue
            turn = (
                f"It's {person.name}'s turn to start; you started the last one."
                if last_by_me
                else "It's your turn to start: ask how their day really was."
            )
            yield _nudge(
                NudgeKind.CHECKIN,
                person.name,
                day.isoformat(),
                due,
                local_midnight(day + timedelta(days=1), c.zone),
                f"Check-in with {person.name}",
                f"Put the phones away for ten minutes together. {turn}",
                _DAILY,
            )


def _gratitude(c: _Context) -> Iterator[Nudge]:
    """`per_week` spontaneous moments per person, drawn reproducibly for each ISO week.

    Each moment has its own seeded generator (person, ISO year and week, index) yielding a
    sequence of candidate times in the `earliest`-`latest` window on distinct days where it can;
    the first candidate outside quiet hours and outside every plan wins. A restart redraws the
    same times, and a new plan only moves the moments it collides with.
    """
    section = c.settings.gratitude
    if not section.enabled or section.per_week == 0:
        return
    weeks = sorted({day.isocalendar()[:2] for day in c.local_days(1)})
    busy = [(p.start, p.end) for p in c.plans if p.status is not Status.CANCELLED]
    quiet = c.settings.notifications.quiet_hours
    for person in _of_kinds(c, section.kinds):
        for year, week in weeks:
            monday = date.fromisocalendar(year, week, 1)
            for index in range(section.per_week):
                seed = f"{person.name}:{year}-W{week:02d}:{index}"
                # Not for security: a reproducible draw is the point.
                draw = random.Random(seed)  # noqa: S311
                # Spread the moments over the week: moment i prefers day i (mod 7), then others.
                for attempt in range(_GRATITUDE_TRIES):
                    offset = (index + draw.randrange(7) * (attempt > 0)) % 7
                    minutes = _minutes(section.earliest, section.latest)
                    clock = _add_minutes(section.earliest, draw.randrange(minutes + 1))
                    due = _at(monday + timedelta(days=offset), clock, c.zone)
                    if _in_quiet_hours(due, quiet, c.zone) or any(s <= due < e for s, e in busy):
                        continue
                    yield _nudge(
                        NudgeKind.GRATITUDE,
                        person.name,
                        f"{year}-W{week:02d}-{index + 1}",
                        due,
                        due + GRATITUDE_LATENESS,
                        f"A thank-you for {person.name}",
                        f"Think of one thing {person.name} did lately that you liked, "
                        "and tell them.",
                        _DAILY,
                    )
                    break


def _after_date(c: _Context) -> Iterator[Nudge]:
    """The morning after a date (a plan with them that ended the day before, not cancelled or
    declined), at `after_date_time`, until that day ends. One a day however many dates."""
    section = c.settings.gratitude
    if not (section.enabled and section.after_date):
        return
    for person in _of_kinds(c, section.kinds):
        ended = {
            p.end.astimezone(c.zone).date()
            for p in _plans_with(c, person)
            if _going_ahead(p, c, person)
        }
        for day in sorted(ended):
            morning = day + timedelta(days=1)
            yield _nudge(
                NudgeKind.GRATITUDE_AFTER_DATE,
                person.name,
                morning.isoformat(),
                _at(morning, section.after_date_time, c.zone),
                local_midnight(morning + timedelta(days=1), c.zone),
                f"After your time with {person.name}",
                f"Tell {person.name} one thing you appreciated about yesterday.",
                _DAILY,
            )


def _conversations(c: _Context) -> Iterator[Nudge]:
    """The monthly conversation on the configured weekday of the month; it still comes up to a
    week late, since a missed month is worth catching up on. Held during a wait (I would be
    the one asking for it)."""
    section = c.settings.conversation
    if not section.enabled:
        return
    months = sorted({(d.year, d.month) for d in c.local_days(8)})
    weekday = WEEKDAYS.index(section.weekday)
    for person in _of_kinds(c, section.kinds):
        for year, month in months:
            due = _at(_nth_weekday(year, month, weekday, section.week), section.time, c.zone)
            if c.settings.wait.hold_nudges and c.held(person.name, due):
                continue
            yield _nudge(
                NudgeKind.CONVERSATION,
                person.name,
                f"{year}-{month:02d}",
                due,
                due + CONVERSATION_LATENESS,
                f"Your monthly talk with {person.name}",
                "Find a quiet hour to talk about the two of you: what went well this month, "
                "and what you would like more of.",
                _DAILY,
            )


def _before_dates(c: _Context) -> Iterator[Nudge]:
    """One nudge per lead time before each plan with a tracked person that is going ahead;
    dropped once the plan has begun. The body says who suggested it and the current run of
    plan initiations (the same side starting the latest plans of known side)."""
    for instance in c.plans:
        for tracked in involved(instance, c.rules):
            person = next(p for p in c.people if p.name == tracked.name)
            if not _going_ahead(instance, c, person):
                continue
            local = instance.start.astimezone(c.zone)
            context = _plan_context(c, person.name, instance.uid)
            for lead in c.settings.dates.lead_times:
                yield _nudge(
                    NudgeKind.BEFORE_DATE,
                    person.name,
                    f"{instance.uid}:{instance.occurrence}:{format_duration(lead)}",
                    instance.start - lead,
                    instance.start,
                    f"Coming up: {instance.summary}",
                    f"{instance.summary} is on {local:%A} at {local:%H:%M}. {context}".strip(),
                    ("done", "snooze"),
                )


def _balance_alerts(c: _Context) -> Iterator[Nudge]:
    """Advice to let the ball stay in their court, at most once per person per ISO week.

    Raised when my share of initiations over `balance.window` is one-sided (by
    `nudger.core.balance.verdict`) or my current run reaches `balance.streak`, and no wait is
    active. It is due at the later of the week's start and my latest initiation, so it keeps its
    time across restarts, and lasts until the week ends.
    """
    section = c.settings.balance
    if not section.alerts:
        return
    thresholds = Thresholds(section.leaning, section.one_sided, section.min_count)
    today = c.now.astimezone(c.zone).date()
    year, week, weekday = today.isocalendar()
    week_start = local_midnight(today - timedelta(days=weekday - 1), c.zone)
    for person in c.people:
        if c.held(person.name, c.now):
            continue
        mine = [
            e
            for e in c.of(person.name)
            if e.kind in section.kinds and e.who is not Who.UNKNOWN and e.at <= c.now
        ]
        recent = Sides()
        for entry in mine:
            if entry.at >= c.now - section.window:
                recent = recent.plus(entry.who, 1)
        share = share_me(recent)
        lopsided = verdict(recent, thresholds) == "one-sided" and share is not None and share > 0.5
        run = _run(mine)
        streak = run[0] is Who.ME and run[1] >= section.streak
        if not (lopsided or streak):
            continue
        reason = (
            f"You started the last {run[1]} in a row with {person.name}."
            if streak
            else f"You started {recent.me} of the last {recent.known} things with {person.name}."
        )
        yield _nudge(
            NudgeKind.BALANCE_ALERT,
            person.name,
            f"{year}-W{week:02d}",
            max(week_start, mine[-1].at),
            local_midnight(today + timedelta(days=8 - weekday), c.zone),
            f"Let {person.name} take a turn",
            f"{reason} Try leaving the ball in their court for a while and see if they step up.",
            ("wait", "skip"),
        )


def _wait_nudges(c: _Context) -> Iterator[Nudge]:
    """During a wait: a nudge each time they initiate (seen when it was logged); at its end
    (its `until`, or when it was ended early) a report of whether they stepped up."""
    kinds = c.settings.balance.kinds
    for wait in c.waits:
        theirs = [
            e
            for e in c.of(wait.person)
            if e.kind in kinds and e.who is Who.THEM and wait.covers(e.at)
        ]
        for entry in theirs:
            due = max(entry.at, entry.recorded_at)
            yield _nudge(
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
        yield _nudge(
            NudgeKind.WAIT_REPORT,
            wait.person,
            f"{wait.start:%Y%m%dT%H%M%SZ}",
            wait.end,
            wait.end + WAIT_REPORT_LATENESS,
            f"Your wait with {wait.person} is over",
            report,
            ("done",),
        )


def _missed_follow_ups(c: _Context) -> Iterator[Nudge]:
    """For each missed plan nobody has replaced since, a follow-up naming who called it off.

    Held during a wait, since it invites me to suggest another time; dropped once any plan with
    that person is logged after the miss was decided.
    """
    if not c.settings.dates.follow_up_missed:
        return
    for missed in c.entries:
        if missed.kind != Kind.MISSED or missed.person is None:
            continue
        person = _tracked(c, missed.person)
        if person is None:
            continue
        history = c.of(person.name)
        if any(e.kind == Kind.PLAN and e.at > missed.at for e in history):
            continue
        if c.settings.wait.hold_nudges and c.held(person.name, missed.at):
            continue
        summary = str(missed.details.get("summary", "your plan"))
        when = _weekday(missed.details.get("start"), c.zone)
        yield _nudge(
            NudgeKind.MISSED_FOLLOW_UP,
            person.name,
            missed.key,
            missed.at,
            missed.at + MISSED_LATENESS,
            f"{summary} did not happen",
            _missed_text(person.name, summary, when, _called_off_by(history, missed)),
            ("done", "skip"),
        )


def _who_suggested(c: _Context) -> Iterator[Nudge]:
    """Ask who suggested a calendar plan of unknown side, with a button for each answer.

    Asked from when the plan reached the log, for a week, and only for plans that start at
    most two weeks before that, so importing a year of history does not ask about all of it.
    """
    if not c.settings.dates.ask_who_initiated:
        return
    for entry in c.entries:
        if (
            entry.kind != Kind.PLAN
            or entry.who is not Who.UNKNOWN
            or not from_calendar(entry)
            or entry.person is None
        ):
            continue
        person = _tracked(c, entry.person)
        start = _instant(entry.details.get("start"))
        due = max(entry.at, entry.recorded_at)
        if person is None or (start is not None and start < due - _ASK_WHO_MAX_AGE):
            continue
        summary = str(entry.details.get("summary", "a plan"))
        when = _weekday(entry.details.get("start"), c.zone)
        yield _nudge(
            NudgeKind.WHO_SUGGESTED,
            person.name,
            entry.key,
            due,
            due + WHO_SUGGESTED_LATENESS,
            "Who suggested it?",
            f"Whose idea was {summary}{when and ' on ' + when}, yours or {person.name}'s?",
            ("me", "them"),
        )


def wait_until(entries: Sequence[Entry], person: str, now: datetime) -> datetime | None:
    """When the wait with `person` that covers `now` ends, or None when none does."""
    ends = [w.end for w in waits(entries) if w.person == person and w.covers(now)]
    return max(ends, default=None)


def checkin_turn(checkins: Sequence[Entry]) -> Who:
    """Who starts the next check-in: them after one I started, otherwise me."""
    return Who.THEM if checkins and checkins[-1].who is Who.ME else Who.ME


# --- shared pieces -----------------------------------------------------------------------------

_VERBS: dict[str, str] = {
    Kind.PLAN: "suggested a plan",
    Kind.LOOSE: "suggested getting together",
    Kind.MESSAGE: "sent you a message",
    Kind.CALL: "called you",
    Kind.CHECKIN: "started a check-in",
}


def _nudge(
    kind: NudgeKind,
    person: str | None,
    occurrence: str,
    due: datetime,
    latest: datetime,
    title: str,
    body: str,
    actions: tuple[str, ...],
) -> Nudge:
    """A nudge whose id is its kind, person and occurrence: the same inputs, the same id."""
    parts = [kind.value, *([person] if person else []), occurrence]
    return Nudge(
        ":".join(parts), kind, person, due.astimezone(UTC), latest, title, body, actions, occurrence
    )


def waits(entries: Sequence[Entry]) -> tuple[WaitSpan, ...]:
    """Each started wait, closed at its `until` or by the first wait.ended entry after it."""
    current = sorted((e for e in entries if not e.superseded), key=lambda e: e.at)
    found = []
    for started in current:
        until = _instant(started.details.get("until"))
        if started.kind != Kind.WAIT_STARTED or started.person is None or until is None:
            continue
        ended = next(
            (
                e.at
                for e in current
                if e.kind == Kind.WAIT_ENDED
                and e.person == started.person
                and started.at <= e.at < until
            ),
            until,
        )
        found.append(WaitSpan(started.person, started.at, ended))
    return tuple(found)


def _of_kinds(c: _Context, kinds: Collection[str]) -> list[Person]:
    return [p for p in c.people if p.kind in kinds]


def _tracked(c: _Context, name: str) -> Person | None:
    return next((p for p in c.people if p.name.casefold() == name.casefold()), None)


def _plans_with(c: _Context, person: Person) -> list[EventInstance]:
    return [p for p in c.plans if any(t.name == person.name for t in involved(p, c.rules))]


def _going_ahead(instance: EventInstance, c: _Context, person: Person) -> bool:
    """Not cancelled, and declined neither by them nor by me."""
    if instance.status is Status.CANCELLED:
        return False
    return not any(
        a.participation is Participation.DECLINED
        and (a.is_self or a.email in person.emails or a.email in c.settings.me.emails)
        for a in instance.attendees
    )


def _plan_context(c: _Context, person: str, uid: str) -> str:
    """Who suggested this plan, and the current run of plan initiations if it is two or more."""
    plans = [e for e in c.of(person) if e.kind == Kind.PLAN and e.at <= c.now]
    this = next((e for e in plans if e.details.get("uid") == uid), None)
    said = []
    if this is not None and this.who is not Who.UNKNOWN:
        said.append("You suggested it." if this.who is Who.ME else f"{person} suggested it.")
    who, count = _run([e for e in plans if e.who is not Who.UNKNOWN])
    if count >= 2:
        said.append(
            f"You started the last {count} plans."
            if who is Who.ME
            else f"{person} started the last {count} plans."
        )
    return " ".join(said)


def _run(known: Sequence[Entry]) -> tuple[Who, int]:
    """Who made the latest initiations of known side (oldest first), and how many in a row."""
    if not known:
        return Who.UNKNOWN, 0
    who, count = known[-1].who, 0
    for entry in reversed(known):
        if entry.who is not who:
            break
        count += 1
    return who, count


def _called_off_by(history: Sequence[Entry], missed: Entry) -> tuple[str, Who] | None:
    """The cancellation or decline of the same plan occurrence, as (verb, side)."""
    for entry in reversed(history):
        if entry.kind in (Kind.CANCELLED, Kind.DECLINED) and all(
            entry.details.get(k) == missed.details.get(k) for k in ("uid", "occurrence")
        ):
            return ("cancelled" if entry.kind == Kind.CANCELLED else "declined"), entry.who
    return None


def _missed_text(person: str, summary: str, when: str, by: tuple[str, Who] | None) -> str:
    plan_name = f"{when}'s {summary}" if when else summary
    if by is not None and by[1] is Who.THEM:
        return f"{person} {by[0]} {plan_name} and hasn't suggested another time."
    if by is not None and by[1] is Who.ME:
        return f"You {by[0]} {plan_name} with {person}. Suggest another time when you're ready."
    return f"{plan_name} with {person} was called off and nothing has replaced it yet."


def _out_of_quiet_hours(nudge: Nudge, quiet: QuietHours, zone: tzinfo) -> Nudge | None:
    """The nudge moved to the end of quiet hours if due inside them; None if that is too late."""
    if not _in_quiet_hours(nudge.due, quiet, zone):
        return nudge
    local = nudge.due.astimezone(zone)
    day = local.date()
    if quiet.start > quiet.end and local.time() >= quiet.start:
        day += timedelta(days=1)  # quiet hours wrap past midnight: they end tomorrow
    moved = _at(day, quiet.end, zone)
    if moved >= nudge.latest:
        return None
    return Nudge(
        nudge.id,
        nudge.kind,
        nudge.person,
        moved,
        nudge.latest,
        nudge.title,
        nudge.body,
        nudge.actions,
    )


def _in_quiet_hours(moment: datetime, quiet: QuietHours, zone: tzinfo) -> bool:
    """Whether `moment` falls inside quiet hours; `start == end` means none."""
    if not quiet.enabled or quiet.start == quiet.end:
        return False
    clock = moment.astimezone(zone).time()
    if quiet.start < quiet.end:
        return quiet.start <= clock < quiet.end
    return clock >= quiet.start or clock < quiet.end


def _at(day: date, clock: time, zone: tzinfo) -> datetime:
    """A local wall time as UTC; `fold=0`: a gap time lands past the jump, an ambiguous time is
    its first occurrence."""
    return datetime.combine(day, clock).replace(tzinfo=zone, fold=0).astimezone(UTC)


def _nth_weekday(year: int, month: int, weekday: int, week: int) -> date:
    """The `week`-th (1-4, or -1 for the last) `weekday` (Monday 0) of a month."""
    if week == -1:
        following = date(year + month // 12, month % 12 + 1, 1)
        last = following - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))


def _minutes(earliest: time, latest: time) -> int:
    return (latest.hour - earliest.hour) * 60 + latest.minute - earliest.minute


def _add_minutes(clock: time, minutes: int) -> time:
    total = clock.hour * 60 + clock.minute + minutes
    return time(total // 60, total % 60)


def _instant(value: object) -> datetime | None:
    """An ISO date-time from entry details, as UTC (naive read as UTC); None if absent or bad."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _weekday(value: object, zone: tzinfo) -> str:
    moment = _instant(value)
    return "" if moment is None else f"{moment.astimezone(zone):%A}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
