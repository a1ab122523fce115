"""Relevance per event: a calendar text split into its events before anything parses it.

Parsing is what a sync pays for, and a 50 MB export holding 116,000 events of which 10 name a
tracked person must not cost as much as one where all of them do (issue 15, Build 10). So a
text is cut at the text level into its VEVENTs, VTIMEZONEs and own lines (`split`), each event
is tested on its own (`ical.mentioning`'s search, on its unfolded lines), and only the chosen
events are parsed: by icalendar itself, as one small VCALENDAR made of the text's own lines
(VERSION, PRODID, X-WR-TIMEZONE...), all its VTIMEZONEs and those events. So what is read is
read exactly as before; only what is not read changed.

What travels together: every VEVENT of one UID (a series and its overrides, in one file or in
several files of a folder), chosen when any of them mentions a term, and an event whose UID was
chosen at the last sync (`known`), read once more whatever it says now, so a tracked person
taken off it is seen as such and not as a vanished plan. UIDs are compared as icalendar reads
them (the exact value, unfolded and unescaped), never as substrings: a UID "1" chooses only the
event whose UID is "1". An event without a UID is read when it mentions a term: its identity is
made from its content (`ical.derived_uid`), so an edit that stops mentioning anyone makes it
another event anyway.

A text this does not understand (more than one VCALENDAR, a bare VEVENT, a folded BEGIN line,
components that do not nest) is not split: it is read whole when it mentions a term, is cut
short, or holds a chosen UID, as every file was before. Reading more is harmless; skipping an
event detection would find someone in never happens.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace

from icalendar.parser import Contentline

from integrations.calendars import ical

# A BEGIN or END line that is not folded on into the next one (a fold would change its name).
# Sought after a line break (literal, so quick), the first line on its own (`_FIRST`).
_EDGE = re.compile(
    rb"\n([Bb][Ee][Gg][Ii][Nn]|[Ee][Nn][Dd]):([A-Za-z0-9-]+)[ \t]*"
    rb"(?=\r?\n(?!(?:\r?\n)*[ \t])|\r?\Z)"
)
_FIRST = re.compile(rb"(BEGIN|END):([A-Za-z0-9-]+)[ \t]*(?=\r?\n(?!(?:\r?\n)*[ \t])|\r?\Z)", re.I)
# An event's UID line as written, when it is plainly one: not folded on, no parameter, escape
# or quote (`Contentline.parts` would read it as its text). Anything else is read slowly.
_PLAIN_UID = re.compile(rb'\nUID:([^\r\n\\"]*)\r?\n(?![\r\n \t])')
_ANY_UID = re.compile(rb"\n[Uu][Ii][Dd][;:]")
_CHUNK = 256  # events searched for a term at once: a chunk without one has no event with one
# A UID line, unfolded (so its value is whole); the name is case-blind, as icalendar reads it.
_UID = re.compile(r"^UID[;:][^\r\n]*", re.M | re.I)
# A component inside an event (a VALARM, which Apple gives a UID of its own): not the event's.
_INNER = re.compile(r"^BEGIN:(?!VEVENT\b)([A-Za-z0-9-]+).*?^END:\1\b", re.M | re.S | re.I)
_LONE_CR = re.compile(rb"\r(?!\n)")
_MARKS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)


@dataclass(frozen=True, slots=True)
class Event:
    """One VEVENT as written: its UID as icalendar reads it (None: it has none, or several),
    where its text is (`Split.data[start:end]`) and whether it mentions a term. Only where: a
    copy of every event's text would hold the file twice."""

    uid: str | None
    start: int
    end: int
    mentions: bool


@dataclass(frozen=True, slots=True)
class Split:
    """A VCALENDAR cut into its own lines (`head`, from BEGIN:VCALENDAR on), its VTIMEZONEs and
    its events; other components (VTODO, VJOURNAL) are left out: no plan is read from them."""

    data: bytes  # the whole text, UTF-8
    head: bytes
    zones: list[bytes]
    events: list[Event]

    def calendar(self, chosen: Iterable[Event]) -> bytes:
        """A VCALENDAR of the chosen events with this text's own lines and zones."""
        texts = [self.data[event.start : event.end] for event in chosen]
        return b"".join([self.head, *self.zones, *texts, b"END:VCALENDAR\r\n"])


