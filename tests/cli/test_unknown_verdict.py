"""While most plans are of unknown side, no verdict: `balance`, `--json` and the report say why,
and how many of them `nudger plans review` could settle. Plans come from a synced folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from nudger import clock
from tests.conftest import RunCli
from tests.daemon_harness import plan_text

CONFIG = """\
[me]
name = "Sam"
emails = ["sam@example.org"]

[balance]
min_count = 1

[[people]]
name = "Alex"
emails = ["alex@example.org"]

[[calendars]]
name = "local"
type = "ics"
path = "{folder}"
"""


@pytest.fixture
def synced(cli: RunCli, tmp_path: Path, write_config: Callable[[str], Path]) -> None:
    """Two plans Alex organized and three solo entries naming Alex, a few days back."""
    folder = tmp_path / "calendar"
    folder.mkdir()
    write_config(CONFIG.format(folder=folder))
    start = clock.now().replace(hour=18, minute=0, second=0, microsecond=0) - timedelta(days=9)
    rows = [
        ("theirs-1", "Hike", "mailto:alex@example.org"),
        ("theirs-2", "Concert", "mailto:alex@example.org"),
        ("solo-1", "Dinner with Alex", None),
        ("solo-2", "Cinema with Alex", None),
        ("solo-3", "Brunch with Alex", None),
    ]
    for day, (uid, summary, organizer) in enumerate(rows):
        when = start + timedelta(days=day)
        text = (
            plan_text(uid, summary, when, invited=False)
            if organizer is None
            else plan_text(uid, summary, when, organizer=organizer, guest="mailto:sam@example.org")
        )
        (folder / f"{uid}.ics").write_bytes(text)
    done = cli("daemon", "--once")
    assert done.code == 0, done.err


def alex(cli: RunCli) -> dict[str, Any]:
    done = cli("balance", "Alex", "--json")
    assert done.code == 0, done.err
    (row,) = json.loads(done.out)
    return dict(row)


@pytest.mark.usefixtures("synced")
def test_no_verdict_while_unknowns_outnumber_the_known_side(cli: RunCli) -> None:
    before = alex(cli)
    assert before["initiations"] == {"me": 0, "them": 2, "unknown": 3}
    assert before["share_me"] == 0.0  # still shown: the share of what is known
    assert before["verdict"] == "not enough data"  # not "one-sided" on two plans of five
    assert before["verdict_reason"] == "3 of 5 plans have no known side"
    assert before["reviewable"] == 3

    text = cli("balance", "Alex").out
    assert "not enough data" in text
    assert "3 of 5 plans have no known side" in text
    assert "3 of the 3 unknown can be settled with: nudger plans review" in text

    page = cli("report", "Alex", "--out", "-").out
    assert "3 of 5 plans have no known side" in page
    assert "3 of the 3 can be settled with <code>nudger plans review</code>" in page


@pytest.mark.usefixtures("synced")
def test_settling_the_unknowns_gives_the_verdict_back(cli: RunCli) -> None:
    unknown = json.loads(cli("plans", "--unclassified", "--json").out)
    for row in unknown[:2]:
        assert cli("plans", "mark", row["id"], "--by", "me").code == 0

    after = alex(cli)
    assert after["initiations"] == {"me": 2, "them": 2, "unknown": 1}
    assert after["verdict"] == "balanced"
    assert after["verdict_reason"] is None
    assert after["reviewable"] == 1
    assert "can be settled with: nudger plans review" in cli("balance", "Alex").out


@pytest.mark.usefixtures("synced")
def test_what_lies_outside_the_window_is_not_counted_as_settleable(cli: RunCli) -> None:
    today = clock.now().date()
    recent = alex_since(cli, (today - timedelta(days=6)).isoformat())
    assert recent["initiations"] == {"me": 0, "them": 0, "unknown": 2}  # the last two entries
    assert recent["reviewable"] == 2
    assert recent["verdict_reason"] == "2 of 2 plans have no known side"


def alex_since(cli: RunCli, since: str) -> dict[str, Any]:
    (row,) = json.loads(cli("balance", "Alex", "--since", since, "--json").out)
    return dict(row)
