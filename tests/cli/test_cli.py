"""The command line as a whole: logging, history, and what people see when something is wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from nudger.cli import COMMAND_MODULES, invoked_command
from tests.conftest import RunCli

PEOPLE = """\
[me]
timezone = "UTC"

[[people]]
name = "Alex"
aliases = ["Al"]
kind = "partner"

[[people]]
name = "Alexis"
"""


@pytest.fixture
def people(write_config: Callable[[str], Path]) -> Path:
    return write_config(PEOPLE)


def test_log_confirms_what_it_recorded(cli: RunCli, people: Path) -> None:
    result = cli(
        "log", "call", "-p", "al", "--by", "them", "--at", "2026-10-01T20:15", "--note", "long"
    )
    assert result.code == 0, result.err
    assert result.out.strip() == "Logged #1: call with Alex, started by them, 2026-10-01 20:15."


def test_history_filters_and_prints_json(cli: RunCli, people: Path) -> None:
    for kind, person, at in [
        ("message", "Alex", "2026-10-01T10:00"),
        ("call", "Alexis", "2026-10-02T10:00"),
        ("message", "Alex", "2026-10-03T10:00"),
    ]:
        assert cli("log", kind, "-p", person, "--by", "me", "--at", at).code == 0
    assert (
        cli(
            "log",
            "loose",
            "we should hike",
            "-p",
            "Alex",
            "--by",
            "them",
            "--at",
            "2026-10-04T10:00",
        ).code
        == 0
    )

    everything = json.loads(cli("history", "--json").out)
    assert [(e["person"], e["kind"]) for e in everything] == [
        ("Alex", "message"),
        ("Alexis", "call"),
        ("Alex", "message"),
        ("Alex", "loose"),
    ]
    assert everything[3]["details"] == {"text": "we should hike"}
    assert everything[3]["source"] == "manual"
    alex = json.loads(cli("history", "Alex", "--kind", "message", "--json").out)
    assert [e["at"] for e in alex] == ["2026-10-01T10:00:00+00:00", "2026-10-03T10:00:00+00:00"]
    window = json.loads(
        cli("history", "--since", "2026-10-02", "--until", "2026-10-03", "--json").out
    )
    assert [e["kind"] for e in window] == ["call", "message"]
    newest = json.loads(cli("history", "--limit", "1", "--json").out)
    assert [e["kind"] for e in newest] == ["loose"]
    table = cli("history", "Alex")
    assert "we should hike" in table.out
    assert cli("history", "--kind", "texting").err.count("kinds: plan") == 1


def test_history_of_someone_tracked_with_nothing_logged(cli: RunCli, people: Path) -> None:
    assert cli("log", "call", "-p", "Alex", "--by", "me").code == 0
    assert json.loads(cli("history", "Alexis", "--json").out) == []


def test_an_unknown_person_gets_the_close_names(cli: RunCli, people: Path) -> None:
    result = cli("log", "message", "--person", "Alx", "--by", "me")
    assert result.code == 2
    assert "nobody named 'Alx' is tracked" in result.err
    assert "did you mean Alex" in result.err
    assert "Traceback" not in result.err
    assert cli("balance", "Bob").code == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["log", "call", "-p", "Alex", "--by", "me", "--at", "last tuesday"],
            "yesterday 19:00, -2d",
        ),
        (["log", "call", "-p", "Alex", "--by", "me", "--at", "2999-01-01"], "is in the future"),
        (["balance", "--since", "forever"], "90d, 12w, 6mo, 1y"),
        (["balance", "--until", "someday"], "a date (2026-03-31, included)"),
        (["history", "--since", "3 fortnights"], "90d, 12w, 6mo, 1y"),
    ],
)
def test_bad_times_name_the_forms_that_work(
    cli: RunCli, people: Path, args: list[str], expected: str
) -> None:
    result = cli(*args)
    assert result.code == 2
    assert expected in result.err
    assert "Traceback" not in result.err


def test_by_takes_me_or_them(cli: RunCli, people: Path) -> None:
    result = cli("log", "call", "-p", "Alex", "--by", "someone")
    assert result.code == 2
    assert "'me'" in result.err
    assert "'them'" in result.err


@pytest.mark.parametrize(
    "command",
    [
        ["balance"],
        ["people", "list"],
        ["log", "call", "-p", "Alex", "--by", "me"],
        ["config", "show"],
    ],
)
def test_a_broken_config_is_exit_2_with_the_key_and_no_traceback(
    cli: RunCli, write_config: Callable[[str], Path], command: list[str]
) -> None:
    path = write_config(PEOPLE + '\n[balance]\nwindow = "a while"\n')
    result = cli(*command)
    assert result.code == 2
    assert str(path) in result.err
    assert "balance.window = 'a while': use a number and a unit" in result.err
    assert "Traceback" not in result.err


def test_a_toml_syntax_error_gives_line_and_column(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    path = write_config("[me]\nname = Sam\n")
    result = cli("balance")
    assert result.code == 2
    assert f"{path}, line 2, column 8" in result.err


def test_verbose_shows_the_traceback(cli: RunCli, write_config: Callable[[str], Path]) -> None:
    write_config("[me]\nname = Sam\n")
    result = cli("-v", "balance")
    assert result.code == 2
    assert "Traceback" in result.err
    assert "line 2, column 8" in result.err


def test_an_unexpected_failure_is_one_line_and_exit_1(
    cli: RunCli, people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nudger.views.balance

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(nudger.views.balance, "balance_of", broken)
    result = cli("balance")
    assert result.code == 1
    assert "unexpected RuntimeError: the disk is on fire" in result.err
    assert "run again with -v" in result.err
    assert "Traceback" not in result.err
    assert "Traceback" in cli("-v", "balance").err


def test_a_log_that_cannot_be_written_is_a_runtime_failure(
    cli: RunCli, people: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = home / "blocker"
    blocker.write_text("a file where a folder should be")
    monkeypatch.setenv("NUDGER_DATA_DIR", str(blocker / "nudger"))
    result = cli("log", "call", "-p", "Alex", "--by", "me")
    assert result.code == 1
    assert "cannot create the log" in result.err
    assert "NUDGER_DATA_DIR" in result.err


def test_usage_errors_are_exit_2(cli: RunCli) -> None:
    assert cli("balanse").code == 2
    assert cli("log", "call").code == 2  # --person and --by are required


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["balance", "--json"], "balance"),
        (["-c", "x.toml", "people", "list"], "people"),
        (["--config", "x.toml", "-v", "log", "call"], "log"),
        (["--help"], None),
        ([], None),
    ],
)
def test_the_invoked_command_is_found_past_the_root_options(
    args: list[str], expected: str | None
) -> None:
    assert invoked_command(args) == expected


@pytest.mark.parametrize("command", sorted(COMMAND_MODULES))
def test_each_command_runs_from_the_console_script(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nudger", command, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage: nudger" in result.stdout


@pytest.mark.parametrize(
    "args",
    [["history", "--limit", "2000"], ["history", "--json", "--limit", "2000"], ["export"]],
    ids=["table", "json", "export"],
)
def test_a_reader_that_closes_the_pipe_is_a_quiet_exit(
    people: Path, log_path: Path, args: list[str]
) -> None:
    """`nudger history | head`: no "unexpected BrokenPipeError", no complaint at exit."""
    from datetime import UTC, datetime, timedelta

    from nudger.core.model import Kind, NewEntry, Who
    from nudger.log.store import Store

    now = datetime(2026, 11, 1, tzinfo=UTC)
    with Store.open(log_path) as store:
        messages = [
            NewEntry(now - timedelta(hours=n), Kind.MESSAGE, Who.ME, "manual", f"m{n}", "Alex")
            for n in range(2000)
        ]
        store.append_many(messages, now=now)
    child = subprocess.Popen(
        [sys.executable, "-m", "nudger", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before nudger writes, like `| true`
    error = child.stderr.read().decode()
    assert (child.wait(timeout=60), error) == (1, "")


def test_history_says_when_the_limit_cut_it_and_shows_a_plans_title(
    cli: RunCli, people: Path, log_path: Path
) -> None:
    """50 rows came with no "50 of 95", and a calendar plan's row had an empty note."""
    from datetime import UTC, datetime, timedelta

    from nudger.core.model import Kind, NewEntry, Who
    from nudger.log.store import Store

    now = datetime(2026, 11, 1, tzinfo=UTC)
    with Store.open(log_path) as store:
        messages = [
            NewEntry(now - timedelta(hours=n), Kind.MESSAGE, Who.ME, "manual", f"m{n}", "Alex")
            for n in range(1, 60)
        ]
        store.append_many(messages, now=now)
        plan = NewEntry(
            now, Kind.PLAN, Who.THEM, "calendar:home", "plan:d1", "Alex", {"summary": "Picnic"}
        )
        store.append(plan, now=now)
    result = cli("history", "--since", "2026-01-01")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == 1 + 50 + 1  # the header, the newest 50 rows, the notice
    assert lines[-1] == "The newest 50 of 60; --limit 60 shows them all."
    assert lines[-2].split()[-1] == "Picnic"
    everything = cli("history", "--since", "2026-01-01", "--limit", "60").out.splitlines()
    assert len(everything) == 1 + 60


def test_nudges_says_which_are_overdue_and_names_kinds_in_words(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    """Past-due nudges were listed as "Upcoming" (no daemon had sent them), under internal
    kind names such as `balance_alert`."""
    write_config(
        '[me]\ntimezone = "UTC"\n\n[[people]]\nname = "Alex"\nkind = "partner"\n\n'
        '[checkin]\ntime = "00:00"\n\n[notifications.quiet_hours]\nenabled = false\n\n'
        "[gratitude]\nenabled = false\n\n[conversation]\nenabled = false\n"
    )
    result = cli("nudges")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Overdue, not sent (is the daemon running? nudger status):"
    assert lines[2] == "Upcoming:"
    for line in (lines[1], lines[3]):  # today's midnight check-in, and tomorrow's
        assert line.split()[4:6] == ["check-in", "Check-in"], line
