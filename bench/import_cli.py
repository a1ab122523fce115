"""What `nudger import` costs on 200 MB exports, end to end: reading, the conversation-start
rule, matching and the one transaction per file.

    python -m bench.import_cli            # from the repo root; --mb 50 for a smaller run

Writes, under `bench/.work/import-cli/`, the same big Telegram, SMS Backup & Restore and
WhatsApp files as `bench.imports_stream` (tests/integrations/imports/samples.py: a message a
minute, with seven hours of silence after every 50, so one in 50 starts a conversation:
far more starts than a real chat has), and runs
`nudger import FILE` on each in a child process with its own home, printing the wall time, what
the import added and the child's own peak resident memory (VmHWM, read by the child itself, so
the parent's memory is not counted). Bar: under 150 MB whatever the size; exits 0 when it holds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.imports_stream import START, WRITERS

WORK = Path(__file__).resolve().parent / ".work" / "import-cli"
BAR_MB = 150.0
PAUSE_EVERY = 50  # messages between two silences of 7 h: a conversation start each
CONFIG = """\
[me]
timezone = "UTC"
names = ["Me Myself"]

[[people]]
name = "Alice"
phones = ["+49 151 12345678"]
"""
CHILD = """
import sys
from nudger.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as end:
    code = end.code
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(f"VmHWM {int(line.split()[1]) / 1024:.1f}", file=sys.stderr)
sys.exit(code)
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=200.0)
    size = parser.parse_args().mb
    shutil.rmtree(WORK, ignore_errors=True)
    worst = 0.0
    for name, (write, per_record, file_name) in WRITERS.items():
        home = WORK / name
        (home / "config").mkdir(parents=True)
        (home / "config" / "nudger").mkdir()
        (home / "config" / "nudger" / "config.toml").write_text(CONFIG, encoding="utf-8")
        count = int(size * 1e6 / per_record)
        path = write(WORK / file_name, count, start=START, pause_every=PAUSE_EVERY)
        env = os.environ | {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
        }
        began = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-c", CHILD, "import", str(path)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        seconds = time.perf_counter() - began
        peak = float(run.stderr.rsplit("VmHWM ", 1)[1].split()[0])
        worst = max(worst, peak)
        summary = run.stdout.strip().splitlines()[0] if run.stdout.strip() else run.stderr.strip()
        print(
            f"{name:10} {path.stat().st_size / 1e6:6.0f} MB  exit {run.returncode}  "
            f"{seconds:6.1f} s  peak {peak:5.0f} MB  {summary}"
        )
        path.unlink()
    print(f"bar: peak memory under {BAR_MB:.0f} MB: {'holds' if worst < BAR_MB else 'FAILS'}")
    return 0 if worst < BAR_MB else 1


if __name__ == "__main__":
    sys.exit(main())
