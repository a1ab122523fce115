"""`nudger balance` by channel: imported chats and calls, calendar plans and hand-logged
entries, split and filtered as a user asks for them (`--channel`, `--kind`)."""

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
from tests.integrations.imports.samples import csv_export

CONFIG = """\
[me]
name = "Sam"
timezone = "UTC"

[balance]
min_count = 2
{extra}

[[people]]
name = "Alex"
kind = "friend"
"""
WINDOW = ("--since", "2026-03-01", "--until", "2026-03-31")
# A day apart, so each message is a conversation start of its own; the first row lies before
# the window, so whether the chat's first message counts does not matter here.
ROWS = [
    ("2026-02-20T10:00:00+00:00", "Alex", "out", "whatsapp", "message"),
    ("2026-03-02T10:00:00+00:00", "Alex", "out", "whatsapp", "message"),
    ("2026-03-03T10:00:00+00:00", "Alex", "out", "whatsapp", "message"),
    ("2026-03-04T10:00:00+00:00", "Alex", "in", "whatsapp", "message"),
    ("2026-03-05T10:00:00+00:00", "Alex", "in", "sms", "message"),
    ("2026-03-06T10:00:00+00:00", "Alex", "out", "phone", "call"),
    ("2026-03-07T10:00:00+00:00", "Alex", "in", "discord", "message"),
]


@pytest.fixture
def logged(
    cli: RunCli, write_config: Callable[[str], Path], tmp_path: Path, log_path: Path
) -> Callable[[str], None]:
    """A month with Alex: the CSV's chats and call, a calendar plan of mine, one they
    cancelled, and a check-in of theirs logged by hand."""

    def build(extra: str = "") -> None:
        write_config(CONFIG.format(extra=extra))
        export = csv_export(tmp_path / "chats.csv", ROWS, "time,person,direction,channel,kind")
        result = cli("import", str(export))
        assert result.code == 0, result.err
        calendar = {"uid": "u1", "summary": "Dinner", "calendar": "home", "source": "test"}
        with Store.open(log_path) as store:
            store.append_many(
                [
                    _calendar("2026-03-10T18:00", "plan", Who.ME, "c1", calendar),
                    _calendar("2026-03-11T18:00", "cancelled", Who.THEM, "c2", calendar),
                ],
                now=datetime(2026, 4, 1, tzinfo=UTC),
            )
        result = cli("log", "checkin", "-p", "Alex", "--by", "them", "--at", "2026-03-12T20:00")
        assert result.code == 0, result.err

    return build


def _calendar(at: str, kind: str, who: Who, key: str, details: dict[str, str]) -> NewEntry:
    return NewEntry(
        at=datetime.fromisoformat(at).replace(tzinfo=UTC),
        kind=kind,
        who=who,
        source="calendar:test",
        key=f"calendar:{key}",
        person="Alex",
        details=details,
    )


def alex(cli: RunCli, *args: str) -> dict[str, Any]:
    result = cli("balance", "Alex", "--json", *WINDOW, *args)
    assert result.code == 0, result.err
    [row] = json.loads(result.out)
    assert isinstance(row, dict)
    return row


def sides(me: int, them: int, unknown: int = 0) -> dict[str, int]:
    return {"me": me, "them": them, "unknown": unknown}


def test_initiations_are_split_by_channel(cli: RunCli, logged: Callable[[str], None]) -> None:
    logged("")
    row = alex(cli)
    assert row["initiations"] == sides(4, 4)
    assert row["by_channel"] == {
        "calendar": sides(1, 0),
        "discord": sides(0, 1),
        "phone": sides(1, 0),
        "sms": sides(0, 1),
        "unknown": sides(0, 1),  # the check-in logged by hand names no channel
        "whatsapp": sides(2, 1),
    }
    assert row["by_kind"]["message"] == sides(2, 3)
    assert row["channels"] is None
    assert row["weighed"] == row["initiations"]


def test_a_channel_filter_counts_only_that_channel(
    cli: RunCli, logged: Callable[[str], None]
) -> None:
    logged("")
    row = alex(cli, "--channel", "whatsapp,sms")
    assert row["initiations"] == sides(2, 2)
    assert set(row["by_channel"]) == {"whatsapp", "sms"}
    assert row["cancellations"] == {"me": 0, "them": 0, "unknown": 0}  # that was a calendar's
    assert row["last_initiated"]["them"] == "2026-03-05T10:00:00+00:00"
    assert row["channels"] == ["whatsapp", "sms"]
    calendar = alex(cli, "--channel", "calendar")
    assert calendar["initiations"] == sides(1, 0)
    assert calendar["cancellations"] == {"me": 0, "them": 1, "unknown": 0}
    assert alex(cli, "-c", "discord")["initiations"] == sides(0, 1)  # a CSV's own channel


def test_a_kind_filter_counts_only_those_kinds(cli: RunCli, logged: Callable[[str], None]) -> None:
    logged("")
    row = alex(cli, "--kind", "plan", "--kind", "call")
    assert row["initiations"] == sides(2, 0)
    assert set(row["by_kind"]) == {"plan", "call"}
    assert row["by_channel"] == {"calendar": sides(1, 0), "phone": sides(1, 0)}


@pytest.mark.parametrize(
    ("option", "value", "listed"),
    [("--channel", "whatsap", "whatsapp"), ("--kind", "gratitude", "checkin")],
)
def test_an_unknown_filter_value_is_refused_with_the_valid_ones(
    cli: RunCli, logged: Callable[[str], None], option: str, value: str, listed: str
) -> None:
    logged("")
    result = cli("balance", option, value)
    assert result.code == 2
    assert repr(value) in result.err
    assert listed in result.err
    assert "Traceback" not in result.err


def test_the_table_shows_the_channels(cli: RunCli, logged: Callable[[str], None]) -> None:
    logged("")
    result = cli("balance", "Alex", *WINDOW)
    assert result.code == 0, result.err
    assert "by channel" in result.out
    assert "whatsapp 2:1" in result.out
    assert "calendar 1:0" in result.out


def test_message_starts_can_be_left_out_of_the_verdict(
    cli: RunCli, logged: Callable[[str], None]
) -> None:
    logged("count_messages = false")
    row = alex(cli)
    assert row["initiations"] == sides(4, 4)  # still counted and shown
    assert row["by_kind"]["message"] == sides(2, 3)
    assert row["weighed"] == sides(2, 1)  # the plan and the call are mine, the check-in theirs
    assert row["share_me"] == pytest.approx(2 / 3, abs=1e-4)
    assert row["verdict"] == "leaning"
    table = cli("balance", "Alex", *WINDOW)
    assert "without message starts (balance.count_messages)" in table.out


def test_message_starts_weigh_in_by_default(cli: RunCli, logged: Callable[[str], None]) -> None:
    logged("")
    row = alex(cli)
    assert row["share_me"] == 0.5
    assert row["verdict"] == "balanced"
