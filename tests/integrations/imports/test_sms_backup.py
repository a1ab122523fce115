"""The SMS Backup & Restore reader on the app's two XML files: messages (sms by type, mms by
box, group mms) and the call log (each call type by its meaning); never a body; a file cut short,
or another XML, is an error."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from integrations.imports.sms_backup import SmsBackupReader
from nudger.ports import CallType, ChatRecord, ExportFormatError, SkippedRecord
from tests.integrations.imports import samples

ALICE = "+49 151 2345678"


def utc(day: int, hour: int = 12) -> datetime:
    return datetime(2024, 4, day, hour, tzinfo=UTC)


def read(path: Path) -> list[ChatRecord | SkippedRecord]:
    return list(SmsBackupReader().read(path, zone=ZoneInfo("Europe/Berlin")))


def test_sms_and_mms_by_side_with_the_number_as_the_chat(tmp_path: Path) -> None:
    sms = [
        (utc(1), ALICE, 1, "are you free tonight?", "Alice"),
        (utc(2), ALICE, 2, "yes!", "Alice"),
        (utc(3), "+4930123", 3, "a draft", "(Unknown)"),
        (utc(4), "+4930123", 5, "failed", "(Unknown)"),
    ]
    mms = [
        (utc(5), ALICE, 1, ALICE),
        (utc(6), f"{ALICE}~+4917000", 1, "+4917000"),
        (utc(7), f"{ALICE}~+4917000", 2, "insert-address-token"),
    ]
    records = read(samples.sms_backup(tmp_path / "sms-20240501.xml", sms, mms))
    assert [
        (r.at, r.sender.me, r.sender.phone, r.chat.id, r.chat.group)
        for r in records
        if isinstance(r, ChatRecord)
    ] == [
        (utc(1), False, ALICE, ALICE, False),
        (utc(2), True, None, ALICE, False),
        (utc(5), False, ALICE, ALICE, False),
        (utc(6), False, "+4917000", f"{ALICE}~+4917000", True),
        (utc(7), True, None, f"{ALICE}~+4917000", True),
    ]
    first = records[0]
    assert isinstance(first, ChatRecord) and first.channel == "sms" and first.call is None
    assert first.chat.with_ is not None and first.chat.with_.name == "Alice"
    assert [(r.where, r.reason) for r in records if isinstance(r, SkippedRecord)] == [
        ("sms 3", "a draft: not a message sent"),
        ("sms 4", "failed to send: not a message sent"),
    ]
    assert not any(word in repr(records) for word in ("free tonight", "yes!", "a picture"))
    assert len({r.ident for r in records if isinstance(r, ChatRecord)}) == 5


def test_every_call_type_by_its_meaning_and_blocked_ones_skipped(tmp_path: Path) -> None:
    calls = [(utc(day), ALICE, kind, 60, "Alice") for day, kind in enumerate(range(1, 8), 1)]
    records = read(samples.sms_calls(tmp_path / "calls-20240501.xml", calls))
    assert [(r.at, r.call, r.sender.me) for r in records if isinstance(r, ChatRecord)] == [
        (utc(1), CallType.INCOMING, False),
        (utc(2), CallType.OUTGOING, True),
        (utc(3), CallType.MISSED, False),
        (utc(4), CallType.MISSED, False),  # voicemail: their call, not taken
        (utc(5), CallType.MISSED, False),  # rejected
        (utc(7), CallType.INCOMING, False),  # answered on another device
    ]
    assert [r for r in records if isinstance(r, SkippedRecord)] == [
        SkippedRecord(where="call 6", reason="a blocked call: not counted")
    ]
    assert {r.channel for r in records if isinstance(r, ChatRecord)} == {"phone"}


def test_a_backup_cut_short_is_an_error(tmp_path: Path) -> None:
    calls = [(utc(day), ALICE, 1, 60, "Alice") for day in range(1, 20)]
    path = samples.truncate(samples.sms_calls(tmp_path / "calls.xml", calls))
    with pytest.raises(ExportFormatError, match=r"calls\.xml is not whole, readable XML"):
        read(path)


def test_other_xml_and_entities_are_errors(tmp_path: Path) -> None:
    other = tmp_path / "feed.xml"
    other.write_text("<?xml version='1.0'?><rss><channel/></rss>", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="not an SMS Backup & Restore backup"):
        read(other)
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<!DOCTYPE s [<!ENTITY a "aaaa">]><smses><sms body="&a;"/></smses>')
    with pytest.raises(ExportFormatError, match="XML that nudger does not read"):
        read(bomb)
