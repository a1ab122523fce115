"""A third party's calendar type, installed the way pip installs one, configured and synced
through the CLI as a user would: the promise the `nudger.calendars` entry points make.

The distribution is written here: a module `memo_calendar` (a factory, and the `config_model`
of its `[[calendars]]` table) and a `memo_calendar-0.1.dist-info/` registering
`memo = memo_calendar:create`. Every command runs in a subprocess with its folder on
PYTHONPATH, so nothing of it is imported into the test process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from nudger import clock
from nudger.config.calendars import INSTALLED
from nudger.config.file import _INSTALLED_TAG

MEMO_CALENDAR = '''
"""memo: one fixed plan, given in the calendar's own table (a third party's adapter)."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field

from nudger.config.calendars import CalendarBase
from nudger.core.events import EventInstance
from nudger.ports import Changes, Resource, Window


class MemoCalendar(CalendarBase):
    type: Literal["memo"] = Field(description="memo: one fixed plan")
    title: str = Field(description="what the plan is called")
    organizer: str = Field(description="whose plan it is: an e-mail address")
    start: datetime = Field(description="when it starts")


config_model = MemoCalendar


def create(config: MemoCalendar, *, timeout: float, data_dir: Path) -> "MemoSource":
    return MemoSource(config)


class MemoSource:
    def __init__(self, config: MemoCalendar) -> None:
        self.name = config.name
        self.config = config

    def sync(self, cursor: str | None, window: Window) -> Changes:
        event = EventInstance(
            uid="memo-1@example.org",
            recurrence_id=None,
            start=self.config.start,
            end=self.config.start + timedelta(hours=2),
            summary=self.config.title,
            source=self.name,
            calendar="memo",
            organizer=self.config.organizer,
        )
        return Changes((Resource("memo-1", (event,)),), cursor="1", complete=True)

    def describe(self) -> list[str]:
        return [f"memo: {self.config.title}"]
'''


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str


@pytest.fixture
def nudger(tmp_path: Path) -> Callable[..., Done]:
    """`nudger ARGS...` in a subprocess that has the memo distribution installed."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "memo_calendar.py").write_text(MEMO_CALENDAR, encoding="utf-8")
    info = site / "memo_calendar-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: memo-calendar\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[nudger.calendars]\nmemo = memo_calendar:create\n", encoding="utf-8"
    )
    path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    environment = os.environ | {"PYTHONPATH": path}

    def run(*args: str) -> Done:
        done = subprocess.run(
            [sys.executable, "-m", "nudger", *args],
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
        )
        return Done(done.returncode, done.stdout, done.stderr)

    return run


PEOPLE = """\
    [me]
    emails = ["sam@example.org"]

    [[people]]
    name = "Alex"
    kind = "partner"
    emails = ["alex@example.org"]
    """


def test_a_third_party_calendar_is_added_tested_synced_and_counted(
    nudger: Callable[..., Done], write_config: Callable[[str], Path]
) -> None:
    write_config(PEOPLE)
    start = (clock.now() + timedelta(days=3)).replace(microsecond=0)
    added = nudger(
        "calendars", "add", "dinners", "--type", "memo",
        "--set", "title=Dinner at the harbour",
        "--set", "organizer=sam@example.org",
        "--set", f"start={start.isoformat()}",
    )  # fmt: skip
    assert added.code == 0, added.err
    # `config set` reaches the adapter's own keys, checked by its model
    changed = nudger("config", "set", "calendars.dinners.organizer", "alex@example.org")
    assert changed.code == 0, changed.err
    listed = json.loads(nudger("calendars", "list", "--json").out)
    assert [(c["name"], c["type"], c["enabled"]) for c in listed] == [("dinners", "memo", True)]
    tested = nudger("calendars", "test", "dinners")
    assert tested.code == 0, tested.err
    assert "memo: Dinner at the harbour" in tested.out

    synced = nudger("daemon", "--once")
    assert synced.code == 0, synced.err
    plans = json.loads(nudger("plans", "--json").out)
    assert [(p["person"], p["summary"], p["initiator"], p["status"]) for p in plans] == [
        ("Alex", "Dinner at the harbour", "them", "upcoming")
    ]
    assert plans[0]["source"] == "dinners"
    (balance,) = json.loads(nudger("balance", "--json").out)
    assert balance["initiations"] == {"me": 0, "them": 1, "unknown": 0}


def test_a_bad_key_in_a_third_party_table_names_the_file_and_the_key(
    nudger: Callable[..., Done], write_config: Callable[[str], Path]
) -> None:
    path = write_config(
        PEOPLE
        + """
    [[calendars]]
    name = "dinners"
    type = "memo"
    title = "Dinner"
    organiser = "alex@example.org"
    start = 2026-03-01T19:00:00Z
    """
    )
    for args in (["daemon", "--once"], ["calendars", "list"], ["config", "show"]):
        failed = nudger(*args)
        assert failed.code == 2, (args, failed.err)
        assert "Traceback" not in failed.err
        assert f"{path} is not valid" in failed.err
        assert (
            "calendars[0].organiser: not a setting; valid keys here: name, enabled, interval,"
            " type, title, organizer, start (did you mean organizer?)"
        ) in failed.err
        assert "calendars[0].organizer: required (whose plan it is: an e-mail address)" in (
            failed.err
        )


def test_an_unknown_type_lists_the_installed_ones_and_a_bad_value_is_refused(
    nudger: Callable[..., Done], write_config: Callable[[str], Path]
) -> None:
    path = write_config(PEOPLE + '\n[[calendars]]\nname = "x"\ntype = "exchange"\n')
    failed = nudger("calendars", "list")
    assert failed.code == 2
    assert f"{path} is not valid" in failed.err
    assert (
        "calendars[0].type = 'exchange': does not match any of the expected tags;"
        " installed calendar types: ics, caldav, google, memo"
    ) in failed.err
    write_config(PEOPLE)
    refused = nudger("calendars", "add", "dinners", "--type", "memo", "--set", "title=Dinner")
    assert refused.code == 2
    assert "calendars[0].organizer: required" in refused.err
    assert "was left unchanged" in refused.err
    assert "dinners" not in path.read_text(encoding="utf-8")


def test_query_commands_do_not_import_the_third_party_adapter(
    nudger: Callable[..., Done], write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    write_config(
        PEOPLE
        + textwrap.dedent(
            """
            [[calendars]]
            name = "dinners"
            type = "memo"
            title = "Dinner"
            organizer = "alex@example.org"
            start = 2026-03-01T19:00:00Z
            """
        )
    )
    probe = tmp_path / "modules.json"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys; from nudger.cli import main; code = main(['balance', '--json']);"
            f" json.dump([code, sorted(sys.modules)], open({str(probe)!r}, 'w'))",
        ],
        env=os.environ | {"PYTHONPATH": str(tmp_path / "site")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.returncode == 0
    code, modules = json.loads(probe.read_text())
    assert code == 0
    assert "memo_calendar" not in modules
    assert nudger("calendars", "list").code == 0  # a command that needs calendars loads it


def test_the_location_tag_of_an_installed_type_is_known_to_the_error_messages() -> None:
    assert _INSTALLED_TAG == INSTALLED
