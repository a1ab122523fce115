"""Finding the format of a file from its name and first 64 KiB, as `nudger import` does without
`--format`: every sample is claimed by exactly one reader (found through the entry points, as
the importer finds them), and files of no format by none."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import partial
from importlib.metadata import entry_points
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from integrations.imports.source import HEAD_BYTES
from nudger.ports import ExportReader
from tests.integrations.imports import samples

BERLIN = ZoneInfo("Europe/Berlin")
WHEN = datetime(2024, 1, 13, 9, 0, tzinfo=BERLIN)
CHAT = [(WHEN, "Alice", "hi"), (datetime(2024, 1, 14, 9, 0, tzinfo=BERLIN), "Sam", "yo")]


def readers() -> dict[str, ExportReader]:
    return {point.name: point.load()() for point in entry_points(group="nudger.imports")}


def telegram(folder: Path) -> Path:
    chat = samples.telegram_chat_object(
        CHAT, name="Alice", chat_id=42, people={"Alice": 42, "Sam": 7}
    )
    return samples.telegram_chat(folder / "result.json", chat)


def account(folder: Path) -> Path:
    chat = samples.telegram_chat_object(
        CHAT, name="Alice", chat_id=42, people={"Alice": 42, "Sam": 7}
    )
    return samples.telegram_account(folder / "result.json", [chat], me_id=7)


def whatsapp(layout: str, folder: Path) -> Path:
    return samples.whatsapp_export(folder, CHAT, layout=layout)


SAMPLES: dict[str, tuple[str, Callable[[Path], Path]]] = {
    **{f"whatsapp {layout}": ("whatsapp", partial(whatsapp, layout)) for layout in samples.LAYOUTS},
    "whatsapp zip": ("whatsapp", lambda f: samples.whatsapp_export(f, CHAT, as_zip=True)),
    "whatsapp utf-16": ("whatsapp", lambda f: samples.whatsapp_export(f, CHAT, encoding="utf-16")),
    "telegram chat": ("telegram", telegram),
    "telegram account": ("telegram", account),
    "signal": ("signal", lambda f: samples.signal_export(f, "Alice", CHAT)),
    "sms": (
        "sms-backup",
        lambda f: samples.sms_backup(f / "sms.xml", [(WHEN, "+4915", 1, "x", "A")]),
    ),
    "calls": (
        "sms-backup",
        lambda f: samples.sms_calls(f / "calls.xml", [(WHEN, "+4915", 1, 9, "A")]),
    ),
    "csv": (
        "csv",
        lambda f: samples.csv_export(f / "log.csv", [("2024-01-13T09:00", "A", "in", "sms")]),
    ),
}


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_each_sample_is_claimed_by_exactly_its_reader(tmp_path: Path, sample: str) -> None:
    expected, write = SAMPLES[sample]
    path = write(tmp_path)
    with path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    claimed = [name for name, reader in readers().items() if reader.sniff(path, head)]
    assert claimed == [expected]


def test_the_entry_points_name_every_format_and_their_readers_say_it() -> None:
    found = readers()
    assert sorted(found) == ["csv", "signal", "sms-backup", "telegram", "whatsapp"]
    assert all(reader.name == name for name, reader in found.items())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"shopping list\nmilk 12/31/23\n"),
        ("package.json", json.dumps({"name": "x", "version": "1"}).encode()),
        ("feed.xml", b"<?xml version='1.0'?><rss><channel/></rss>"),
        ("other.csv", b"date,amount\n2024-01-01,12\n"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        ("empty.txt", b""),
        ("chat.md", b"[2024-01-13 09:00:00] Alice: hi  \n\n[2024-01-13 09:01:00] Me: yo  \n"),
        ("archive.zip", b"PK\x03\x04\x14\x00 a lone CR\r in binary, which csv refuses\n"),
    ],
)
def test_a_file_of_no_format_is_claimed_by_none(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert [n for n, reader in readers().items() if reader.sniff(path, content)] == []


def test_a_sniff_reads_no_file(tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    head = samples.whatsapp_text(CHAT).encode()
    assert [n for n, reader in readers().items() if reader.sniff(missing, head)] == ["whatsapp"]
