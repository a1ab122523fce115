"""How long `nudger daemon --once` takes, and how much memory it holds, on series no plan is.

    python -m bench.expansion_bound              # from the repo root

A fresh data folder under `bench/.work/expansion-bound/` with one ics folder: a plan with Alex,
a FREQ=MINUTELY;COUNT=1000000 series begun 30 days ago and a FREQ=SECONDLY one begun 300 days
ago, both titled with Alex's name (so they are relevant and parsed). Before issue 15 the first
cost 49 s and 880 MB and the second a MemoryError. The sync runs as a child process; its wall
time and peak resident memory (resource.getrusage RUSAGE_CHILDREN ru_maxrss) are printed.
Bars: under 10 s and 150 MB; exits 0 when both hold.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.story import CONFIG
from tests.sync.test_expansion_bound import _calendar

WORK = Path(__file__).resolve().parent / ".work" / "expansion-bound"
BARS = (10.0, 150.0)  # seconds, MB


def main() -> int:
    shutil.rmtree(WORK, ignore_errors=True)
    folder = WORK / "calendar"
    folder.mkdir(parents=True)
    (folder / "plan.ics").write_bytes(_calendar("plan", "Dinner", 3))
    (folder / "minutely.ics").write_bytes(
        _calendar("m", "Alex stand-up", -30, "FREQ=MINUTELY;COUNT=1000000")
    )
    (folder / "secondly.ics").write_bytes(_calendar("s", "Alex ping", -300, "FREQ=SECONDLY"))
    config = WORK / "xdg-config" / "nudger" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        CONFIG + f'\n[[calendars]]\nname = "local"\ntype = "ics"\npath = "{folder}"\n'
    )
    outside = {k: v for k, v in os.environ.items() if not k.upper().startswith("NUDGER_")}
    env = outside | {
        "HOME": str(WORK),
        "XDG_CONFIG_HOME": str(WORK / "xdg-config"),
        "XDG_DATA_HOME": str(WORK / "xdg-data"),
        "XDG_STATE_HOME": str(WORK / "xdg-state"),
        "XDG_CACHE_HOME": str(WORK / "xdg-cache"),
    }
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "nudger", "daemon", "--once"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.monotonic() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(done.stdout.strip())
    print(done.stderr.strip())
    print(f"daemon --once: {took:.2f} s wall, peak resident {peak:.1f} MB (exit {done.returncode})")
    return 0 if done.returncode == 0 and took < BARS[0] and peak < BARS[1] else 1


if __name__ == "__main__":
    raise SystemExit(main())
