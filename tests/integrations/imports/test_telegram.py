"""The Telegram reader on Telegram Desktop's JSON, one chat and the whole account: messages by
whom and when (UTC from `date_unixtime`, else local in the zone given), calls by their caller
with missed ones missed, the user's side from the export itself, and a file cut short an error."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from integrations.imports.telegram import TelegramReader
from nudger.ports import CallType, ChatRecord, ExportFormatError, SkippedRecord
from tests.integrations.imports import samples

BERLIN = ZoneInfo("Europe/Berlin")
PEOPLE = {"Alice": 42, "Me Myself": 7, "Sam": 43}


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


MESSAGES = [
    (at(2024, 1, 13, 9, 0), "Alice", "Coffee?"),
    (at(2024, 1, 13, 9, 2), "Me Myself", "Sure"),
]
CALLS = [
    (at(2024, 1, 14, 18, 0), "Me Myself", "hangup"),
    (at(2024, 1, 15, 18, 0), "Alice", "missed"),
    (at(2024, 1, 16, 18, 0), "Alice", "busy"),
    (at(2024, 1, 17, 18, 0), "Alice", "hangup"),
]


def alice(**options: Any) -> dict[str, Any]:
    return samples.telegram_chat_object(
        MESSAGES, name="Alice", chat_id=42, people=PEOPLE, calls=CALLS, zone=BERLIN, **options
    )


def read(path: Path) -> list[ChatRecord | SkippedRecord]:
    return list(TelegramReader().read(path, zone=BERLIN))


def summary(records: list[ChatRecord | SkippedRecord]) -> list[tuple[Any, ...]]:
    return [
        (r.at, r.sender.name, r.sender.me, r.call, r.chat.id, r.ident)
        for r in records
        if isinstance(r, ChatRecord)
    ]


EXPECTED = [
    (at(2024, 1, 13, 9, 0), "Alice", False, None, "42", "42:1"),
    (at(2024, 1, 13, 9, 2), "Me Myself", True, None, "42", "42:2"),
    (at(2024, 1, 14, 18, 0), "Me Myself", True, CallType.OUTGOING, "42", "42:3"),
    (at(2024, 1, 15, 18, 0), "Alice", False, CallType.MISSED, "42", "42:4"),
    (at(2024, 1, 16, 18, 0), "Alice", False, CallType.MISSED, "42", "42:5"),
    (at(2024, 1, 17, 18, 0), "Alice", False, CallType.INCOMING, "42", "42:6"),
]


def test_a_personal_chat_gives_messages_and_calls_by_side(tmp_path: Path) -> None:
    records = read(samples.telegram_chat(tmp_path / "result.json", alice()))
    assert summary(records) == EXPECTED
    first = records[0]
    assert isinstance(first, ChatRecord)
    assert first.at.tzinfo is UTC and first.channel == "telegram"
    assert (first.chat.title, first.chat.group, first.chat.with_) == (
        "Alice",
        False,
        first.chat.with_,
    )
    assert first.chat.with_ is not None and first.chat.with_.name == "Alice"
    assert "Coffee" not in repr(records)


def test_without_unix_times_the_dates_are_local_in_the_zone_given(tmp_path: Path) -> None:
    records = read(samples.telegram_chat(tmp_path / "result.json", alice(unixtime=False)))
    assert summary(records) == EXPECTED
    assert all(isinstance(r, ChatRecord) and r.at.tzinfo is BERLIN for r in records)


def test_the_whole_account_reads_every_chat_with_the_users_own_id(tmp_path: Path) -> None:
    group = samples.telegram_chat_object(
        [(at(2024, 2, 1, 20, 0), "Sam", "who climbs?"), (at(2024, 2, 1, 20, 5), "Me Myself", "me")],
        name="Climbing",
        chat_id=9001,
        people=PEOPLE,
        chat_type="private_supergroup",
    )
    path = samples.telegram_account(tmp_path / "result.json", [alice(), group], me_id=7)
    records = read(path)
    assert summary(records)[:6] == EXPECTED
    assert summary(records)[6:] == [
        (at(2024, 2, 1, 20, 0), "Sam", False, None, "9001", "9001:1"),
        (at(2024, 2, 1, 20, 5), "Me Myself", True, None, "9001", "9001:2"),
    ]
    assert {(r.chat.id, r.chat.group) for r in records if isinstance(r, ChatRecord)} == {
        ("42", False),
        ("9001", True),
    }


def test_other_service_items_are_not_records_and_a_dateless_message_is_skipped(
    tmp_path: Path,
) -> None:
    chat = alice()
    chat["messages"].insert(
        0,
        {
            "id": 99,
            "type": "service",
            "date": "2024-01-01T10:00:00",
            "actor": "Alice",
            "actor_id": "user42",
            "action": "pin_message",
        },
    )
    chat["messages"].append({"id": 100, "type": "message", "from": "Alice", "from_id": "user42"})
    records = read(samples.telegram_chat(tmp_path / "result.json", chat))
    assert summary(records) == EXPECTED
    assert [r for r in records if isinstance(r, SkippedRecord)] == [
        SkippedRecord(where="message 100", reason="no readable date")
    ]


def test_a_file_cut_short_is_an_error(tmp_path: Path) -> None:
    path = samples.truncate(samples.telegram_chat(tmp_path / "result.json", alice()))
    with pytest.raises(ExportFormatError, match=r"result\.json is not whole JSON"):
        read(path)


def test_json_that_is_no_telegram_export_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"name": "x", "version": "1"}), encoding="utf-8")
    with pytest.raises(ExportFormatError, match="no Telegram chat"):
        read(path)


def test_utf16_reads_as_utf8_does(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(json.dumps(alice(), ensure_ascii=False), encoding="utf-16")
    assert summary(read(path)) == EXPECTED
