"""The nudges about plans: before a date, the morning after, a missed plan, "who suggested it?".

They read calendar instances and the plan entries of the log (detection's output), never a
calendar: the daemon passes in the instances it knows. A plan that is cancelled, or declined by
either side, gets no reminder and no morning-after prompt.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta

from nudger.core.detect import from_calendar, involved
from nudger.core.model import Entry, Kind, Who
from nudger.core.nudges.context import (
    Context,
    going_ahead,
    latest_run,
    of_kinds,
    plans_with,
    tracked,
)
from nudger.core.nudges.local_time import at, instant, weekday_name
from nudger.core.nudges.nudge import DAILY_ACTIONS, Nudge, NudgeKind, make_nudge
from nudger.core.when import format_duration, local_midnight

MISSED_LATENESS = timedelta(days=3)
WHO_SUGGESTED_LATENESS = timedelta(days=7)
_ASK_WHO_MAX_AGE = timedelta(days=14)  # only ask about plans that start at most this long ago


def after_date(c: Context) -> Iterator[Nudge]:
    """The morning after a date (a plan with them that ended the day before, not cancelled or
    declined), at `after_date_time`, until that day ends. One a day however many dates."""
    section = c.planning.gratitude
    if not (section.enabled and section.after_date):
        return
    for person in of_kinds(c, section.kinds):
        ended = {
            p.end.astimezone(c.zone).date()
            for p in plans_with(c, person)
            if going_ahead(p, c, person)
        }
        for day in sorted(ended):
            morning = day + timedelta(days=1)
            yield make_nudge(
                NudgeKind.GRATITUDE_AFTER_DATE,
                person.name,
                morning.isoformat(),
                at(morning, section.after_date_time, c.zone),
                local_midnight(morning + timedelta(days=1), c.zone),
                f"After your time with {person.name}",
                f"Tell {person.name} one thing you appreciated about yesterday.",
                DAILY_ACTIONS,
            )


def before_dates(c: Context) -> Iterator[Nudge]:
    """One nudge per lead time before each plan with a tracked person that is going ahead;
    dropped once the plan has begun. The body says who suggested it and the current run of
    plan initiations (the same side starting the latest plans of known side)."""
    for instance in c.plans:
        for found in involved(instance, c.planning.rules):
            person = next(p for p in c.people if p.name == found.name)
            if not going_ahead(instance, c, person):
                continue
            local = instance.start.astimezone(c.zone)
            context = _plan_context(c, person.name, instance.uid)
            for lead in c.planning.dates.lead_times:
                yield make_nudge(
                    NudgeKind.BEFORE_DATE,
                    person.name,
                    f"{instance.uid}:{instance.occurrence}:{format_duration(lead)}",
                    instance.start - lead,
                    instance.start,
                    f"Coming up: {instance.summary}",
                    f"{instance.summary} is on {local:%A} at {local:%H:%M}. {context}".strip(),
                    ("done", "snooze"),
                )


def missed_follow_ups(c: Context) -> Iterator[Nudge]:
    """For each missed plan nobody has replaced since, a follow-up naming who called it off.

    Held during a wait, since it invites me to suggest another time; dropped once any plan with
    that person is logged after the miss was decided.
    """
    if not c.planning.dates.follow_up_missed:
        return
    for missed in c.entries:
        if missed.kind != Kind.MISSED or missed.person is None:
            continue
        person = tracked(c, missed.person)
        if person is None:
            continue
        history = c.of(person.name)
        if any(e.kind == Kind.PLAN and e.at > missed.at for e in history):
            continue
        if c.planning.wait.hold_nudges and c.held(person.name, missed.at):
            continue
        summary = str(missed.details.get("summary", "your plan"))
        when = weekday_name(missed.details.get("start"), c.zone)
        yield make_nudge(
            NudgeKind.MISSED_FOLLOW_UP,
            person.name,
            missed.key,
            missed.at,
            missed.at + MISSED_LATENESS,
            f"{summary} did not happen",
            _missed_text(person.name, summary, when, _called_off_by(history, missed)),
            ("done", "skip"),
        )


def who_suggested(c: Context) -> Iterator[Nudge]:
    """Ask who suggested a calendar plan of unknown side, with a button for each answer.

    Asked from when the plan reached the log, for a week, and only for plans that start at
    most two weeks before that, so importing a year of history does not ask about all of it.
    """
    if not c.planning.dates.ask_who_initiated:
        return
    for entry in c.entries:
        if (
            entry.kind != Kind.PLAN
            or entry.who is not Who.UNKNOWN
            or not from_calendar(entry)
            or entry.person is None
        ):
            continue
        person = tracked(c, entry.person)
        start = instant(entry.details.get("start"))
        due = max(entry.at, entry.recorded_at)
        if person is None or (start is not None and start < due - _ASK_WHO_MAX_AGE):
            continue
        summary = str(entry.details.get("summary", "a plan"))
        when = weekday_name(entry.details.get("start"), c.zone)
        yield make_nudge(
            NudgeKind.WHO_SUGGESTED,
            person.name,
            entry.key,
            due,
            due + WHO_SUGGESTED_LATENESS,
            f"Who suggested {summary}?",  # the plan by name: several may be asked at once
            f"Whose idea was {summary}{when and ' on ' + when}, yours or {person.name}'s?",
            ("me", "them"),
        )


def _plan_context(c: Context, person: str, uid: str) -> str:
    """Who suggested this plan, and the current run of plan initiations if it is two or more."""
    plans = [e for e in c.of(person) if e.kind == Kind.PLAN and e.at <= c.now]
    this = next((e for e in plans if e.details.get("uid") == uid), None)
    said = []
    if this is not None and this.who is not Who.UNKNOWN:
        said.append("You suggested it." if this.who is Who.ME else f"{person} suggested it.")
    who, count = latest_run([e for e in plans if e.who is not Who.UNKNOWN])
    if count >= 2:
        said.append(
            f"You started the last {count} plans."
            if who is Who.ME
            else f"{person} started the last {count} plans."
        )
    return " ".join(said)


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
