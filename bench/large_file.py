"""How long `nudger daemon --once` takes, and how much memory it holds, on a 50 MB export of
which 10 events involve a tracked person.

    python -m bench.large_file              # from the repo root

A fresh data folder under `bench/.work/large-file/` with one ics file of 91,000 events (50 MB,
`tests.sync.large_export`), 10 of them with Alex. Before issue 15 (Build 10) relevance was
decided per file, so this cost as much as a file where every event is relevant (about 60 s and
1 GB for 116,000). The sync runs as a child process; its wall time, CPU time (`os.wait4`) and
peak resident memory (its own VmHWM: ru_maxrss would count the parent's, which Linux carries
over the exec; `tests.sync.large_export.timed_sync`) are printed, for a first sync and for a
second after one event of nobody tracked was edited (the file is read again). Bars: under 5 s
and 150 MB each; exits 0 when they hold.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from nudger import clock
from tests.story import CONFIG
from tests.sync.large_export import timed_sync, write_export

WORK = Path(__file__).resolve().parent / ".work" / "large-file"
BARS = (5.0, 150.0)  # seconds, MB
EVENTS, RELEVANT = 91_000, 10


def environment() -> dict[str, str]:
    outside = {k: v for k, v in os.environ.items() if not k.upper().startswith("NUDGER_")}
    return outside | {
        "HOME": str(WORK),
        "XDG_CONFIG_HOME": str(WORK / "xdg-config"),
        "XDG_DATA_HOME": str(WORK / "xdg-data"),
        "XDG_STATE_HOME": str(WORK / "xdg-state"),
        "XDG_CACHE_HOME": str(WORK / "xdg-cache"),
    }


def main() -> int:
    shutil.rmtree(WORK, ignore_errors=True)
    folder = WORK / "calendar"
    folder.mkdir(parents=True)
    export = folder / "export.ics"
    write_export(export, events=EVENTS, relevant=RELEVANT, today=clock.now().date())
    config = WORK / "xdg-config" / "nudger" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        CONFIG + f'\n[[calendars]]\nname = "local"\ntype = "ics"\npath = "{folder}"\n'
    )
    size = export.stat().st_size / 1e6
    print(f"{export}: {size:.1f} MB, {EVENTS} events, {RELEVANT} with Alex")
    ok = True
    for label in ("first sync", "after an edit"):
        took, cpu, peak, code, output = timed_sync(environment())
        print(output.strip())
        print(
            f"{label}: {took:.2f} s wall, {cpu:.2f} s CPU,"
            f" peak resident {peak:.1f} MB (exit {code})"
        )
        ok = ok and code == 0 and took < BARS[0] and peak < BARS[1]
        data = export.read_bytes()
        export.write_bytes(data.replace("n°5\r\n".encode(), "n°5 (moved)\r\n".encode(), 1))
    if not ok:
        print(f"BAR NOT MET: under {BARS[0]:.0f} s and {BARS[1]:.0f} MB each")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
