"""Shell completion: the scripts typer prints and installs, and the values nudger completes.

Completions are asked the way the shells' scripts ask: the console script run with
`_NUDGER_COMPLETE=complete_bash` and `COMP_WORDS`/`COMP_CWORD` (zsh and fish pass the line in
`_TYPER_COMPLETE_ARGS`), in a subprocess, so what is tested is what a shell gets.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from nudger.cli import completion, load_commands
from tests.conftest import RunCli

CONFIG = """\
[me]
timezone = "UTC"

[[people]]
name = "Alex"
kind = "partner"

[[people]]
name = "Robin"
kind = "friend"

[[people]]
name = "Kim"
removed = 2026-01-01

[[calendars]]
name = "home"
type = "ics"
path = "/nowhere/home"

[[calendars]]
name = "work"
type = "caldav"
url = "https://dav.example.org/"
"""


def run_nudger(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nudger", *args],
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def complete(line: str, shell: str = "bash") -> list[str]:
    """What `shell` offers for `line` (the cursor at its end), one completion a line."""
    if shell == "bash":
        words = shlex.split(line)
        current = len(words) if line.endswith(" ") else len(words) - 1
        env = {"COMP_WORDS": line, "COMP_CWORD": str(current)}
    else:
        env = {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    done = run_nudger(env | {"_NUDGER_COMPLETE": f"complete_{shell}"})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return [line for line in done.stdout.splitlines() if line]


@pytest.fixture
def configured(write_config: Callable[[str], Path]) -> Path:
    return write_config(CONFIG)


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o default -F _nudger_completion nudger"),
        ("zsh", "#compdef nudger"),
        ("fish", "complete --command nudger"),
    ],
)
def test_the_completion_script_is_printed_for_each_shell(shell: str, marker: str) -> None:
    # typer detects the shell from the parent process; its switch for tests names it instead.
    detected_by_name = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    shown = run_nudger(detected_by_name, "--show-completion", shell)
    assert shown.returncode == 0, shown.stderr
    assert marker in shown.stdout
    assert "_NUDGER_COMPLETE=complete_" in shown.stdout
    sourced = run_nudger({"_NUDGER_COMPLETE": f"source_{shell}"})  # click's way, no detection
    assert marker in sourced.stdout


def test_install_completion_writes_into_the_home(home: Path) -> None:
    done = run_nudger(
        {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}, "--install-completion", "bash"
    )
    assert done.returncode == 0, done.stderr
    script = home / ".bash_completions" / "nudger.sh"
    assert "_nudger_completion" in script.read_text(encoding="utf-8")
    assert f"source '{script}'" in (home / ".bashrc").read_text(encoding="utf-8")


@pytest.mark.usefixtures("configured")
def test_people_complete_from_the_config() -> None:
    assert complete("nudger balance A") == ["Alex"]
    assert complete("nudger balance a") == ["Alex"]  # any case
    assert complete("nudger balance ") == ["Alex", "Robin", "Kim"]  # the removed last
    assert complete("nudger wait ") == ["Alex", "Robin"]  # only those tracked
    assert complete("nudger log call --person R") == ["Robin"]
    assert complete("nudger forget K") == ["Kim"]


def test_people_the_log_remembers_complete_where_they_are_accepted(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    write_config('[[people]]\nname = "Jo"\n')
    assert cli("log", "call", "-p", "Jo", "--by", "them").code == 0
    write_config("")
    assert complete("nudger history ") == ["Jo"]
    assert complete("nudger wait ") == []


@pytest.mark.usefixtures("configured")
def test_help_texts_reach_the_shells_that_show_them() -> None:
    assert 'Alex":"partner' in "".join(complete("nudger balance A", "zsh"))
    assert complete("nudger balance R", "fish") == ["Robin\tfriend"]


@pytest.mark.usefixtures("configured")
def test_calendar_names_complete() -> None:
    assert complete("nudger calendars remove ") == ["home", "work"]
    assert complete("nudger calendars test w") == ["work"]
    assert complete("nudger auth google ") == []  # no Google calendar


@pytest.mark.usefixtures("configured")
def test_nudge_ids_complete(cli: RunCli) -> None:
    listed = json.loads(cli("nudges", "--json").out)
    ids = [n["short_id"] for n in listed["shown"] + listed["upcoming"]]
    assert ids  # Alex is a partner: a check-in is always coming up
    assert complete("nudger done ") == ids
    assert complete(f"nudger snooze {ids[0][:3]}") == [i for i in ids if i.startswith(ids[0][:3])]


@pytest.mark.usefixtures("configured")
def test_options_commands_and_fixed_values_still_complete() -> None:
    assert "--since" in complete("nudger balance --")
    assert "forget" in complete("nudger fo")
    assert complete("nudger history --kind ch") == ["checkin"]
    assert complete("nudger answer 3f2a9c th") == ["them"]


def test_a_broken_config_completes_nothing(write_config: Callable[[str], Path]) -> None:
    write_config("[[people]]\nname = 'Alex'\nkind = 'boss'\n")
    assert complete("nudger balance ") == []
    write_config("[[people\n")
    assert complete("nudger calendars remove ") == []
    assert complete("nudger done ") == []
    assert "balance" in complete("nudger ba")  # commands complete all the same


def test_every_completion_rule_names_a_real_parameter() -> None:
    from typer.main import get_command

    root = get_command(load_commands())
    found = {
        (path, parameter.name)
        for path, command in completion._commands(root, ())
        for parameter in getattr(command, "params", ())
    }
    for pattern, name, _ in completion.RULES:
        assert any(completion._matches(pattern, path) and n == name for path, n in found), (
            pattern,
            name,
        )
