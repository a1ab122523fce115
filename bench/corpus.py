"""How nudger syncs a folder of real-world calendars: other projects' test files (issue 15).

    python -m bench.corpus                       # from the repo root; or python bench/corpus.py
    python -m bench.corpus --mirrors /work/.mirror --only user

The folder is assembled afresh under `bench/.work/corpus/` by `tests.real_world` (the files
are copied, never committed; its MANIFEST.tsv names each file's source, origin and licence):
the test calendars installed with icalendar and recurring-ical-events, those of the git mirrors
found under `--mirrors` (ical.net, ical4j, libical, khal, Nextcloud Calendar, Radicale, vobject),
and three calendars written here. It is then synced by the real CLI, `nudger daemon --once`,
in a new data folder, with one `[[calendars]]` table per source folder, three times:

- **user**: as a user would: Alex (alex@example.org) tracked, the default window (a year back,
  90 days ahead), so relevance filtering skips what mentions nobody;
- **mentions**: Alex and a second person named by what the corpus uses most (its commonest
  attendee addresses, and the title words "meeting", "event", "test", ...), so most files are
  parsed, in the default window;
- **wide**: those two people and a window from 1971 to 2036, so most series are expanded over
  their whole span too (a daily series of 1997 gives 11,000 instances).

Printed for each: files, VEVENTs in them, wall time, the child's peak resident memory (the
rusage `os.wait4` returns for that child: ru_maxrss, as RUSAGE_CHILDREN would give), the
problems reported (lines shown plus "… and N more"), whether a traceback or "unexpected" was
printed, and whether any problem line was printed twice. Bars, for each run: under 30 s and
under 250 MB, no traceback, nothing unexpected, no line twice. Exits 0 when all hold.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.real_world import ME, TRACKED, assemble  # noqa: E402

SECONDS_BAR = 30.0
MEGABYTES_BAR = 250.0
WORK = ROOT / "bench" / ".work" / "corpus"
# The corpus' commonest organizer/attendee addresses and title words (counted over the files).
WIDE_EMAILS = (
    "a@example.com",
    "b@example.com",
    "jsmith@host.com",
    "jane_doe@host1.com",
    "john_doe@host.com",
)
WIDE_WORDS = ("meeting", "event", "test", "review", "conference")
WIDE_SPAN = ('past = "3650d"', 'future = "3650d"')  # the widest window sync allows: 2016 to 2036
SCENARIOS = ("user", "mentions", "wide")
MORE = re.compile(r"… and (\d+) more problems of ")
DONE = ("skipped: ", "kept: ", "capped: ", "not read: ")  # what was done, before each problem
RAW_WARNING = re.compile(r"\.py:\d+: \w*(Warning|Guessed)\b")


@dataclass(frozen=True)
class Run:
    name: str
    seconds: float
    megabytes: float
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return (self.out + self.err).splitlines()

    @property
    def problems(self) -> int:
        shown = sum(1 for line in self.lines if line.strip().startswith(DONE))
        return shown + sum(int(m.group(1)) for m in MORE.finditer(self.out + self.err))

    @property
    def traceback(self) -> bool:
        return "Traceback" in self.out + self.err

    @property
    def unexpected(self) -> bool:
        return "unexpected" in (self.out + self.err).lower()

    @property
    def repeated(self) -> list[str]:
        counts = Counter(line for line in self.lines if line.strip())
        return [line for line, count in counts.items() if count > 1]

    @property
    def raw_warnings(self) -> list[str]:
        """Python warnings printed as they are (a library's path and line, then its code)."""
        return [line for line in self.lines if RAW_WARNING.search(line)]

    @property
    def ok(self) -> bool:
        return (
            self.seconds < SECONDS_BAR
            and self.megabytes < MEGABYTES_BAR
            and self.code == 0
            and not (self.traceback or self.unexpected or self.repeated or self.raw_warnings)
        )


def config(folder: Path, sources: list[str], scenario: str) -> str:
    person = f'name = "Alex"\nkind = "partner"\nemails = ["{TRACKED}"]\n'
    if scenario in ("mentions", "wide"):
        person += (
            f'\n[[people]]\nname = "Wide"\nkind = "friend"\nemails = {list(WIDE_EMAILS)!r}\n'
            f"aliases = {list(WIDE_WORDS)!r}\n"
        )
    span = "\n".join(WIDE_SPAN) + "\n" if scenario == "wide" else ""
    tables = "".join(
        f'\n[[calendars]]\nname = "{name}"\ntype = "ics"\npath = "{folder / name}"\n'
        for name in sources
    )
    return (
        f'[me]\nname = "Sam"\nemails = ["{ME}"]\ntimezone = "Europe/Berlin"\n\n'
        f"[sync]\n{span}\n[[people]]\n{person}{tables}"
    ).replace("'", '"')


def sync(name: str, folder: Path, sources: list[str], scenario: str, *, timeout: float) -> Run:
    """One `nudger daemon --once` in a new data folder; its time and peak memory. A sync
    still running after `timeout` seconds is killed (exit -9), its figures those so far."""
    home = WORK / f"home-{name}"
    shutil.rmtree(home, ignore_errors=True)
    (home / "config").mkdir(parents=True)
    config_path = home / "config" / "config.toml"
    config_path.write_text(config(folder, sources, scenario), encoding="utf-8")
    child = {k: v for k, v in os.environ.items() if not k.startswith("NUDGER_")}
    child |= {
        "HOME": str(home),
        "NUDGER_CONFIG": str(config_path),
        "NUDGER_DATA_DIR": str(home / "data"),
        "COLUMNS": "200",
    }
    nudger = Path(sys.executable).with_name("nudger")
    out, err = home / "stdout", home / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(nudger), "daemon", "--once"], env=child, stdout=stdout, stderr=stderr
        )
        timer = threading.Timer(timeout, process.kill)  # a runaway sync is a figure too
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        name,
        seconds,
        usage.ru_maxrss / 1024,  # KiB on Linux
        process.returncode,
        out.read_text(encoding="utf-8", errors="replace"),
        err.read_text(encoding="utf-8", errors="replace"),
    )


