"""The nudges about plans: before a date, the morning after, a missed plan, "who suggested it?".

They read calendar instances and the plan entries of the log (detection's output), never a
calendar: the daemon passes in the instances it knows. A plan that is cancelled, or declined by
either side, gets no reminder and no morning-after prompt.

Each speaks of the plan as it is now, by name, with the person and the day: a reminder's id
holds the start it reminds of, so a moved plan's reminder is a new nudge (due for the new day,
once) and the old one is planned no more; "who suggested it?" reads the plan's latest move.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from nudger.core.detect import from_calendar, involved
from nudger.core.events import EventInstance, Status
from nudger.core.model import Entry, Kind, Who
from nudger.core.nudges.context import Context, going_ahead, of_kinds, plans_with, tracked
from nudger.core.nudges.local_time import at, day_name, instant
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
        ended: dict[date, list[str]] = {}
        for p in sorted(plans_with(c, person), key=lambda p: p.start):
            if going_ahead(p, c, person):
                titles = ended.setdefault(p.end.astimezone(c.zone).date(), [])
                titles += [p.summary] if p.summary and p.summary not in titles else []
        for day, titles in sorted(ended.items()):
            morning = day + timedelta(days=1)
            what = f"yesterday's {' and '.join(titles)}" if titles else "yesterday"
            yield make_nudge(
                NudgeKind.GRATITUDE_AFTER_DATE,
                person.name,
                morning.isoformat(),
                at(morning, section.after_date_time, c.zone),
                local_midnight(morning + timedelta(days=1), c.zone),
                f"After your time with {person.name}",
                f"Tell {person.name} one thing you appreciated about {what}.",
                DAILY_ACTIONS,
            )


def before_dates(c: Context) -> Iterator[Nudge]:
    """One nudge per lead time before each plan with a tracked person that is going ahead;
    dropped once the plan has begun. It names the plan, the person and the day; the body says
    who suggested it and the current run of plan initiations (the same side starting the
    latest plans of known side).

    Its occurrence holds the start (`reminder_occurrence`): when the plan moves, the reminder
    of the new start is another nudge, shown once even if the old one was, and the old one is
    no longer planned. A cancelled or declined plan is not going ahead: no reminder."""
    for instance in c.plans:
        for found in involved(instance, c.planning.rules):
            person = next(p for p in c.people if p.name == found.name)
            if not going_ahead(instance, c, person):
                continue
            what = instance.summary or "A plan"
            if not found.named_in(what):
                what = f"{what} with {person.name}"
            when = day_name(instance.start, c.zone)
            if not instance.all_day:
                when += f" at {instance.start.astimezone(c.zone):%H:%M}"
            context = _plan_context(c, person.name, instance.uid)
            for lead in c.planning.dates.lead_times:
                yield make_nudge(
                    NudgeKind.BEFORE_DATE,
                    person.name,
                    reminder_occurrence(instance, lead),
                    instance.start - lead,
                    instance.start,
                    f"Coming up: {what}",
                    f"{what} is on {when}. {context}".strip(),
                    ("done", "snooze"),
                )


def reminder_occurrence(instance: EventInstance, lead: timedelta) -> str:
    """What a reminder is about: the plan's instance, the lead time and the start it reminds
    of (`UID:OCCURRENCE:LEAD@START`)."""
    return f"{instance.uid}:{instance.occurrence}:{format_duration(lead)}@{_stamp(instance.start)}"


def current_reminder_id(nudge: Mapping[str, Any]) -> str | None:
    """The id a "coming up" reminder logged before its id held the start would have now, so
    the log's record of it still settles it: `before_date:PERSON:UID:OCCURRENCE:LEAD`, whose
    `latest` was the start. None for any other nudge."""
    nudge_id = str(nudge.get("id", ""))
    if nudge.get("kind") != NudgeKind.BEFORE_DATE.value or "@" in nudge_id.rpartition(":")[2]:
        return None
    latest = instant(nudge.get("latest"))
    return None if latest is None else f"{nudge_id}@{_stamp(latest)}"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


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
        if c.index.plans_since(person.name, missed.at):
            continue
        if c.planning.wait.hold_nudges and c.held(person.name, missed.at):
            continue
        summary = str(missed.details.get("summary", "your plan"))
        when = day_name(missed.details.get("start"), c.zone)
        yield make_nudge(
            NudgeKind.MISSED_FOLLOW_UP,
            person.name,
            missed.key,
            missed.at,
            missed.at + MISSED_LATENESS,
            f"{summary} did not happen",
            _missed_text(person.name, summary, when, _called_off_by(c, missed)),
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
        summary, now_starts, cancelled = _as_it_is_now(c, entry)
        when = day_name(now_starts, c.zone)
        since = " (since cancelled)" if cancelled else ""
        yield make_nudge(
            NudgeKind.WHO_SUGGESTED,
            person.name,
            entry.key,
            due,
            due + WHO_SUGGESTED_LATENESS,
            f"Who suggested {summary}?",  # the plan by name: several may be asked at once
            f"Whose idea was {summary}{when and ' on ' + when}{since}, yours or {person.name}'s?",
            ("me", "them"),
        )


def _as_it_is_now(c: Context, plan: Entry) -> tuple[str, object, bool]:
    """The title, start and whether it is cancelled, of the plan instance a plan entry was
    logged for, as it is now: from the instance the daemon passed in, else from the log's
    latest move or cancellation of it; the entry keeps what it was when first seen."""
    uid, occurrence = plan.details.get("uid"), plan.details.get("occurrence")
    summary = str(plan.details.get("summary", "a plan"))
    start: object = plan.details.get("start")
    cancelled = False
    for entry in c.index.same_plan(plan.person, plan.details):
        if entry.kind == Kind.RESCHEDULED:
            summary, start = str(entry.details.get("summary", summary)), entry.details.get("start")
        cancelled = cancelled or entry.kind == Kind.CANCELLED
    instance = c.instance(uid, occurrence)
    if instance is not None:
        summary, start = instance.summary, instance.start
        cancelled = instance.status is Status.CANCELLED
    return summary, start, cancelled


def _plan_context(c: Context, person: str, uid: str) -> str:
    """Who suggested this plan, and the current run of plan initiations if it is two or more."""
    history = c.index.plan_history(person)
    this = history.first_by_uid.get(uid)
    said = []
    if this is not None and this.who is not Who.UNKNOWN:
        said.append("You suggested it." if this.who is Who.ME else f"{person} suggested it.")
    who, count = history.run
    if count >= 2:
        said.append(
            f"You started the last {count} plans."
            if who is Who.ME
            else f"{person} started the last {count} plans."
        )
    return " ".join(said)


def _called_off_by(c: Context, missed: Entry) -> tuple[str, Who] | None:
    """The latest cancellation or decline of the same plan occurrence, as (verb, side)."""
    for entry in reversed(c.index.same_plan(missed.person, missed.details)):
        if entry.kind in (Kind.CANCELLED, Kind.DECLINED):
            return ("cancelled" if entry.kind == Kind.CANCELLED else "declined"), entry.who
    return None


def _missed_text(person: str, summary: str, when: str, by: tuple[str, Who] | None) -> str:
    on = f" on {when}" if when else ""
    if by is not None and by[1] is Who.THEM:
        return f"{person} {by[0]} {summary}{on} and hasn't suggested another time."
    if by is not None and by[1] is Who.ME:
        return f"You {by[0]} {summary} with {person}{on}. Suggest another time when you're ready."
    return f"{summary} with {person}{on} was called off and nothing has replaced it yet."
