"""How fast `nudger report` writes its page for a year of five people, and how much it weighs.

    python -m bench.report_speed            # from the repo root; or python bench/report_speed.py
    python -m bench.report_speed --rounds 21 --seed 3

It builds a year of realistic life in a temporary log (for each of five people, a few entries a
day: messages, calls, check-ins, plans with their titles and thanks, some plans cancelled,
declined, moved or missed, and a few "ball in their court" waits, one of them ended early), then
times `nudger report --since 1y` as a new process, the way people run it, and weighs the page.
The bars: the median run under 1 s, the page under 1 MB. Exits 0 when both hold, 1 otherwise.
The first run is a warm-up and is dropped. `bench/report_size.py` builds the same year and also
opens the page in Chromium.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nudger import clock  # noqa: E402
from nudger.core.answers import ended_wait, started_wait  # noqa: E402
from nudger.core.model import Kind, NewEntry, Who  # noqa: E402
from nudger.log.store import Store  # noqa: E402

PEOPLE = ["Alex", "Sam", "Robin", "Kim", "Jo"]
SECONDS_BAR = 1.0
BYTES_BAR = 1_000_000
# Per person and day: how often each kind happens (a Poisson-ish draw per day).
DAILY = {
    Kind.MESSAGE: 2.0,
    Kind.CALL: 0.3,
    Kind.CHECKIN: 0.8,
    Kind.PLAN: 0.3,
    Kind.GRATITUDE: 0.3,
    Kind.LOOSE: 0.05,
}
OUTCOMES = [
    (Kind.CANCELLED, 0.08),
    (Kind.DECLINED, 0.05),
    (Kind.RESCHEDULED, 0.06),
    (Kind.MISSED, 0.04),
]
NOTES = ["for the soup", "for listening", "for the flowers", "for picking me up", None]
TITLES = ["Dinner", "Climbing", "Cinema & drinks", "Brunch", "Walk in the park", "Board games"]


def life(person: str, end: datetime, rng: random.Random) -> list[NewEntry]:
    """A year of one relationship, ending at `end`."""
    leaning = rng.uniform(0.35, 0.8)  # how much of it I start, for this person
    entries: list[NewEntry] = []
    for day in range(365):
        midnight = end - timedelta(days=365 - day)
        for kind, rate in DAILY.items():
            for _ in range(int(rate) + (rng.random() < rate % 1)):
                at = midnight + timedelta(seconds=rng.randrange(86400))
                who = Who.ME if rng.random() < leaning else Who.THEM
                details = _details(kind, at, rng)
                entries.append(_entry(person, kind, who, at, details, len(entries)))
                if kind is Kind.PLAN:
                    entries += _outcome(person, at, details, rng, len(entries))
    return entries + _waits(person, end, rng)


def _entry(
    person: str, kind: Kind, who: Who, at: datetime, details: Mapping[str, object], number: int
) -> NewEntry:
    return NewEntry(
        at=at,
        kind=kind.value,
        who=who,
        source="bench",
        key=f"bench:{person}:{number}",
        person=person,
        details={k: v for k, v in details.items() if v},
    )


def _details(kind: Kind, at: datetime, rng: random.Random) -> dict[str, object]:
    """A plan's title and date, as a calendar gives them; a note with some thanks."""
    if kind is Kind.PLAN:
        start = at + timedelta(days=rng.randint(1, 10))
        return {"summary": rng.choice(TITLES), "start": start.isoformat()}
    return {"note": rng.choice(NOTES)} if kind is Kind.GRATITUDE else {}


def _outcome(
    person: str, planned: datetime, details: Mapping[str, object], rng: random.Random, number: int
) -> list[NewEntry]:
    """Now and then a plan is cancelled, declined, moved or missed a few days later."""
    for kind, chance in OUTCOMES:
        if rng.random() < chance:
            who = Who.UNKNOWN if kind is Kind.MISSED else rng.choice([Who.ME, Who.THEM])
            later = planned + timedelta(days=rng.randint(1, 5))
            return [_entry(person, kind, who, later, details, number)]
    return []


def _waits(person: str, end: datetime, rng: random.Random) -> list[NewEntry]:
    """Three two-week waits spread over the year; the second ended early."""
    waits = []
    for number, days_back in enumerate((300, 180, 60)):
        start = end - timedelta(days=days_back + rng.randint(0, 20))
        waits.append(started_wait(person, start, 14, f"bench-{person}-{number}"))
        if number == 1:
            waits.append(ended_wait(person, start + timedelta(days=5), f"bench-{person}-end"))
    return waits


def build(log: Path, end: datetime, seed: int) -> int:
    """The year for every person, in one transaction; returns how many entries it holds."""
    rng = random.Random(seed)
    entries = [entry for person in PEOPLE for entry in life(person, end, rng)]
    with Store.open(log) as store:
        return store.append_many(entries, now=end)


def write_config(path: Path) -> None:
    tables = [f'[[people]]\nname = "{name}"\nkind = "friend"\n' for name in PEOPLE]
    path.write_text('[me]\nname = "Me"\ntimezone = "Europe/Berlin"\n\n' + "\n".join(tables))


def measure(argv: list[str], env: dict[str, str], rounds: int) -> list[float]:
    """Seconds per run of `argv` as a new process; the first run is dropped."""
    times = []
    for number in range(rounds):
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"nudger report failed ({done.returncode}): {done.stderr.strip()}")
        if number:
            times.append(elapsed)
    return times


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def arguments(doc: str | None, rounds: int) -> argparse.Namespace:
    """The command line both report benches take: --rounds (with the warm-up) and --seed."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=rounds, help="including one warm-up run")
    parser.add_argument("--seed", type=int, default=7)
    parsed = parser.parse_args()
    if parsed.rounds < 3:
        parser.error("--rounds must be at least 3 (one warm-up, two measured)")
    return parsed


@contextlib.contextmanager
def timed_report(seed: int, rounds: int) -> Iterator[tuple[Path, list[float]]]:
    """The year in a temporary log, `nudger report --since 1y` timed `rounds` times as a new
    process (the warm-up dropped): the page and the times, until the folder is removed."""
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="nudger-report-bench-") as folder:
        home = Path(folder)
        count = build(home / "data" / "log.sqlite3", clock.now(), seed)
        print(f"log: {count:,} entries, a year of {len(PEOPLE)} people")
        write_config(home / "config.toml")
        env = {k: v for k, v in os.environ.items() if not k.startswith("NUDGER_")} | {
            "NUDGER_CONFIG": str(home / "config.toml"),
            "NUDGER_DATA_DIR": str(home / "data"),
        }
        page = home / "report.html"
        nudger = str(Path(sys.executable).parent / "nudger")
        argv = [nudger, "report", "--since", "1y", "--out", str(page)]  # the year, not 90 days
        yield page, measure(argv, env, rounds)


def main() -> None:
    parsed = arguments(__doc__, 11)
    with timed_report(parsed.seed, parsed.rounds) as (page, times):
        size = page.stat().st_size
    median = statistics.median(times)
    fast = median < SECONDS_BAR
    small = size < BYTES_BAR
    print(
        f"nudger report: median {median * 1000:.0f} ms, min {min(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms ({len(times)} runs)"
    )
    print(f"time: {median:.3f} s (bar < {SECONDS_BAR:.0f} s)  {verdict(fast)}")
    print(f"size: {size:,} bytes, {size / 1024:.0f} KB (bar < 1 MB)  {verdict(small)}")
    sys.exit(0 if fast and small else 1)


if __name__ == "__main__":
    main()
