"""WhatsApp's "Export chat" text (`.txt`, or the `.zip` it shares with `_chat.txt` inside), in
the layouts of the common locales: Android `12/31/23, 9:41 PM - Name: text`, `31/12/2023, 21:41 -
…`, `31.12.23, 21:41 - …`; iOS `[31/12/2023, 21:41:07] Name: text`; a narrow no-break space or
"a.m."/"p.m." for the half of the day; the U+200E marks iOS inserts.

Our own parser, not whatstk or chat-miner: both read the whole file into memory and build a
pandas (or polars) frame, and chat-miner guesses each line's date on its own, where the layout
is one per file. This one reads the file twice, line by line: once to settle the layout (is
"03/04" the 3rd of April or March the 4th? a day above 12 decides, else the order the export is
written in; if neither does, `ExportFormatError` and the reader can be told `day_first`), and who
speaks (more than two senders: a group); then to yield the records. Text is hashed into the
`ident`, never kept. System lines (encryption notice, "X created group", "X added Y") are not
messages; "<Media omitted>" is. A "Missed voice call" line is a missed call by its sender."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import IO

from integrations.imports import source
from nudger.ports import CallType, Chat, ChatRecord, ExportFormatError, Party, SkippedRecord

_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff"))
_CLEAN = _MARKS | {0x202F: " ", 0x00A0: " "}
_DATE = r"(?P<a>\d{1,4})[./-](?P<b>\d{1,2})[./-](?P<c>\d{2,4})"
_TIME = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?"
_HALF = r"(?:\s?(?P<half>[AaPp])\.?\s?[Mm]\.?)?"
_ANDROID = re.compile(rf"{_DATE},? {_TIME}{_HALF} - (?P<rest>.*)")
_IOS = re.compile(rf"\[{_DATE},? {_TIME}{_HALF}\] (?P<rest>.*)")
_SYSTEM = re.compile(
    r"(Messages and calls are end-to-end encrypted.*|Messages to this group are now secured.*"
    r"|Your security code with .* changed.*|.* created (the )?group.*|.* added .*|.* left"
    r"|.* removed .*|.* changed (the subject|this group's|the group|their phone number).*"
    r"|.* joined using this group's invite link|You're now an admin|.* is a contact\.?"
    r"|Disappearing messages.*|This chat is with a business account.*)"
)
_SUBJECT_CHANGE = re.compile(r" changed (the subject|this group's|the group)")
_MISSED_CALL = re.compile(r"Missed (group )?(voice|video) call(, .*)?")
_TITLE_PREFIXES = ("WhatsApp Chat with ", "WhatsApp Chat - ", "WhatsApp Chat mit ")


@dataclass(frozen=True, slots=True)
class _Header:
    """The parts of a message's first line, as written."""

    parts: tuple[int, int, int]
    time: tuple[int, int, int]
    half: str | None  # "a" / "p", or None: a 24-hour clock
    rest: str  # "Name: text", or a system line


def _header(line: str) -> _Header | None:
    clean = line if line.isascii() else line.translate(_CLEAN)
    if not clean[:1].isdigit() and not clean.startswith("["):
        return None
    found = _ANDROID.match(clean) or _IOS.match(clean)
    if found is None:
        return None
    half = found["half"]
    return _Header(
        parts=(int(found["a"]), int(found["b"]), int(found["c"])),
        time=(int(found["hour"]), int(found["minute"]), int(found["second"] or 0)),
        half=half.lower() if half else None,
        rest=found["rest"],
    )


def _sender_and_text(header: _Header, raw_line: str) -> tuple[str, str] | None:
    """The sender and the text of a message line; None for a system line. Android writes those
    without a sender ("Alice added Bob"), iOS as from the chat with a U+200E before the text."""
    name, colon, text = header.rest.partition(": ")
    if not colon or not name.strip() or _SUBJECT_CHANGE.search(name):
        return None
    if ": \u200e" in raw_line and _SYSTEM.fullmatch(text.strip()):
        return None
    return name.strip(), text


