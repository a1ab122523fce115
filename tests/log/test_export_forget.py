"""`nudger export` gives back exactly the log; `nudger forget` erases one person and nobody else.

The log is built as a user builds it: calendar plans from an ICS folder (one with Alex only,
one with Alex and Robin, one with Robin only), entries logged by hand, a nudge answered, and a
plan's side corrected (a superseding entry, which the day tallies account for).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nudger import clock
from nudger.core.model import Kind, NewEntry, Who, correction
from nudger.log import export
from nudger.log.queries import entries
from nudger.log.store import Store
from tests.conftest import RunCli

ME, ALEX, ROBIN = "sam@example.org", "alex@example.org", "robin@example.org"


def event(uid: str, start: datetime, summary: str, organizer: str, *attendees: str) -> str:
    stamp = f"{start:%Y%m%dT%H%M%SZ}"
    end = f"{start + timedelta(hours=2):%Y%m%dT%H%M%SZ}"
    invited = "".join(f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{a}\n" for a in attendees)
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//nudger tests//EN\nBEGIN:VEVENT\n"
        f"UID:{uid}\nDTSTAMP:{stamp}\nDTSTART:{stamp}\nDTEND:{end}\nSUMMARY:{summary}\n"
        f"ORGANIZER:mailto:{organizer}\n{invited}END:VEVENT\nEND:VCALENDAR\n"
    ).replace("\n", "\r\n")


@pytest.fixture
def log_with_people(
    cli: RunCli, tmp_path: Path, write_config: Callable[[str], Path], log_path: Path
) -> Path:
    folder = tmp_path / "calendar"
    folder.mkdir()
    now = clock.now().replace(microsecond=0)
    plans = {
        "alex.ics": event("alex-dinner", now - timedelta(days=9), "Dinner", ME, ALEX),
        "alex-hike.ics": event("alex-hike", now + timedelta(days=5), "Hike", ALEX, ME),
        "group.ics": event("group", now - timedelta(days=3), "Board games", ME, ALEX, ROBIN),
        "robin.ics": event("robin-lunch", now - timedelta(days=6), "Lunch", ROBIN, ME),
    }
    for name, text in plans.items():
        (folder / name).write_text(text, encoding="utf-8")
    config = write_config(
        f"""\
        [me]
        name = "Sam"
        emails = ["{ME}"]
        timezone = "UTC"

        [[people]]
        name = "Alex"
        kind = "partner"
        emails = ["{ALEX}"]

        [[people]]
        name = "Robin"
        kind = "friend"
        emails = ["{ROBIN}"]

        [[calendars]]
        name = "home"
        type = "ics"
        path = "{folder}"
        """
    )
    assert cli("daemon", "--once").code == 0
    for args in (
        ["log", "message", "-p", "Alex", "--by", "me", "--note", 'said "hi", twice\nthen left'],
        ["log", "call", "-p", "Robin", "--by", "them", "--at", "-2d"],
        ["log", "checkin", "-p", "Robin", "--by", "me", "--at", "-1d"],
    ):
        assert cli(*args).code == 0
    upcoming = json.loads(cli("nudges", "--json").out)["upcoming"]
    checkin = next(n for n in upcoming if n["kind"] == "checkin" and n["person"] == "Alex")
    assert cli("done", checkin["short_id"]).code == 0  # nudge.done and a check-in with Alex
    with Store.open(log_path) as store:
        logged = entries(store.db, kinds=["plan"])
        (dinner,) = [e for e in logged if e.details.get("uid") == "alex-dinner"]
        store.append(correction(dinner, Who.THEM, "mark:test"), now=clock.now())
    return config


def history(cli: RunCli) -> list[dict[str, Any]]:
    result = cli("history", "--json")
    assert result.code == 0, result.err
    found: list[dict[str, Any]] = json.loads(result.out)
    return found


def from_csv(text: str) -> list[dict[str, Any]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and list(rows[0]) == list(export.COLUMNS)
    return [
        {
            **row,
            "id": int(row["id"]),
            "person": row["person"] or None,
            "details": json.loads(row["details"]),
            "supersedes": row["supersedes"] or None,
            "superseded": {"true": True, "false": False}[row["superseded"]],
            "superseded_by": row["superseded_by"] or None,
        }
        for row in rows
    ]


# --- export -----------------------------------------------------------------------------------


def test_export_json_and_csv_read_back_as_the_history(cli: RunCli, log_with_people: Path) -> None:
    expected = history(cli)
    kinds = {entry["kind"] for entry in expected}
    assert {Kind.PLAN, Kind.MESSAGE, Kind.CALL, Kind.CHECKIN, Kind.NUDGE_DONE} <= kinds
    assert any(entry["superseded"] for entry in expected)
    as_json = cli("export")
    assert as_json.code == 0, as_json.err
    assert json.loads(as_json.out) == expected
    assert as_json.out.count("\n") == len(expected) + 2  # "[", one entry a line, "]"
    as_csv = cli("export", "--format", "csv")
    assert as_csv.code == 0, as_csv.err
    assert from_csv(as_csv.out) == expected


def test_export_to_a_file_is_private_and_whole(
    cli: RunCli, log_with_people: Path, tmp_path: Path
) -> None:
    expected = history(cli)
    target = tmp_path / "out" / "log.csv"
    target.parent.mkdir()
    target.write_text("an older export", encoding="utf-8")
    target.chmod(0o644)
    os.umask(old := os.umask(0))  # whatever the umask, the file is 0600
    try:
        result = cli("export", "-f", "csv", "--out", str(target))
    finally:
        os.umask(old)
    assert result.code == 0, result.err
    assert result.out == ""
    assert f"Wrote {len(expected)} entries to {target}" in result.err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert from_csv(target.read_text(encoding="utf-8")) == expected
    assert sorted(p.name for p in target.parent.iterdir()) == ["log.csv"]  # no temporary left


def test_export_into_a_missing_folder_is_a_usage_error(cli: RunCli, tmp_path: Path) -> None:
    result = cli("export", "--out", str(tmp_path / "nowhere" / "log.json"))
    assert result.code == 2
    assert "does not exist" in result.err


def test_an_empty_log_exports_as_an_empty_array_and_a_header(cli: RunCli) -> None:
    assert json.loads(cli("export").out) == []
    assert cli("export", "-f", "csv").out == ",".join(export.COLUMNS) + "\n"


def test_export_streams_instead_of_building_the_log_in_memory(log_path: Path) -> None:
    """Python's memory at its peak stays a small fraction of what is written."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with Store.open(log_path) as store:
        store.append_many(
            (
                NewEntry(
                    at=at + timedelta(minutes=n),
                    kind="message",
                    who=Who.ME,
                    source="bench",
                    key=f"bench:{n}",
                    person="Alex",
                    details={"note": "x" * 100},
                )
                for n in range(20_000)
            ),
            now=at,
        )
        sink = _CountingSink()
        tracemalloc.start()
        try:
            assert export.write(store.db, "json", sink) == 20_000
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert sink.size > 5_000_000
    assert peak < sink.size / 20


