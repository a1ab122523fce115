"""A plain CSV for anything else: a header naming `time,person,direction,channel` (in any
order, any case), optionally `kind` (message or call) and `id`. `time` is ISO 8601, with an
offset or without (then read in the zone given); `direction` is `in`/`incoming` (the person
started it) or `out`/`outgoing` (the user did), and for a call also `missed` (theirs, not
taken). `id`, when there, is the row's `ident`; else the row's own values are, with an ordinal
among equal rows next to each other (two calls in the same minute)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, tzinfo
from pathlib import Path

from integrations.imports import source
from nudger.ports import CallType, Chat, ChatRecord, ExportFormatError, Party, SkippedRecord

_REQUIRED = ("time", "person", "direction", "channel")
_DIRECTIONS = {"in": False, "incoming": False, "out": True, "outgoing": True}
_CHANNEL = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


def _columns(line: str) -> list[str]:
    """The column names a header line gives; none for a line no CSV starts with (a zip's or
    any binary file's first bytes can hold a lone CR, which the csv module refuses)."""
    try:
        return [name.strip().lower() for name in next(csv.reader([line]), [])]
    except csv.Error:
        return []


class CsvReader:
    """Reads a CSV of messages and calls, one a row."""

    name = "csv"

    def sniff(self, path: Path, head: bytes) -> bool:
        first = source.head_text(head).lstrip("\ufeff").partition("\n")[0].rstrip("\r")
        return set(_REQUIRED) <= set(_columns(first))

    def read(self, path: Path, *, zone: tzinfo) -> Iterator[ChatRecord | SkippedRecord]:
        with source.open_text(path) as text:
            numbered = source.lines(text, path.name)
            header = next(numbered, (0, ""))[1].lstrip("\ufeff")
            columns = _columns(header)
            missing = [name for name in _REQUIRED if name not in columns]
            if missing:
                raise ExportFormatError(
                    f"{path.name}: its first line must name the columns "
                    f"{','.join(_REQUIRED)} (missing: {', '.join(missing)})."
                )
            previous: tuple[str, int] = ("", 0)
            for number, line in numbered:
                if not line.strip():
                    continue
                values = next(csv.reader([line]), [])
                row = dict(zip(columns, (value.strip() for value in values), strict=False))
                record = _row(row, len(values) == len(columns), zone, f"line {number}")
                if isinstance(record, SkippedRecord) or row.get("id"):
                    yield record
                    continue
                ordinal = previous[1] + 1 if previous[0] == record.ident else 0
                previous = (record.ident, ordinal)
                yield replace(record, ident=f"{record.ident}|{ordinal}")


def _row(row: dict[str, str], whole: bool, zone: tzinfo, where: str) -> ChatRecord | SkippedRecord:
    if not whole:
        return SkippedRecord(where=where, reason="not as many values as the header has columns")
    person, channel = row["person"], row["channel"].lower()
    direction, kind = row["direction"].lower(), row.get("kind", "message").lower() or "message"
    try:
        at = datetime.fromisoformat(row["time"])
    except ValueError:
        return SkippedRecord(where=where, reason=f"no ISO 8601 time in {row['time']!r}")
    at = at.replace(tzinfo=zone) if at.tzinfo is None else at
    if not person:
        return SkippedRecord(where=where, reason="no person")
    if not _CHANNEL.fullmatch(channel):
        return SkippedRecord(where=where, reason=f"not a channel name: {row['channel']!r}")
    if kind not in ("message", "call"):
        return SkippedRecord(where=where, reason=f"kind {kind!r} is neither message nor call")
    missed = kind == "call" and direction == "missed"
    if direction not in _DIRECTIONS and not missed:
        return SkippedRecord(where=where, reason=f"direction {direction!r} is neither in nor out")
    mine = _DIRECTIONS.get(direction, False)
    other = Party(name=person)
    call: CallType | None = None
    if kind == "call":
        call = CallType.MISSED if missed else CallType.OUTGOING if mine else CallType.INCOMING
    ident = row.get("id") or "|".join((row["time"], person, direction, channel, kind))
    return ChatRecord(
        at=at,
        chat=Chat(id=person, title=person, with_=other, group=False),
        sender=Party(me=True) if mine else other,
        ident=ident,
        channel=channel,
        call=call,
    )


def create() -> CsvReader:
    """The `csv` entry point."""
    return CsvReader()