def events_in(folder: Path) -> tuple[int, int]:
    """The .ics files of the folder and the VEVENTs they hold (counted as text: a file no
    library can parse still counts)."""
    files = [path for path in folder.rglob("*") if path.suffix.lower() == ".ics"]
    events = sum(
        len(re.findall(rb"^BEGIN:VEVENT\s*$", path.read_bytes(), re.MULTILINE | re.IGNORECASE))
        for path in files
    )
    return len(files), events


def report(run: Run) -> None:
    print(
        f"{run.name:>5}: {run.seconds:6.1f} s  {run.megabytes:6.1f} MB peak  exit {run.code}  "
        f"{run.problems} problems  traceback: {'yes' if run.traceback else 'no'}  "
        f"unexpected: {'yes' if run.unexpected else 'no'}  "
        f"raw warnings: {len(run.raw_warnings)}  lines printed twice: {len(run.repeated)}  "
        f"{'ok' if run.ok else 'BAR NOT MET'}"
    )
    for line in run.out.splitlines():
        if line.startswith(("✓", "✗")):
            print(f"         {line}")
    for line in run.repeated[:5]:
        print(f"         twice: {line}")
    for line in run.raw_warnings[:3]:
        print(f"         raw warning: {line[:150]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mirrors", type=Path, default=Path("/work/.mirror"), help="owner+name/repo git mirrors"
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a kill")
    parser.add_argument(
        "--per-source", action="store_true", help="also sync each source alone, to see which costs"
    )
    parser.add_argument("--only", choices=SCENARIOS, help="run one of the three syncs")
    args = parser.parse_args()
    folder = WORK / "folder"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    entries = assemble(folder, mirrors=args.mirrors if args.mirrors.is_dir() else None)
    by_source = Counter(entry.source for entry in entries)
    licences = {entry.source: entry.licence for entry in entries}
    print(f"corpus in {folder} (manifest: {folder / 'MANIFEST.tsv'}):")
    for source, count in by_source.most_common():
        print(f"  {source:<22} {count:4} files  {licences[source]}")
    files, events = events_in(folder)
    print(f"  {files} files, {events} VEVENTs")
    sources = sorted(by_source)
    runs = [
        sync(name, folder, sources, name, timeout=args.timeout)
        for name in SCENARIOS
        if args.only in (None, name)
    ]
    print(f"bars: under {SECONDS_BAR:.0f} s and {MEGABYTES_BAR:.0f} MB, nothing unexpected")
    for run in runs:
        report(run)
    if args.per_source:
        for scenario in SCENARIOS if args.only is None else (args.only,):
            print(f"each source alone ({scenario}):")
            for source in sources:
                alone = sync(source, folder, [source], scenario, timeout=args.timeout)
                print(
                    f"  {source:<22} {alone.seconds:6.1f} s  {alone.megabytes:6.1f} MB  "
                    f"exit {alone.code}  {alone.problems} problems"
                )
    return 0 if all(run.ok for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