@dataclass(frozen=True, slots=True)
class Relevant:
    """What `relevant` parsed, and the UIDs that mentioned a term: the next sync reads those
    again whatever they say then (its `known`)."""

    parsed: ical.Parsed
    mentioned: frozenset[str] = field(default_factory=frozenset)


def relevant(
    texts: Sequence[tuple[str, bytes | str]], terms: Iterable[str], known: Collection[str] = ()
) -> Relevant:
    """The events of `texts` that may involve someone: those of a UID one of whose events
    mentions a term, or that was chosen last time (`known`); without terms, every event."""
    terms = set(terms)
    pattern = ical.mention_pattern(terms)
    if pattern is None:
        return Relevant(ical.parse(texts))
    mentioning = _Mentioning(pattern, terms)
    splits: list[Split | None] = []
    mentioned: set[str] = set()
    for _, text in texts:
        cut = split(text, mentioning)
        splits.append(cut)
        if cut is not None:
            mentioned.update(e.uid for e in cut.events if e.mentions and e.uid is not None)
        elif pattern.search(ical.unfolded(text)):
            mentioned |= uids_in(text)  # a text read whole: all of its events count
    chosen = mentioned | set(known)
    parts = []
    for (origin, text), cut in zip(texts, splits, strict=True):
        if cut is not None:
            events = [e for e in cut.events if e.mentions or e.uid in chosen]
            if events:
                parts.append(ical.parse([(origin, cut.calendar(events))]))
        elif not ical.whole(text) or pattern.search(ical.unfolded(text)):
            parts.append(ical.parse([(origin, text)]))
        elif uids_in(text) & chosen:  # it holds a chosen UID's override (or master)
            part = ical.parse([(origin, text)])
            held = {uid: found for uid, found in part.components.items() if uid in chosen}
            parts.append(replace(part, components=held))
    return Relevant(ical.merge(parts), frozenset(mentioned))


class _Mentioning:
    """`ical.mention_pattern`, with a quick first look: each term's longest stretch of plain
    ASCII (no character that may be written otherwise, nor i, k or s, which Unicode case-blind
    matching pairs with İ, ı, K or ſ) must be in the lower-cased text, and finding that with
    str.find is many times quicker than the case-blind pattern over 50 MB."""

    def __init__(self, pattern: re.Pattern[str], terms: Iterable[str]) -> None:
        self.pattern = pattern
        stretches = [max(_NOT_PLAIN.split(term.lower()), key=len) for term in terms if term]
        self.anchors = stretches if all(stretches) else None  # None: always the pattern

    def search(self, text: str) -> bool:
        if self.anchors is not None:
            lowered = text.lower()
            if not any(anchor in lowered for anchor in self.anchors):
                return False
        return self.pattern.search(text) is not None


_NOT_PLAIN = re.compile(r"[^\x20-\x7e]|[iks\\,;:'\"]")


def split(text: bytes | str, mentioning: _Mentioning) -> Split | None:
    """The text as one VCALENDAR's lines, zones and events, each event tested against
    `mentioning`; None when it is not simply that. A text is worked on as UTF-8 bytes, so a
    large one is never held twice: one in another encoding (a byte order mark, NUL bytes of
    UTF-16 without one, bytes that are not UTF-8) or with lone CR line ends is first made so
    by `ical.decode`, which reads it as the parser would."""
    data = text if isinstance(text, bytes) and not _foreign(text) else ical.decode(text).encode()
    try:
        return _cut(data, mentioning)
    except UnicodeDecodeError:  # not UTF-8 after all: read as `decode` reads it
        return _cut(ical.decode(data).encode(), mentioning)


def _foreign(data: bytes) -> bool:
    """Whether bytes are not plain UTF-8 with CRLF or LF line ends."""
    if data.startswith(_MARKS) or b"\0" in data[:4096]:
        return True
    return b"\r" in data and _LONE_CR.search(data) is not None


