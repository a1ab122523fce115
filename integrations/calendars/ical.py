"""iCalendar objects into `EventInstance`s: shared by the ics and caldav sources.

Components are grouped by UID (a master and its overrides may come from different files) and
each series is expanded on its own by recurring-ical-events inside the sync window, so one bad
series is skipped with a reason and never costs the others (and is named, so what the log knew of
it stands). An EXDATE'd occurrence is no instance, as Google never lists one; it is named in
`Expanded.excluded`, so the core can tell a date struck from a series it had seen (the organizer
cancelled it) from one struck before nudger ever saw it (never a plan).

Reading is the expensive part of a sync, and most events involve nobody tracked, so a source can
first ask `mentioning` whether a text may hold an event naming one of the tracked people, and
parse only those (`split.relevant` asks it of each event of a file or folder). That test is a
plain search of the text, not a reading of it: it finds a term however iCalendar and caldav may
have written it (folded, escaped, in any case), so it can keep an object that turns out to be
irrelevant, but it never skips one in which detection would have found someone.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar

from integrations.calendars import bounds, mend
from integrations.calendars import problems as said
from nudger.core.addresses import calendar_address
from nudger.core.events import (
    Attendee,
    EventInstance,
    EventKind,
    Participation,
    Status,
    occurrence_of,
)
from nudger.ports import Done, Problem, Resource, Window

_STATUS = {"CANCELLED": Status.CANCELLED, "TENTATIVE": Status.TENTATIVE}
_PARTICIPATION = {p.value.upper(): p for p in Participation}
# A fold is a line break (or a run of them) before a space or a tab: icalendar removes it before
# reading a line. This is icalendar's own pattern, the linear-time spelling of (\r?\n)+[ \t].
_FOLD = re.compile(r"(?:(?<!\n)\r\n|(?<![\r\n])\n)(?:\r?\n)*[ \t]")
# How a character that detection reads may be written in the text: icalendar unescapes \\ \, \;
# \: \n \N in every value, caldav's clean-up (`vcal.fix`) drops backslashes before a quote, and
# str.lower() turns U+0130 (the one character it lowers to two) into "i" + U+0307.
_WRITTEN = {
    "\\": r"\\{1,2}",
    ",": r"\\?,",
    ";": r"\\?;",
    ":": r"\\?:",
    "\n": r"\\[nN]",
    "'": r"\\*'",
    '"': r'\\*"',
    "i\u0307": "(?:i\u0307|\u0130)",
}
_SPELLINGS = re.compile("|".join(re.escape(key) for key in sorted(_WRITTEN, key=len, reverse=True)))


@dataclass(frozen=True, slots=True)
class Parsed:
    """The events of one or more iCalendar texts, grouped by UID, with what could not be read."""

    components: dict[str, list[tuple[str, icalendar.Component]]]  # UID -> (origin, VEVENT)
    timezones: list[icalendar.Component]
    problems: list[Problem]
    unread: list[str] = field(default_factory=list)  # origins that could not be read at all


def parse(texts: Iterable[tuple[str, bytes | str]]) -> Parsed:
    """Parse each text on its own (a broken one is reported, the others kept). A text cut
    short (icalendar reads a truncated file as fewer events, or none, without a word) counts
    as unread, as one that does not parse does: what it held is not known."""
    components: dict[str, list[tuple[str, icalendar.Component]]] = defaultdict(list)
    timezones: list[icalendar.Component] = []
    problems: list[Problem] = []
    unread: list[str] = []
    for origin, raw in texts:
        text = decode(raw)
        if not whole(text):
            problems.append(Problem(origin, CUT_SHORT, Done.NOT_READ))
            unread.append(origin)
            continue
        try:
            with said.warnings_into(problems, origin):  # a library's warnings are this file's
                calendars = icalendar.Calendar.from_ical(mend.dated(text), multiple=True)
                mended = [mend.mend(calendar, origin) for calendar in calendars]
        except Exception as error:  # icalendar raises many types on bad input
            why = f"not a readable calendar ({said.reason(error)})"
            problems.append(Problem(origin, why, Done.NOT_READ))
            unread.append(origin)
            continue
        for calendar, found in zip(calendars, mended, strict=True):
            problems += found  # its zones, broken metadata, shapes
            for component in calendar.walk():
                if component.name == "VTIMEZONE":
                    timezones.append(component)
                elif component.name == "VEVENT":
                    uid = str(component.get("UID", "")).strip()
                    if not uid:
                        uid = derived_uid(origin, component)
                        if uid in components:  # the same event twice in one file: one event
                            continue
                        component.add("UID", uid)
                    components[uid].append((origin, component))
    return Parsed(dict(components), timezones, problems, unread)


# What a client rewrites each time it saves an unchanged event: not part of what the event is.
_RESTAMPED = ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE")


def derived_uid(origin: str, component: icalendar.Component) -> str:
    """An identity for an event that has no UID (Thunderbird's test files, hand-written ones):
    its file and its content, so reading the same file again gives the same event (logged
    once), whatever stamps the client rewrote. An event edited in place is a new one, as it
    would be for a calendar that gave it no name."""
    text = "\n".join([origin, content(component)])
    return f"nudger-derived-{hashlib.sha256(text.encode()).hexdigest()[:24]}"


def content(component: icalendar.Component) -> str:
    """An event's lines without the stamps a client rewrites on every save (`_RESTAMPED`);
    for one icalendar cannot write back, its values as read (never an error: a sync goes on)."""
    try:
        lines = component.to_ical().decode("utf-8", errors="replace").splitlines()
    except Exception:  # icalendar raises many types on values it cannot write
        lines = [f"{key}:{value}" for key, value in component.property_items(recursive=False)]
    return "\n".join(
        line for line in lines if line.split(":", 1)[0].split(";", 1)[0].upper() not in _RESTAMPED
    )


# A byte order mark names the encoding; UTF-32's marks begin with UTF-16's, so they come first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LONE_CR = re.compile(r"\r(?!\n)")


def decode(text: bytes | str) -> str:
    """A text as iCalendar means it, before anything looks at it (`whole` reads its end, so a
    UTF-16 file read as bytes would look cut short). A byte order mark says the encoding (a
    Windows Calendar export is UTF-16 LE with one), or for UTF-16 or UTF-32 without one, the
    NUL bytes around its first ASCII character (`_wide`); otherwise UTF-8, and a file that is not
    UTF-8 is read as Windows-1252, then Latin-1 (which reads any bytes), never refused. Line
    endings of a lone CR (old Mac exports) become CRLF, which icalendar splits on."""
    if isinstance(text, bytes):
        text = _decoded(text)
    return _LONE_CR.sub("\r\n", text) if "\r" in text and _LONE_CR.search(text) else text


def _decoded(data: bytes) -> str:
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return data.decode(encoding, errors="replace")
    if (unmarked := _wide(data[:4])) is not None:
        return data.decode(unmarked, errors="replace")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _wide(head: bytes) -> str | None:
    """UTF-16 or UTF-32 written without a byte order mark, told by where the NUL bytes of its
    first character (BEGIN's B, or a line break: ASCII) fall; None for any other text."""
    nul = tuple(byte == 0 for byte in head)
    patterns: dict[tuple[bool, ...], str] = {
        (False, True, True, True): "utf-32-le",
        (True, True, True, False): "utf-32-be",
        (False, True, False, True): "utf-16-le",
        (True, False, True, False): "utf-16-be",
    }
    return patterns.get(nul)


CUT_SHORT = (
    "empty or cut short (it does not end with the END of what it begins), so it was not read"
)


def whole(text: bytes | str) -> bool:
    """Whether a text ends as the iCalendar object it begins does (END:VCALENDAR after a
    BEGIN:VCALENDAR, END:VEVENT after a bare BEGIN:VEVENT, as some exports write): a file being
    rewritten (truncated, then written) or cut by a full disk does not, and must not read as
    "no events"; an empty file is no object either."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    first = _FIRST_BEGIN.search(text[:4096])
    if first is None:
        return False
    return text[-256:].rstrip().upper().endswith(f"END:{first[1].upper()}")


_FIRST_BEGIN = re.compile(
    r"^(?:\ufeff|\xef\xbb\xbf)?[ \t]*BEGIN:([A-Za-z-]+)[ \t]*\r?$", re.MULTILINE
)


def mentioning(terms: Iterable[str]) -> Callable[[bytes | str], bool]:
    """A test of whether an iCalendar text may hold an event naming one of `terms`; without
    terms, every text may.

    Detection matches an address (`address`: lower-cased) or a word in the title (case-blind
    `re.IGNORECASE`) against a value that icalendar read from an unfolded line and unescaped. So
    the text is unfolded as icalendar does, and each term is sought case-blind (which also
    finds whatever str.lower() would have turned into it) in every spelling those steps turn
    into it (`_WRITTEN`). Dropping the word boundaries detection asks for only keeps more."""
    pattern = mention_pattern(terms)
    if pattern is None:
        return lambda text: True
    return lambda text: pattern.search(unfolded(text)) is not None


def merge(parts: Iterable[Parsed]) -> Parsed:
    """Several texts' events as one, grouped by UID, each VTIMEZONE name once (the first):
    that choice decides no time, since `parse` gave every time its own file's zone (`mend`)."""
    components: dict[str, list[tuple[str, icalendar.Component]]] = defaultdict(list)
    zones: dict[str, icalendar.Component] = {}
    problems: list[Problem] = []
    unread: list[str] = []
    for part in parts:
        for uid, entries in part.components.items():
            components[uid].extend(entries)
        for zone in part.timezones:
            zones.setdefault(str(zone.get("TZID")), zone)
        problems += part.problems
        unread += part.unread
    return Parsed(dict(components), list(zones.values()), problems, unread)


def mentions_key(terms: Iterable[str]) -> str:
    """A short fingerprint of a set of terms, for a cursor to tell whether it was made with
    the same ones (an object skipped then may count now)."""
    text = "\n".join(sorted(set(terms)))
    return hashlib.sha256(text.encode()).hexdigest()[:16] if text else ""


def mention_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-blind pattern finding any of `terms` in any of its spellings; None for none."""
    spelled = [_spellings(term) for term in sorted(set(terms), key=len, reverse=True) if term]
    return re.compile("|".join(spelled), re.IGNORECASE) if spelled else None


def _spellings(term: str) -> str:
    """A pattern for `term` written in any of the ways `_WRITTEN` lists."""
    pieces, at = [], 0
    for special in _SPELLINGS.finditer(term):
        pieces += [re.escape(term[at : special.start()]), _WRITTEN[special.group()]]
        at = special.end()
    return "".join([*pieces, re.escape(term[at:])])


def unfolded(text: bytes | str) -> str:
    """The text as icalendar reads it: decoded (`decode`), lines unfolded
    (most texts have no fold, and looking is 15 times faster than the substitution)."""
    decoded = decode(text)
    return _FOLD.sub("", decoded) if "\n " in decoded or "\n\t" in decoded else decoded


@dataclass(frozen=True, slots=True)
class Expanded:
    """Every UID's instances inside the window, the occurrences its EXDATEs strike out there,
    the UIDs whose series could not be expanded (they exist: what the log knew of them stands)
    and what went wrong."""

    found: dict[str, tuple[EventInstance, ...]]
    excluded: dict[str, frozenset[str]]
    skipped: list[str]
    problems: list[Problem]
    read_until: dict[str, datetime] = field(default_factory=dict)  # series stopped at the cap

    def resources(self, uids: Iterable[str] | None = None) -> tuple[Resource, ...]:
        """The expanded UIDs (all, or those of `uids`) as resources, in UID order."""
        chosen = sorted(self.found if uids is None else set(uids) & set(self.found))
        return tuple(
            Resource(
                uid,
                self.found[uid],
                self.excluded.get(uid, frozenset()),
                self.read_until.get(uid),
            )
            for uid in chosen
        )


def instances(parsed: Parsed, window: Window, *, source: str, calendar: str) -> Expanded:
    """Every UID's instances inside the window; a series that cannot be expanded is skipped."""
    found: dict[str, tuple[EventInstance, ...]] = {}
    excluded: dict[str, frozenset[str]] = {}
    skipped: list[str] = []
    read_until: dict[str, datetime] = {}
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
        named = said.event_name(entries[0][1])
        try:
            if (rule := bounds.too_frequent(entries)) is not None:
                problems.append(Problem(origin, f"{FREQUENT} ({rule})", Done.SKIPPED, named))
                skipped.append(uid)
                continue
            _refuse_endless_rules(entries)
            with said.warnings_into(problems, origin, named):  # said only if it is read
                expanded, capped = bounds.expand(group, start, end, window.max_instances)
                # recurring-ical-events gives every occurrence a RECURRENCE-ID, a single
                # event's too; only a series has occurrences worth naming, or a moved single
                # event would look like a new one (and the same invite would not match Google's
                # "single").
                series = any(
                    key in component
                    for _, component in entries
                    for key in ("RRULE", "RDATE", "RECURRENCE-ID")
                )
                made = [
                    _instance(event, window.zone, source, calendar, series=series)
                    for event in expanded
                ]
                struck = _excluded(entries, window) - {i.occurrence for i in made}
        except Exception as error:  # a broken series must not stop the others
            if said.beyond(error, entries, start.date(), end.date()):
                found[uid] = ()  # read: nothing of it is inside the window
                continue
            problems.append(Problem(origin, said.reason(error), Done.SKIPPED, named))
            skipped.append(uid)
            continue
        if capped:
            cap = window.max_instances
            problems.append(Problem(origin, CAPPED.format(cap=cap), Done.CAPPED, named))
            read_until[uid] = max((i.start for i in made), default=window.start)
        found[uid] = tuple(sorted(made, key=lambda i: (i.start, i.occurrence)))
        if struck:
            excluded[uid] = frozenset(struck)
    return Expanded(found, excluded, skipped, said.once(problems), read_until)


FREQUENT = "repeats more often than daily, which no plan with someone does"
CAPPED = (
    "has more than {cap} occurrences in the sync window: the first {cap} were read "
    "(sync.max_instances_per_series)"
)


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
        kind=marked_kind(event),
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


# The properties with which the programs that fill a calendar from an address book mark what
# they made, and the kind each marks when its value does not name one (`_NAMED`): Nextcloud's
# contact birthday calendar, KDE's birthdays resource, and Apple's special days (on holidays and
# birthdays).
_MARKERS = {
    "X-NEXTCLOUD-BC-FIELD-TYPE": EventKind.SPECIAL_DAY,  # BDAY, ANNIVERSARY, DEATHDATE
    "X-KDE-KABC-BIRTHDAY": EventKind.BIRTHDAY,  # YES
    "X-KDE-KABC-ANNIVERSARY": EventKind.ANNIVERSARY,  # YES
    "X-APPLE-SPECIAL-DAY": EventKind.SPECIAL_DAY,  # WORK-HOLIDAY, ALTERNATE-WORKDAY, BIRTHDAY
}
_NAMED = {
    "BDAY": EventKind.BIRTHDAY,
    "BIRTHDAY": EventKind.BIRTHDAY,
    "ANNIVERSARY": EventKind.ANNIVERSARY,
}


def marked_kind(event: Any) -> EventKind:
    """What a client's own marker says the event is (a birthday, an anniversary, another
    special day), whatever its title says; a plain event without one. A marker set to NO or
    FALSE marks nothing."""
    for name, kind in _MARKERS.items():
        value = str(event.get(name, "")).strip().upper()
        if value and value not in ("NO", "FALSE"):
            return _NAMED.get(value, kind)
    return EventKind.EVENT


def _refuse_endless_rules(entries: Sequence[tuple[str, Any]]) -> None:
    """An RRULE with INTERVAL=0 never advances: expanding it would hang the sync (servers such
    as Radicale accept it), so the series is refused before it is expanded."""
    for _, component in entries:
        rules = component.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules else []:
            if any(int(n) < 1 for n in rule.get("INTERVAL", [1])):
                raise ValueError("its RRULE has an INTERVAL below 1")


def _excluded(entries: Sequence[tuple[str, Any]], window: Window) -> set[str]:
    """The occurrences inside the window that a series' EXDATEs strike out, named as
    `EventInstance.occurrence` names them (the original start in UTC)."""
    struck: set[str] = set()
    for _, master in entries:
        if "RRULE" not in master or "RECURRENCE-ID" in master:
            continue
        for moment in _exdates(master.get("EXDATE")):
            excluded = to_utc(moment, window.zone)
            if window.start <= excluded < window.end:
                struck.add(occurrence_of(excluded))
    return struck


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
    """The address an ORGANIZER or ATTENDEE stands for, as clients write it: `mailto:` in any
    case, or iCloud's `urn:uuid:` with the address in `EMAIL=` (`nudger.core.addresses`)."""
    params = getattr(value, "params", None) or {}
    email = params.get("EMAIL")
    return calendar_address(str(value), None if email is None else str(email))


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
