"""`nudger balance --json` counts exactly what was logged: windows, zones, sides, people."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nudger.core.model import NewEntry, Who
from nudger.log.store import Store
from tests.conftest import RunCli

CONFIG = """\
[me]
name = "Sam"
timezone = "{zone}"

[balance]
min_count = 4

[[people]]
name = "Alex"
kind = "partner"

[[people]]
name = "Robin"
kind = "friend"

[[people]]
name = "Kim"
kind = "family"
"""


@pytest.fixture
def setup(write_config: Callable[[str], Path]) -> Callable[[str], None]:
    def configure(zone: str = "Europe/Berlin") -> None:
        write_config(CONFIG.format(zone=zone))

    return configure


def add(log_path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    """Entries as a calendar sync would write them: (UTC time, person, kind, who)."""
    with Store.open(log_path) as store:
        store.append_many(
            [
                NewEntry(
                    at=datetime.fromisoformat(at).replace(tzinfo=UTC),
                    kind=kind,
                    who=Who(who),
                    source="calendar:test",
                    key=f"test:{number}",
                    person=person,
                )
                for number, (at, person, kind, who) in enumerate(rows)
            ],
            now=datetime(2026, 11, 1, tzinfo=UTC),
        )


def balance(cli: RunCli, *args: str) -> dict[str, dict[str, Any]]:
    result = cli("balance", "--json", *args)
    assert result.code == 0, result.err
    return {row["person"]: row for row in json.loads(result.out)}


def test_counts_exactly_what_was_logged_by_hand(cli: RunCli, setup: Callable[[str], None]) -> None:
    setup("Europe/Berlin")
    for kind, by, at in [
        ("message", "me", "2026-03-02T10:00"),
        ("call", "me", "2026-03-03T10:00"),
        ("plan", "me", "2026-03-04T10:00"),
        ("checkin", "them", "2026-03-05T10:00"),
        ("gratitude", "them", "2026-03-06T10:00"),  # a thank-you is not an initiation
    ]:
        assert cli("log", kind, "--person", "alex", "--by", by, "--at", at).code == 0
    assert (
        cli(
            "log", "loose", "coffee soon", "-p", "Alex", "--by", "me", "--at", "2026-03-07T09:00"
        ).code
        == 0
    )

    rows = balance(cli, "--since", "2026-03-01", "--until", "2026-03-31")
    alex = rows["Alex"]
    assert alex["initiations"] == {"me": 4, "them": 1, "unknown": 0}
    assert alex["share_me"] == 0.8
    assert alex["verdict"] == "one-sided"
    assert alex["leaning_to"] == "me"  # the verdict is symmetric; this says whose side
    assert alex["by_kind"]["message"] == {"me": 1, "them": 0, "unknown": 0}
    assert alex["by_kind"]["loose"] == {"me": 1, "them": 0, "unknown": 0}
    assert "gratitude" not in alex["by_kind"]
    assert alex["streak"] == {"who": "me", "count": 1}
    assert alex["last_initiated"]["them"] == "2026-03-05T09:00:00+00:00"
    assert alex["since"] == "2026-02-28T23:00:00+00:00"
    assert alex["until"] == "2026-03-31T22:00:00+00:00"
    assert set(rows) == {"Alex", "Robin", "Kim"}


@pytest.mark.parametrize(
    ("zone", "entries", "window", "expected_me"),
    [
        # 23:30 local on the last day is inside `--until 2026-03-31`; 00:30 local the next day,
        # which is still 31 March in UTC, is not.
        (
            "Europe/Berlin",
            ["2026-03-31T21:30:00", "2026-03-31T22:30:00"],
            ("2026-03-01", "2026-03-31"),
            1,
        ),
        # The first instant of the window counts; the last second before it does not.
        (
            "Europe/Berlin",
            ["2026-02-28T23:00:00", "2026-02-28T22:59:59"],
            ("2026-03-01", "2026-03-31"),
            1,
        ),
        # The same UTC instants read in New York: 23:30 local on 31 March is 03:30 UTC on 1 April.
        (
            "America/New_York",
            ["2026-04-01T03:30:00", "2026-04-01T04:30:00"],
            ("2026-03-01", "2026-03-31"),
            1,
        ),
        (
            "America/New_York",
            ["2026-03-01T04:59:59", "2026-03-01T05:00:00"],
            ("2026-03-01", "2026-03-31"),
            1,
        ),
        # A window given to the second excludes its end.
        (
            "UTC",
            ["2026-03-10T12:00:00", "2026-03-10T12:00:01"],
            ("2026-03-10T11:00", "2026-03-10T12:00:01"),
            1,
        ),
        # Across the spring-forward night in Berlin: 02:30 local does not exist, 03:30 does.
        (
            "Europe/Berlin",
            ["2026-03-29T00:59:59", "2026-03-29T01:00:00"],
            ("2026-03-29", "2026-03-29"),
            2,
        ),
    ],
)
def test_window_edges_in_the_users_zone(
    cli: RunCli,
    setup: Callable[[str], None],
    log_path: Path,
    zone: str,
    entries: list[str],
    window: tuple[str, str],
    expected_me: int,
) -> None:
    setup(zone)
    add(log_path, [(at, "Alex", "plan", "me") for at in entries])
    alex = balance(cli, "Alex", "--since", window[0], "--until", window[1])["Alex"]
    assert alex["initiations"]["me"] == expected_me


def test_unknown_initiators_are_shown_but_not_guessed(
    cli: RunCli, setup: Callable[[str], None], log_path: Path
) -> None:
    setup("UTC")
    add(
        log_path,
        [("2026-05-01T10:00:00", "Robin", "plan", "unknown")] * 1
        + [("2026-05-02T10:00:00", "Robin", "plan", "unknown")]
        + [("2026-05-03T10:00:00", "Robin", "plan", "me")]
        + [("2026-05-04T10:00:00", "Robin", "message", "them")],
    )
    robin = balance(cli, "Robin", "--since", "2026-05-01", "--until", "2026-05-31")["Robin"]
    assert robin["initiations"] == {"me": 1, "them": 1, "unknown": 2}
    assert robin["share_me"] == 0.5
    assert robin["verdict"] == "not enough data"  # two known sides are fewer than min_count
    assert robin["leaning_to"] is None
    assert robin["by_kind"]["plan"] == {"me": 1, "them": 0, "unknown": 2}
    # An unknown initiation neither extends nor breaks a run.
    assert robin["streak"] == {"who": "them", "count": 1}


def test_cancellations_declines_and_missed_are_counted_by_side(
    cli: RunCli, setup: Callable[[str], None], log_path: Path
) -> None:
    setup("UTC")
    add(
        log_path,
        [
            ("2026-06-01T10:00:00", "Alex", "plan", "me"),
            ("2026-06-02T10:00:00", "Alex", "cancelled", "them"),
            ("2026-06-03T10:00:00", "Alex", "plan", "me"),
            ("2026-06-04T10:00:00", "Alex", "declined", "them"),
            ("2026-06-05T10:00:00", "Alex", "cancelled", "me"),
            ("2026-06-20T10:00:00", "Alex", "missed", "unknown"),
            ("2026-06-21T10:00:00", "Alex", "missed", "them"),
        ],
    )
    alex = balance(cli, "Alex", "--since", "2026-06-01", "--until", "2026-06-30")["Alex"]
    assert alex["initiations"] == {"me": 2, "them": 0, "unknown": 0}  # cancelling undoes nothing
    assert alex["cancellations"] == {"me": 1, "them": 1, "unknown": 0}
    assert alex["declines"] == {"me": 0, "them": 1, "unknown": 0}
    assert alex["missed"] == 2


def test_people_with_no_data(cli: RunCli, setup: Callable[[str], None]) -> None:
    setup("UTC")
    kim = balance(cli, "Kim", "--since", "2026-01-01")["Kim"]
    assert kim["initiations"] == {"me": 0, "them": 0, "unknown": 0}
    assert kim["share_me"] is None
    assert kim["verdict"] == "not enough data"
    assert kim["streak"] is None
    assert kim["last_initiated"] == {"me": None, "them": None}
    assert all(month["share_me"] is None for month in kim["trend"])


def test_removed_people_keep_their_history(
    cli: RunCli, setup: Callable[[str], None], log_path: Path
) -> None:
    setup("UTC")
    add(log_path, [(f"2026-07-0{day}T10:00:00", "Robin", "call", "them") for day in range(1, 6)])
    assert cli("people", "remove", "Robin").code == 0
    assert "Robin" not in balance(cli, "--since", "2026-07-01", "--until", "2026-07-31")
    robin = balance(cli, "Robin", "--since", "2026-07-01", "--until", "2026-07-31")["Robin"]
    assert robin["tracked"] is False
    assert robin["initiations"] == {"me": 0, "them": 5, "unknown": 0}
    assert (robin["verdict"], robin["leaning_to"]) == ("one-sided", "them")
    everyone = balance(cli, "--all", "--since", "2026-07-01", "--until", "2026-07-31")
    assert everyone["Robin"]["initiations"]["them"] == 5


def test_someone_only_the_log_remembers(
    cli: RunCli, setup: Callable[[str], None], log_path: Path
) -> None:
    setup("UTC")
    add(log_path, [("2026-07-01T10:00:00", "Charlie", "message", "me")])
    charlie = balance(cli, "charlie", "--since", "2026-07-01", "--until", "2026-07-31")["Charlie"]
    assert charlie["tracked"] is False
    assert charlie["kind"] is None
    assert charlie["initiations"]["me"] == 1
    assert "Charlie" in balance(cli, "--all", "--since", "2026-07-01")


def test_the_trend_counts_each_local_month(
    cli: RunCli, write_config: Callable[[str], Path], log_path: Path
) -> None:
    write_config(CONFIG.format(zone="Europe/Berlin") + "\n")
    cli("config", "set", "balance.trend_months", "3")
    add(
        log_path,
        [
            ("2026-01-31T22:30:00", "Alex", "plan", "me"),  # 23:30 on 31 January in Berlin
            ("2026-01-31T23:30:00", "Alex", "plan", "them"),  # 00:30 on 1 February
            ("2026-03-15T10:00:00", "Alex", "call", "me"),
            ("2026-03-16T10:00:00", "Alex", "gratitude", "me"),  # not an initiation kind
        ],
    )
    alex = balance(cli, "Alex", "--since", "2026-01-01", "--until", "2026-03-31")["Alex"]
    assert [(m["month"], m["me"], m["them"], m["share_me"]) for m in alex["trend"]] == [
        ("2026-01", 1, 0, 1.0),
        ("2026-02", 0, 1, 0.0),
        ("2026-03", 1, 0, 1.0),
    ]


def test_the_kinds_that_count_come_from_settings(
    cli: RunCli, setup: Callable[[str], None], log_path: Path
) -> None:
    setup("UTC")
    add(
        log_path,
        [
            ("2026-08-01T10:00:00", "Alex", "gratitude", "me"),
            ("2026-08-02T10:00:00", "Alex", "plan", "them"),
        ],
    )
    assert cli("config", "set", "balance.kinds", '["plan", "gratitude"]').code == 0
    alex = balance(cli, "Alex", "--since", "2026-08-01", "--until", "2026-08-31")["Alex"]
    assert alex["initiations"] == {"me": 1, "them": 1, "unknown": 0}
    assert set(alex["by_kind"]) == {"plan", "gratitude"}


def test_the_table_tells_the_story(
    cli: RunCli, setup: Callable[[str], None], log_path: Path
) -> None:
    setup("UTC")
    add(log_path, [(f"2026-09-0{day}T10:00:00", "Alex", "plan", "me") for day in range(1, 6)])
    result = cli("balance", "Alex", "--since", "2026-09-01", "--until", "2026-09-30")
    assert result.code == 0, result.err
    assert "one-sided (you start more)" in result.out
    assert "you started the last 5 initiations" in result.out
    assert "they last    never" in result.out
    assert "2026-09-01 → 2026-09-30" in result.out


def test_an_empty_window_is_refused(cli: RunCli, setup: Callable[[str], None]) -> None:
    setup("UTC")
    result = cli("balance", "--since", "2026-05-01", "--until", "2026-04-01")
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        "nudger: the window is empty: --since 2026-05-01 is not before --until 2026-04-01"
    )


def test_a_window_starting_after_now_says_now(cli: RunCli, setup: Callable[[str], None]) -> None:
    """Without --until the window ends now, and the message says so (it said "--until None")."""
    setup("UTC")
    result = cli("balance", "--since", "2999-01-01")
    assert (result.code, result.err) == (
        2,
        "nudger: the window is empty: --since 2999-01-01 is not before now\n"
        "  give --since an earlier date, or --until a later one\n",
    )


def test_since_takes_the_forms_at_takes(cli: RunCli, setup: Callable[[str], None]) -> None:
    """`--since yesterday` was refused while `log ... --at yesterday` worked."""
    from datetime import timedelta

    from nudger import clock

    setup("UTC")
    result = cli("balance", "--since", "yesterday", "--json")
    assert result.code == 0, result.err
    yesterday = clock.now().date() - timedelta(days=1)
    assert {row["since"] for row in json.loads(result.out)} == {f"{yesterday}T00:00:00+00:00"}


def test_the_same_day_is_the_same_days_ago_for_everyone(
    cli: RunCli, setup: Callable[[str], None], log_path: Path
) -> None:
    """Counted in 24-hour spans, one date was "37 days ago" for one person, 38 for another."""
    setup("UTC")
    add(
        log_path,
        [
            ("2026-09-01T00:30:00", "Alex", "call", "them"),
            ("2026-09-01T23:30:00", "Robin", "call", "them"),
        ],
    )
    said = set()
    for person in ("Alex", "Robin"):
        result = cli("balance", person, "--since", "2026-08-01")
        assert result.code == 0, result.err
        [line] = [line for line in result.out.splitlines() if "they last" in line]
        said.add(line.split("they last", 1)[1].strip())
    assert len(said) == 1 and said.pop().startswith("2026-09-01 (")
