"""iCalendar objects into `EventInstance`s: shared by the ics and caldav sources.

Components are grouped by UID (a master and its overrides may come from different files) and
each series is expanded on its own by recurring-ical-events inside the sync window, so one bad
series is skipped with a reason and never costs the others. An EXDATE'd occurrence becomes a
cancelled instance: to the core, a date struck from a standing plan is a cancelled plan, the same
as Google reports it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar
import recurring_ical_events  # type: ignore[import-untyped]

from nudger.events import Attendee, EventInstance, Participation, Status, Window

_STATUS = {"CANCELLED": Status.CANCELLED, "TENTATIVE": Status.TENTATIVE}
_PARTICIPATION = {p.value.upper(): p for p in Participation}


@dataclass(frozen=True, slots=True)
class Parsed:
    """The events of one or more iCalendar texts, grouped by UID, with what could not be read."""

    components: dict[str, list[tuple[str, icalendar.Component]]]  # UID -> (origin, VEVENT)
    timezones: list[icalendar.Component]
    problems: list[str]


def parse(texts: Iterable[tuple[str, bytes | str]]) -> Parsed:
    """Parse each text on its own (a broken one is reported, the others kept)."""
    components: dict[str, list[tuple[str, icalendar.Component]]] = defaultdict(list)
    timezones: list[icalendar.Component] = []
    problems: list[str] = []
    for origin, text in texts:
        try:
            calendars = icalendar.Calendar.from_ical(text, multiple=True)
        except Exception as error:  # icalendar raises many types on bad input
            problems.append(f"{origin}: not a readable calendar ({_reason(error)})")
            continue
        for calendar in calendars:
            for component in calendar.walk():
                if component.name == "VTIMEZONE":
                    timezones.append(component)
                elif component.name == "VEVENT":
                    uid = str(component.get("UID", "")).strip()
                    if not uid:
                        problems.append(f"{origin}: an event without a UID was skipped")
                        continue
                    components[uid].append((origin, component))
    return Parsed(dict(components), timezones, problems)


def instances(
    parsed: Parsed, window: Window, *, source: str, calendar: str
) -> tuple[dict[str, tuple[EventInstance, ...]], list[str]]:
    """Every UID's instances inside the window; a series that cannot be expanded is skipped."""
    found: dict[str, tuple[EventInstance, ...]] = {}
    problems = list(parsed.problems)
    start = window.start.astimezone(window.zone)
    end = window.end.astimezone(window.zone)
    for uid, entries in parsed.components.items():
        group = icalendar.Calendar()
        for timezone in parsed.timezones:
            group.add_component(timezone)
        for _, component in entries:
            group.add_component(component)
        origin = entries[0][0]
        try:
            _refuse_endless_rules(entries)
            expanded = recurring_ical_events.of(group, skip_bad_series=False).between(start, end)
            # recurring-ical-events gives every occurrence a RECURRENCE-ID, a single event's too;
            # only a series has occurrences worth naming, or a moved single event would look
            # like a new one (and the same invite would not match Google's "single").
            series = any(
                key in component
                for _, component in entries
                for key in ("RRULE", "RDATE", "RECURRENCE-ID")
            )
            made = [
                _instance(event, window.zone, source, calendar, series=series) for event in expanded
            ]
            made += _excluded(entries, window, source, calendar)
        except Exception as error:  # a broken series must not stop the others
            problems.append(f"{origin}: event {uid} was skipped ({_reason(error)})")
            continue
        found[uid] = tuple(sorted(made, key=lambda i: (i.start, i.occurrence)))
    return found, problems


def _instance(
    event: Any, zone: tzinfo, source: str, calendar: str, *, series: bool = True
) -> EventInstance:
    raw_start = event["DTSTART"].dt
    all_day = isinstance(raw_start, date) and not isinstance(raw_start, datetime)
    start = to_utc(raw_start, zone)
    end = _end(event, raw_start, start, zone)
    recurrence = event.get("RECURRENCE-ID")
    organizer = event.get("ORGANIZER")
    return EventInstance(
        uid=str(event["UID"]),
        recurrence_id=None if recurrence is None or not series else to_utc(recurrence.dt, zone),
        start=start,
        end=end,
        all_day=all_day,
        summary=str(event.get("SUMMARY", "")),
        description=str(event.get("DESCRIPTION", "")),
        source=source,
        calendar=calendar,
        status=_STATUS.get(str(event.get("STATUS", "")).upper(), Status.CONFIRMED),
        organizer=None if organizer is None else address(organizer),
        attendees=tuple(_attendees(event.get("ATTENDEE"))),
        sequence=_int(event.get("SEQUENCE")),
        created=_moment(event.get("CREATED"), zone),
        updated=_moment(event.get("LAST-MODIFIED"), zone) or _moment(event.get("DTSTAMP"), zone),
    )


def _refuse_endless_rules(entries: Sequence[tuple[str, Any]]) -> None:
    """An RRULE with INTERVAL=0 never advances: expanding it would hang the sync (servers such
    as Radicale accept it), so the series is refused before it is expanded."""
    for _, component in entries:
        rules = component.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules else []:
            if any(int(n) < 1 for n in rule.get("INTERVAL", [1])):
                raise ValueError("its RRULE has an INTERVAL below 1")


def _excluded(
    entries: Sequence[tuple[str, Any]], window: Window, source: str, calendar: str
) -> list[EventInstance]:
    """The EXDATE'd occurrences of a series inside the window, as cancelled instances."""
    made: list[EventInstance] = []
    for _, master in entries:
        if "RRULE" not in master or "RECURRENCE-ID" in master:
            continue
        template = _instance(master, window.zone, source, calendar)
        length = template.end - template.start
        for moment in _exdates(master.get("EXDATE")):
            excluded = to_utc(moment, window.zone)
            if window.start <= excluded < window.end:
                made.append(
                    replace(
                        template,
                        status=Status.CANCELLED,
                        recurrence_id=excluded,
                        start=excluded,
                        end=excluded + length,
                    )
                )
    return made


def _exdates(value: Any) -> list[date | datetime]:
    if value is None:
        return []
    lists = value if isinstance(value, list) else [value]
    return [item.dt for entry in lists for item in entry.dts]


def _end(event: Any, raw_start: Any, start: datetime, zone: tzinfo) -> datetime:
    if "DTEND" in event:
        return to_utc(event["DTEND"].dt, zone)
    if "DURATION" in event:
        length: timedelta = event["DURATION"].dt
        return start + length
    return start + (timedelta(days=1) if not isinstance(raw_start, datetime) else timedelta(0))


def _attendees(value: Any) -> Iterable[Attendee]:
    if value is None:
        return
    for attendee in value if isinstance(value, list) else [value]:
        answer = str(attendee.params.get("PARTSTAT", "NEEDS-ACTION")).upper()
        yield Attendee(address(attendee), _PARTICIPATION.get(answer, Participation.NEEDS_ACTION))


def address(value: Any) -> str:
    """`mailto:Alex@Example.org` -> `alex@example.org`."""
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.lower()


def to_utc(value: date | datetime, zone: tzinfo) -> datetime:
    """A DTSTART-like value in UTC: dates and floating times are read in the user's zone."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _moment(value: Any, zone: tzinfo) -> datetime | None:
    moment = getattr(value, "dt", None)
    return to_utc(moment, zone) if isinstance(moment, date) else None


def _int(value: Any) -> int:
    try:
        return int(value) if value is not None else 0
    except (TypeError, ValueError):
        return 0


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}"[:200] if text else type(error).__name__
