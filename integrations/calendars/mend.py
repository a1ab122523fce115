"""What one iCalendar file gets wrong, mended per event before it is expanded (`ical.parse`).

Zones belong to their file. icalendar keeps one definition per TZID for the whole process (the
first VTIMEZONE it read of that name), so two Outlook invites both calling their zone
"Customized Time Zone", one at +05:30 and one at -03:00, were both read at +05:30, and a file
naming a zone it does not define borrowed another file's. So every time with a TZID is given
its zone again here, from this file alone: an IANA name is that zone; a name this file defines
is its own VTIMEZONE; a Windows name (or its display text, "(UTC-08:00) Pacific Time (US &
Canada)") or a common alias is the IANA zone it stands for; anything else is read in the user's
zone, with a warning that says so (a guess, never a silent one).

Broken metadata costs only that property: a CREATED, DTSTAMP or LAST-MODIFIED that cannot be
read (`CREATED:00001231T000000Z`, as in a real Google export) or a SEQUENCE that is not a
number is dropped with a warning, and the event is kept (it used to fail its whole series).

Shapes are checked: a DATE with a TZID is a date (an all-day event), not local midnight in that
zone, also when VALUE=DATE was left out (`dated`: icalendar reads such a value as a time); an
end before the start, or a negative DURATION, is dropped with a warning, so the event is read
at its DTSTART with no length instead of being moved.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from functools import cache
from typing import Any

import icalendar
from icalendar.prop import vBroken, vDDDTypes
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from integrations.calendars.problems import event_name
from nudger.ports import Done, Problem

_TIMES = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE")
_METADATA = ("CREATED", "DTSTAMP", "LAST-MODIFIED", "SEQUENCE")
_DISPLAY_PREFIX = re.compile(r"^\((?:UTC|GMT)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?\)\s*", re.IGNORECASE)

# Zone names clients write that are neither IANA nor Windows IDs: Windows' display texts (what
# Outlook writes when it has no ID at hand; compared without their "(UTC-08:00) " prefix, in
# lower case) and the old "US-Eastern" family (Lotus Notes, older Exchange).
_ALIASES = {
    "international date line west": "Etc/GMT+12",
    "hawaii": "Pacific/Honolulu",
    "alaska": "America/Anchorage",
    "pacific time (us & canada)": "America/Los_Angeles",
    "pacific time (us & canada); tijuana": "America/Los_Angeles",
    "arizona": "America/Phoenix",
    "mountain time (us & canada)": "America/Denver",
    "central time (us & canada)": "America/Chicago",
    "saskatchewan": "America/Regina",
    "guadalajara, mexico city, monterrey": "America/Mexico_City",
    "eastern time (us & canada)": "America/New_York",
    "indiana (east)": "America/Indiana/Indianapolis",
    "bogota, lima, quito, rio branco": "America/Bogota",
    "bogota, lima, quito": "America/Bogota",
    "atlantic time (canada)": "America/Halifax",
    "santiago": "America/Santiago",
    "newfoundland": "America/St_Johns",
    "brasilia": "America/Sao_Paulo",
    "city of buenos aires": "America/Argentina/Buenos_Aires",
    "buenos aires": "America/Argentina/Buenos_Aires",
    "azores": "Atlantic/Azores",
    "coordinated universal time": "Etc/UTC",
    "dublin, edinburgh, lisbon, london": "Europe/London",
    "greenwich mean time : dublin, edinburgh, lisbon, london": "Europe/London",
    "monrovia, reykjavik": "Atlantic/Reykjavik",
    "amsterdam, berlin, bern, rome, stockholm, vienna": "Europe/Berlin",
    "belgrade, bratislava, budapest, ljubljana, prague": "Europe/Budapest",
    "brussels, copenhagen, madrid, paris": "Europe/Paris",
    "sarajevo, skopje, warsaw, zagreb": "Europe/Warsaw",
    "west central africa": "Africa/Lagos",
    "athens, bucharest": "Europe/Bucharest",
    "athens, bucharest, istanbul": "Europe/Bucharest",
    "cairo": "Africa/Cairo",
    "harare, pretoria": "Africa/Johannesburg",
    "helsinki, kyiv, riga, sofia, tallinn, vilnius": "Europe/Kyiv",
    "helsinki, kiev, riga, sofia, tallinn, vilnius": "Europe/Kyiv",
    "jerusalem": "Asia/Jerusalem",
    "istanbul": "Europe/Istanbul",
    "moscow, st. petersburg": "Europe/Moscow",
    "moscow, st. petersburg, volgograd": "Europe/Moscow",
    "kuwait, riyadh": "Asia/Riyadh",
    "nairobi": "Africa/Nairobi",
    "tehran": "Asia/Tehran",
    "abu dhabi, muscat": "Asia/Dubai",
    "kabul": "Asia/Kabul",
    "islamabad, karachi": "Asia/Karachi",
    "chennai, kolkata, mumbai, new delhi": "Asia/Kolkata",
    "kathmandu": "Asia/Kathmandu",
    "dhaka": "Asia/Dhaka",
    "bangkok, hanoi, jakarta": "Asia/Bangkok",
    "beijing, chongqing, hong kong, urumqi": "Asia/Shanghai",
    "kuala lumpur, singapore": "Asia/Singapore",
    "perth": "Australia/Perth",
    "taipei": "Asia/Taipei",
    "osaka, sapporo, tokyo": "Asia/Tokyo",
    "seoul": "Asia/Seoul",
    "adelaide": "Australia/Adelaide",
    "darwin": "Australia/Darwin",
    "brisbane": "Australia/Brisbane",
    "canberra, melbourne, sydney": "Australia/Sydney",
    "hobart": "Australia/Hobart",
    "auckland, wellington": "Pacific/Auckland",
    "fiji": "Pacific/Fiji",
    "us-eastern": "America/New_York",
    "us-central": "America/Chicago",
    "us-mountain": "America/Denver",
    "us-pacific": "America/Los_Angeles",
    "us-alaska": "America/Anchorage",
    "us-hawaii": "Pacific/Honolulu",
    "us-arizona": "America/Phoenix",
}


def mend(calendar: icalendar.Component, origin: str) -> list[Problem]:
    """Mend every VEVENT of one parsed calendar in place; what was done, one line each."""
    zones = _Zones(calendar)
    problems: list[Problem] = []
    for event in calendar.walk("VEVENT"):
        try:
            found = _identity(event) + _metadata(event) + _zoned(event, zones) + _shaped(event)
        except Exception as error:  # a shape not foreseen here must not cost the file
            found = [f"it could not be checked ({type(error).__name__}), so it was read as is"]
        if found:  # most events have nothing to say: name them only then
            problems += map(_naming(event, origin), found)
    return problems


class _Zones:
    """The zone each TZID of one file stands for (None: not known), built once per name."""

    def __init__(self, calendar: icalendar.Component) -> None:
        self.defined = {str(zone["TZID"]): zone for zone in calendar.walk("VTIMEZONE")}
        self.made: dict[str, tzinfo | None] = {}

    def __getitem__(self, tzid: str) -> tzinfo | None:
        if tzid not in self.made:
            self.made[tzid] = self._make(tzid)
        return self.made[tzid]

    def _make(self, tzid: str) -> tzinfo | None:
        named = _iana(tzid.strip().strip("/"))
        if named is None and tzid in self.defined:
            try:  # the file's own definition, never icalendar's per-process cache
                return tzp.create_timezone(self.defined[tzid])
            except Exception:  # noqa: S110 - a broken VTIMEZONE: try its name below
                pass
        return named or known_zone(tzid)


def known_zone(tzid: str) -> tzinfo | None:
    """The IANA zone a TZID that no VTIMEZONE defines stands for, where one fits: an IANA name
    (also at the end of a "globally unique" /vendor/… name), a Windows ID or display text, or
    a common alias."""
    cleaned = tzid.strip().strip("/")
    spoken = _DISPLAY_PREFIX.sub("", cleaned).strip().lower()
    for candidate in (
        cleaned,
        WINDOWS_TO_OLSON.get(cleaned),
        _ALIASES.get(cleaned.lower()),
        _ALIASES.get(spoken),
        _ALIASES.get(spoken.split(";")[0].strip()),
        *("/".join(cleaned.split("/")[at:]) for at in range(1, cleaned.count("/") + 1)),
    ):
        found = _iana(candidate) if candidate else None
        if found is not None:
            return found
    return None


@cache
def _names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _iana(name: str) -> tzinfo | None:
    return zoneinfo.ZoneInfo(name) if name in _names() else None


def _naming(event: Any, origin: str) -> Callable[[str], Problem]:
    """How a problem of this event is said: the file, the event's title and start, and that
    the event was kept (each mending costs only the property it names)."""
    named = event_name(event)
    return lambda text: Problem(origin, text, Done.KEPT, named)


def _identity(event: Any) -> list[str]:
    """One UID: an event that writes it twice is known by the first (and says so), never by
    the text of a Python list of both."""
    value = event.get("UID")
    if not isinstance(value, list) or not value:
        return []
    first = str(value[0]).strip()
    del event["UID"]
    event.add("UID", first)
    return [f"its UID is written {len(value)} times, so it is known by the first, {first!r}"]


def _metadata(event: Any) -> list[str]:
    """Drop each broken metadata property (only that one): what nudger keeps of it is a hint
    (when it was made or changed, which version), never worth the event."""
    said = []
    for name in _METADATA:
        value = event.get(name)
        if value is None:
            continue
        if isinstance(value, list):  # which one is meant is not known
            del event[name]
            said.append(f"its {name} is written {len(value)} times, {_IGNORED}")
        elif isinstance(value, vBroken) or (name == "SEQUENCE" and not _number(value)):
            raw = value.to_ical() if hasattr(value, "to_ical") else str(value)
            shown = (raw.decode(errors="replace") if isinstance(raw, bytes) else raw)[:60]
            del event[name]
            said.append(f"its {name} {shown!r} cannot be read, {_IGNORED}")
    return said


_IGNORED = "so it was ignored"


def _number(value: Any) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True


def _zoned(event: Any, zones: _Zones) -> list[str]:
    """Give every time with a TZID the zone this file means by it (`_Zones`)."""
    unknown: list[str] = []
    for name in _TIMES:
        for prop in _listed(event.get(name)):
            tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
            if not tzid:
                continue
            zone = zones[str(tzid)]
            for value in getattr(prop, "dts", None) or [prop]:
                if isinstance(getattr(value, "dt", None), datetime):
                    value.dt = value.dt.replace(tzinfo=zone)  # the wall-clock time as written
            if zone is None and str(tzid) not in unknown:
                unknown.append(str(tzid))
    return [
        f"its time zone {tzid!r} is neither defined in the file nor known, "
        "so its times were read in your own time zone"
        for tzid in unknown
    ]


# A DTSTART or DTEND whose value is a bare date, with a TZID and no VALUE parameter.
_BARE_DATE = re.compile(
    r"\n([Dd][Tt](?:[Ss][Tt][Aa][Rr][Tt]|[Ee][Nn][Dd]))(;[^:\r\n]*[Tt][Zz][Ii][Dd]=[^:\r\n]*)"
    r":(\d{8})(?=\r?\n)"
)


def dated(text: str) -> str:
    """`DTSTART;TZID=X:20261205` (a date written without VALUE=DATE, as some exporters do)
    marked VALUE=DATE before icalendar reads it as midnight in X, so `_shaped` makes it the
    all-day event it is, as for one written with VALUE=DATE."""
    return _BARE_DATE.sub(_marked, text)


def _marked(line: re.Match[str]) -> str:
    name, params, value = line[1], line[2], line[3]
    if "VALUE=" in params.upper():
        return line[0]
    return f"\n{name};VALUE=DATE{params}:{value}"


def _shaped(event: Any) -> list[str]:
    """A DATE with a TZID is a date; an end before the start, a negative length, or one that
    cannot be read goes (the start is what the event is known by)."""
    for name in ("DTSTART", "DTEND"):
        prop = event.get(name)
        if (
            isinstance(prop, vDDDTypes)
            and str(prop.params.get("VALUE", "")).upper() == "DATE"
            and isinstance(prop.dt, datetime)
        ):
            event[name] = vDDDTypes(prop.dt.date())
    start = _value(event.get("DTSTART"))
    if not isinstance(start, date):
        return []  # no start to read: expanding it reports the event
    said = []
    for name in ("DTEND", "DURATION"):
        if isinstance(event.get(name), vBroken):
            del event[name]
            said.append(f"its {name} cannot be read, {_NO_LENGTH}")
    end = _value(event.get("DTEND"))
    if isinstance(end, date) and _before(end, start):
        del event["DTEND"]
        said.append(f"it ends before it starts, {_NO_LENGTH}")
    length = _value(event.get("DURATION"))
    if isinstance(length, timedelta) and length < timedelta(0):
        del event["DURATION"]
        said.append(f"its DURATION is negative, {_NO_LENGTH}")
    return said


_NO_LENGTH = "so it was read as starting at DTSTART, no length"


def _value(prop: Any) -> Any:
    """A property's value, or None for one absent, repeated or broken (reading a broken one's
    `dt` raises)."""
    return None if prop is None or isinstance(prop, (vBroken, list)) else getattr(prop, "dt", None)


def _before(end: date, start: date) -> bool:
    """Whether `end` is before `start`, comparing like with like (a floating or date value has
    no zone: both are read as the same wall clock)."""
    if isinstance(end, datetime) != isinstance(start, datetime):
        return False  # mixed kinds: not a shape this check can judge
    if (
        isinstance(end, datetime)
        and isinstance(start, datetime)
        and (end.tzinfo is None) != (start.tzinfo is None)
    ):
        end, start = end.replace(tzinfo=None), start.replace(tzinfo=None)
    return end < start


def _listed(value: Any) -> list[Any]:
    if value is None or isinstance(value, vBroken):
        return []
    return value if isinstance(value, list) else [value]
