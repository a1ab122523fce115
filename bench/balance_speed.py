"""How fast `nudger balance --json` answers on a 1,000,000-entry log, against two yardsticks.

    python -m bench.balance_speed            # from the repo root; or python bench/balance_speed.py
    python -m bench.balance_speed --entries 100000 --rounds 11 --rebuild

It builds the log once under `bench/.work/` (reused while the entry count matches), writes a
minimal typer application, installs khal in a venv of its own, then times each command as a new
process: `nudger balance --json`, `python mini_typer.py hello` and `khal --version`. The bar:
nudger's median is at most 1.5 times the minimal typer app's, and below khal's. Exits 0 when
both hold, 1 otherwise (also when khal could not be installed).

Why alternate: the machine drifts during a run (CPU frequency, page cache, other load), so the
commands take turns within every round, in an order rotated each round so none always runs
first or right after another; the first round is a warm-up and is dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.build_log import PEOPLE, build  # noqa: E402

TYPER_RATIO_BAR = 1.5
END = datetime(2026, 11, 1, tzinfo=UTC)
MINI_TYPER = """import typer

app = typer.Typer()


@app.command()
def hello() -> None:
    print("hello")


@app.command()
def bye() -> None:
    print("bye")


if __name__ == "__main__":
    app()
"""


def count_entries(path: Path) -> int | None:
    """The number of entries in the log at `path`; None when it is missing or unreadable."""
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT count(*) FROM entry").fetchone()[0])
    except sqlite3.Error:
        return None


def prepare_log(data_dir: Path, entries: int, rebuild: bool) -> None:
    log = data_dir / "log.sqlite3"
    if not rebuild and count_entries(log) == entries:
        print(f"log: reused {entries:,} entries at {log}")
        return
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    seconds = build(log, entries, end=END)
    print(f"log: built {entries:,} entries in {seconds:.1f} s at {log}")


def write_config(path: Path) -> None:
    tables = [f'[[people]]\nname = "{name}"\nkind = "friend"\n' for name in PEOPLE]
    path.write_text('[me]\nname = "Sam"\ntimezone = "Europe/Berlin"\n\n' + "\n".join(tables))


def install_khal(venv: Path) -> Path | None:
    """`khal` from its own venv, installed on first use; None when the install fails."""
    khal = venv / "bin" / "khal"
    if khal.exists():
        return khal
    print(f"khal: installing into {venv} …")
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "khal"],
    ]
    for argv in steps:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"khal: could not be installed ({' '.join(argv[-3:])} failed):")
            print(done.stderr.strip()[-2000:])
            return None
    return khal if khal.exists() else None


def child_env(config: Path, data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NUDGER_")}
    return env | {"NUDGER_CONFIG": str(config), "NUDGER_DATA_DIR": str(data_dir)}


def check(commands: dict[str, list[str]], env: dict[str, str]) -> None:
    """Run each command once: it must succeed, and nudger must answer for every person."""
    for name, argv in commands.items():
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"{name} failed ({done.returncode}): {done.stderr.strip()}")
        if name == "nudger":
            answer = json.loads(done.stdout)
            people = {row["person"] for row in answer if isinstance(row["initiations"]["me"], int)}
            if len(answer) != len(PEOPLE) or people != set(PEOPLE):
                sys.exit(f"nudger balance --json answered for {sorted(people)}, not {PEOPLE}")


def measure(
    commands: dict[str, list[str]], env: dict[str, str], rounds: int
) -> dict[str, list[float]]:
    """Seconds per command, taking turns within each round; the first round is dropped."""
    names = list(commands)
    times: dict[str, list[float]] = {name: [] for name in names}
    for number in range(rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            done = subprocess.run(commands[name], env=env, capture_output=True, check=False)
            elapsed = time.perf_counter() - started
            if done.returncode != 0:
                sys.exit(f"{name} failed during round {number}: {done.stderr.decode().strip()}")
            if number > 0:
                times[name].append(elapsed)
    return times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:>10.1f}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(times: dict[str, list[float]]) -> bool:
    """Print the table and both bars; True when both pass."""
    runs = len(times["nudger"])
    print(f"\n{'command':<10}{'median':>10}{'min':>10}{'p90':>10}   (ms, {runs} runs each)")
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"{name:<10}{ms(medians[name])}{ms(min(values))}{ms(p90)}")
    ratio = medians["nudger"] / medians["mini"]
    fast_enough = ratio <= TYPER_RATIO_BAR
    print(f"\nnudger / mini typer: {ratio:.2f}x (bar ≤ {TYPER_RATIO_BAR}x)  {verdict(fast_enough)}")
    if "khal" not in medians:
        print("nudger vs khal --version: not measured, khal could not be installed  FAIL")
        return False
    faster = medians["nudger"] < medians["khal"]
    nudger, khal = (f"{medians[name] * 1000:.1f} ms" for name in ("nudger", "khal"))
    print(f"nudger vs khal --version: {nudger} vs {khal}  {verdict(faster)}")
    return fast_enough and faster


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=21, help="including one warm-up round")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "bench" / ".work")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the log even if it exists")
    arguments = parser.parse_args()
    if arguments.rounds < 3:
        parser.error("--rounds must be at least 3 (one warm-up, two measured)")
    work: Path = arguments.work_dir.resolve()
    home = work / f"balance-{arguments.entries}"
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    prepare_log(home / "data", arguments.entries, arguments.rebuild)
    write_config(home / "config.toml")
    mini = work / "mini_typer.py"
    mini.write_text(MINI_TYPER)
    commands = {
        "mini": [sys.executable, str(mini), "hello"],
        "nudger": [str(Path(sys.executable).parent / "nudger"), "balance", "--json"],
    }
    khal = install_khal(work / "khal-venv")
    if khal is not None:
        commands["khal"] = [str(khal), "--version"]
    env = child_env(home / "config.toml", home / "data")
    check(commands, env)
    times = measure(commands, env, arguments.rounds)
    sys.exit(0 if report(times) else 1)


if __name__ == "__main__":
    main()
