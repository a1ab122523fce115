"""Bounded expansion of one series: no calendar file may cost a sync unbounded time or memory.

Two bounds, both decided before or while expanding, never after expanding everything:

- A rule that repeats more often than daily (FREQ=SECONDLY, MINUTELY, HOURLY with a step under a
  day, or several BYHOUR/BYMINUTE/BYSECOND times in a day) is no plan with someone, and recording
  it would log thousands of confident plans with whoever its title names. It is not expanded at
  all (`too_frequent`): the series is skipped with one warning, so what the log knew of it stands
  (`Expanded.skipped`) and nothing of it is recorded. Expanding it up to a cap would not be cheap
  either: dateutil walks a rule from its DTSTART, so a SECONDLY series begun a year before the
  window costs tens of millions of steps before its first instance in the window.
- Any other series is expanded in growing spans from the window's start (`expand`), and stops
  once it has more than the cap: the first `cap` instances from the window's start are kept.
  The cap is the same at every sync and the window moves by whole days, so the same instances
  come back each time. The resource says where reading stopped (`Resource.read_until`), so an
  instance beyond it, read before a lower cap, is not taken as vanished: it was not listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import recurring_ical_events  # type: ignore[import-untyped]

_SUB_DAILY = {"SECONDLY": timedelta(seconds=1), "MINUTELY": timedelta(minutes=1)}
_HOUR = timedelta(hours=1)
_FIRST_SPAN = timedelta(days=1)


def too_frequent(entries: Sequence[tuple[str, Any]]) -> str | None:
    """The first RRULE of a series that repeats more often than daily, as written; None if none."""
    for _, component in entries:
        rules = component.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules else []:
            if _sub_daily(rule):
                return str(rule.to_ical().decode("utf-8", "replace"))
    return None


def _sub_daily(rule: Any) -> bool:
    frequency = str((rule.get("FREQ") or [""])[0]).upper()
    interval = int((rule.get("INTERVAL") or [1])[0])
    step = _SUB_DAILY.get(frequency, _HOUR if frequency == "HOURLY" else None)
    if step is not None and step * interval < timedelta(days=1):
        return True
    times = 1
    for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        times *= max(len(set(rule.get(part) or [])), 1)
    return times > 1


def expand(group: Any, start: datetime, end: datetime, cap: int) -> tuple[list[Any], bool]:
    """The occurrences of a series' calendar from `start` to `end`, at most `cap` of them (the
    earliest), and whether there were more. Spans double from a day, so a series with few
    instances costs a handful of queries, and one with many is not expanded far past the cap."""
    query = recurring_ical_events.of(group, skip_bad_series=False)
    found: list[Any] = []
    at, span = start, _FIRST_SPAN
    while at < end and len(found) <= cap:
        stop = min(at + span, end)
        # `between` includes an event ending at `at` or starting at `stop`: keep each once.
        found += [
            occurrence
            for occurrence in query.between(at, stop)
            if (at == start or at <= _start(occurrence, at))
            and (stop == end or _start(occurrence, at) < stop)
        ]
        at, span = stop, span * 2
    found.sort(key=lambda occurrence: _start(occurrence, start))
    return found[:cap], len(found) > cap


def _start(occurrence: Any, like: datetime) -> datetime:
    """An occurrence's start comparable with the window's (a date or floating time read in the
    window's zone; the exact zone of instances is `ical.to_utc`'s job)."""
    value = occurrence["DTSTART"].dt
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    return value.replace(tzinfo=like.tzinfo) if value.tzinfo is None else value