class _CountingSink(io.StringIO):
    """Counts what is written and keeps none of it."""

    size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        return len(text)


# --- forget -----------------------------------------------------------------------------------


def tally_problems(db: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Where `day_tally` disagrees with the entries it summarizes (current entries only)."""
    rebuilt = """
        SELECT person_id, (at - (at < 0) * 86399) / 86400 AS day, kind,
               sum(who = 'me'), sum(who = 'them'), sum(who = 'unknown')
        FROM entry
        WHERE person_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM entry AS later WHERE later.supersedes = entry.key)
        GROUP BY person_id, day, kind
    """
    stored = "SELECT person_id, day, kind, me, them, unknown FROM day_tally"
    expected = set(db.execute(rebuilt).fetchall())
    kept = set(db.execute(stored).fetchall())
    return sorted(expected ^ kept, key=repr)


def stored_plans(log_path: Path) -> list[str]:
    with Store.open_for_reading(log_path) as store:
        return [row[0] for row in store.db.execute("SELECT resource FROM resource_state")]


def test_forget_removes_exactly_that_persons_history(
    cli: RunCli, log_with_people: Path, log_path: Path
) -> None:
    before = history(cli)
    today = clock.now().date()
    window = [
        "--since",
        f"{today - timedelta(days=400)}",
        "--until",
        f"{today + timedelta(days=30)}",
    ]
    robin_balance = cli("balance", "Robin", *window, "--json").out
    assert json.loads(robin_balance)[0]["initiations"]["them"] >= 1
    alex_entries = [e for e in before if e["person"] == "Alex"]
    assert len(alex_entries) >= 6  # plans, a message, a check-in, a nudge answered, a correction
    assert len(stored_plans(log_path)) == 4

    result = cli("forget", "Alex", "--yes")

    assert result.code == 0, result.err
    assert f"Forgot Alex: deleted {len(alex_entries)} entries and 2 stored calendar plans" in (
        result.out
    )
    assert "Kept 1 stored calendar plan Alex shares" in result.out
    assert "nudger people add Alex" in result.out
    assert history(cli) == [e for e in before if e["person"] != "Alex"]
    assert cli("balance", "Robin", *window, "--json").out == robin_balance
    assert sorted(stored_plans(log_path)) == ["group", "robin-lunch"]
    with Store.open_for_reading(log_path) as store:
        assert store.integrity_problems() == []
        assert tally_problems(store.db) == []
        assert store.db.execute("SELECT name FROM person").fetchall() == [("Robin",)]
    assert 'removed = "' in log_with_people.read_text(encoding="utf-8")  # tracked no more
    again = cli("balance", "--json")
    assert [report["person"] for report in json.loads(again.out)] == ["Robin"]


def test_a_sync_after_forgetting_brings_nothing_back(
    cli: RunCli, log_with_people: Path, log_path: Path
) -> None:
    assert cli("forget", "alex", "--yes").code == 0  # any case, as everywhere
    after = history(cli)
    assert cli("daemon", "--once").code == 0
    assert history(cli) == after
    with Store.open_for_reading(log_path) as store:
        assert tally_problems(store.db) == []


def test_forget_refuses_without_a_terminal_or_yes(cli: RunCli, log_with_people: Path) -> None:
    before = history(cli)
    done = subprocess.run(
        [sys.executable, "-m", "nudger", "forget", "Alex"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "no terminal to ask on" in done.stderr
    assert "nudger forget Alex --yes" in done.stderr
    assert "Traceback" not in done.stderr
    assert history(cli) == before


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code"), [("n\n", 1), ("\n", 1), ("y\n", 0)])
def test_forget_asks_on_a_terminal(
    cli: RunCli, log_with_people: Path, monkeypatch: pytest.MonkeyPatch, answer: str, code: int
) -> None:
    before = history(cli)
    monkeypatch.setattr(sys, "stdin", _Terminal(answer))
    result = cli("forget", "Alex")
    assert result.code == code
    assert "and stop tracking them" in result.out  # the question says so
    remaining = history(cli)
    assert remaining == (before if code else [e for e in before if e["person"] != "Alex"])


def test_forgetting_someone_unknown_is_a_usage_error(cli: RunCli, log_with_people: Path) -> None:
    result = cli("forget", "Alexa", "--yes")
    assert result.code == 2
    assert "nobody named 'Alexa'" in result.err
    assert "Alex" in result.err


def test_forgetting_someone_only_the_log_remembers(
    cli: RunCli, write_config: Callable[[str], Path], log_path: Path
) -> None:
    """Someone whose [[people]] table was deleted by hand is still found by their log name."""
    write_config(
        textwrap.dedent(
            """\
            [[people]]
            name = "Kim"
            """
        )
    )
    assert cli("log", "call", "-p", "Kim", "--by", "them").code == 0
    write_config("")
    result = cli("forget", "kim", "--yes")
    assert result.code == 0, result.err
    assert "Forgot Kim: deleted 1 entry." in result.out
    assert "[[people]]" not in result.out
    assert history(cli) == []


def test_nothing_to_forget_says_so(cli: RunCli, write_config: Callable[[str], Path]) -> None:
    write_config('[[people]]\nname = "Alex"\n')
    result = cli("forget", "Alex", "--yes")
    assert result.code == 0
    assert "Nothing to forget" in result.out
