"""Local wall-clock maths for planning: settings such as "20:30" as UTC instants, quiet hours.

Every time is UTC inside; a setting such as "20:30" is a local wall time in the user's zone,
built with `fold=0`: a time inside a spring-forward gap lands on the old offset (02:30 in Berlin
on the change day is 03:30 summer time, as APScheduler's CronTrigger fires it), and an ambiguous
autumn time means its first occurrence. Quiet hours move a due time to their end; a nudge whose
moved time passes its `latest` is dropped. Pure: the zone and every instant are passed in.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from nudger.core.nudges.nudge import Nudge
from nudger.core.nudges.planning import QuietHours


def at(day: date, clock: time, zone: tzinfo) -> datetime:
    """A local wall time as UTC; `fold=0`: a gap time lands past the jump, an ambiguous time is
    its first occurrence."""
    return datetime.combine(day, clock).replace(tzinfo=zone, fold=0).astimezone(UTC)


def out_of_quiet_hours(nudge: Nudge, quiet: QuietHours, zone: tzinfo) -> Nudge | None:
    """The nudge moved to the end of quiet hours if due inside them; None if that is too late."""
    if not in_quiet_hours(nudge.due, quiet, zone):
        return nudge
    local = nudge.due.astimezone(zone)
    day = local.date()
    if quiet.start > quiet.end and local.time() >= quiet.start:
        day += timedelta(days=1)  # quiet hours wrap past midnight: they end tomorrow
    moved = at(day, quiet.end, zone)
    if moved >= nudge.latest:
        return None
    return replace(nudge, due=moved)  # only the time moves: the id and what it is about stay


def in_quiet_hours(moment: datetime, quiet: QuietHours, zone: tzinfo) -> bool:
    """Whether `moment` falls inside quiet hours; `start == end` means none."""
    if not quiet.enabled or quiet.start == quiet.end:
        return False
    clock = moment.astimezone(zone).time()
    if quiet.start < quiet.end:
        return quiet.start <= clock < quiet.end
    return clock >= quiet.start or clock < quiet.end


def nth_weekday(year: int, month: int, weekday: int, week: int) -> date:
    """The `week`-th (1-4, or -1 for the last) `weekday` (Monday 0) of a month."""
    if week == -1:
        following = date(year + month // 12, month % 12 + 1, 1)
        last = following - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))


def minutes_between(earliest: time, latest: time) -> int:
    """The minutes from one clock time to a later one on the same day."""
    return (latest.hour - earliest.hour) * 60 + latest.minute - earliest.minute


def add_minutes(clock: time, minutes: int) -> time:
    """A clock time `minutes` later, on the same day."""
    total = clock.hour * 60 + clock.minute + minutes
    return time(total // 60, total % 60)


def instant(value: object) -> datetime | None:
    """An ISO date-time from entry details, as UTC (naive read as UTC); None if absent or bad."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def weekday_name(value: object, zone: tzinfo) -> str:
    """The local weekday ("Friday") of an ISO date-time from entry details; "" if there is none."""
    moment = instant(value)
    return "" if moment is None else f"{moment.astimezone(zone):%A}"


def day_name(value: object, zone: tzinfo) -> str:
    """The local day ("Friday 12 June") of an instant or an ISO date-time from entry details;
    "" if there is none. A weekday alone is ambiguous for a plan weeks away or weeks ago."""
    moment = value if isinstance(value, datetime) else instant(value)
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B}"
