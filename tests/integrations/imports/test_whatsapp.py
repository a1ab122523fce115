"""The WhatsApp reader on exports as phones write them: every common layout gives the same
records (time in the zone given, sender, one record for a multi-line message, none for system
lines), the date order is settled by the whole file or is a clear error, and nothing of the text
leaves the reader but a digest inside the ident."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from integrations.imports.whatsapp import WhatsAppReader, chat_title
from nudger.ports import CallType, ChatRecord, ExportFormatError, SkippedRecord
from tests.integrations.imports import samples

BERLIN = ZoneInfo("Europe/Berlin")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in Berlin, where the samples' phone is."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


CHAT = [
    (at(2023, 12, 31, 21, 41), "Alice", "Happy new year!\nSee you tomorrow?"),
    (at(2024, 1, 1, 9, 5), "Sam Doe", "<Media omitted>"),
    (at(2024, 1, 1, 9, 5), "Sam Doe", "<Media omitted>"),
    (at(2024, 1, 13, 14, 0), "Alice", "Lunch: the usual place"),
]


def read(path: Path, reader: WhatsAppReader | None = None) -> list[ChatRecord | SkippedRecord]:
    return list((reader or WhatsAppReader()).read(path, zone=BERLIN))


def seen(records: list[ChatRecord | SkippedRecord]) -> list[tuple[datetime, str | None]]:
    return [(r.at, r.sender.name) for r in records if isinstance(r, ChatRecord)]


@pytest.mark.parametrize("layout", samples.LAYOUTS)
def test_every_layout_reads_to_the_same_records(tmp_path: Path, layout: str) -> None:
    path = samples.whatsapp_export(tmp_path, CHAT, layout=layout)
    records = read(path)
    assert seen(records) == [(at.replace(tzinfo=BERLIN), sender) for at, sender, _ in CHAT]
    assert all(isinstance(r, ChatRecord) and r.channel == "whatsapp" for r in records)
    chats = {r.chat for r in records if isinstance(r, ChatRecord)}
    assert [(c.id, c.group) for c in chats] == [("Alice", None)]


def test_identical_messages_differ_by_ordinal_and_no_text_is_kept(tmp_path: Path) -> None:
    records = [
        r for r in read(samples.whatsapp_export(tmp_path, CHAT)) if isinstance(r, ChatRecord)
    ]
    idents = [r.ident for r in records]
    assert len(set(idents)) == 4
    assert idents[1].rsplit("|", 1)[1] == "0" and idents[2].rsplit("|", 1)[1] == "1"
    assert idents[1].rsplit("|", 1)[0] == idents[2].rsplit("|", 1)[0]
    assert not any(word in repr(records) for word in ("Happy", "tomorrow", "Media", "Lunch"))


def test_a_newer_export_gives_the_same_idents_for_the_same_messages(tmp_path: Path) -> None:
    old = read(samples.whatsapp_export(tmp_path / "old", CHAT[:3]))
    later = (at(2024, 2, 20, 8, 0), "Alice", "Morning")
    new = read(samples.whatsapp_export(tmp_path / "new", [*CHAT, later]))
    assert [r.ident for r in old if isinstance(r, ChatRecord)] == [
        r.ident for r in new[:3] if isinstance(r, ChatRecord)
    ]


def test_the_date_order_comes_from_the_file_order_when_no_day_is_above_12(tmp_path: Path) -> None:
    chat = [
        (at(2024, 1, 2, 10, 0), "Alice", "hi"),
        (at(2024, 1, 5, 10, 0), "Sam", "hello"),
        (at(2024, 2, 3, 10, 0), "Alice", "again"),
    ]
    for layout in ("android-gb", "android-us"):
        path = samples.whatsapp_export(tmp_path / layout, chat, layout=layout)
        assert seen(read(path)) == [(at.replace(tzinfo=BERLIN), s) for at, s, _ in chat]


def test_an_order_nothing_settles_is_an_error_unless_the_reader_is_told(tmp_path: Path) -> None:
    chat = [
        (at(2024, 3, 5, 10, 0), "Alice", "hi"),
        (at(2024, 3, 5, 11, 0), "Sam", "yo"),
    ]
    path = samples.whatsapp_export(tmp_path, chat, layout="android-gb")
    with pytest.raises(ExportFormatError, match="day-first from month-first"):
        read(path)
    told = read(path, WhatsAppReader(day_first=True))
    assert seen(told) == [
        (datetime(2024, 3, 5, 10, 0, tzinfo=BERLIN), "Alice"),
        (datetime(2024, 3, 5, 11, 0, tzinfo=BERLIN), "Sam"),
    ]
    with pytest.raises(ExportFormatError, match="day-first, not as the reader was told"):
        read(samples.whatsapp_export(tmp_path / "b", CHAT), WhatsAppReader(day_first=False))


def test_system_lines_are_not_messages_and_three_senders_make_a_group(tmp_path: Path) -> None:
    notices = [
        (at(2023, 12, 31, 20, 0), 'Alice created group "Climbing"'),
        (at(2023, 12, 31, 20, 1), "Alice added Sam Doe"),
    ]
    chat = [*CHAT, (at(2024, 1, 14, 8, 0), "Kim", "I added myself: hello")]
    for layout in ("android-gb", "ios-gb"):
        path = samples.whatsapp_export(
            tmp_path / layout, chat, layout=layout, title="Climbing", notices=notices
        )
        records = read(path)
        assert [s for _, s in seen(records)] == ["Alice", "Sam Doe", "Sam Doe", "Alice", "Kim"]
        assert {(r.chat.id, r.chat.group) for r in records if isinstance(r, ChatRecord)} == {
            ("Climbing", True)
        }


def test_the_zip_ios_shares_is_read_with_its_title_from_the_zip_name(tmp_path: Path) -> None:
    path = samples.whatsapp_export(tmp_path, CHAT, layout="ios-us", as_zip=True)
    assert path.name == "WhatsApp Chat - Alice.zip"
    records = read(path)
    assert len(records) == 4 and {r.chat.id for r in records if isinstance(r, ChatRecord)} == {
        "Alice"
    }


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_utf8_with_a_bom_and_utf16_read_the_same(tmp_path: Path, encoding: str) -> None:
    path = samples.whatsapp_export(tmp_path, CHAT, encoding=encoding)
    assert seen(read(path)) == seen(read(samples.whatsapp_export(tmp_path / "plain", CHAT)))


def test_another_encoding_is_an_error_naming_the_file_and_what_was_tried(tmp_path: Path) -> None:
    path = samples.whatsapp_export(
        tmp_path, [(at(2024, 1, 13, 9, 0), "José", "olé")], encoding="latin-1"
    )
    with pytest.raises(ExportFormatError, match=r"WhatsApp Chat with Alice.txt.*UTF-8.*UTF-16"):
        read(path)


def test_a_line_with_an_impossible_date_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    path = samples.whatsapp_export(tmp_path, CHAT)
    text = path.read_text(encoding="utf-8").replace("13/01/2024, 14:00", "31/02/2024, 14:00")
    path.write_text(text + "14/01/2024, 10:00 - Alice: ok\n", encoding="utf-8")
    records = read(path)
    skipped = [r for r in records if isinstance(r, SkippedRecord)]
    assert [s.where for s in skipped] == ["line 6"]
    assert "31/02/2024" in skipped[0].reason
    assert seen(records)[-1] == (datetime(2024, 1, 14, 10, 0, tzinfo=BERLIN), "Alice")


def test_a_missed_call_line_is_a_missed_call_by_its_sender(tmp_path: Path) -> None:
    chat = [
        (at(2024, 1, 13, 9, 0), "Alice", f"{samples.LRM}Missed voice call"),
        (at(2024, 1, 13, 9, 1), "Sam", "Missed video call"),
        (at(2024, 1, 13, 9, 2), "Sam", "sorry"),
    ]
    records = [
        r
        for r in read(samples.whatsapp_export(tmp_path, chat, layout="ios-gb"))
        if isinstance(r, ChatRecord)
    ]
    assert [(r.sender.name, r.call) for r in records] == [
        ("Alice", CallType.MISSED),
        ("Sam", CallType.MISSED),
        ("Sam", None),
    ]


def test_a_file_without_a_single_whatsapp_line_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\nmilk\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match=r"notes\.txt has no line"):
        read(path)


def test_the_title_comes_from_the_file_name() -> None:
    assert chat_title("WhatsApp Chat with Alice Smith.txt") == "Alice Smith"
    assert chat_title("WhatsApp Chat - Climbing 🧗.zip") == "Climbing 🧗"
    assert chat_title("_chat.txt") == "_chat"
