"""`nudger import` of the real formats, end to end: the exports are written as the apps write
them (`tests.integrations.imports.samples`), read by the installed readers, and counted exactly
by side, channel and month; importing one again adds nothing.

Every format tells the same chat with Alex (Berlin time): her first message is the export's
first, so nothing says whether a conversation began there and it counts for nobody; then a
reply, my start after ten hours of silence, her reply, her start the next morning, and in
February her start and my reply.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import RunCli
from tests.integrations.imports import samples

BERLIN = ZoneInfo("Europe/Berlin")

CONFIG = """\
[me]
timezone = "Europe/Berlin"
names = ["Sam", "Me Myself"]
phones = ["+49 151 23456789"]

[[people]]
name = "Alex"
kind = "partner"
phones = ["+49 30 1234567"]
"""


def chat(me: str, alex: str = "Alex") -> list[samples.Message]:
    """The chat, with the names this format gives the two sides."""
    return [
        (
            datetime(2026, 1, 15, 9, 0, tzinfo=BERLIN),
            alex,
            "hi",
        ),  # the export's first: counts for nobody
        (datetime(2026, 1, 15, 9, 10, tzinfo=BERLIN), me, "hey"),  # a reply
        (
            datetime(2026, 1, 15, 20, 0, tzinfo=BERLIN),
            me,
            "dinner?",
        ),  # my start after 10h50 of silence
        (datetime(2026, 1, 15, 20, 5, tzinfo=BERLIN), alex, "yes"),  # a reply
        (datetime(2026, 1, 16, 8, 0, tzinfo=BERLIN), alex, "morning"),  # her start
        (datetime(2026, 2, 20, 12, 0, tzinfo=BERLIN), alex, "lunch?"),  # her start
        (datetime(2026, 2, 20, 12, 30, tzinfo=BERLIN), me, "sure"),  # a reply
    ]


def starts(channel: str) -> list[str]:
    return [
        f"  2026-01  Alex  me  message  {channel}  1",
        f"  2026-01  Alex  them  message  {channel}  1",
        f"  2026-02  Alex  them  message  {channel}  1",
    ]


@pytest.fixture(autouse=True)
def configured(write_config: Callable[[str], Path]) -> None:
    write_config(CONFIG)


def imported(cli: RunCli, path: Path) -> list[str]:
    """The dry run's lines, after checking that importing adds what the dry run said, once."""
    dry = cli("import", str(path), "--dry-run")
    assert dry.code == 0, dry.err
    first = cli("import", str(path))
    assert first.code == 0, first.err
    summary = dry.out.splitlines()[0]
    assert first.out.strip().splitlines()[0] == summary.replace("would add", "added")
    added = int(summary.split("would add ")[1].split()[0])
    again = cli("import", str(path))
    assert f"added 0, already known {added}" in again.out, again.out
    return dry.out.splitlines()


def balance(cli: RunCli) -> dict[str, dict[str, int]]:
    result = cli("balance", "--json", "--since", "2026-01-01", "--until", "2026-03-01")
    assert result.code == 0, result.err
    (alex,) = [row for row in json.loads(result.out) if row["person"] == "Alex"]
    return {kind: alex["by_kind"][kind] for kind in ("message", "call")}


@pytest.mark.parametrize("layout", ["android-us", "android-gb", "android-de", "ios-gb", "ios-us"])
def test_a_whatsapp_chat_in_each_layout(cli: RunCli, tmp_path: Path, layout: str) -> None:
    path = samples.whatsapp_export(tmp_path / "in", chat(me="Sam"), layout=layout, title="Alex")
    lines = imported(cli, path)
    assert lines[0].startswith(f"{path.name} (whatsapp): would add 3 (me 1, them 2; whatsapp 3)")
    assert lines[1:] == starts("whatsapp")
    assert balance(cli)["message"] == {"me": 1, "them": 2, "unknown": 0}


def test_a_whatsapp_zip_as_an_iphone_shares_it(cli: RunCli, tmp_path: Path) -> None:
    path = samples.whatsapp_export(
        tmp_path / "in", chat(me="Sam"), layout="ios-gb", title="Alex", as_zip=True
    )
    assert imported(cli, path)[1:] == starts("whatsapp")


def test_a_telegram_account_export_with_calls(cli: RunCli, tmp_path: Path) -> None:
    alex = samples.telegram_chat_object(
        chat(me="Me Myself"),
        name="Alex",
        chat_id=111,
        people={"Alex": 111, "Me Myself": 999},
        calls=[
            (datetime(2026, 2, 21, 10, 0, tzinfo=BERLIN), "Alex", "missed"),  # hers, missed
            (datetime(2026, 2, 22, 10, 0, tzinfo=BERLIN), "Me Myself", None),  # mine
        ],
        zone=BERLIN,
    )
    path = samples.telegram_account(tmp_path / "result.json", [alex], me_id=999)
    lines = imported(cli, path)
    assert lines[1:] == sorted(
        [
            *starts("telegram"),
            "  2026-02  Alex  me  call  telegram  1",
            "  2026-02  Alex  them  call  telegram  1",
        ]
    )
    assert balance(cli) == {
        "message": {"me": 1, "them": 2, "unknown": 0},
        "call": {"me": 1, "them": 1, "unknown": 0},
    }


