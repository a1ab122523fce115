"""A calendar that loses plans, through the CLI: what a user sees and what the balance keeps.

DESIGN, "Disappearance is not cancellation": an emptied or missing folder is a failed sync that
changes nothing; plans deleted after they happened are history; an upcoming plan deleted is a
removal by nobody, taken back when it returns; many vanishing at once is refused until the user
says it is real; a file that cannot be read, or is cut short, for one sync changes nothing.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest

from nudger import clock
from tests.conftest import RunCli
from tests.story import ALEX, CONFIG, ME, story
from tests.sync.conftest import lock

TODAY = clock.now().date()
UPCOMING = ("soon-1.ics", "soon-2.ics", "soon-3.ics")


@pytest.fixture
def folder(home: Path, write_config: Callable[[str], Path]) -> Path:
    """The story (twelve weeks that ended last week) and three plans of Alex's to come."""
    calendar = home / "calendar"
    calendar.mkdir()
    write_config(CONFIG + f'\n[[calendars]]\nname = "local"\ntype = "ics"\npath = "{calendar}"\n')
    for name, text in story(TODAY).events.items():
        (calendar / name).write_bytes(text)
    for days, name in enumerate(UPCOMING, start=3):
        (calendar / name).write_bytes(_upcoming(name.removesuffix(".ics"), days))
    return calendar


def _upcoming(uid: str, days: int) -> bytes:
    start = datetime.combine(TODAY + timedelta(days=days), time(18), tzinfo=UTC)
    event = icalendar.Event()
    for key, value in (("UID", uid), ("SUMMARY", f"Plan {uid}"), ("DTSTART", start)):
        event.add(key, value)
    event.add("DTEND", start + timedelta(hours=2))
    event.add("DTSTAMP", start - timedelta(days=7))
    event.add("ORGANIZER", f"mailto:{ALEX}")
    event.add("ATTENDEE", f"mailto:{ME}", parameters={"PARTSTAT": "ACCEPTED"})
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//nudger tests//vanishing//EN")
    calendar.add("VERSION", "2.0")
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def balance(cli: RunCli) -> dict[str, object]:
    until = (TODAY + timedelta(days=1)).isoformat()
    result = cli("balance", "Alex", "--json", "--since", "1y", "--until", until)
    assert result.code == 0, result.err
    (alex,) = json.loads(result.out)
    return {k: alex[k] for k in ("initiations", "cancellations", "declines", "missed")}


def cancelled(before: dict[str, object], *, unknown: int) -> dict[str, int]:
    """The cancellations of `before` with `unknown` more by nobody."""
    counts = before["cancellations"]
    assert isinstance(counts, dict)
    return counts | {"unknown": counts["unknown"] + unknown}


def synced(cli: RunCli, *args: str) -> str:
    result = cli("daemon", "--once", *args)
    assert result.code == 0, result.out + result.err
    return result.out


def test_an_emptied_folder_changes_no_balance_says_why_and_pointing_back_adds_nothing(
    cli: RunCli, folder: Path, home: Path
) -> None:
    synced(cli)
    before = balance(cli)
    shutil.move(folder, home / "elsewhere")
    folder.mkdir()  # as vdirsyncer re-creates it, or an unmounted disk leaves it

    result = cli("daemon", "--once")
    assert result.code == 1  # nothing synced
    assert "✗ local: it came back empty, and it showed 3 plans still to come" in result.out
    assert "nudger daemon --once --accept-removals local" in result.out
    assert balance(cli) == before

    folder.rmdir()
    shutil.move(home / "elsewhere", folder)
    assert "✓ local: 0 new facts" in synced(cli)
    assert balance(cli) == before


def test_a_folder_gone_changes_no_balance(cli: RunCli, folder: Path, home: Path) -> None:
    synced(cli)
    before = balance(cli)
    shutil.move(folder, home / "elsewhere")
    result = cli("daemon", "--once")
    assert "✗ local:" in result.out and "does not exist" in result.out
    shutil.move(home / "elsewhere", folder)
    assert "✓ local: 0 new facts" in synced(cli)
    assert balance(cli) == before


def test_deleting_the_files_of_plans_that_happened_changes_no_balance(
    cli: RunCli, folder: Path
) -> None:
    synced(cli)
    before = balance(cli)
    for name in story(TODAY).events:
        (folder / name).unlink()
    assert "✓ local: 0 new facts" in synced(cli)
    assert balance(cli) == before


