"""One message per problem, through the CLI (issue 15 Build 9): each names the file, the event
by its title and start, what was done (kept, skipped, capped, not read) and why in words; a
library's warnings become such messages; nothing is said twice; the cap counts the rest.

`daemon --once` runs as a subprocess where what Python itself prints matters (its warnings
go to the terminal of the process that raises them), in this process elsewhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from nudger import clock
from nudger.log import sync_state
from tests.conftest import RunCli
from tests.story import ALEX, ME

DAY = clock.now().date() + timedelta(days=3)
ON = f"on {DAY:%Y-%m-%d}"


def event(uid: str, title: str, *lines: str, start: str | None = None) -> str:
    """One VEVENT of an invite from Alex, three days ahead at 18:00 UTC unless `start` says
    otherwise; `lines` are added as they are (or replace the start when they begin with it)."""
    moment = datetime.combine(DAY, time(18), tzinfo=UTC)
    begin = start if start is not None else f"DTSTART:{moment:%Y%m%dT%H%M%SZ}"
    return "\r\n".join(
        [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"SUMMARY:{title}",
            *([begin] if begin else []),
            f"DTSTAMP:{moment - timedelta(days=7):%Y%m%dT%H%M%SZ}",
            f"ORGANIZER:mailto:{ALEX}",
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}",
            *lines,
            "END:VEVENT",
        ]
    )


def calendar(*events: str) -> bytes:
    body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN", *events])
    return (body + "\r\nEND:VCALENDAR\r\n").encode()


def once_in_a_process() -> subprocess.CompletedProcess[str]:
    """`nudger daemon --once` as a timer runs it (the tests' home and config are in the
    environment), with Python's warnings shown as a default interpreter shows them."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    return subprocess.run(
        [sys.executable, "-m", "nudger", "daemon", "--once"],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )


def problem_lines(text: str) -> list[str]:
    lines = text.splitlines()
    return [line for line in lines if line.startswith("    ") and "    … and " not in line]


def test_a_guessed_zone_is_a_kept_event_said_once_and_no_raw_warning(folder: Path) -> None:
    """icalendar warns (GloballyUniqueTZIDGuessed, with its own path and source line) when it
    reads a vendor's TZID as the IANA zone at its end; that is said as what was done."""
    tzid = "/mozilla.org/20050126_1/America/Boise"
    zoned = event(
        "boise",
        "Dinner with Alex",
        f"DTEND;TZID={tzid}:{DAY:%Y%m%d}T210000",
        start=f"DTSTART;TZID={tzid}:{DAY:%Y%m%d}T190000",
    )
    (folder / "boise.ics").write_bytes(calendar(zoned))
    done = once_in_a_process()
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and ".py:" not in done.stderr, done.stderr
    assert problem_lines(done.stderr) == [
        f"    kept: {folder / 'boise.ics'}: its time zone {tzid!r} was read as America/Boise"
    ]
    assert "✓ local: 1 new facts; problems: 1 kept" in done.stdout


def test_a_kept_event_says_kept_and_a_skipped_one_skipped(cli: RunCli, folder: Path) -> None:
    """A broken CREATED costs only that property: the event is kept, and its line says so
    (it sat under "skipped:" before). An event without a start is skipped, said in words."""
    (folder / "mixed.ics").write_bytes(
        calendar(
            event("created", "Lunch with Alex", "CREATED:00001231T000000Z"),
            event("nostart", "Walk with Alex", start=""),
        )
    )
    result = cli("daemon", "--once")
    assert result.code == 0, result.err
    assert "✓ local: 1 new facts; problems: 1 skipped, 1 kept" in result.out
    where = folder / "mixed.ics"
    assert problem_lines(result.err) == [
        f"    kept: {where}: event 'Lunch with Alex' {ON}: its CREATED '00001231T000000Z' "
        "cannot be read, so it was ignored",
        f"    skipped: {where}: event 'Walk with Alex': it has no DTSTART",
    ]
    assert "KeyError" not in result.err


def test_exception_texts_and_list_reprs_never_reach_the_user(cli: RunCli, folder: Path) -> None:
    """An event with two UIDs was known by the text of a Python list (and then failed with
    "unhashable type"); one in the year 9999 with a length failed with an OverflowError
    although it is nowhere near the window: it is simply not in it."""
    (folder / "odd.ics").write_bytes(
        calendar(
            event("first", "Dinner with Alex", "UID:second"),
            event("far", "Far with Alex", "DURATION:PT5H", start="DTSTART:99991231T230000Z"),
        )
    )
    result = cli("daemon", "--once")
    assert result.code == 0, result.err
    assert problem_lines(result.err) == [
        f"    kept: {folder / 'odd.ics'}: event 'Dinner with Alex' {ON}: its UID is written 2 "
        "times, so it is known by the first, 'first'"
    ]
    for raw in ("[", "Error", "unhashable"):
        assert raw not in result.out + result.err
    assert "Dinner with Alex" in cli("plans").out


