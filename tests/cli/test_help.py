"""Every command, group and subcommand explains itself: `--help` opens with a one-line summary
and ends with an example (an epilog starting "Example:" or "Examples:"); a flag shows no type
(no `<bool>`), an option that takes a value shows its type.

The command tree is walked from `load_commands()`, so a command added anywhere is checked without
a list to keep up to date. (The sample config is checked against the settings schema in
tests/config/test_settings.py.)
"""

from __future__ import annotations

from typing import Any

import pytest
from typer.main import get_command

from nudger.cli import load_commands
from tests.conftest import RunCli

SUMMARY_MAX = 90  # characters: one line in the command list of a 100-column terminal's help


def command_tree() -> list[tuple[str, Any]]:
    """(path, click command) for the root, every group and every command, in help order."""
    found: list[tuple[str, Any]] = []

    def walk(command: Any, path: list[str]) -> None:
        found.append((" ".join(path), command))
        for name, child in sorted(getattr(command, "commands", {}).items()):
            walk(child, [*path, name])

    walk(get_command(load_commands()), [])
    return found


COMMANDS = command_tree()


def each() -> list[Any]:
    """Every command's path as a test parameter, named as typed (the root is `nudger`)."""
    return [pytest.param(path, id=f"nudger {path}".strip()) for path, _ in COMMANDS]


def test_the_walk_reaches_every_level() -> None:
    paths = {path for path, _ in COMMANDS}
    assert {"", "plans", "plans review", "plans mark", "log call", "config set"} <= paths


@pytest.mark.parametrize("path", each())
def test_a_one_line_summary(path: str) -> None:
    command = dict(COMMANDS)[path]
    text = (command.help or "").strip()
    assert text, f"`nudger {path}` has no help"
    summary = text.split("\n\n")[0]
    assert "\n" not in summary, f"`nudger {path}`: the summary runs over lines: {summary!r}"
    assert len(summary) <= SUMMARY_MAX, f"`nudger {path}`: {len(summary)} chars: {summary!r}"
    assert summary.endswith("."), f"`nudger {path}`: {summary!r}"


@pytest.mark.parametrize("path", each())
def test_an_example(path: str) -> None:
    epilog = (dict(COMMANDS)[path].epilog or "").strip()
    assert epilog.startswith(("Example: ", "Examples: ")), f"`nudger {path}`: {epilog!r}"
    assert "nudger " in epilog


@pytest.mark.parametrize("path", each())
def test_help_shows_both(cli: RunCli, path: str) -> None:
    command = dict(COMMANDS)[path]
    result = cli(*path.split(), "--help")
    assert result.code == 0, result.err
    shown = " ".join(result.out.split())  # as rich wrapped it
    assert " ".join(command.help.split("\n\n")[0].split()) in shown
    if command.epilog:
        assert " ".join(command.epilog.split()) in shown


@pytest.mark.parametrize("path", each())
def test_flags_show_no_type(cli: RunCli, path: str) -> None:
    """A flag takes no value, so its help row has no type: `--once <bool>` read as if it wanted
    one (typer 0.29 writes `<bool>` after every flag unless told otherwise)."""
    result = cli(*path.split(), "--help")
    assert result.code == 0, result.err
    assert "<bool>" not in result.out, result.out
    assert "Traceback" not in result.out + result.err
    assert "--help" in result.out and "Show this message and exit." in result.out


def test_options_that_take_a_value_keep_their_type(cli: RunCli) -> None:
    shown = cli("balance", "--help").out
    rows = {line.split()[1]: line for line in shown.splitlines() if line.startswith("│ --")}
    assert "<str>" in rows["--since"]
    assert rows["--json"].split("│")[1].split() == ["--json", "Print", "JSON."]
    assert "<path>" in cli("--help").out  # --config
