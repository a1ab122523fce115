"""Signal Desktop's messages as exported by signal-export (carderne/signal-export, `sigexport`),
the maintained exporter: it writes a folder per chat (named after the contact or group) with
`chat.md` and `data.json`, which holds one JSON object per line, per message:
`{"date": "2024-01-02T10:11:12", "sender": "Me" | name, "body", "quote", "sticker",
"reactions", "attachments", "deleted"}`, plus `"call"` and `"missed"` since v3.9.0 (July 2026).
Import the `data.json` of each chat folder; the chat is the folder's name.

`date` is the exporting computer's local time without an offset: it is read in the zone given.
"Me" is the exporter's marker for the user's side. A call is a record with `call: true`; before
v3.9.0 a call was written as a message whose body is "Incoming call" or "Outgoing call", with the
contact as the sender either way, so there its body says the side. The body is hashed into the
`ident` (sigexport writes no message id), never kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from integrations.imports import source
from nudger.ports import CallType, Chat, ChatRecord, ExportFormatError, Party, SkippedRecord

_ME = "Me"
_NO_SENDER = "No-Sender"
_OLD_CALLS = {"Incoming call": False, "Outgoing call": True}  # body → placed by the user


class SignalReader:
    """Reads a chat's `data.json` as signal-export writes it."""

    name = "signal"

    def sniff(self, path: Path, head: bytes) -> bool:
        first = source.head_text(head).lstrip("\ufeff").partition("\n")[0]
        try:
            item = json.loads(first)
        except ValueError:
            return False
        return isinstance(item, dict) and {"date", "sender", "body"} <= item.keys()

    def read(self, path: Path, *, zone: tzinfo) -> Iterator[ChatRecord | SkippedRecord]:
        title = path.parent.name or path.stem
        others: set[str] = set()
        readable = 0
        with source.open_text(path) as text:
            for _, line in source.lines(text, path.name):
                item = _parse(line)
                if item is not None:
                    readable += 1
                    if item["sender"] not in (_ME, _NO_SENDER):
                        others.add(item["sender"])
        if readable == 0:
            raise ExportFormatError(f"{path.name} holds no message as signal-export writes them.")
        chat = Chat(id=title, title=title, group=True if len(others) > 1 else None)
        ordinals: dict[tuple[str, str, str], int] = {}
        with source.open_text(path) as text:
            for number, line in source.lines(text, path.name):
                if line.strip():
                    yield _record(_parse(line), chat, zone, f"line {number}", ordinals)


def _parse(line: str) -> dict[str, Any] | None:
    try:
        item = json.loads(line)
    except ValueError:
        return None
    if not isinstance(item, dict) or not isinstance(item.get("sender"), str):
        return None
    if not isinstance(item.get("date"), str):
        return None
    return item


def _record(
    item: dict[str, Any] | None,
    chat: Chat,
    zone: tzinfo,
    where: str,
    ordinals: dict[tuple[str, str, str], int],
) -> ChatRecord | SkippedRecord:
    if item is None:
        return SkippedRecord(where=where, reason="not a message as signal-export writes them")
    written, sender = item["date"], item["sender"]
    if sender == _NO_SENDER:
        return SkippedRecord(where=where, reason="the exporter found no sender")
    try:
        at = datetime.fromisoformat(written)
    except ValueError:
        return SkippedRecord(where=where, reason=f"no readable date in {written!r}")
    at = at.replace(tzinfo=zone) if at.tzinfo is None else at
    body = item.get("body") if isinstance(item.get("body"), str) else ""
    key = (written, sender, source.digest(body or ""))
    if ordinals and next(iter(ordinals))[0] != written:
        ordinals.clear()  # the export is in time order: equal records sit together
    ordinal = ordinals.get(key, 0)
    ordinals[key] = ordinal + 1
    ident = "|".join((*key, str(ordinal)))
    mine = sender == _ME
    party = Party(me=True) if mine else Party(name=sender, me=False)
    call: CallType | None = None
    if item.get("call") is True:
        call = CallType.OUTGOING if mine else _incoming(item.get("missed") is True)
    elif "call" not in item and (body or "").strip() in _OLD_CALLS:
        placed_by_me = _OLD_CALLS[(body or "").strip()]
        call = CallType.OUTGOING if placed_by_me else CallType.INCOMING
        party = Party(me=True) if placed_by_me else Party(name=sender, me=False)
    return ChatRecord(at=at, chat=chat, sender=party, ident=ident, channel="signal", call=call)


def _incoming(missed: bool) -> CallType:
    return CallType.MISSED if missed else CallType.INCOMING


def create() -> SignalReader:
    """The `signal` entry point."""
    return SignalReader()