def test_sms_backup_messages_and_its_call_log(cli: RunCli, tmp_path: Path) -> None:
    number = "+4930 1234567"  # as the phone writes it; Alex in E.164
    sms: list[samples.Sms] = [
        (at, number, 2 if sender == "Sam" else 1, text, "Alex")
        for at, sender, text in chat(me="Sam")
    ]
    messages = samples.sms_backup(tmp_path / "sms-20260301000000.xml", sms)
    calls = samples.sms_calls(
        tmp_path / "calls-20260301000000.xml",
        [
            (datetime(2026, 1, 20, 18, 0, tzinfo=BERLIN), "030 1234567", 2, 300, "Alex"),  # mine
            (datetime(2026, 1, 21, 18, 0, tzinfo=BERLIN), "+49301234567", 1, 60, "Alex"),  # hers
            (datetime(2026, 2, 1, 18, 0, tzinfo=BERLIN), "+49301234567", 3, 0, "Alex"),  # missed
            (datetime(2026, 2, 2, 18, 0, tzinfo=BERLIN), "+49 40 5556677", 1, 60, "Kim"),
        ],
    )
    assert imported(cli, messages)[1:] == starts("sms")
    lines = imported(cli, calls)
    assert lines[0].endswith("unmatched participants: Kim (1)")  # her number is not shown
    assert lines[1:] == [
        "  2026-01  Alex  me  call  phone  1",
        "  2026-01  Alex  them  call  phone  1",
        "  2026-02  Alex  them  call  phone  1",
    ]
    assert balance(cli) == {
        "message": {"me": 1, "them": 2, "unknown": 0},
        "call": {"me": 1, "them": 2, "unknown": 0},
    }


def test_a_signal_export(cli: RunCli, tmp_path: Path) -> None:
    path = samples.signal_export(
        tmp_path / "signal",
        "Alex",
        chat(me="Me"),
        calls=[(datetime(2026, 2, 21, 9, tzinfo=BERLIN), "Alex", True)],
    )
    lines = imported(cli, path)
    assert lines[1:] == sorted([*starts("signal"), "  2026-02  Alex  them  call  signal  1"])


def test_a_csv_of_anything_else(cli: RunCli, tmp_path: Path) -> None:
    path = samples.csv_export(
        tmp_path / "log.csv",
        [
            ("2026-01-15T20:00:00+01:00", "Alex", "out", "email"),
            ("2026-01-16T08:00:00", "Alex", "in", "email"),  # local time: Berlin
            ("2026-02-20T12:00:00+01:00", "Alex", "in", "letter"),
        ],
    )
    lines = imported(cli, path)  # each row is an initiation: no silence rule, no first row lost
    assert lines[0].startswith("log.csv (csv): would add 3 (me 1, them 2; email 2, letter 1)")
    assert lines[1:] == [
        "  2026-01  Alex  me  message  email  1",
        "  2026-01  Alex  them  message  email  1",
        "  2026-02  Alex  them  message  letter  1",
    ]


def test_a_cut_short_export_adds_nothing_and_says_so(cli: RunCli, tmp_path: Path) -> None:
    alex = samples.telegram_chat_object(
        chat(me="Me Myself"), name="Alex", chat_id=111, people={"Alex": 111, "Me Myself": 999}
    )
    path = samples.truncate(samples.telegram_account(tmp_path / "result.json", [alex], me_id=999))
    result = cli("import", str(path))
    assert result.code == 2 and "Traceback" not in result.err
    assert "result.json" in result.err and "nothing of it was imported" in result.err
    assert balance(cli)["message"] == {"me": 0, "them": 0, "unknown": 0}


def test_a_chat_where_my_side_is_not_found_counts_for_nothing(cli: RunCli, tmp_path: Path) -> None:
    """I write as "Sammy", a name nudger does not know: counting Alex's starts alone would make
    the chat one-sided, and calling it a group would invite --group to do just that."""
    path = samples.whatsapp_export(tmp_path / "in", chat(me="Sammy"), title="Alex")
    for flags in ([], ["--group"]):
        result = cli("import", str(path), "--dry-run", *flags)
        assert result.code == 0, result.err
        summary = result.out.splitlines()[0]
        assert "would add 0" in summary and "unmatched participants: Sammy (3)" in summary
        assert "Alex: your own side was not found in it" in summary
        assert "group" not in summary
