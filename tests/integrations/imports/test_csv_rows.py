"""The CSV reader: rows of time, person, direction and channel (and optionally kind and id),
the side from the direction, local times in the zone given, a bad row skipped and named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from integrations.imports.csv_rows import CsvReader
from nudger.ports import CallType, ChatRecord, ExportFormatError, Party, SkippedRecord
from tests.integrations.imports import samples

BERLIN = ZoneInfo("Europe/Berlin")


def read(path: Path) -> list[ChatRecord | SkippedRecord]:
    return list(CsvReader().read(path, zone=BERLIN))


def test_rows_become_messages_and_calls_by_side(tmp_path: Path) -> None:
    rows = [
        ("2024-05-01T10:00", "Alice", "in", "imessage", "message", ""),
        ("2024-05-01T10:05:00+02:00", "Alice", "outgoing", "imessage", "", ""),
        ("2024-05-02T18:00:00Z", "Alice", "out", "phone", "call", ""),
        ("2024-05-03T18:00", "Alice", "missed", "phone", "call", "r-17"),
        ("2024-05-03T18:00", "Alice", "missed", "phone", "call", ""),
        ("2024-05-03T18:00", "Alice", "missed", "phone", "call", ""),
    ]
    path = samples.csv_export(
        tmp_path / "log.csv", rows, header="Time,Person,Direction,Channel,Kind,Id"
    )
    records = read(path)
    assert [(r.at, r.sender, r.channel, r.call) for r in records if isinstance(r, ChatRecord)] == [
        (datetime(2024, 5, 1, 10, 0, tzinfo=BERLIN), Party(name="Alice"), "imessage", None),
        (
            datetime(2024, 5, 1, 10, 5, tzinfo=timezone(timedelta(hours=2))),
            Party(me=True),
            "imessage",
            None,
        ),
        (datetime(2024, 5, 2, 18, 0, tzinfo=UTC), Party(me=True), "phone", CallType.OUTGOING),
        (datetime(2024, 5, 3, 18, 0, tzinfo=BERLIN), Party(name="Alice"), "phone", CallType.MISSED),
        (datetime(2024, 5, 3, 18, 0, tzinfo=BERLIN), Party(name="Alice"), "phone", CallType.MISSED),
        (datetime(2024, 5, 3, 18, 0, tzinfo=BERLIN), Party(name="Alice"), "phone", CallType.MISSED),
    ]
    idents = [r.ident for r in records if isinstance(r, ChatRecord)]
    assert idents[3] == "r-17" and idents[4] != idents[5] and len(set(idents)) == 6
    assert {r.chat.id for r in records if isinstance(r, ChatRecord)} == {"Alice"}


def test_bad_rows_are_skipped_and_named(tmp_path: Path) -> None:
    rows = [
        ("2024-05-01T10:00", "Alice", "in", "sms"),
        ("yesterday", "Alice", "in", "sms"),
        ("2024-05-01T11:00", "Alice", "sideways", "sms"),
        ("2024-05-01T12:00", "", "in", "sms"),
        ("2024-05-01T13:00", "Alice", "in"),
    ]
    records = read(samples.csv_export(tmp_path / "log.csv", rows))
    assert len([r for r in records if isinstance(r, ChatRecord)]) == 1
    assert [(r.where, r.reason) for r in records if isinstance(r, SkippedRecord)] == [
        ("line 3", "no ISO 8601 time in 'yesterday'"),
        ("line 4", "direction 'sideways' is neither in nor out"),
        ("line 5", "no person"),
        ("line 6", "not as many values as the header has columns"),
    ]


def test_a_header_without_the_columns_is_an_error(tmp_path: Path) -> None:
    path = samples.csv_export(tmp_path / "log.csv", [("x", "y")], header="when,who")
    with pytest.raises(ExportFormatError, match="missing: time, person, direction, channel"):
        read(path)
