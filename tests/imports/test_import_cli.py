"""`nudger import` through the CLI, with the test-only `lines` format: who starts the
conversations and who calls, counted exactly by side, channel and month; re-importing and
overlapping exports add nothing twice; a broken file leaves the log unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunCli

CONFIG = """\
[me]
timezone = "Europe/Berlin"
names = ["Sam"]

[[people]]
name = "Alex"
kind = "partner"
phones = ["+49 30 1234567"]

[[people]]
name = "Robin"
aliases = ["Rob"]
"""

# One chat with Alex (six hours of silence make a new conversation). The first message is the
# export's first: nothing says whether the chat began there, so it counts for nobody.
WHOLE = (
    "2026-01-05T09:00;alex;Alex;msg",
    "2026-01-05T09:10;alex;Sam;msg",  # a reply (me, by name)
    "2026-01-05T20:00;alex;Sam;msg",  # after 10h50 of silence: my start
    "2026-01-05T20:05;alex;Alex;msg",  # a reply
    "2026-01-06T08:00;alex;+4930 1234567;msg",  # their start (Alex by number)
    "bad",
    "2026-02-10T12:00;alex;Alex;msg",  # their start
    "2026-02-10T12:30;alex;me!;msg",  # a reply (the export marks me)
    "2026-02-11T09:00;alex;me!;out",  # my call
    "2026-02-12T09:00;alex;Alex;missed",  # their call, missed
)


@pytest.fixture(autouse=True)
def configured(write_config: Callable[[str], Path]) -> None:
    write_config(CONFIG)


def balance(cli: RunCli) -> dict[str, Any]:
    result = cli("balance", "--json", "--since", "2026-01-01", "--until", "2026-03-01")
    assert result.code == 0, result.err
    return {row["person"]: row for row in json.loads(result.out)}


def total(rows: dict[str, Any]) -> int:
    """Every initiation of every person in the balance."""
    return sum(sum(row["initiations"].values()) for row in rows.values())


def test_a_chat_counts_who_starts_the_conversations_and_who_calls(
    cli: RunCli, export: Callable[..., Path]
) -> None:
    path = export("alex.txt", *WHOLE)
    dry = cli("import", str(path), "--dry-run")
    assert dry.code == 0, dry.err
    assert dry.out.splitlines() == [
        "alex.txt (lines): would add 5 (me 2, them 3; phone 2, testchat 3), already known 0, "
        "skipped 1 lines",
        "  2026-01  Alex  me  message  testchat  1",
        "  2026-01  Alex  them  message  testchat  1",
        "  2026-02  Alex  me  call  phone  1",
        "  2026-02  Alex  them  call  phone  1",
        "  2026-02  Alex  them  message  testchat  1",
    ]
    assert total(balance(cli)) == 0  # the dry run wrote nothing

    done = cli("import", str(path))
    assert done.out.strip() == (
        "alex.txt (lines): added 5 (me 2, them 3; phone 2, testchat 3), already known 0, "
        "skipped 1 lines"
    )
    alex = balance(cli)["Alex"]
    assert alex["initiations"] == {"me": 2, "them": 3, "unknown": 0}
    assert alex["by_kind"]["message"] == {"me": 1, "them": 2, "unknown": 0}
    assert alex["by_kind"]["call"] == {"me": 1, "them": 1, "unknown": 0}

    again = cli("import", str(path))
    assert "added 0, already known 5, skipped 1 lines" in again.out
    assert balance(cli)["Alex"]["initiations"] == {"me": 2, "them": 3, "unknown": 0}


@pytest.mark.parametrize("order", ["older first", "newer first"])
def test_overlapping_exports_count_what_the_whole_chat_counts(
    cli: RunCli, export: Callable[..., Path], order: str
) -> None:
    # The newer export begins at a reply (20:05): it must not count that as a start.
    older = export("older.txt", *WHOLE[:4])
    newer = export("newer.txt", *WHOLE[3:])
    first, second = (older, newer) if order == "older first" else (newer, older)
    assert cli("import", str(first)).code == 0
    assert cli("import", str(second)).code == 0
    alex = balance(cli)["Alex"]
    assert alex["initiations"] == {"me": 2, "them": 3, "unknown": 0}
    assert alex["by_kind"]["message"] == {"me": 1, "them": 2, "unknown": 0}


def test_a_broken_file_leaves_the_log_unchanged(
    cli: RunCli, export: Callable[..., Path], log_path: Path
) -> None:
    assert cli("import", str(export("good.txt", *WHOLE[:3]))).code == 0
    before = balance(cli)
    broken = export("broken.txt", *WHOLE[3:], "broken")
    result = cli("import", str(broken))
    assert result.code == 2
    assert "broken.txt could not be read as lines" in result.err
    assert "cut short at line" in result.err and "nothing of it was imported" in result.err
    assert "Traceback" not in result.err
    assert balance(cli) == before
    # What the broken file covered was not kept either: the good newer file's first message
    # (a reply at 20:05) is still decided by the older import alone.
    assert cli("import", str(export("newer.txt", *WHOLE[3:]))).code == 0
    assert balance(cli)["Alex"]["initiations"] == {"me": 2, "them": 3, "unknown": 0}


def test_a_file_in_no_known_format_lists_the_formats_that_work(
    cli: RunCli, tmp_path: Path, export: Callable[..., Path]
) -> None:
    strange = tmp_path / "notes.txt"
    strange.write_text("hello\n", encoding="utf-8")
    result = cli("import", str(strange))
    assert result.code == 2
    assert "notes.txt is in no format nudger reads" in result.err
    assert "formats that work: csv, lines, signal, sms-backup, telegram, whatsapp" in result.err
    forced = cli("import", "--format", "whatsup", str(export("a.txt", *WHOLE)))
    assert forced.code == 2
    assert "--format 'whatsup' is no format nudger reads" in forced.err


def test_a_participant_matching_nobody_is_reported_and_never_stored(
    cli: RunCli, export: Callable[..., Path]
) -> None:
    path = export(
        "bob.txt",
        "2026-01-05T09:00;bob;Bob;msg",
        "2026-01-05T20:00;bob;Bob;msg",
        "2026-01-06T09:00;bob;me!;msg",
        "2026-01-07T09:00;+4915112345678;+4915112345678;in",
    )
    result = cli("import", str(path))
    assert result.code == 0
    assert result.out.strip() == (
        "bob.txt (lines): added 0, already known 0, skipped 0 lines, "
        "unmatched participants: Bob (2), …78 (1)"
    )
    assert total(balance(cli)) == 0


def test_person_names_the_other_side_of_a_one_to_one_chat(
    cli: RunCli, export: Callable[..., Path]
) -> None:
    path = export(
        "rob.txt",
        "2026-01-05T09:00;r;R.;msg",
        "2026-01-05T20:00;r;R.;msg",  # their start
        "2026-01-06T09:00;r;Sam;msg",  # my start
    )
    assert "unmatched participants: R. (2)" in cli("import", str(path), "--dry-run").out
    assert "added 2 (me 1, them 1; testchat 2)" in cli("import", str(path), "-p", "rob").out
    assert balance(cli)["Robin"]["by_kind"]["message"] == {"me": 1, "them": 1, "unknown": 0}


def test_person_is_refused_for_a_file_of_several_chats_nobody_matches(
    cli: RunCli, export: Callable[..., Path]
) -> None:
    path = export(
        "account.txt",
        "2026-01-05T09:00;a;Kim;msg",
        "2026-01-05T20:00;a;Kim;msg",
        "2026-01-05T09:00;b;Jo;msg",
        "2026-01-05T20:00;b;Jo;msg",
    )
    result = cli("import", str(path), "--person", "Robin")
    assert result.code == 2
    assert "account.txt holds 2 chats that match nobody" in result.err
    assert total(balance(cli)) == 0


def test_names_match_without_case_or_accents_but_never_as_a_substring(
    cli: RunCli, export: Callable[..., Path]
) -> None:
    path = export(
        "robin.txt",
        "2026-01-05T09:00;r;RÓBIN;msg",
        "2026-01-05T20:00;r;  robin ;msg",
        "2026-01-06T09:00;x;Robinson;msg",
        "2026-01-06T20:00;x;Robinson;msg",
    )
    result = cli("import", str(path))
    assert "added 1 (them 1; testchat 1)" in result.out
    assert "unmatched participants: Robinson (2)" in result.out


def test_group_chats_count_only_with_group_and_my_starts_there_for_no_one(
    cli: RunCli, export: Callable[..., Path]
) -> None:
    path = export(
        "group.txt",
        "2026-01-05T09:00;g;Alex;msg;group",
        "2026-01-05T20:00;g;Alex;msg;group",  # Alex's start
        "2026-01-06T09:00;g;Sam;msg;group",  # my start: towards no one in particular
        "2026-01-06T20:00;g;Kim;msg;group",  # an untracked member's start
        "2026-01-06T20:01;g;Robin;msg;group",  # a reply
    )
    without = cli("import", str(path))
    assert without.out.strip() == (
        "group.txt (lines): added 0, already known 0, skipped 0 lines, "
        "1 group chats not counted (--group counts them)"
    )
    with_group = cli("import", str(path), "--group")
    assert with_group.out.strip() == (
        "group.txt (lines): added 1 (them 1; testchat 1), already known 0, skipped 0 lines, "
        "unmatched participants: Kim (1), 1 of my group starts counted for no one"
    )
    assert balance(cli)["Alex"]["by_kind"]["message"] == {"me": 0, "them": 1, "unknown": 0}
    assert total({"Robin": balance(cli)["Robin"]}) == 0
