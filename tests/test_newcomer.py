"""A newcomer's first hour, as the README tells it, every part real.

`nudger init`, a person, the scripted story in the local calendar folder `init` made, two plans
whose initiator no calendar can tell on a CalDAV server (Radicale), a desktop with a notification
server on a private D-Bus, and the daemon running; then `doctor` (every check ✓ or not
applicable), a sync, `plans review` answering the two unknowns, and a report whose tables tell
the story's balance with those answers in it.
"""

from __future__ import annotations

import json
import shlex
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from caldav.davclient import DAVClient

from nudger import clock
from nudger.daemon import wake
from tests.caldav_servers import Server
from tests.cli.test_report import read_tables, sides
from tests.conftest import RunCli
from tests.daemon_harness import plan_text
from tests.dbus_session import NotificationServer
from tests.story import ALEX, BERLIN, EXPECTED, ME, story

TODAY = clock.now().date()


def solo(uid: str, summary: str, start: datetime) -> str:
    """An entry in my calendar naming Alex, with no organizer: whose idea it was, it cannot say."""
    return plan_text(uid, summary, start, invited=False).decode()


@pytest.mark.parametrize("server", ["radicale"], indirect=True)
def test_a_newcomers_first_hour(
    cli: RunCli,
    home: Path,
    server: Server,
    client: DAVClient,
    notification_server: NotificationServer,
    tmp_path: Path,
) -> None:
    told = story(TODAY)
    assert cli("init").code == 0
    assert cli("people", "add", "Alex", "--email", ALEX, "--kind", "partner").code == 0
    assert cli("config", "set", "me.emails", f'["{ME}"]').code == 0
    assert cli("config", "set", "me.timezone", "Europe/Berlin").code == 0

    folder = home / ".local/share/nudger/calendar"  # the folder `init` configured
    for name, text in told.events.items():
        (folder / name).write_bytes(text)
    calendar: Any = client.get_principal().make_calendar(name="Personal", cal_id="personal")
    week = datetime.combine(told.first_monday, datetime.min.time(), tzinfo=BERLIN)
    calendar.add_event(solo("climb", "Climbing with Alex", week + timedelta(days=15, hours=18)))
    calendar.add_event(solo("cinema", "Cinema with Alex", week + timedelta(days=50, hours=20)))
    password = shlex.join([sys.executable, "-c", f"print({server.password!r})"])  # as typed
    added = cli(
        "calendars", "add", "dav", "--type", "caldav", "--url", server.url,
        "--username", server.username, "--password-command", password,
    )  # fmt: skip
    assert added.code == 0, added.err

    daemon = subprocess.Popen(
        [sys.executable, "-m", "nudger", "daemon"], stderr=(tmp_path / "daemon.log").open("wb")
    )
    try:
        data = home / ".local/share/nudger"
        deadline = time.monotonic() + 20
        while not wake.running(data):
            assert time.monotonic() < deadline, (tmp_path / "daemon.log").read_text()
            time.sleep(0.05)
        doctor = cli("doctor", "--json")
        checks = json.loads(doctor.out)
        failing = [c for c in checks if c["ok"] is False]
        assert (doctor.code, failing) == (0, []), doctor.out
        assert {c["name"] for c in checks if c["ok"]} >= {"config", "log", "daemon"}
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(20) == 0

    synced = cli("daemon", "--once")
    assert synced.code == 0 and "✓ local:" in synced.out and "✓ dav:" in synced.out, synced.out
    unknown = json.loads(cli("plans", "--unclassified", "--json").out)
    assert sorted(p["summary"] for p in unknown) == ["Cinema with Alex", "Climbing with Alex"]

    order = [p["summary"] for p in unknown]
    answers = {"Climbing with Alex": "them", "Cinema with Alex": "me"}
    review = subprocess.run(
        [sys.executable, "-m", "nudger", "plans", "review"],
        input="".join(f"{answers[s]}\n" for s in order),
        capture_output=True,
        text=True,
        check=False,
    )
    assert review.returncode == 0, review.stderr
    assert json.loads(cli("plans", "--unclassified", "--json").out) == []

    window = ("--since", told.since, "--until", told.until)
    report = tmp_path / "report.html"
    assert cli("report", "Alex", *window, "--out", str(report)).code == 0
    tables = read_tables(report.read_text(encoding="utf-8"))
    story_counts: dict[str, dict[str, int]] = {
        key: value for key, value in EXPECTED.items() if isinstance(value, dict)
    }
    expected = dict(story_counts["initiations"])  # the story, plus one each from the review
    expected["me"] += 1
    expected["them"] += 1
    assert tables["Alex", "initiations"].foot == [["Whole window", *sides(expected)]]
    assert tables["Alex", "outcomes"].body == [
        ["Cancelled", *sides(story_counts["cancellations"])],
        ["Declined", *sides(story_counts["declines"])],
    ]
