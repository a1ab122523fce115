"""How long the export readers take on 200 MB files, and how much memory they hold.

    python -m bench.imports_stream            # from the repo root; --mb 50 for a smaller run

Writes, under `bench/.work/imports-stream/`, a Telegram one-chat JSON, an SMS Backup & Restore
XML and an Android WhatsApp text export of about `--mb` MB each (tests/integrations/imports/
samples.py), then reads each in a child process that counts the records. Printed per format:
the file's size, the records, the wall time of the read, the child's peak resident memory
(ru_maxrss, including Python itself) and the tracemalloc peak of a second, traced read. Bar:
peak resident memory under 100 MB whatever the size (the file is never held whole); exits 0
when it holds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from tests.integrations.imports import samples

WORK = Path(__file__).resolve().parent / ".work" / "imports-stream"
BAR_MB = 100.0
START = datetime(2020, 1, 1, tzinfo=UTC)
# bytes per record of each writer, to size the files
WRITERS = {
    "telegram": (samples.telegram_big, 365, "result.json"),
    "sms-backup": (samples.sms_big, 455, "sms.xml"),
    "whatsapp": (samples.whatsapp_big, 103, "WhatsApp Chat with Alice.txt"),
}
CHILD = """
import json, resource, sys, time, tracemalloc
from datetime import UTC
from importlib.metadata import entry_points
from pathlib import Path
reader = entry_points(group="nudger.imports")[sys.argv[1]].load()()
path = Path(sys.argv[2])
began = time.perf_counter()
count = sum(1 for _ in reader.read(path, zone=UTC))
seconds = time.perf_counter() - began
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
tracemalloc.start()
sum(1 for _ in reader.read(path, zone=UTC))
traced = tracemalloc.get_traced_memory()[1] / 2**20
print(json.dumps({"count": count, "seconds": seconds, "rss": rss, "traced": traced}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=200.0)
    size = parser.parse_args().mb
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    worst = 0.0
    for name, (write, per_record, file_name) in WRITERS.items():
        path = write(WORK / file_name, int(size * 1e6 / per_record), start=START)
        result = subprocess.run(
            [sys.executable, "-c", CHILD, name, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(result.stdout)
        worst = max(worst, figures["rss"])
        print(
            f"{name:10} {path.stat().st_size / 1e6:6.0f} MB {figures['count']:>9} records "
            f"{figures['seconds']:6.1f} s  peak RSS {figures['rss']:5.0f} MB  "
            f"tracemalloc peak {figures['traced']:5.1f} MB"
        )
        path.unlink()
    print(f"bar: peak RSS under {BAR_MB:.0f} MB: {'holds' if worst < BAR_MB else 'FAILS'}")
    return 0 if worst < BAR_MB else 1


if __name__ == "__main__":
    sys.exit(main())
