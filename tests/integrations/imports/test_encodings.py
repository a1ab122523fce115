"""Every reader decodes UTF-8 (with or without a byte order mark) and UTF-16 (with one), and
refuses anything else with one error that names the file and the encodings tried: a latin-1
export is never read as if it were text with a few odd letters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from integrations.imports.csv_rows import CsvReader
from integrations.imports.signal import SignalReader
from integrations.imports.sms_backup import SmsBackupReader
from integrations.imports.telegram import TelegramReader
from nudger.ports import ChatRecord, ExportFormatError, ExportReader
from tests.integrations.imports import samples

BERLIN = ZoneInfo("Europe/Berlin")
WHEN = datetime(2024, 1, 13, 9, 0, tzinfo=BERLIN)
CHAT = [(WHEN, "José", "olé"), (WHEN, "Me", "¡sí!")]


def telegram(folder: Path) -> Path:
    chat = samples.telegram_chat_object(CHAT, name="José", chat_id=1, people={"José": 1, "Me": 2})
    return samples.telegram_chat(folder / "result.json", chat)


def sms(folder: Path) -> Path:
    return samples.sms_backup(folder / "sms.xml", [(WHEN, "+4915", 1, "olé", "José")])


def csv(folder: Path) -> Path:
    return samples.csv_export(folder / "log.csv", [("2024-01-13T09:00", "José", "in", "sms")])


WRITERS: dict[str, tuple[ExportReader, Callable[[Path], Path]]] = {
    "telegram": (TelegramReader(), telegram),
    "signal": (SignalReader(), lambda folder: samples.signal_export(folder, "José", CHAT)),
    "sms-backup": (SmsBackupReader(), sms),
    "csv": (CsvReader(), csv),
}


def reencode(path: Path, encoding: str) -> Path:
    """`path` in another encoding; an XML declaration says which (as XML requires)."""
    text = path.read_text(encoding="utf-8")
    if encoding == "utf-16":
        text = text.replace("encoding='UTF-8'", "encoding='UTF-16'")
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("name", sorted(WRITERS))
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_utf8_with_a_bom_and_utf16_read_as_utf8_does(
    tmp_path: Path, name: str, encoding: str
) -> None:
    reader, write = WRITERS[name]
    plain = list(reader.read(write(tmp_path / "plain"), zone=BERLIN))
    other = list(reader.read(reencode(write(tmp_path / encoding), encoding), zone=BERLIN))
    assert other == plain and any(isinstance(r, ChatRecord) for r in plain)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_latin1_is_an_error_naming_the_file_and_the_encodings(tmp_path: Path, name: str) -> None:
    reader, write = WRITERS[name]
    path = reencode(write(tmp_path), "latin-1")
    with pytest.raises(ExportFormatError, match=rf"{path.name}.*UTF-8.*UTF-16"):
        list(reader.read(path, zone=BERLIN))
