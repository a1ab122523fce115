"""What nudger prints from a calendar cannot steer the terminal, and cannot flood it.

A folder of hostile files: names and contents with NUL bytes, a bell, a title-setting sequence
(OSC), a screen clear and blinking (CSI), and an event whose UID is 100,000 characters long. Every
command that shows what it read (`calendars test`, `daemon --once`, `doctor`, `calendars list`,
`status`) runs in a real pseudo-terminal, and the raw bytes it wrote are checked: the only
escape sequences are nudger's own colours, the hostile ones are shown as text with `?`, and no
line is longer than the cap.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from nudger import clock
from nudger.core.text import SHOWN_MAX
from tests.conftest import RunCli
from tests.story import CONFIG

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[5m\x00"
SHOWN = "?]0;pwned??[2J?[5m?"  # the same, as nudger prints it
COLOUR = re.compile(rb"\x1b\[[0-9;]*m")  # what typer.secho writes to a terminal


@pytest.fixture
def folder(home: Path, write_config: Callable[[str], Path]) -> Path:
    calendar = home / "calendar"
    calendar.mkdir()
    gone = json.dumps(str(home / "gone\x1b]0;pwned\x07"))  # a TOML string, escapes and all
    write_config(
        CONFIG
        + f'\n[[calendars]]\nname = "local"\ntype = "ics"\npath = "{calendar}"\n'
        + f'\n[[calendars]]\nname = "gone"\ntype = "ics"\npath = {gone}\n'
    )
    (calendar / f"party{HOSTILE.replace(chr(0), '')}.ics").write_bytes(
        f"BEGIN:VCALENDAR\r\n{HOSTILE}not a calendar\r\nEND:VCALENDAR\r\n".encode()
    )
    (calendar / "nul.ics").write_bytes(
        b"BEGIN:VCALENDAR\r\n\x00\x00\x1b[2Jnot a calendar\x00\r\nEND:VCALENDAR\r\n"
    )
    (calendar / "broken.ics").write_bytes(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n"
        f"UID:broken{HOSTILE}\r\nSUMMARY:Alex {HOSTILE}\r\nDTSTART:garbage{HOSTILE}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n".encode()
    )
    (calendar / "long.ics").write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:"
        + b"u" * 100_000
        + b"\r\nSUMMARY:Alex\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return calendar


def in_a_terminal(*args: str, module: str = "nudger") -> bytes:
    """Everything `nudger ARGS` (or `python -m MODULE ARGS`) wrote to its terminal (stdout and
    stderr), as raw bytes."""
    ours, theirs = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", module, *args], stdin=theirs, stdout=theirs, stderr=theirs
    )
    os.close(theirs)
    written = b""
    while True:
        try:
            chunk = os.read(ours, 65536)
        except OSError:  # EIO: the child closed its end of the terminal
            break
        if not chunk:
            break
        written += chunk
    child.wait(30)
    os.close(ours)
    return written


def assert_harmless(written: bytes) -> None:
    assert b"\x00" not in written and b"\x07" not in written
    assert COLOUR.sub(b"", written).count(b"\x1b") == 0, written
    longest = max(len(line) for line in COLOUR.sub(b"", written).decode().splitlines())
    assert longest <= SHOWN_MAX + 20  # the cap, plus the indent and a `skipped:` before it


def test_calendars_test_shows_hostile_names_and_bytes_as_text(folder: Path) -> None:
    written = in_a_terminal("calendars", "test")
    assert_harmless(written)
    shown = written.decode()
    assert "/party?]0;pwned??[2J?[5m.ics: not a readable calendar" in shown  # its name
    assert "'?]0;pwned??[2J?[5m?not a calendar'" in shown  # and its bytes, quoted by the parser
    assert "/nul.ics: not a readable calendar" in shown
    assert "?[2Jnot a calendar" in shown  # its NULs and clear-screen, as text


@pytest.mark.parametrize(
    "command", [("daemon", "--once"), ("doctor",), ("calendars", "list"), ("status",)]
)
def test_every_command_that_quotes_a_calendar_shows_it_as_text(
    cli: RunCli, folder: Path, command: tuple[str, ...]
) -> None:
    if command != ("daemon", "--once"):
        assert cli("daemon", "--once").code == 2  # the last sync, which these show; gone is gone
    written = in_a_terminal(*command)
    assert_harmless(written)
    assert b"gone?]0;pwned?" in written  # the calendar's path, as text


def test_the_sync_names_what_it_skipped_in_printable_words(folder: Path) -> None:
    shown = in_a_terminal("daemon", "--once").decode()
    assert f"skipped: {folder}/broken.ics: event 'Alex {SHOWN}': its DTSTART cannot" in shown
    # long.ics: named by its title, not by the 100,000 characters of its UID
    assert f"skipped: {folder}/long.ics: event 'Alex': its DTSTART cannot" in shown
    assert "uuuuuuuu" not in shown


def test_the_daemons_log_shows_it_as_text(folder: Path) -> None:
    """The daemon's sync process logs what it skipped: to the terminal of a daemon started by
    hand, or to the journal (which shows a line with a control character as a blob)."""
    now = clock.now().isoformat()
    written = in_a_terminal("local", "--now", now, module="nudger.sync.worker")
    assert_harmless(written)
    assert (
        f"WARNING nudger.sync.calendars: local: skipped: {folder}/broken.ics: "
        f"event 'Alex {SHOWN}'".encode()
        in (written)
    )
