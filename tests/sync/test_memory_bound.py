"""A calendar whose sync needs more memory than `sync.max_memory_per_source` costs only itself.

A folder holding one 150 MB export (an event with a huge inline attachment, as mail clients
write them) sits beside a normal folder with a plan with Alex. Under a 200 MB bound, `daemon
--once` records the plan, says in one line that the big calendar stopped and why (no
traceback), ends as a sync failure does (exit 1: it is retried with backoff), and the next sync
finds nothing vanished; once the export is mended, it is read. Real files, the real CLI; the
bound is the real RLIMIT_DATA of the child each calendar syncs in.
"""

from __future__ import annotations

import json
import time as timer
from collections.abc import Callable
from pathlib import Path

import pytest

from nudger.sync import fence
from tests.conftest import RunCli
from tests.story import CONFIG
from tests.sync.test_expansion_bound import _calendar

pytestmark = pytest.mark.skipif(
    fence._data_segment() is None, reason="RLIMIT_DATA is checked against Linux's VmData"
)


def huge_export(uid: str, megabytes: int) -> bytes:
    """One VEVENT carrying an inline base64 attachment of about this many megabytes, folded
    at 75 octets as RFC 5545 says."""
    head, tail = _calendar(uid, "Slides for Alex", 5).split(b"END:VEVENT")
    folded = (b" " + b"QUJD" * 18 + b"A\r\n") * (megabytes * 10**6 // 76)
    return head + b"ATTACH;ENCODING=BASE64;VALUE=BINARY:QUJD\r\n" + folded + b"END:VEVENT" + tail


@pytest.fixture
def two_folders(home: Path, write_config: Callable[[str], Path]) -> tuple[Path, Path]:
    local, big = home / "local", home / "big"
    local.mkdir()
    big.mkdir()
    write_config(
        CONFIG
        + "".join(
            f'\n[[calendars]]\nname = "{f.name}"\ntype = "ics"\npath = "{f}"\n'
            for f in (big, local)
        )
    )
    (local / "plan.ics").write_bytes(_calendar("plan", "Dinner", 3))
    (big / "export.ics").write_bytes(huge_export("huge", 150))
    return local, big


def test_a_calendar_over_the_memory_bound_fails_alone_and_nothing_vanishes(
    cli: RunCli, two_folders: tuple[Path, Path]
) -> None:
    _, big = two_folders
    assert cli("config", "set", "sync.max_memory_per_source", "200MB").code == 0
    assert cli("config", "set", "sync.max_file_size", "1GB").code == 0  # the export is read
    began = timer.monotonic()
    first = cli("daemon", "--once")
    took = timer.monotonic() - began
    assert first.code == 1, first.out + first.err
    assert took < 30
    assert "✓ local: 1 new fact" in first.out
    assert (
        "✗ big: stopped: it needed more than 200MB (sync.max_memory_per_source); "
        "nothing of it was recorded" in first.out
    )
    assert "sync.max_memory_per_source 4GiB" in first.out  # the fix, under the ✗ line
    assert "Traceback" not in first.out + first.err
    assert "unexpected" not in first.out + first.err
    status = json.loads(cli("status", "--json").out)["calendars"]
    assert status["big"]["outcome"] == "failed" and status["local"]["outcome"] == "ok"
    before = cli("history", "Alex", "--json").out
    assert "Dinner" in before

    second = cli("daemon", "--once")
    assert second.code == 1
    assert "✓ local: 0 new facts" in second.out
    assert cli("history", "Alex", "--json").out == before

    (big / "export.ics").write_bytes(_calendar("huge", "Slides for Alex", 5))  # retried: read
    third = cli("daemon", "--once")
    assert third.code == 0, third.out + third.err
    assert "✓ big: 1 new fact" in third.out and "✓ local: 0 new facts" in third.out


def test_a_size_the_bound_refuses_is_said_in_sizes(cli: RunCli, two_folders: object) -> None:
    result = cli("config", "set", "sync.max_memory_per_source", "10MB")
    assert result.code == 2
    assert "use a size from 100MiB to 64GiB" in result.out + result.err


def test_a_file_over_the_size_cap_is_reported_unread_and_the_rest_of_its_folder_read(
    cli: RunCli, two_folders: tuple[Path, Path]
) -> None:
    """Under the default `sync.max_file_size` (100MB) the export is not read at all: said in
    one line, its plan kept (an unread file is no removal), the folder's other files read."""
    _, big = two_folders
    export = big / "export.ics"
    huge = export.read_bytes()
    export.write_bytes(_calendar("huge", "Slides for Alex", 5))
    assert cli("daemon", "--once").code == 0
    before = cli("history", "Alex", "--json").out
    assert "Slides for Alex" in before

    export.write_bytes(huge)
    (big / "walk.ics").write_bytes(_calendar("walk", "Walk with Alex", 6))
    result = cli("daemon", "--once")
    assert result.code == 0, result.out + result.err
    assert "✓ big: 1 new facts; problems: 1 not read" in result.out
    assert (
        f"    not read: {export}: it holds 150MB, more than 100MB (sync.max_file_size)"
        in result.err.splitlines()
    )
    after = json.loads(cli("history", "Alex", "--json").out)
    assert all(entry in after for entry in json.loads(before))
    added = [entry for entry in after if entry not in json.loads(before)]
    assert len(added) == 1 and "Walk with Alex" in json.dumps(added)  # and nothing cancelled
