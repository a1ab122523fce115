"""Whether `nudger status` and one planning pass cost what the upcoming plans cost, not the log.

    python -m bench.status_cost                 # from the repo root; or python bench/status_cost.py
    python -m bench.status_cost --small 1000 --large 100000 --plans 50 --rounds 5

For each case (the small log with `--plans`, the large log with `--plans`, the large log with a
tenth of them) it makes a data folder under `bench/.work/status-<entries>/`: an ics folder
with `--plans` plans with Alex in the next two days (what `status` plans for), synced once with
`nudger daemon --once`, then `<entries>` facts with Alex and others appended through
`Store.append_many`, all in the last 30 days (the part of the log planning reads: older facts
never reach the planner, so they would prove nothing): plans, messages, calls, cancellations,
missed plans, check-ins, a third of them of unknown side. It then times, in turns so drift
hits both sizes alike (the first round a warm-up, dropped), `nudger status` as a new process
and one planning pass in this process (`nudger.views.agenda.pending`, what the daemon's replan
and `status` run). The bars: the planning pass grows at most linearly with the recent log (100x
the entries, at most x100: reading them is one pass over their rows, and the rules look each
question up in an index built once), and on the large log ten times the upcoming plans costs
it at most `PLANS_RATIO_BAR` times as much. Scanning every entry for every upcoming plan and
every missed one made it grow far faster: x1112 for 100x the entries, 35 s on 100,000 entries
(measured before the index, the same machine). Exits 0 when both bars hold, else 1.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nudger.clock import now as clock_now  # noqa: E402
from nudger.config.file import load  # noqa: E402
from nudger.config.timezone import user_zone  # noqa: E402
from nudger.core.model import Kind, NewEntry, Who  # noqa: E402
from nudger.log.store import Store  # noqa: E402
from nudger.views import agenda  # noqa: E402

WORK = ROOT / "bench" / ".work"
PLANS_RATIO_BAR = 2.0  # planning pass on the large log, 10x the upcoming plans
PEOPLE = ("Alex", "Sam", "Robin", "Kim", "Jo")
KINDS = (Kind.PLAN,) * 5 + (Kind.MESSAGE,) * 5 + (Kind.CALL, Kind.CANCELLED, Kind.MISSED)
WHO = (Who.ME, Who.THEM, Who.UNKNOWN)
CONFIG = """[me]
name = "Sam"
emails = ["sam@example.org"]
timezone = "Europe/Berlin"

[[people]]
name = "Alex"
kind = "partner"
emails = ["alex@example.org"]

[[calendars]]
name = "home"
type = "ics"
path = "{folder}"
"""


def _event(number: int, start: datetime) -> str:
    stamp = start.strftime("%Y%m%dT%H%M%SZ")
    end = (start + timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//status_cost//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:bench-plan-{number}\r\nDTSTAMP:{stamp}\r\nDTSTART:{stamp}\r\nDTEND:{end}\r\n"
        f"SUMMARY:Dinner with Alex {number}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def prepare(entries: int, plans: int, now: datetime) -> dict[str, str]:
    """A data folder with `plans` upcoming plans synced and `entries` recent facts; its env."""
    home = WORK / f"status-{entries}-{plans}"
    shutil.rmtree(home, ignore_errors=True)
    folder = home / "calendar"
    folder.mkdir(parents=True)
    for number in range(plans):
        start = now + timedelta(hours=1 + number * 40 / plans)
        (folder / f"plan-{number}.ics").write_text(_event(number, start), encoding="utf-8")
    (home / "config.toml").write_text(CONFIG.format(folder=folder), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUDGER_")}
    env |= {"NUDGER_CONFIG": str(home / "config.toml"), "NUDGER_DATA_DIR": str(home / "data")}
    subprocess.run([_nudger(), "daemon", "--once"], env=env, check=True, capture_output=True)
    rng = random.Random(entries)
    with Store.open(home / "data" / "log.sqlite3") as store:
        store.append_many((_fact(rng, n, now) for n in range(entries)), now=now)
    return env


def _fact(rng: random.Random, number: int, now: datetime) -> NewEntry:
    kind = rng.choice(KINDS)
    uid = f"old-{rng.randrange(max(1, number // 3 + 1))}"
    return NewEntry(
        at=now - timedelta(seconds=rng.randrange(29 * 86_400)),
        kind=kind.value,
        who=rng.choice(WHO),
        source="bench",
        key=f"bench:{number}",
        person=rng.choice(PEOPLE),
        details={"uid": uid, "occurrence": "", "summary": f"Old plan {number}"}
        if kind in (Kind.PLAN, Kind.CANCELLED, Kind.MISSED)
        else {},
    )


def _nudger() -> str:
    return str(Path(sys.executable).with_name("nudger"))


def time_status(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([_nudger(), "status"], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def time_planning(env: dict[str, str]) -> tuple[float, int]:
    """One planning pass on that data folder, in this process; and how many nudges it found."""
    settings = load(Path(env["NUDGER_CONFIG"])).settings
    zone = user_zone(settings.me.timezone)
    with Store.open_for_reading(Path(env["NUDGER_DATA_DIR"]) / "log.sqlite3") as store:
        started = time.perf_counter()
        found = agenda.pending(store.db, settings, now=clock_now(), zone=zone)
        return time.perf_counter() - started, len(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    now = clock_now()
    few = max(1, arguments.plans // 10)
    cases: tuple[tuple[int, int], ...] = (
        (arguments.small, arguments.plans),
        (arguments.large, arguments.plans),
        (arguments.large, few),
    )
    envs = {case: prepare(*case, now) for case in cases}
    status: dict[tuple[int, int], list[float]] = {case: [] for case in cases}
    planning: dict[tuple[int, int], list[float]] = {case: [] for case in cases}
    nudges: dict[tuple[int, int], int] = {}
    for round_number in range(arguments.rounds + 1):
        turn = cases[round_number % 3 :] + cases[: round_number % 3]
        for case in turn:
            seconds, nudges[case] = time_planning(envs[case])
            whole = time_status(envs[case])
            if round_number:  # the first round warms the caches
                planning[case].append(seconds)
                status[case].append(whole)
    for case in cases:
        print(
            f"{case[0]:>9,} entries, {case[1]:>3} upcoming plans: "
            f"planning pass {statistics.median(planning[case]) * 1000:8.1f} ms "
            f"(min {min(planning[case]) * 1000:.1f}), "
            f"nudger status {statistics.median(status[case]) * 1000:8.1f} ms "
            f"(min {min(status[case]) * 1000:.1f}); {nudges[case]} nudges due"
        )
    small, large, fewer = (statistics.median(planning[case]) for case in cases)
    small_status, large_status, _ = (statistics.median(status[case]) for case in cases)
    plans_ratio, growth = large / fewer, arguments.large / arguments.small
    print(
        f"{growth:g}x the entries: planning pass x{large / small:.1f} (bar: at most x{growth:g}), "
        f"nudger status x{large_status / small_status:.1f}"
    )
    print(
        f"{arguments.plans // few}x the upcoming plans on the large log: planning pass "
        f"x{plans_ratio:.2f} (bar: at most x{PLANS_RATIO_BAR:g})"
    )
    if plans_ratio > PLANS_RATIO_BAR or large / small > growth:
        print("BAR NOT MET")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
