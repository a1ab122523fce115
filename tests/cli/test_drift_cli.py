"""Contact rhythms through the CLI: `people add/set --every`, what `people list` shows, and
`nudger drift` in text and JSON, on a real log written by `nudger log`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RunCli

CONFIG = """\
[me]
timezone = "Europe/Berlin"

[[people]]
name = "Alex"
kind = "partner"
every = "2w"

[[people]]
name = "Kim"
kind = "friend"

[[people]]
name = "<b>Jo</b>"
kind = "family"

[rhythm.default_every]
friend = "1w"
family = "4w"
"""


@pytest.fixture
def logged(cli: RunCli, write_config: Callable[[str], Path]) -> RunCli:
    """Alex wrote 20 days ago (2w: overdue 6d), I called Kim 9 days ago (1w: overdue 2d), and
    nothing is logged with Jo (4w: unknown)."""
    write_config(CONFIG)
    assert cli("log", "message", "-p", "Alex", "--by", "them", "--at", "-20d").code == 0
    assert cli("log", "call", "-p", "Kim", "--by", "me", "--at", "-9d").code == 0
    return cli


def test_drift_lists_the_overdue_most_overdue_first(logged: RunCli) -> None:
    shown = logged("drift")
    assert shown.code == 0
    lines = shown.out.splitlines()
    assert lines[1].split() == ["Alex", "2w", "a", "message,", "by", "Alex", "20d", "overdue", "6d"]
    assert lines[2].split() == ["Kim", "1w", "a", "call,", "by", "you", "9d", "overdue", "2d"]
    assert "No contact logged yet with <b>Jo</b>: how long it has been is unknown." in shown.out


def test_drift_json_has_stable_keys(logged: RunCli) -> None:
    found = json.loads(logged("drift", "--json").out)
    assert [(d["person"], d["overdue"], d["days_since"], d["every_days"]) for d in found] == [
        ("Alex", 6, 20, 14),
        ("Kim", 2, 9, 7),
    ]
    assert found[0]["last_contact"]["kind"] == "message"
    assert found[0]["last_contact"]["who"] == "them"
    assert found[0]["status"] == "overdue 6d"


def test_drift_since_keeps_those_who_came_due_since(logged: RunCli) -> None:
    found = json.loads(logged("drift", "--json", "--since", "3d").out)
    assert [d["person"] for d in found] == ["Kim"]  # Alex came due 6 days ago


def test_new_contact_takes_someone_off_the_list(logged: RunCli) -> None:
    assert logged("log", "gratitude", "-p", "Alex", "--by", "me").code == 0
    found = json.loads(logged("drift", "--json").out)
    assert [d["person"] for d in found] == ["Kim"]


def test_a_cancelled_plan_is_no_contact(logged: RunCli, log_path: Path) -> None:
    from datetime import timedelta

    from nudger import clock
    from nudger.core.model import Kind, NewEntry, Who
    from nudger.log.store import Store

    now = clock.now()
    with Store.open(log_path) as store:
        store.append(
            NewEntry(now - timedelta(days=1), Kind.CANCELLED, Who.THEM, "calendar", "c1", "Alex"),
            now=now,
        )
    found = json.loads(logged("drift", "--json").out)
    assert [d["person"] for d in found] == ["Alex", "Kim"]


def test_people_list_shows_rhythm_last_contact_and_due(logged: RunCli) -> None:
    rows = {line.split()[0]: line for line in logged("people", "list").out.splitlines()[1:]}
    assert rows["Alex"].split()[1:9] == [
        "partner",
        "2w",
        "a",
        "message,",
        "by",
        "Alex",
        "20d",
        "overdue",
    ]
    assert "none logged" in rows["<b>Jo</b>"] and "no contact logged" in rows["<b>Jo</b>"]
    found = json.loads(logged("people", "list", "--json").out)
    by_name = {p["name"]: p for p in found}
    assert (by_name["Alex"]["every"], by_name["Alex"]["rhythm"], by_name["Alex"]["due_in"]) == (
        "2w",
        "2w",
        -6,
    )
    assert (by_name["Kim"]["every"], by_name["Kim"]["rhythm"]) == (None, "1w")  # kind default


def test_people_set_every_and_none(logged: RunCli, config_path: Path) -> None:
    done = logged("people", "set", "Kim", "--every", "3w")
    assert (done.code, done.out) == (0, "Kim, in touch at least every 3w.\n")
    assert json.loads(logged("drift", "--json").out)[-1]["person"] == "Alex"
    back = logged("people", "set", "Kim", "--every", "none")
    assert back.out == "Kim, in touch at least every 1w (the friend default).\n"
    assert 'every = "3w"' not in config_path.read_text()


@pytest.mark.parametrize("value", ["36h", "0d", "400d", "2y", "soon"])
def test_a_bad_rhythm_is_refused_and_the_file_kept(
    logged: RunCli, config_path: Path, value: str
) -> None:
    before = config_path.read_text()
    refused = logged("people", "set", "Alex", "--every", value)
    assert refused.code == 2
    assert "Traceback" not in refused.err
    assert f"every = '{value}': use whole days or weeks from 1d to 365d" in refused.err
    assert config_path.read_text() == before


def test_people_add_with_every(cli: RunCli) -> None:
    added = cli("people", "add", "Sam", "--kind", "friend", "--every", "10d")
    assert (added.code, added.out) == (
        0,
        "Now tracking Sam (friend), in touch at least every 10d.\n",
    )
    assert json.loads(cli("people", "list", "--json").out)[0]["every_days"] == 10


def test_without_any_rhythm_drift_says_how_to_set_one(cli: RunCli) -> None:
    assert cli("people", "add", "Sam").code == 0
    shown = cli("drift")
    assert shown.out.startswith("Nobody has a contact rhythm yet.")
    assert json.loads(cli("drift", "--json").out) == []


def test_people_alone_is_people_list(logged: RunCli) -> None:
    alone = logged("people")
    assert alone.code == 0
    assert alone.out == logged("people", "list").out
    assert "overdue 6d" in alone.out
