"""Query commands start light: no calendar, scheduler or notification library on their path."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from nudger.log import sync_state
from nudger.log.store import Store

NEVER_ON_QUERY_PATH = (
    "googleapiclient",
    "google_auth_oauthlib",
    "google.oauth2",
    "caldav",
    "apscheduler",
    "desktop_notifier",
    "apprise",
    "integrations.notifiers",  # no notifier adapter at all
    "icalendar",
    "recurring_ical_events",
    "niquests",
    "pygal",
    "phonenumbers",  # only the import path checks and compares phone numbers
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
    [
        ["--help"],
        ["balance"],
        ["balance", "--json"],
        ["history", "--json"],
        ["people", "list"],
        ["drift"],
        ["drift", "--json"],
        ["status"],
        ["nudges"],
    ],
)
def test_query_commands_import_no_heavy_library(tmp_path: Path, args: list[str]) -> None:
    code, modules = modules_after(tmp_path, *args)
    assert code == 0
    assert [name for name in NEVER_ON_QUERY_PATH if loaded(modules, name)] == []


def test_phone_numbers_in_the_config_do_not_load_phonenumbers_for_a_query(
    tmp_path: Path, write_config: Callable[[str], Path]
) -> None:
    write_config(
        '[me]\nphones = ["+49 30 1234567"]\n[[people]]\nname = "Alex"\nphones = ["+12025550123"]\n'
    )
    for args in (["balance", "--json"], ["people", "list"]):
        code, modules = modules_after(tmp_path, *args)
        assert code == 0
        assert not loaded(modules, "phonenumbers")


def test_balance_json_skips_what_it_does_not_print_or_change(tmp_path: Path) -> None:
    code, modules = modules_after(tmp_path, "balance", "--json")
    assert code == 0
    for name in (
        "rich",
        "tomlkit",
        "pydantic_settings",
        "nudger.config.settings",
        "nudger.cli.log_commands",
        "nudger.log.export",  # forget's, not the balance's
        "nudger.log.sync_state",
        "nudger.core.detect",
    ):
        assert not loaded(modules, name), name


DAEMON_PROBE = """
import asyncio, json, sys
from nudger import clock
from nudger.log import sync_state
from nudger.daemon.loop import Daemon
from nudger.log.store import Store

async def run():
    daemon = Daemon(clock=clock.now)
    task = asyncio.create_task(daemon.run())
    await daemon.ready.wait()
    for _ in range(200):  # until the folder's sync (in its own process) is recorded
        if "home" in sync_state.source_states(daemon.store.db):
            break
        await asyncio.sleep(0.05)
    daemon.stop()
    await task

asyncio.run(run())
with open(sys.argv[1], "w") as out:
    json.dump(sorted(sys.modules), out)
"""


def test_the_daemon_itself_never_imports_a_calendar_library(
    tmp_path: Path, write_config: Callable[[str], Path], log_path: Path
) -> None:
    """Syncs run in child processes, so the long-running process stays small whichever sources
    are configured: here a folder, a CalDAV server and a Google calendar (both unreachable)."""
    folder = tmp_path / "calendar"
    folder.mkdir()
    write_config(
        f"""\
        [notifications]
        backend = "console"

        [[calendars]]
        name = "home"
        type = "ics"
        path = "{folder}"

        [[calendars]]
        name = "dav"
        type = "caldav"
        url = "http://127.0.0.1:9/"

        [[calendars]]
        name = "google"
        type = "google"
        api_endpoint = "http://127.0.0.1:9/calendar/v3/"
        """
    )
    report = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", DAEMON_PROBE, str(report)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(report.read_text()))
    assert "apscheduler" in modules  # the probe really ran the daemon
    # Its notifier (the console) it needs; apprise it does not, with no channel configured.
    calendar_libraries = [
        n for n in NEVER_ON_QUERY_PATH if n not in ("apscheduler", "integrations.notifiers")
    ]
    assert [name for name in calendar_libraries if loaded(modules, name)] == []
    with Store.open_for_reading(log_path) as store:
        assert set(sync_state.source_states(store.db)) >= {"home"}