def test_an_upcoming_plan_deleted_is_removed_by_nobody_until_it_is_back(
    cli: RunCli, folder: Path
) -> None:
    synced(cli)
    before = balance(cli)
    kept = (folder / "soon-2.ics").read_bytes()
    (folder / "soon-2.ics").unlink()
    assert "✓ local: 1 new facts" in synced(cli)
    assert balance(cli) == before | {"cancellations": cancelled(before, unknown=1)}
    (removed,) = [
        entry
        for entry in json.loads(cli("history", "Alex", "--kind", "cancelled", "--json").out)
        if entry["details"]["uid"] == "soon-2"
    ]
    assert (removed["who"], removed["details"]["removed"]) == ("unknown", True)

    (folder / "soon-2.ics").write_bytes(kept)
    assert "✓ local: 1 new facts" in synced(cli)  # the retraction
    assert balance(cli) == before
    history = json.loads(cli("history", "Alex", "--json").out)
    (taken_back,) = [e for e in history if e["key"] == removed["key"]]
    (retraction,) = [e for e in history if e["supersedes"] == removed["key"]]
    assert (taken_back["superseded"], taken_back["superseded_by"]) == (True, retraction["key"])
    assert (retraction["kind"], retraction["details"]["reason"]) == ("retracted", "it is back")
    shown = cli("history", "Alex", "--kind", "cancelled", "--kind", "retracted").out
    assert "Plan soon-2 (gone from the calendar; who removed it is unknown)" in " ".join(
        shown.split()
    )
    assert "(taken back: it is back)" in " ".join(shown.split())


def test_most_upcoming_plans_vanishing_at_once_is_refused_until_the_user_accepts(
    cli: RunCli, folder: Path
) -> None:
    synced(cli)
    before = balance(cli)
    for name in UPCOMING[:2]:
        (folder / name).unlink()
    refused = cli("daemon", "--once")
    assert "✗ local: it no longer shows 2 of the 3 plans still to come" in refused.out
    assert "sync.max_vanished_share (0.5)" in refused.out
    assert balance(cli) == before

    assert "✓ local: 2 new facts" in synced(cli, "--accept-removals", "local")
    assert balance(cli) == before | {"cancellations": cancelled(before, unknown=2)}


def test_accept_removals_names_a_calendar_and_goes_with_once(cli: RunCli, folder: Path) -> None:
    wrong = cli("daemon", "--once", "--accept-removals", "locale")
    assert wrong.code == 2 and "no calendar named 'locale'" in wrong.err
    alone = cli("daemon", "--accept-removals", "local")
    assert alone.code == 2 and "--accept-removals goes with --once" in alone.err


def test_a_file_cut_short_for_one_sync_changes_nothing(cli: RunCli, folder: Path) -> None:
    """A program rewriting a file truncates it, then writes it: a sync in between reads it
    empty or half-written, which must not read as "its events are gone"."""
    synced(cli)
    before = balance(cli)
    whole = (folder / "soon-1.ics").read_bytes()
    (folder / "soon-1.ics").write_bytes(b"")
    (folder / "theirs-1.ics").write_bytes((folder / "theirs-1.ics").read_bytes()[:150])
    result = cli("daemon", "--once")
    assert "✓ local: 0 new facts; problems: 2 not read" in result.out
    assert "soon-1.ics: empty or cut short" in result.err
    assert balance(cli) == before

    (folder / "soon-1.ics").write_bytes(whole)
    (folder / "theirs-1.ics").write_bytes(story(TODAY).events["theirs-1.ics"])
    assert "✓ local: 0 new facts" in synced(cli)
    assert balance(cli) == before


def test_a_file_that_cannot_be_opened_for_one_sync_changes_nothing(
    cli: RunCli, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chmod 000 as the test runs it (often as root, who may read anything) is stood in for
    by the error reading such a file raises."""
    synced(cli)
    before = balance(cli)
    lock(monkeypatch, "soon-3.ics")
    (folder / "soon-3.ics").touch()  # a new modification time: the folder is read again
    result = cli("daemon", "--once")
    assert "✓ local: 0 new facts; problems: 1 not read" in result.out
    assert "soon-3.ics: cannot be read (Permission denied)" in result.err
    assert balance(cli) == before


def test_plans_review_asks_what_became_of_a_vanished_plan(
    cli: RunCli, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced(cli)
    before = balance(cli)
    for name in ("soon-1.ics", "soon-3.ics"):
        (folder / name).unlink()
    assert "✓ local: 2 new facts" in synced(cli, "--accept-removals", "local")
    monkeypatch.setattr(sys, "stdin", io.StringIO("t\nn\n"))  # theirs; and no cancellation
    result = cli("plans", "review")
    assert result.code == 0, result.err
    said = " ".join(result.out.split())
    assert "2 plans gone from a calendar with nothing saying why (counted as nobody's):" in said
    assert "[1/2] Plan soon-1" in said and "cancelled by them" in said
    assert "[2/2] Plan soon-3" in said and "no cancellation: it no longer counts" in said
    assert "Settled 2 of 2 plans." in said
    counts = before["cancellations"]
    assert isinstance(counts, dict)
    assert balance(cli) == before | {"cancellations": counts | {"them": counts["them"] + 1}}
    again = cli("plans", "review")
    assert "gone from a calendar" not in again.out  # settled, never asked again


def test_a_shorter_sync_future_is_no_removal_of_the_plans_beyond_it(
    cli: RunCli, folder: Path
) -> None:
    """A setting changed, not the calendar: the plans past the new window are not listed."""
    synced(cli)
    before = balance(cli)
    assert cli("config", "set", "sync.future", "4d").code == 0  # soon-3, in 5 days, is past it
    (folder / "soon-1.ics").touch()  # the folder is read again
    assert "✓ local: 0 new facts" in synced(cli)
    assert balance(cli) == before
