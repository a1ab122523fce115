"""`nudger balance --json` start-up in this checkout against an earlier commit, on one log.

    python -m bench.startup_compare                  # against b944cc7, the tree before the layers
    python -m bench.startup_compare --against REV --entries 100000 --rounds 31

A restructuring must not make the query commands slower to start. This builds the log once
(`bench/.work/`, built by REV's own code so that REV can read it; this checkout reads a copy,
which it may migrate to a newer schema), checks REV out into a worktree of its own, and runs
`python -P -m nudger balance --json` over a fixed window from each tree with the same
interpreter and packages (`PYTHONPATH` picks the tree, `-P` keeps the working folder off the
path), taking turns within every round in a rotated order; the first round is a warm-up. Both
trees must print the same answer (for the keys the older one has).

Each run is timed twice: wall clock, and the CPU time the child used (user + system, from
`getrusage`), which a busy or noisy virtual machine disturbs far less. The bar: this checkout's
median CPU time is at most REV's plus 5 %. Exits 0 when it holds, 1 otherwise. Bytecode is
cached as an installed package's is (`PYTHONDONTWRITEBYTECODE` is dropped for the children, the
warm-up round writes it), so compiling nudger's sources on every run does not count. With
`--instructions`, each tree also runs once under valgrind's callgrind, whose instruction count
does not depend on the machine's load at all.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.balance_speed import child_env, write_config  # noqa: E402

BEFORE_LAYERS = "b944cc7"
NOISE = 1.05


def checkout(revision: str, work: Path) -> Path:
    """A worktree of `revision` under `work`, made on first use."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", revision],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    tree = work / f"tree-{sha}"
    if not tree.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(tree), sha], cwd=ROOT, check=True
        )
    return tree


def logs(older: Path, data: Path, entries: int) -> dict[str, Path]:
    """The log each tree reads: built by the older tree (so it is of a schema that tree knows),
    and a fresh copy of it for this checkout, which may migrate its copy to a newer schema
    (once, in the warm-up round) without touching the older tree's."""
    script = "from pathlib import Path; from bench.balance_speed import prepare_log; "
    script += f"prepare_log(Path({str(data)!r}), {entries}, rebuild=False)"
    subprocess.run(
        [sys.executable, "-P", "-c", script],
        env=os.environ | {"PYTHONPATH": str(older)},
        check=True,
    )
    now = data.with_name(data.name + "-now")
    shutil.rmtree(now, ignore_errors=True)
    shutil.copytree(data, now)
    return {"before": data, "now": now}


def measure(
    commands: dict[str, list[str]], envs: dict[str, dict[str, str]], rounds: int
) -> dict[str, list[tuple[float, float]]]:
    """(wall seconds, CPU seconds) per run of each command, taking turns in a rotated order
    within every round; the first round is a warm-up and is dropped."""
    names = list(commands)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for number in range(rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(commands[name], env=envs[name], capture_output=True, check=True)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            if number > 0:
                times[name].append((wall, cpu))
    return times


def same_answer(before: list[dict[str, Any]], now: list[dict[str, Any]]) -> bool:
    """The same rows with the same values for every key the older tree prints (keys added
    since, such as `leaning_to`, are new information, not a different answer)."""
    return len(before) == len(now) and all(
        {key: row_now.get(key) for key in row_before} == row_before
        for row_before, row_now in zip(before, now, strict=True)
    )


def instructions(command: list[str], env: dict[str, str]) -> int:
    """The instructions one run executes, counted by callgrind (hash seed fixed)."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        env=env | {"PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        sys.exit(f"callgrind printed no count: {done.stderr[-500:]}")
    return int(found[1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--against", default=BEFORE_LAYERS, help="the commit to compare with")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=31, help="including one warm-up round")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "bench" / ".work")
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions with callgrind"
    )
    arguments = parser.parse_args()
    if arguments.rounds < 3:
        parser.error("--rounds must be at least 3 (one warm-up, two measured)")
    work: Path = arguments.work_dir.resolve()
    home = work / f"balance-{arguments.entries}"
    print(f"log of {arguments.entries:,} entries")
    write_config(home / "config.toml")
    trees = {"before": checkout(arguments.against, work), "now": ROOT}
    data = logs(trees["before"], home / f"data-{trees['before'].name}", arguments.entries)
    # A fixed window, so both trees answer the same question whatever second they run in.
    query = ["balance", "--json", "--since", "2026-08-01", "--until", "2026-11-01"]
    commands = {name: [sys.executable, "-P", "-m", "nudger", *query] for name in trees}
    envs = {
        name: {
            key: value
            for key, value in child_env(home / "config.toml", data[name]).items()
            if key != "PYTHONDONTWRITEBYTECODE"  # cached bytecode, as after `pip install`
        }
        | {"PYTHONPATH": str(tree)}
        for name, tree in trees.items()
    }
    answers = {
        name: json.loads(
            subprocess.run(commands[name], env=envs[name], capture_output=True, check=True).stdout
        )
        for name in trees
    }
    if not same_answer(answers["before"], answers["now"]):
        sys.exit("the two trees answer differently: this compares start-up of the same answer")
    times = measure(commands, envs, arguments.rounds)
    runs = len(times["now"])
    print(f"\n{'tree':<8}{'wall median':>13}{'wall min':>10}{'CPU median':>12}   (ms, {runs} runs)")
    cpu: dict[str, float] = {}
    for name in trees:
        walls = [wall for wall, _ in times[name]]
        cpu[name] = statistics.median(used for _, used in times[name])
        print(
            f"{name:<8}{statistics.median(walls) * 1000:>13.1f}{min(walls) * 1000:>10.1f}"
            f"{cpu[name] * 1000:>12.1f}"
        )
    ratio = cpu["now"] / cpu["before"]
    holds = ratio <= NOISE
    outcome = "PASS" if holds else "FAIL"
    print(f"\nCPU now / before ({arguments.against}): {ratio:.3f}x (bar ≤ {NOISE}x)  {outcome}")
    if arguments.instructions:
        counts = {name: instructions(commands[name], envs[name]) for name in trees}
        print(
            f"instructions: before {counts['before']:,}, now {counts['now']:,} "
            f"({counts['now'] / counts['before']:.3f}x)"
        )
    sys.exit(0 if holds else 1)


if __name__ == "__main__":
    main()
