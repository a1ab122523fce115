"""Reading the times and durations people type: `90d`, `2h`, `yesterday 19:00`, `2026-03-01`.

Pure functions of the text, `now` and the user's time zone: nothing here reads the clock. Every
parser raises `UsageError` naming the forms that work, so the CLI can show it as it is.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from nudger.errors import UsageError

_FIXED_UNITS: dict[str, timedelta] = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
# Patterns stay text: `re` compiles (and caches) the ones a command uses, not all at start-up.
_DURATION_PART = r"(?i)(\d+)\s*(min|[smhdw])"
_DURATION = r"(?i)(?:\s*\d+\s*(?:min|[smhdw])\s*)+"
_RELATIVE_SINCE = r"(?i)(\d+)\s*(mo|y|[hdw])"
_RELATIVE_AT = r"(?i)-\s*(\d+)\s*(min|[mhdw])|(\d+)\s*(min|[mhdw])\s+ago"
_CLOCK_TIME = r"([01]?\d|2[0-3]):([0-5]\d)"
_WEEK_SECONDS = 7 * 86400
_DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}

DURATION_FORMS = "a number and a unit: 30s, 15m, 2h, 3d, 2w, or a sum such as 1h30m"
SINCE_FORMS = (
    "a span back from now (24h, 90d, 12w, 6mo, 1y), today, yesterday, yesterday 19:00, -2d, "
    "90m ago, a date (2026-03-01) or a date and time (2026-03-01T18:00)"
)
UNTIL_FORMS = (
    "a date (2026-03-31, included), today, yesterday (included), now, yesterday 19:00, -2d, "
    "or a date and time (2026-03-31T18:00)"
)
AT_FORMS = (
    "now, today, yesterday, a clock time (19:00), yesterday 19:00, -2d, -3h, 90m ago, "
    "a date (2026-03-01) or a date and time (2026-03-01T19:00, an offset is optional)"
)


def parse_duration(text: str) -> timedelta:
    """A fixed-length duration such as `90d`, `2h` or `1h30m` (used by settings)."""
    if not re.fullmatch(_DURATION, text):
        raise UsageError(f"{text!r} is not a duration; use {DURATION_FORMS}")
    return sum(
        (int(n) * _FIXED_UNITS[unit.lower()] for n, unit in re.findall(_DURATION_PART, text)),
        timedelta(),
    )


def format_duration(value: timedelta) -> str:
    """The text `parse_duration` reads back as `value`: `2w`, `90d`, `1h30m`."""
    seconds = int(value.total_seconds())
    if seconds and seconds % _WEEK_SECONDS == 0:
        return f"{seconds // _WEEK_SECONDS}w"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def format_local(moment: datetime, zone: tzinfo) -> str:
    """An instant as people read it beside the other times nudger shows: in their zone, with
    the weekday (`Fri 2026-12-04 20:30`). UTC stays inside (the log, ids, JSON)."""
    return f"{moment.astimezone(zone):%a %Y-%m-%d %H:%M}"


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """The first instant of `day` in `zone`, as UTC."""
    return _localize(datetime.combine(day, time()), zone)


def months_back(instant: datetime, months: int, zone: tzinfo) -> datetime:
    """The same local wall time `months` calendar months earlier (the day clamped to the month)."""
    local = instant.astimezone(zone)
    index = local.year * 12 + (local.month - 1) - months
    year, month0 = divmod(index, 12)
    day = min(local.day, _days_in_month(year, month0 + 1))
    return _localize(local.replace(tzinfo=None, year=year, month=month0 + 1, day=day), zone)


def parse_since(text: str, now: datetime, zone: tzinfo) -> datetime:
    """The start of a query window: a span back from `now`, or any moment `--at` takes (a day
    word or a date from its local midnight, `yesterday 19:00`, `-2d`), so the two agree."""
    value = text.strip()
    relative = re.fullmatch(_RELATIVE_SINCE, value)
    if relative:
        count, unit = int(relative[1]), relative[2].lower()
        if unit == "mo":
            return months_back(now, count, zone)
        if unit == "y":
            return months_back(now, 12 * count, zone)
        return now - count * _FIXED_UNITS[unit]
    moment = _moment(value, now, zone)
    if moment is None:
        raise UsageError(f"--since {text!r} is not understood; use {SINCE_FORMS}")
    return moment


def parse_until(text: str, now: datetime, zone: tzinfo) -> datetime:
    """The end of a query window, exclusive: a day word or a bare date includes that whole day;
    any other moment `--at` takes ends it there."""
    value = " ".join(text.strip().lower().split())
    if value in _DAY_WORDS:
        day = now.astimezone(zone).date() + timedelta(days=_DAY_WORDS[value])
        return local_midnight(day + timedelta(days=1), zone)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        moment = _moment(text.strip(), now, zone)
        if moment is None:
            raise UsageError(f"--until {text!r} is not understood; use {UNTIL_FORMS}") from None
        return moment
    return local_midnight(day + timedelta(days=1), zone)


def parse_at(text: str, now: datetime, zone: tzinfo) -> datetime:
    """When something happened: `now`, `yesterday 19:00`, `-2d`, `19:00`, an ISO date or time."""
    moment = _moment(text, now, zone)
    if moment is None:
        raise UsageError(f"--at {text!r} is not understood; use {AT_FORMS}")
    return moment


def _moment(text: str, now: datetime, zone: tzinfo) -> datetime | None:
    """The moment `text` names in any of the `--at` forms; None when it names none."""
    value = " ".join(text.strip().lower().split())
    if value == "now":
        return now
    relative = re.fullmatch(_RELATIVE_AT, value)
    if relative:
        count = int(relative[1] or relative[3])
        unit = (relative[2] or relative[4]).lower()
        return now - count * _FIXED_UNITS[unit]
    day_word, _, clock = value.partition(" ")
    if day_word in _DAY_WORDS or re.fullmatch(_CLOCK_TIME, day_word):
        if re.fullmatch(_CLOCK_TIME, day_word):
            day_word, clock = "today", day_word
        local_day = now.astimezone(zone).date() + timedelta(days=_DAY_WORDS[day_word])
        if not clock:
            return local_midnight(local_day, zone)
        match = re.fullmatch(_CLOCK_TIME, clock)
        if match:
            wall = datetime.combine(local_day, time(int(match[1]), int(match[2])))
            return _localize(wall, zone)
    return _parse_iso(text.strip(), zone)


def _parse_iso(value: str, zone: tzinfo) -> datetime | None:
    """An ISO date (local midnight) or date-time (naive means local), as UTC; None if neither."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        pass
    else:
        return local_midnight(day, zone)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return _localize(moment, zone)
    return moment.astimezone(UTC)


def _localize(wall: datetime, zone: tzinfo) -> datetime:
    """A naive local wall time in `zone`, as UTC. In a DST gap, the time after the jump is used."""
    # fold=0 takes the offset in force before a transition: a wall time inside a spring-forward
    # gap lands just past the jump, and an ambiguous autumn time means its first occurrence.
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day
