"""`nudger plans correct`: any fact, corrected by the user, through the CLI; every view and
every later sync honour it, and the original stays in `history`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from nudger import clock
from tests.conftest import RunCli
from tests.story import CONFIG, story

TODAY = clock.now().date()


@pytest.fixture
def synced(cli: RunCli, home: Path, write_config: Callable[[str], Path]) -> RunCli:
    folder = home / "calendar"
    folder.mkdir()
    write_config(CONFIG + f'\n[[calendars]]\nname = "local"\ntype = "ics"\npath = "{folder}"\n')
    for name, text in story(TODAY).events.items():
        (folder / name).write_bytes(text)
    assert cli("daemon", "--once").code == 0
    return cli


def balance(cli: RunCli) -> dict[str, Any]:
    until = (TODAY + timedelta(days=1)).isoformat()
    (alex,) = json.loads(cli("balance", "Alex", "--json", "--since", "1y", "--until", until).out)
    return dict(alex)


def entries(cli: RunCli, kind: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(cli("history", "--kind", kind, "--json").out)
    return [entry for entry in found if not entry["superseded"]]


def test_a_cancellation_corrected_to_theirs_counts_as_theirs_through_later_syncs(
    synced: RunCli,
) -> None:
    before = balance(synced)["cancellations"]
    (mine,) = [e for e in entries(synced, "cancelled") if e["who"] == "me"]
    result = synced("plans", "correct", str(mine["id"]), "--by", "them")
    assert result.code == 0, result.err
    assert f"Corrected #{mine['id']} (cancelled: Dinner 6): it is theirs now." in result.out
    expected = before | {"me": before["me"] - 1, "them": before["them"] + 1}
    assert balance(synced)["cancellations"] == expected
    assert "0 new facts" in synced("daemon", "--once").out
    assert balance(synced)["cancellations"] == expected
    history = json.loads(synced("history", "--kind", "cancelled", "--json").out)
    (original,) = [e for e in history if e["id"] == mine["id"]]
    (correction,) = [e for e in history if e["supersedes"] == original["key"]]
    assert original["superseded_by"] == correction["key"]
    assert (correction["who"], correction["details"]["was"]) == ("them", "me")


def test_a_decline_that_was_none_no_longer_counts(synced: RunCli) -> None:
    before = balance(synced)["declines"]
    first = entries(synced, "declined")[0]
    result = synced("plans", "correct", str(first["id"]), "--by", "nobody")
    assert result.code == 0, result.err
    assert "it no longer counts" in result.out
    assert balance(synced)["declines"] == before | {"them": before["them"] - 1}
    assert "0 new facts" in synced("daemon", "--once").out
    assert balance(synced)["declines"] == before | {"them": before["them"] - 1}
    (retraction,) = entries(synced, "retracted")
    assert retraction["details"]["reason"] == "you said it was not one"


def test_what_cannot_be_corrected_is_refused_with_the_way_out(synced: RunCli) -> None:
    (mine,) = [e for e in entries(synced, "cancelled") if e["who"] == "me"]
    assert synced("plans", "correct", str(mine["id"]), "--by", "them").code == 0
    again = synced("plans", "correct", str(mine["id"]), "--by", "me")
    assert again.code == 2 and f"entry #{mine['id']} was corrected already" in again.err
    missing = synced("plans", "correct", "99999", "--by", "me")
    assert missing.code == 2 and "there is no entry #99999" in missing.err
    mine_too = next(e for e in entries(synced, "plan") if e["who"] == "me")
    same = synced("plans", "correct", str(mine_too["id"]), "--by", "me")
    assert same.code == 0 and "already says me" in same.out