@dataclass(slots=True)
class _Layout:
    """What the first pass learns about the whole file, in constant memory."""

    year_first: bool = False
    day_over: bool = False  # a first number above 12: day-first
    month_over: bool = False  # a second number above 12: month-first
    back_if_day_first: int = 0  # steps back in time if read day-first
    back_if_month_first: int = 0
    senders: set[str] = field(default_factory=set)
    headers: int = 0
    last: tuple[int, int, int] | None = None

    def see(self, parts: tuple[int, int, int]) -> None:
        a, b, c = parts
        self.headers += 1
        self.year_first = self.year_first or a > 31
        self.day_over = self.day_over or a > 12
        self.month_over = self.month_over or b > 12
        if self.last is not None:
            la, lb, lc = self.last
            self.back_if_day_first += (c, b, a) < (lc, lb, la)
            self.back_if_month_first += (c, a, b) < (lc, la, lb)
        self.last = parts

    def day_first(self, forced: bool | None, name: str) -> bool:
        """Day-first or month-first for the whole file: a number above 12 decides, else the
        order of the export (oldest first: one reading never steps back a day, the other does),
        else what the reader was told; never a guess per line."""
        if self.year_first:
            return False
        found: bool | None = None
        if self.day_over and self.month_over:
            raise ExportFormatError(
                f"{name}: its dates are neither all day-first nor all month-first "
                "(both the first and the second number go above 12)."
            )
        if self.day_over or self.month_over:
            found = self.day_over
        elif forced is None:
            if self.back_if_day_first == 0 < self.back_if_month_first:
                found = True
            elif self.back_if_month_first == 0 < self.back_if_day_first:
                found = False
        if found is not None and forced is not None and found != forced:
            order = "day-first" if found else "month-first"
            raise ExportFormatError(f"{name}: its dates are {order}, not as the reader was told.")
        result = found if found is not None else forced
        if result is None:
            raise ExportFormatError(
                f"{name}: no date in it tells day-first from month-first (no number above 12 "
                "and no order that only one reading keeps); export a longer span of the chat."
            )
        return result


class WhatsAppReader:
    """Reads a WhatsApp text export. `day_first` says the date order when the file cannot
    settle it (None: the file decides, or the read fails saying so)."""

    name = "whatsapp"

    def __init__(self, day_first: bool | None = None) -> None:
        self.day_first = day_first

    def sniff(self, path: Path, head: bytes) -> bool:
        if head.startswith(b"PK\x03\x04"):
            member = _first_member_name(head)
            return member.endswith(".txt") and (
                member == "_chat.txt" or "whatsapp" in (member + path.name).lower()
            )
        if path.suffix.lower() != ".txt":  # the app writes nothing else (signal-export's chat.md
            return False  # has a line shape WhatsApp also uses, in Swedish)
        text = source.head_text(head)
        if text.lstrip().startswith(("{", "<")):
            return False
        return any(_header(line) is not None for line in text.splitlines()[:50])

    def read(self, path: Path, *, zone: tzinfo) -> Iterator[ChatRecord | SkippedRecord]:
        name = path.name
        layout = _Layout()
        with _opened(path) as (title, text):
            for _, line in source.lines(text, name):
                header = _header(line)
                if header is None:
                    continue
                layout.see(header.parts)
                said = _sender_and_text(header, line)
                if said is not None:
                    layout.senders.add(said[0])
        if layout.headers == 0:
            raise ExportFormatError(f"{name} has no line in a WhatsApp export's layout.")
        day_first = layout.day_first(self.day_first, name)
        chat = Chat(id=title, title=title, group=True if len(layout.senders) > 2 else None)
        with _opened(path) as (_, text):
            yield from _records(text, name, (layout.year_first, day_first), chat, zone)