def _cut(data: bytes, mentioning: _Mentioning) -> Split | None:
    stack: list[bytes] = []
    head: list[bytes] = []
    zones: list[bytes] = []
    events: list[Event] = []
    spans: list[tuple[int, int, bool]] = []  # each event's start, end, and whether it nests
    begun, last, child, nested = False, 0, 0, False
    first = _FIRST.match(data)
    edges = [(first, first.start())] if first else []
    for edge, start in itertools.chain(edges, ((e, e.start() + 1) for e in _EDGE.finditer(data))):
        ends = data.find(b"\n", edge.end())
        end = len(data) if ends == -1 else ends + 1  # the line with its line break
        name = edge[2].upper()
        if edge[1].upper() == b"BEGIN":
            nested = nested or len(stack) == 2
            if not stack:  # the VCALENDAR, the first and only one, after nothing but space
                if begun or name != b"VCALENDAR" or data[:start].strip():
                    return None
                begun, last = True, start
            elif len(stack) == 1:
                head.append(data[last:start])
                child, nested = start, False
            stack.append(name)
            continue
        if not stack or stack.pop() != name:
            return None
        if len(stack) == 1:
            last = end
            if name == b"VEVENT":
                spans.append((child, last, nested))
            elif name == b"VTIMEZONE":
                zones.append(data[child:last])
        elif not stack:
            head.append(data[last:start])
            if data[end:].strip():
                return None
    if stack or not begun:
        return None
    own = b"".join(head)
    for checked in (own, *zones):
        checked.decode()  # not UTF-8: UnicodeDecodeError, which `split` handles
    events = []
    for at in range(0, len(spans), _CHUNK):
        chunk = spans[at : at + _CHUNK]
        # Unfolding stops at each event's edges (`_EDGE`), so this is the events' texts joined.
        text = _unfold(data[chunk[0][0] : chunk[-1][1]].decode())
        anyone = mentioning.search(text)
        events += [_event(data, *span, mentioning if anyone else None) for span in chunk]
    return Split(data, own if own.endswith(b"\n") else own + b"\r\n", zones, events)


def _event(
    data: bytes, start: int, end: int, nested: bool, mentioning: _Mentioning | None
) -> Event:
    """An event, tested against `mentioning` (None: its chunk mentions no term)."""
    unfolded = _unfold(data[start:end].decode()) if mentioning or nested else ""
    mentions = mentioning is not None and mentioning.search(unfolded)
    plain = None if nested else _PLAIN_UID.search(data, start, end)
    first = None if plain is None else _ANY_UID.search(data, start, end)
    if (
        plain
        and first
        and first.start() == plain.start()
        and not _ANY_UID.search(data, plain.end(), end)
    ):
        return Event(plain[1].decode().strip() or None, start, end, mentions)
    own = _INNER.sub("", unfolded or _unfold(data[start:end].decode()))  # not an alarm's UID
    lines = _UID.findall(own)
    uid = (_value(lines[0]) or None) if len(lines) == 1 else None
    return Event(uid, start, end, mentions)


def _unfold(text: str) -> str:
    """`ical.unfolded`, quicker for the common case (every line ends CRLF, no run of line
    breaks before a fold), where removing each CRLF + space or tab is the same thing."""
    if "\n " not in text and "\n\t" not in text:
        return text
    if text.count("\n") != text.count("\r\n") or "\n\r\n" in text:
        return ical.unfolded(text)
    return text.replace("\r\n ", "").replace("\r\n\t", "")


def uids_in(text: bytes | str) -> set[str]:
    """Every UID written in a text (an alarm's too: more is harmless), exactly as read."""
    found = set()
    for line in _UID.findall(ical.unfolded(text)):
        found.add(_value(line))
    return found - {""}


def _value(line: str) -> str:
    """A UID line's value as `ical.parse` reads it; empty for one icalendar cannot read. A
    plain one (no parameter, escape or quote) is its text, as `Contentline.parts` would say."""
    if line[3] == ":" and not any(c in line for c in '\\"'):
        return line[4:].rstrip("\r").strip()
    try:
        parts = Contentline(line.rstrip("\r")).parts()  # type: ignore[no-untyped-call]
    except ValueError:
        return ""
    return str(parts[2]).strip()
