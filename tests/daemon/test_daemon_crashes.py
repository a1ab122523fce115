"""SIGKILL at random moments around sending, 200 times: no nudge shown twice, none lost.

Each round adds a plan to a local calendar folder whose reminders are all overdue but still in
time, so the daemon shows a burst of them right after it starts; the round kills it (SIGKILL) at
a random moment of that burst, then starts the next. A last clean run shows whatever is left.
Every notification goes to the console notifier (stderr), so the output is the ground truth of
what was shown; the log is checked against it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from nudger import clock
from nudger.core import deliveries
from nudger.core.model import Kind
from nudger.core.nudges.nudge import short_id
from nudger.core.when import format_duration
from nudger.daemon import wake
from nudger.log import queries
from nudger.log.store import Store
from tests.daemon_harness import write_plan

ROUNDS = int(os.environ.get("NUDGER_CRASH_ROUNDS", "200"))
LEADS = (61, 62, 63)  # minutes before a plan an hour away: overdue, in time until it starts
ID_MARK = "nudger done "  # the console's answer hint carries the nudge's short id


def add_plan(folder: Path, number: int) -> datetime:
    """Plan `number`, an hour from now; returns its start (its reminders' ids hold it)."""
    start = clock.now().replace(microsecond=0) + timedelta(hours=1)
    write_plan(folder, f"crash-{number}@example.org", f"Dinner {number}", start)
    return start


def start_daemon(output: Path) -> subprocess.Popen[bytes]:
    with output.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "nudger", "daemon"], stdout=sink, stderr=sink
        )


def shown_ids(text: str) -> Counter[str]:
    return Counter(
        line.split(ID_MARK, 1)[1].split()[0] for line in text.splitlines() if ID_MARK in line
    )


def test_sigkill_around_sending_never_shows_a_nudge_twice_nor_loses_one(
    write_config: Callable[[str], Path], log_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    leads = ", ".join(f'"{m}m"' for m in LEADS)
    write_config(
        textwrap.dedent(
            f"""\
            [me]
            emails = ["sam@example.org"]
            timezone = "UTC"

            [[people]]
            name = "Alex"
            kind = "friend"
            emails = ["alex@example.org"]

            [[calendars]]
            name = "home"
            type = "ics"
            path = "{folder}"

            [notifications]
            backend = "console"
            quiet_hours = {{ enabled = false }}

            [dates]
            lead_times = [{leads}]
            follow_up_missed = false
            ask_who_initiated = false

            [balance]
            alerts = false
            """
        )
    )
    output = tmp_path / "shown.txt"
    draw = random.Random(20261125)  # reproducible kill moments
    burst, first = calibrate(folder, output, log_path.parent)
    starts = [first]
    for number in range(1, ROUNDS + 1):
        starts.append(add_plan(folder, number))
        daemon = start_daemon(output)
        time.sleep(draw.uniform(0, burst))
        daemon.send_signal(signal.SIGKILL)
        daemon.wait()
    finish(output, log_path, expected=(ROUNDS + 1) * len(LEADS))

    shown = shown_ids(output.read_text(encoding="utf-8"))
    with Store.open_for_reading(log_path) as store:
        records = queries.entries(store.db, kinds=deliveries.KINDS)
        problems = store.integrity_problems()
    sent = Counter(str(e.details["delivery"]) for e in records if e.kind == Kind.NUDGE_SENT)
    doubt = set(deliveries.in_doubt(records))
    expected = {
        f"before_date:Alex:crash-{n}@example.org:single:{format_duration(timedelta(minutes=m))}"
        f"@{start:%Y%m%dT%H%M%SZ}"
        for n, start in enumerate(starts)
        for m in LEADS
    }
    by_short_id = {short_id(key): key for key in expected}
    assert len(by_short_id) == len(expected)  # the handles tell every nudge apart
    counts = Counter({by_short_id.get(handle, handle): times for handle, times in shown.items()})

    assert problems == []
    assert [key for key, times in counts.items() if times > 1] == []  # never twice
    assert set(sent) == expected and max(sent.values()) == 1  # every one sent, once
    # None lost: each was shown, unless the kill fell between its `sent` commit and the
    # notifier call, which the log then flags as in doubt (and the daemon warns about).
    lost = expected - set(counts)
    assert lost <= doubt, f"lost without a trace: {sorted(lost - doubt)}"
    print(f"{ROUNDS} kills; {len(expected)} nudges; in doubt: {len(doubt)}; lost: {len(lost)}")


def calibrate(folder: Path, output: Path, data_dir: Path) -> tuple[float, datetime]:
    """Seconds from start to the end of a burst (round 0, not killed): the kill window; and
    the start of round 0's plan."""
    start = add_plan(folder, 0)
    started = time.monotonic()
    daemon = start_daemon(output)
    deadline = started + 30
    while not wake.running(data_dir):
        assert time.monotonic() < deadline, "the daemon did not start"
        time.sleep(0.01)
    while len(shown_ids(output.read_text(encoding="utf-8"))) < len(LEADS):
        assert time.monotonic() < deadline, output.read_text(encoding="utf-8")
        time.sleep(0.01)
    burst = time.monotonic() - started
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(10) == 0
    return burst * 1.3, start


def finish(output: Path, log_path: Path, expected: int) -> None:
    """A last run that may stop cleanly once every delivery is settled in the log."""
    daemon = start_daemon(output)
    deadline = time.monotonic() + 30
    try:
        while not wake.running(log_path.parent):  # stopping it before it runs is not clean
            assert time.monotonic() < deadline, "the daemon did not start"
            time.sleep(0.05)
        while True:
            with Store.open_for_reading(log_path) as store:
                settled = {
                    str(e.details["delivery"])
                    for e in queries.entries(store.db, kinds=[Kind.NUDGE_SENT])
                }
            if len(settled) >= expected:
                break
            assert time.monotonic() < deadline, f"{len(settled)} of {expected} settled"
            time.sleep(0.1)
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(10) == 0