def test_alike_problems_are_one_line_and_the_cap_counts_the_rest(cli: RunCli, folder: Path) -> None:
    """84 events without a title or a start in one Thunderbird file were 84 lines; alike ones
    are one line with their count. Past five lines, one line counts the rest."""
    anonymous = [
        f"BEGIN:VEVENT\r\nUID:a{n}\r\nATTENDEE:mailto:{ALEX}\r\nEND:VEVENT" for n in range(84)
    ]
    (folder / "anonymous.ics").write_bytes(calendar(*anonymous))
    for number in range(6):
        (folder / f"cut-{number}.ics").write_bytes(calendar(event("x", "Alex"))[:-20])
    result = cli("daemon", "--once")
    assert result.code == 0, result.err
    assert "✓ local: 0 new facts; problems: 1 skipped, 6 not read" in result.out
    shown = problem_lines(result.err)
    assert shown[0] == (
        f"    skipped: {folder / 'anonymous.ics'}: an event without a title, 84 times: "
        "it has no DTSTART"
    )
    assert len(shown) == 5 and all(" not read: " in line for line in shown[1:])
    assert result.err.splitlines()[-1] == "    … and 2 more problems of local"
    assert [line for line, n in Counter(result.err.splitlines()).items() if n > 1] == []


def test_the_daemon_journal_says_each_problem_once(folder: Path, log_path: Path) -> None:
    """The daemon's sync process logs each problem in one line, with what was done."""
    (folder / "mixed.ics").write_bytes(
        calendar(
            event("created", "Lunch with Alex", "CREATED:00001231T000000Z"),
            event("nostart", "Walk with Alex", start=""),
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "nudger.sync.worker", "local", "--now", clock.now().isoformat()],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    where = folder / "mixed.ics"
    assert done.stderr.splitlines() == [
        f"WARNING nudger.sync.calendars: local: kept: {where}: event 'Lunch with Alex' {ON}: "
        "its CREATED '00001231T000000Z' cannot be read, so it was ignored",
        f"WARNING nudger.sync.calendars: local: skipped: {where}: event 'Walk with Alex': "
        "it has no DTSTART",
        "INFO nudger.sync: local: 1 new facts; problems: 1 skipped, 1 kept",
    ]


def test_a_sync_stopped_before_it_committed_leaves_nothing_of_it(
    cli: RunCli, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A daemon stopped during a sync (Ctrl-C, SIGTERM, the kill after it) ends the sync
    where it is: its facts and its state are one transaction, so none of them stays, and the
    next sync records them all."""
    (folder / "plans.ics").write_bytes(
        calendar(event("lunch", "Lunch with Alex"), event("walk", "Walk with Alex"))
    )
    real = sync_state.record_success

    def stopped(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the last write of the sync, after its facts

    monkeypatch.setattr(sync_state, "record_success", stopped)
    interrupted = cli("daemon", "--once")
    assert (interrupted.code, interrupted.err.strip()) == (130, "nudger: interrupted")
    monkeypatch.setattr(sync_state, "record_success", real)
    assert json.loads(cli("plans", "--json").out) == []
    assert cli("daemon", "--once").code == 0
    titles = sorted(row["summary"] for row in json.loads(cli("plans", "--json").out))
    assert titles == ["Lunch with Alex", "Walk with Alex"]


def test_the_journal_caps_a_sync_of_many_problems(folder: Path) -> None:
    """A broken export can hold hundreds of problems: the journal gets twenty lines a sync."""
    for number in range(23):
        (folder / f"cut-{number:02}.ics").write_bytes(calendar(event("x", "Alex"))[:-20])
    done = subprocess.run(
        [sys.executable, "-m", "nudger.sync.worker", "local", "--now", clock.now().isoformat()],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stderr.splitlines()
    assert len([line for line in lines if ": not read: " in line]) == 20
    assert "WARNING nudger.sync.calendars: local: … and 3 more problems" in lines
    assert lines[-1] == "INFO nudger.sync: local: 0 new facts; problems: 23 not read"