def _records(
    text: IO[str], name: str, order: tuple[bool, bool], chat: Chat, zone: tzinfo
) -> Iterator[ChatRecord | SkippedRecord]:
    pending: tuple[datetime, str, list[str], bool] | None = None  # at, sender, text, missed call
    ordinals: dict[tuple[str, str, str], int] = {}
    last_day: date | None = None
    for number, line in source.lines(text, name):
        header = _header(line)
        if header is None:
            if pending is not None:
                pending[2].append(line)
            continue
        if pending is not None:
            yield _record(pending, chat, ordinals)
            pending = None
        try:
            at = _local_time(header, order, zone)
        except ValueError as error:
            yield SkippedRecord(where=f"line {number}", reason=str(error))
            continue
        said = _sender_and_text(header, line)
        if said is None:
            continue
        if last_day is None or at.date() > last_day:
            ordinals.clear()  # equal messages share a minute: a new day needs no old counts
            last_day = at.date()
        sender, first = said
        missed = _MISSED_CALL.fullmatch(first.translate(_MARKS).strip()) is not None
        pending = (at, sender, [first], missed)
    if pending is not None:
        yield _record(pending, chat, ordinals)


def _record(
    pending: tuple[datetime, str, list[str], bool],
    chat: Chat,
    ordinals: dict[tuple[str, str, str], int],
) -> ChatRecord:
    at, sender, text, missed = pending
    key = (at.replace(tzinfo=None).isoformat(), sender, source.digest("\n".join(text)))
    ordinal = ordinals.get(key, 0)
    ordinals[key] = ordinal + 1
    return ChatRecord(
        at=at,
        chat=chat,
        sender=Party(name=sender),
        ident=f"{key[0]}|{sender}|{key[2]}|{ordinal}",
        channel="whatsapp",
        call=CallType.MISSED if missed and len(text) == 1 else None,
    )


def _local_time(header: _Header, order: tuple[bool, bool], zone: tzinfo) -> datetime:
    a, b, c = header.parts
    year_first, day_first = order
    if year_first:
        year, month, day = a, b, c
    else:
        year = c + 2000 if c < 100 else c
        day, month = (a, b) if day_first else (b, a)
    hour, minute, second = header.time
    if header.half is not None:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} on a 12-hour clock")
        hour = hour % 12 + (12 if header.half == "p" else 0)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        written = f"{day:02}/{month:02}/{year} {hour}:{minute:02}"
        raise ValueError(f"no such date or time: {written}") from None


def chat_title(file_name: str) -> str:
    """The chat's title from an export's file name: "WhatsApp Chat with Alice.txt" → "Alice"."""
    stem = Path(file_name).stem
    for prefix in _TITLE_PREFIXES:
        if stem.startswith(prefix):
            return stem[len(prefix) :].strip() or stem
    return stem


@contextmanager
def _opened(path: Path) -> Iterator[tuple[str, IO[str]]]:
    """The chat's title and its text, from a `.txt` or from the `.txt` inside a `.zip`."""
    if not zipfile.is_zipfile(path):
        with source.open_text(path) as text:
            yield chat_title(path.name), text
        return
    try:
        with zipfile.ZipFile(path) as archive:
            texts = [n for n in archive.namelist() if n.endswith(".txt") and "/" not in n]
            if len(texts) != 1:
                raise ExportFormatError(f"{path.name} holds no single chat text (.txt) file.")
            title = chat_title(path.name if texts[0] == "_chat.txt" else texts[0])
            with archive.open(texts[0]) as raw, source.text_stream(raw) as text:
                yield title, text
    except (zipfile.BadZipFile, OSError) as error:
        raise ExportFormatError(f"{path.name} is not a readable zip archive: {error}.") from None


def _first_member_name(head: bytes) -> str:
    """The name of a zip's first member, from its local header (a zip lists its members at the
    end, beyond a sniff's head)."""
    if len(head) < 30:
        return ""
    size = int.from_bytes(head[26:28], "little")
    return head[30 : 30 + size].decode("utf-8", errors="replace")


def create() -> WhatsAppReader:
    """The `whatsapp` entry point: a reader that lets each file settle its date order."""
    return WhatsAppReader()
