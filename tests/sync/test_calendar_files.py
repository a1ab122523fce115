"""Calendar files as they really are, through the CLI: nothing in a folder is lost without a
word (issue 15 Build 5, the files side) and `calendars test` reads it as sync does (Build 8).

A UTF-16 Windows export, old Mac CR-only endings, `PLAN.ICS`, a symlinked collection (and a
link looping back), a subfolder that cannot be listed, events without a UID, and the same UID
in two files.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from nudger import clock
from tests.conftest import RunCli
from tests.story import ALEX, ME
from tests.sync.conftest import lock

TODAY = clock.now().date()


def plan(title: str, *, days: int = 3, uid: str | None = None, sequence: int = 0) -> str:
    """An invite from Alex, as a client writes it (CRLF endings)."""
    start = datetime.combine(TODAY + timedelta(days=days), time(18), tzinfo=UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//nudger tests//files//EN",
        "BEGIN:VEVENT",
        *([f"UID:{uid}"] if uid else []),
        f"SUMMARY:{title}",
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
        f"DTEND:{start + timedelta(hours=2):%Y%m%dT%H%M%SZ}",
        f"DTSTAMP:{start - timedelta(days=7):%Y%m%dT%H%M%SZ}",
        f"SEQUENCE:{sequence}",
        f"ORGANIZER:mailto:{ALEX}",
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines)


def synced(cli: RunCli) -> str:
    result = cli("daemon", "--once")
    assert result.code == 0, result.out + result.err
    return result.out + result.err


def titles(cli: RunCli) -> list[str]:
    result = cli("plans", "--json")
    assert result.code == 0, result.err
    return sorted(row["summary"] for row in json.loads(result.out))


def test_a_utf16_export_cr_only_endings_and_upper_case_names_are_read(
    cli: RunCli, folder: Path
) -> None:
    """A Windows Calendar export is UTF-16 LE with a byte order mark (it read as cut short, as
    UTF-16 or UTF-32 without one did), an old Mac one ends lines with CR alone (it read as one
    line), and FILE.ICS was not listed."""
    (folder / "windows.ics").write_bytes(plan("Dinner at Zoë's", uid="w1").encode("utf-16"))
    (folder / "mac.ics").write_bytes(
        plan("Mac walk", uid="m1", days=4).replace("\r\n", "\r").encode()
    )
    (folder / "SHOUTED.ICS").write_bytes(plan("Loud lunch", uid="s1", days=5).encode())
    (folder / "latin.ics").write_bytes(plan("Café crème", uid="l1", days=6).encode("latin-1"))
    for uid, encoding in (("u16", "utf-16-le"), ("u16b", "utf-16-be"), ("u32", "utf-32-le")):
        unmarked = plan(f"Tea ({encoding}, no BOM)", uid=uid, days=7).encode(encoding)
        (folder / f"{uid}.ics").write_bytes(unmarked)
    out = synced(cli)
    assert "skipped" not in out and "cut short" not in out, out
    assert titles(cli) == [
        "Café crème",
        "Dinner at Zoë's",
        "Loud lunch",
        "Mac walk",
        "Tea (utf-16-be, no BOM)",
        "Tea (utf-16-le, no BOM)",
        "Tea (utf-32-le, no BOM)",
    ]

    tested = cli("calendars", "test", "local")
    assert tested.code == 0, tested.err
    assert "7 .ics files, 7 events" in tested.out
    assert "skipped" not in tested.out


def test_a_symlinked_collection_is_followed_and_a_loop_read_once(
    cli: RunCli, folder: Path, home: Path
) -> None:
    elsewhere = home / "synced-by-another-tool"
    elsewhere.mkdir()
    (elsewhere / "linked.ics").write_bytes(plan("Linked dinner", uid="k1").encode())
    (folder / "work").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "back-up").symlink_to(folder, target_is_directory=True)  # a loop
    out = synced(cli)
    assert "skipped" not in out, out
    assert titles(cli) == ["Linked dinner"]
    tested = cli("calendars", "test")
    assert tested.code == 0 and "1 .ics files, 1 events" in tested.out, tested.out


def test_a_subfolder_that_cannot_be_listed_is_reported_and_removes_nothing(
    cli: RunCli, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chmod 000 does not stop root, who runs these tests: the error listing such a folder
    raises stands in for it."""
    (folder / "home").mkdir()
    (folder / "home" / "dinner.ics").write_bytes(plan("Dinner", uid="d1").encode())
    (folder / "lunch.ics").write_bytes(plan("Lunch", uid="u1", days=4).encode())
    synced(cli)
    assert titles(cli) == ["Dinner", "Lunch"]

    scan = os.scandir

    def locked(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "home":
            raise PermissionError(13, "Permission denied", str(path))
        return scan(path)

    monkeypatch.setattr(os, "scandir", locked)
    (folder / "lunch.ics").write_bytes(plan("Lunch", uid="u1", days=4).encode() + b"\r\n")
    out = synced(cli)
    assert f"{folder / 'home'}: cannot be read (Permission denied)" in out
    assert titles(cli) == ["Dinner", "Lunch"]  # not "removed by nobody"
    assert "cancel" not in cli("plans").out

    tested = cli("calendars", "test", "local")
    assert tested.code == 0
    assert f"not read: {folder / 'home'}: cannot be read (Permission denied)" in tested.out


def test_calendars_test_lists_an_unreadable_file_as_skipped_as_sync_does(
    cli: RunCli, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It crashed with "unexpected PermissionError" where sync reports and goes on."""
    (folder / "open.ics").write_bytes(plan("Open", uid="o1").encode())
    (folder / "locked.ics").write_bytes(plan("Locked", uid="x1", days=4).encode())
    lock(monkeypatch, "locked.ics")
    tested = cli("calendars", "test", "local")
    assert tested.code == 0, tested.out + tested.err
    assert "2 .ics files, 1 events" in tested.out
    assert f"not read: {folder / 'locked.ics'}: cannot be read (Permission denied)" in tested.out
    assert "unexpected" not in tested.out + tested.err
    out = synced(cli)
    assert f"{folder / 'locked.ics'}: cannot be read (Permission denied)" in out
    assert titles(cli) == ["Open"]


def test_events_without_a_uid_are_logged_once_however_often_the_file_is_read(
    cli: RunCli, folder: Path, log_path: Path
) -> None:
    """Thunderbird's own test files have none: they were skipped ("an event without a UID was
    skipped"). Each now has an identity of its file and its content."""
    text = plan("No name dinner") + plan("No name lunch", days=4)
    (folder / "anonymous.ics").write_bytes(text.encode())
    first = synced(cli)
    assert "without a UID" not in first
    assert titles(cli) == ["No name dinner", "No name lunch"]
    # The client saves the file again: new stamps, the same events.
    rewritten = re.sub(r"DTSTAMP:\d{8}", f"DTSTAMP:{TODAY:%Y%m%d}", text)
    assert rewritten != text
    (folder / "anonymous.ics").write_bytes(rewritten.encode())
    os.utime(folder / "anonymous.ics", ns=(1, 1))  # a new modification time: read again
    again = synced(cli)
    assert "✓ local: 0 new facts" in again, again
    assert titles(cli) == ["No name dinner", "No name lunch"]


def test_one_uid_in_two_files_is_read_once_and_reported_once(cli: RunCli, folder: Path) -> None:
    (folder / "a.ics").write_bytes(plan("Dinner", uid="same").encode())
    (folder / "b.ics").write_bytes(plan("Dinner", uid="same").encode())  # a copy: quiet
    (folder / "c.ics").write_bytes(plan("Old lunch", uid="twice", days=4).encode())
    (folder / "d.ics").write_bytes(plan("New lunch", uid="twice", days=4, sequence=2).encode())
    (folder / "e.ics").write_bytes(plan("Walk", uid="clash", days=5).encode())
    (folder / "f.ics").write_bytes(plan("Run", uid="clash", days=5).encode())
    out = synced(cli)
    assert titles(cli) == ["Dinner", "New lunch"]
    assert out.count("older versions of it are in") == 1
    newest = f"kept: {folder / 'd.ics'}: event 'New lunch' on {TODAY + timedelta(days=4):%Y-%m-%d}"
    assert (
        f"{newest}: older versions of it are in {folder / 'c.ics'}: this newest one was read" in out
    )
    clash = [line for line in out.splitlines() if "nothing says which is right" in line]
    assert len(clash) == 1 and clash[0].startswith(f"    skipped: {folder / 'e.ics'}: event 'Walk'")
    assert f"its UID is also in {folder / 'f.ics'} for another event" in clash[0]
    assert "Dinner" not in out  # a copy is no problem
