"""Streaming, measured: a Telegram JSON, an SMS Backup & Restore XML and a WhatsApp text of
6 to 9 MB each are read with a tracemalloc peak under 4 MB, less than the file, where reading
it whole would need at least the file's size (and its parsed tree several times that). The
200 MB figures are in bench/imports_stream.py."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from integrations.imports.sms_backup import SmsBackupReader
from integrations.imports.telegram import TelegramReader
from integrations.imports.whatsapp import WhatsAppReader
from nudger.ports import ChatRecord, ExportReader
from tests.integrations.imports import samples

START = datetime(2024, 1, 1, tzinfo=UTC)
PEAK_BOUND = 4 * 1024 * 1024


def peak_of_reading(reader: ExportReader, path: Path) -> tuple[int, int]:
    """How many records, and the peak of memory allocated while reading them one by one."""
    tracemalloc.start()
    try:
        count = sum(1 for r in reader.read(path, zone=UTC) if isinstance(r, ChatRecord))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_big_telegram_export_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = samples.telegram_big(tmp_path / "result.json", 25_000, start=START)
    assert path.stat().st_size > 8_000_000
    count, peak = peak_of_reading(TelegramReader(), path)
    assert count == 25_000
    assert peak < PEAK_BOUND, f"peak {peak / 2**20:.1f} MiB"


def test_a_big_sms_backup_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = samples.sms_big(tmp_path / "sms.xml", 18_000, start=START)
    assert path.stat().st_size > 8_000_000
    count, peak = peak_of_reading(SmsBackupReader(), path)
    assert count == 18_000
    assert peak < PEAK_BOUND, f"peak {peak / 2**20:.1f} MiB"


def test_a_big_whatsapp_export_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = samples.whatsapp_big(tmp_path / "WhatsApp Chat with Alice.txt", 60_000, start=START)
    assert path.stat().st_size > 6_000_000
    count, peak = peak_of_reading(WhatsAppReader(), path)
    assert count == 60_000
    assert peak < PEAK_BOUND, f"peak {peak / 2**20:.1f} MiB"
