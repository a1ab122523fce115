"""The Signal reader on what signal-export (`sigexport`) writes for a chat: `data.json`, one
message a line, "Me" for the user; calls from v3.9.0 on by their `call`/`missed` fields, and
before it by their body, whose sender the exporter wrote wrongly for outgoing calls."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from integrations.imports.signal import SignalReader
from nudger.ports import CallType, ChatRecord, SkippedRecord
from tests.integrations.imports import samples

BERLIN = ZoneInfo("Europe/Berlin")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


MESSAGES = [(at(2024, 3, 1, 8, 0), "Alice", "morning"), (at(2024, 3, 1, 8, 3), "Me", "hi!")]
CALLS = [
    (at(2024, 3, 2, 19, 0), "Me", False),
    (at(2024, 3, 3, 19, 0), "Alice", True),
    (at(2024, 3, 4, 19, 0), "Alice", False),
]


def read(path: Path) -> list[ChatRecord | SkippedRecord]:
    return list(SignalReader().read(path, zone=BERLIN))


def summary(records: list[ChatRecord | SkippedRecord]) -> list[tuple[object, ...]]:
    return [
        (r.at, r.sender.name, r.sender.me, r.call, r.chat.id)
        for r in records
        if isinstance(r, ChatRecord)
    ]


def test_messages_and_calls_of_a_chat_folder(tmp_path: Path) -> None:
    path = samples.signal_export(tmp_path / "signal-chats", "Alice", MESSAGES, calls=CALLS)
    records = read(path)
    assert summary(records) == [
        (at(2024, 3, 1, 8, 0), "Alice", False, None, "Alice"),
        (at(2024, 3, 1, 8, 3), None, True, None, "Alice"),
        (at(2024, 3, 2, 19, 0), None, True, CallType.OUTGOING, "Alice"),
        (at(2024, 3, 3, 19, 0), "Alice", False, CallType.MISSED, "Alice"),
        (at(2024, 3, 4, 19, 0), "Alice", False, CallType.INCOMING, "Alice"),
    ]
    assert all(isinstance(r, ChatRecord) and r.channel == "signal" for r in records)
    assert "morning" not in repr(records)


def test_calls_before_v3_9_are_read_from_their_body(tmp_path: Path) -> None:
    path = samples.signal_export(tmp_path, "Alice", MESSAGES, calls=CALLS[:2], version="3.8")
    assert [(r.sender.me, r.call) for r in read(path) if isinstance(r, ChatRecord)] == [
        (False, None),
        (True, None),
        (True, CallType.OUTGOING),
        (False, CallType.INCOMING),
    ]


def test_two_other_senders_make_a_group_and_a_bad_line_is_skipped(tmp_path: Path) -> None:
    chat = [*MESSAGES, (at(2024, 3, 1, 9, 0), "Sam", "me too")]
    path = samples.signal_export(tmp_path, "Climbing", chat)
    with path.open("a", encoding="utf-8") as data:
        data.write('{"date": "yesterday", "sender": "Sam", "body": "x"}\n{"date": "2024-03-0\n')
    records = read(path)
    assert {r.chat.group for r in records if isinstance(r, ChatRecord)} == {True}
    assert [r for r in records if isinstance(r, SkippedRecord)] == [
        SkippedRecord(where="line 4", reason="no readable date in 'yesterday'"),
        SkippedRecord(where="line 5", reason="not a message as signal-export writes them"),
    ]
    assert len(summary(records)) == 3
