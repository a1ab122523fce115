"""Query commands start light: no calendar, scheduler or notification library on their path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

NEVER_ON_QUERY_PATH = (
    "googleapiclient",
    "google_auth_oauthlib",
    "google.oauth2",
    "caldav",
    "apscheduler",
    "desktop_notifier",
    "icalendar",
    "recurring_ical_events",
    "niquests",
)
PROBE = """
import json, sys
from nudger.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def modules_after(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    report = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", PROBE, str(report), *args], capture_output=True, check=True
    )
    found = json.loads(report.read_text())
    return found["code"], set(found["modules"])


def loaded(modules: set[str], name: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for module in modules)


@pytest.mark.parametrize(
    "args",
    [["--help"], ["balance"], ["balance", "--json"], ["history", "--json"], ["people", "list"]],
)
def test_query_commands_import_no_heavy_library(tmp_path: Path, args: list[str]) -> None:
    code, modules = modules_after(tmp_path, *args)
    assert code == 0
    assert [name for name in NEVER_ON_QUERY_PATH if loaded(modules, name)] == []


def test_balance_json_skips_what_it_does_not_print_or_change(tmp_path: Path) -> None:
    code, modules = modules_after(tmp_path, "balance", "--json")
    assert code == 0
    for name in (
        "rich",
        "tomlkit",
        "pydantic_settings",
        "nudger.settings",
        "nudger.cli.log_commands",
    ):
        assert not loaded(modules, name), name
