"""A tiny export format for the importer's tests (not a product reader): a first line
`#nudger-lines`, then one record a line, `TIME;CHAT;SENDER;WHAT[;group]`.

TIME is a local ISO time (read in the zone given), SENDER is `me!` (the export marks the user),
a number starting with + (a phone), or a name; WHAT is `msg`, or a call: `out`, `in`, `missed`.
A line `bad` is skipped; a line `broken` makes the file broken as a whole (after what came
before it was yielded, as a real reader may)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, tzinfo
from pathlib import Path

from nudger.ports import (
    CallType,
    Chat,
    ChatRecord,
    ExportFormatError,
    Party,
    SkippedRecord,
)

HEADER = "#nudger-lines"
CALLS = {"out": CallType.OUTGOING, "in": CallType.INCOMING, "missed": CallType.MISSED}


class LinesReader:
    name = "lines"

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.startswith(HEADER.encode())

    def read(self, path: Path, *, zone: tzinfo) -> Iterator[ChatRecord | SkippedRecord]:
        seen: Counter[str] = Counter()
        with path.open(encoding="utf-8") as file:
            if file.readline().strip() != HEADER:
                raise ExportFormatError(f"{path} does not start with {HEADER}")
            for number, line in enumerate(file, start=2):
                text = line.strip()
                if text == "broken":
                    raise ExportFormatError(f"{path} is cut short at line {number}")
                if text == "bad" or text.count(";") < 3:
                    yield SkippedRecord(f"line {number}", "not TIME;CHAT;SENDER;WHAT")
                    continue
                yield record(text, zone, seen)


def party(sender: str) -> Party:
    if sender == "me!":
        return Party(me=True)
    if sender.startswith("+"):
        return Party(phone=sender)
    return Party(name=sender)


def record(text: str, zone: tzinfo, seen: Counter[str]) -> ChatRecord:
    at, chat, sender, what, *rest = text.split(";")
    ident = f"{at}|{sender}|{what}"
    seen[ident] += 1
    return ChatRecord(
        at=datetime.fromisoformat(at).replace(tzinfo=zone),
        chat=Chat(id=chat, group=True if rest == ["group"] else None),
        sender=party(sender),
        ident=f"{ident}|{seen[ident]}",
        channel="testchat" if what == "msg" else "phone",
        call=CALLS.get(what),
    )
