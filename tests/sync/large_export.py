"""A large calendar export, made up: many events of nobody tracked, a few with Alex, and a
sync of it measured (for the large-file test and `bench/large_file.py`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time as timer
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from tests.story import ALEX, ME

_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nTZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
    "END:VTIMEZONE\r\n"
)


# `nudger daemon --once` in a child that says its own peak resident memory when done: the
# mm's high-water mark (VmHWM). Not ru_maxrss, which Linux carries over an exec from the
# process that forked (or vforked) it, so a child of a large pytest process seemed large.
_MEASURED = """
import sys
from nudger.cli import main
code = main(["daemon", "--once"])
sys.stdout.flush()
peak = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")]
print(f"\\npeak-kib: {peak[0]}")
sys.exit(code)
"""


def timed_sync(env: dict[str, str]) -> tuple[float, float, float, int, str]:
    """Wall seconds, CPU seconds (user and system), peak resident MB, exit code and output of
    one `daemon --once` in a child process (`os.wait4` gives that child's own CPU time)."""
    began = timer.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", _MEASURED],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert child.stdout is not None
    output = child.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(child.pid, 0)
    took = timer.monotonic() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    output, _, peak = output.rpartition("\npeak-kib: ")
    cpu = usage.ru_utime + usage.ru_stime
    return took, cpu, int(peak or 0) / 1024, child.returncode, output


def write_export(path: Path, *, events: int, relevant: int, today: date) -> None:
    """An export of `events` events (about 550 bytes each, as in a real one), of which `relevant`
    (spread through the file, in the coming days) have Alex as an attendee. The others are one
    a day going back from today, with colleagues, non-ASCII text and folded lines."""
    every = max(events // max(relevant, 1), 1)
    with path.open("wb") as out:
        out.write(
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//nudger tests//large export//EN\r\n"
            b"X-WR-CALNAME:Work\r\nX-WR-TIMEZONE:Europe/Berlin\r\n" + _ZONE.encode()
        )
        written = 0
        for at in range(events):
            with_alex = written < relevant and at % every == every // 2
            written += with_alex
            out.write(_event(at, today, with_alex=with_alex).encode())
        out.write(b"END:VCALENDAR\r\n")


def _event(at: int, today: date, *, with_alex: bool) -> str:
    day = today + timedelta(days=1 + at % 20) if with_alex else today - timedelta(days=at % 3000)
    start = datetime.combine(day, time(9 + at % 8, 30))
    stamp = datetime.combine(today, time(), tzinfo=UTC) - timedelta(days=40)
    guest = ALEX if with_alex else f"colleague{at % 97}@work.example"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{at}-export@work.example" if with_alex or at else "UID:1",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=Europe/Berlin:{start + timedelta(hours=1):%Y%m%dT%H%M%S}",
        f"SUMMARY:{'Dinner' if with_alex else f'Réunion équipe n°{at}'}",
        f"ORGANIZER;CN=Sam:mailto:{ME}",
        f"ATTENDEE;CN=Guest;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:{guest}",
        "DESCRIPTION:Agenda: the quarterly numbers\\, the roadmap and what comes next for t",
        " he team. Notes from the last meeting are in the shared folder.",
        "LOCATION:Room 4.12\\, second floor",
        "STATUS:CONFIRMED",
        "SEQUENCE:0",
        "END:VEVENT",
    ]
    return "\r\n".join(lines) + "\r\n"
