"""`nudger plans` and `nudger balance` on a real calendar folder: each person's own answer on
their row, who moved each date and how often, and plans settled as neither side's."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nudger import clock
from tests.conftest import RunCli
from tests.story import ALEX, CONFIG, ME

KIM = "kim@example.org"
PEOPLE = CONFIG + f'\n[[people]]\nname = "Kim"\nkind = "friend"\nemails = ["{KIM}"]\n'
STAMP = "%Y%m%dT%H%M%SZ"


@pytest.fixture
def folder(home: Path, write_config: Callable[[str], Path]) -> Path:
    folder = home / "calendar"
    folder.mkdir()
    write_config(PEOPLE + f'\n[[calendars]]\nname = "local"\ntype = "ics"\npath = "{folder}"\n')
    return folder


def write_event(
    folder: Path,
    uid: str,
    title: str,
    start: datetime,
    *,
    organizer: str | None = None,
    attendees: dict[str, str] | None = None,
    status: str | None = None,
) -> None:
    """One event file; `attendees` maps each address to its PARTSTAT."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//nudger tests//plans//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTART:{start.astimezone(UTC):{STAMP}}",
        f"DTEND:{(start + timedelta(hours=2)).astimezone(UTC):{STAMP}}",
        f"SUMMARY:{title}",
    ]
    if organizer:
        lines.append(f"ORGANIZER:mailto:{organizer}")
    for address, answer in (attendees or {}).items():
        lines.append(f"ATTENDEE;PARTSTAT={answer}:mailto:{address}")
    if status:
        lines.append(f"STATUS:{status}")
    lines += ["END:VEVENT", "END:VCALENDAR", ""]
    (folder / f"{uid}.ics").write_text("\r\n".join(lines))


def synced(cli: RunCli) -> None:
    done = cli("daemon", "--once")
    assert done.code == 0, done.out + done.err


def plans_json(cli: RunCli, *args: str) -> list[dict[str, Any]]:
    done = cli("plans", *args, "--json")
    assert done.code == 0, done.err
    rows: list[dict[str, Any]] = json.loads(done.out)
    return rows


def balance_of(cli: RunCli, person: str) -> dict[str, Any]:
    done = cli("balance", person, "--json")
    assert done.code == 0, done.err
    (found,) = json.loads(done.out)
    return dict(found)


def soon(days: int, hour: int = 18) -> datetime:
    return (clock.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def test_each_persons_row_shows_their_own_answer_mine_and_the_plans_status(
    cli: RunCli, folder: Path
) -> None:
    guests = {ALEX: "ACCEPTED", KIM: "DECLINED"}
    write_event(folder, "games", "Board games", soon(3), organizer=ME, attendees=guests)
    mine = {ME: "DECLINED"}
    write_event(folder, "gig", "Gig", soon(4), organizer=ALEX, attendees=mine)
    maybe = {ALEX: "NEEDS-ACTION"}
    write_event(folder, "hike", "Hike", soon(5), organizer=ME, attendees=maybe, status="TENTATIVE")
    write_event(folder, "dinner", "Dinner with Kim", soon(6))  # named in the title only
    synced(cli)

    rows = plans_json(cli)
    assert [
        (r["summary"], r["person"], r["answer"], r["my_answer"], r["plan_status"], r["status"])
        for r in rows
    ] == [
        ("Board games", "Alex", "accepted", "organizer", "confirmed", "upcoming"),
        ("Board games", "Kim", "declined", "organizer", "confirmed", "declined"),
        ("Gig", "Alex", "organizer", "declined", "confirmed", "declined"),
        ("Hike", "Alex", "no answer", "organizer", "tentative", "upcoming"),
        ("Dinner with Kim", "Kim", None, None, "confirmed", "upcoming"),
    ]

    header, *lines = cli("plans").out.splitlines()
    assert header.split() == [
        "id", "when", "with", "answer", "yours", "plan", "whose", "idea", "moved", "title",
    ]  # fmt: skip
    alex_games, kim_games = (line.split() for line in lines[:2])
    assert alex_games[3:8] == ["Alex", "accepted", "organizer", "confirmed", "you"]
    assert kim_games[3:8] == ["Kim", "declined", "organizer", "confirmed", "you"]
    assert "declined" not in lines[0]  # Kim's decline is not on the row of Alex, who accepted
    assert lines[4].split()[3:7] == ["Kim", "-", "-", "confirmed"]


def test_moves_are_counted_by_who_moved_them_in_plans_and_balance(
    cli: RunCli, folder: Path
) -> None:
    mine, theirs, solo = soon(3), soon(4), soon(5)
    accepted = {ALEX: "ACCEPTED"}
    write_event(folder, "dinner", "Dinner", mine, organizer=ME, attendees=accepted)
    write_event(folder, "climb", "Climbing", theirs, organizer=ALEX, attendees={ME: "ACCEPTED"})
    write_event(folder, "cinema", "Cinema with Alex", solo)
    synced(cli)
    for hours in (1, 2):  # I move my dinner twice
        later = mine + timedelta(hours=hours)
        write_event(folder, "dinner", "Dinner", later, organizer=ME, attendees=accepted)
        synced(cli)
    write_event(folder, "climb", "Climbing", theirs + timedelta(days=1), organizer=ALEX)
    write_event(folder, "cinema", "Cinema with Alex", solo + timedelta(hours=1))
    synced(cli)
    synced(cli)  # a sync with nothing new counts nothing twice

    moved = {r["summary"]: r["rescheduled"] for r in plans_json(cli, "Alex")}
    assert moved == {
        "Dinner": {"me": 2, "them": 0, "unknown": 0},
        "Climbing": {"me": 0, "them": 1, "unknown": 0},
        "Cinema with Alex": {"me": 0, "them": 0, "unknown": 1},
    }
    text = {line.split()[-1]: line for line in cli("plans", "Alex").out.splitlines()[1:]}
    assert "2x by you" in text["Dinner"]
    assert "1x by them" in text["Climbing"]
    assert "1x by ?" in text["Alex"]  # "Cinema with Alex"
    assert balance_of(cli, "Alex")["rescheduled"] == {"me": 2, "them": 1, "unknown": 1}
    assert "moved        you 2 · them 1 · unknown 1" in cli("balance", "Alex").out


def test_a_plan_settled_as_neither_sides_is_no_open_unknown_and_no_initiation(
    cli: RunCli, folder: Path
) -> None:
    write_event(folder, "party", "Party at Jo's with Alex", soon(-3))  # Jo is not tracked
    write_event(folder, "lunch", "Lunch with Alex", soon(-2))
    synced(cli)
    before = balance_of(cli, "Alex")
    assert (before["initiations"], before["neither"]) == ({"me": 0, "them": 0, "unknown": 2}, 0)
    party = next(r["id"] for r in plans_json(cli) if r["summary"].startswith("Party"))

    marked = cli("plans", "mark", party, "--by", "neither")
    assert (marked.code, marked.out) == (
        0,
        f"Marked {party} (Party at Jo's with Alex) as neither yours nor theirs.\n",
    )
    again = cli("plans", "mark", party, "--by", "neither")
    assert again.out == f"{party} (Party at Jo's with Alex) is already marked as neither.\n"
    synced(cli)  # the answer outlives a sync

    after = balance_of(cli, "Alex")
    assert (after["initiations"], after["neither"]) == ({"me": 0, "them": 0, "unknown": 1}, 1)
    assert after["by_kind"]["plan"] == {"me": 0, "them": 0, "unknown": 1}
    assert after["trend"][-1]["unknown"] + after["trend"][-2]["unknown"] == 1
    assert "1 plan was neither yours nor theirs (not counted)" in cli("balance", "Alex").out
    assert {r["summary"]: r["initiator"] for r in plans_json(cli)} == {
        "Party at Jo's with Alex": "neither",
        "Lunch with Alex": "unknown",
    }
    assert [r["summary"] for r in plans_json(cli, "--unclassified")] == ["Lunch with Alex"]
    history = json.loads(cli("history", "Alex", "--kind", "plan", "--json").out)
    assert [(e["who"], e["details"].get("settled")) for e in history if e["source"] == "mark"] == [
        ("unknown", "neither")
    ]

    assert cli("plans", "mark", party, "--by", "me").code == 0  # a second thought: it was mine
    changed = balance_of(cli, "Alex")
    assert (changed["initiations"], changed["neither"]) == ({"me": 1, "them": 0, "unknown": 1}, 0)


def test_plans_mark_refuses_a_side_it_does_not_know(cli: RunCli, folder: Path) -> None:
    write_event(folder, "lunch", "Lunch with Alex", soon(-2))
    synced(cli)
    (lunch,) = plans_json(cli)
    refused = cli("plans", "mark", lunch["id"], "--by", "nobody")
    assert refused.code == 2
    assert "'me', 'them', 'neither'" in refused.err


def test_the_same_invite_in_two_calendars_is_listed_once_naming_both(
    cli: RunCli, home: Path, write_config: Callable[[str], Path]
) -> None:
    """Issue 15 (11): the log counts an invite seen in two sources once; so does `plans`."""
    folders = [home / "home-cal", home / "work-cal"]
    tables = ""
    for folder in folders:
        folder.mkdir()
        tables += f'\n[[calendars]]\nname = "{folder.name}"\ntype = "ics"\npath = "{folder}"\n'
        write_event(folder, "dinner", "Dinner", soon(3), organizer=ALEX, attendees={ME: "ACCEPTED"})
    write_config(PEOPLE + tables)
    synced(cli)
    (row,) = plans_json(cli, "Alex")
    assert row["source"] == "home-cal, work-cal"
    listed = cli("plans", "Alex").out
    assert listed.count("Dinner") == 1 and "(in home-cal, work-cal)" in listed
