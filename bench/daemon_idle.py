"""How often the idle daemon wakes and how much memory it holds, with one and with three sources.

    python -m bench.daemon_idle                  # from the repo root
    python -m bench.daemon_idle --idle 300 --events 10000

Two runs of the real `nudger daemon` process, each in a fresh data folder under
`bench/.work/daemon-idle/`:

- **ics**: only a local calendar folder (60 events, some with Alex), the embedded default;
- **all**: that folder, plus CalDAV (a real Radicale with the 10,000-event calendar of
  `bench.caldav_sync`, reused from `bench/.work/caldav-<events>/`) and Google (the local stand-in
  of the tests, `tests.google_server`, with a few events), every source synced once.

Each run waits until every source has synced, then leaves the daemon alone for `--idle` seconds
(whole minutes, counted from just after one minute tick to just after another: the bench is the
daemon's $NOTIFY_SOCKET, as systemd would be, and each tick sends WATCHDOG=1) and reads, from
/proc, its resident memory (VmRSS, and the peak VmHWM) and how many times its threads went to
sleep and were woken again (voluntary context switches, summed over threads): each wake of the
event loop costs one. Syncs run in child processes, so the log line of each also gives the
largest sync process so far (its peak resident memory).
The notification backend is the default (desktop) with no session bus here, so the daemon runs
on its console fallback, as on a headless machine.

Bars: idle, at most one wake-up a minute beyond scheduled work (the minute tick; no sync comes
due in the idle window, as sources sync every 15 minutes); resident memory under 60 MB with ICS
only and under 110 MB with all three after the 10,000-event sync. Exits 0 when all hold.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.caldav_sync import (  # noqa: E402
    ALEX,
    ME,
    PASSWORD_VARIABLE,
    machine,
    make_event,
    prepare_calendar,
)
from nudger import clock  # noqa: E402
from nudger.daemon import wake  # noqa: E402
from nudger.private_file import write_private  # noqa: E402
from tests.caldav_servers import Server, _stop, start_radicale  # noqa: E402
from tests.google_server import CLIENT_ID, CLIENT_SECRET, SCOPE, FakeGoogle  # noqa: E402
from tests.story import CONFIG  # noqa: E402

RSS_BAR_ICS_MB = 60
RSS_BAR_ALL_MB = 110
WAKEUPS_PER_MINUTE_BAR = 1.0


@dataclass(frozen=True)
class Figures:
    rss_mb: float
    peak_mb: float
    wakeups_per_minute: float
    seconds: float  # the idle window measured
    threads: int


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--idle", type=float, default=180.0, help="seconds left alone (whole minutes: ticks)"
    )
    parser.add_argument("--events", type=int, default=10_000, help="events of the CalDAV calendar")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "bench" / ".work")
    arguments = parser.parse_args()
    work: Path = arguments.work_dir.resolve()
    print(machine())
    base = work / "daemon-idle"
    shutil.rmtree(base, ignore_errors=True)
    folder = base / "calendar"
    write_folder(folder, 60)

    ics = measure("ics", base / "ics", config(folder), {}, ["home"], arguments.idle)
    caldav_home = work / f"caldav-{arguments.events}"
    (caldav_home / "radicale").mkdir(parents=True, exist_ok=True)
    server = start_radicale(caldav_home / "radicale")
    google = FakeGoogle().start()
    try:
        prepare_calendar(server, arguments.events, False, caldav_home / "radicale" / "collections")
        token_file = base / "google-token.json"
        google_setup(google, token_file)
        text = config(folder, server=server, google=google, token_file=token_file)
        env = {PASSWORD_VARIABLE: server.password or ""}
        every = measure("all", base / "all", text, env, ["home", "dav", "google"], arguments.idle)
    finally:
        google.stop()
        _stop(server)

    rows = [
        ("ics only", ics, RSS_BAR_ICS_MB),
        (f"ics + caldav ({arguments.events:,} events) + google", every, RSS_BAR_ALL_MB),
    ]
    ok = True
    print(f"\nidle {arguments.idle:.0f} s after the first sync of every source:")
    for name, figures, bar in rows:
        rss_ok = figures.rss_mb < bar
        wake_ok = figures.wakeups_per_minute <= WAKEUPS_PER_MINUTE_BAR
        ok &= rss_ok and wake_ok
        print(
            f"  {name}: resident {figures.rss_mb:.1f} MB (bar < {bar}: {verdict(rss_ok)}), "
            f"peak {figures.peak_mb:.1f} MB; "
            f"{figures.wakeups_per_minute:.2f} wake-ups a minute "
            f"(bar <= {WAKEUPS_PER_MINUTE_BAR:g}: {verdict(wake_ok)}) "
            f"over {figures.seconds:.1f} s; "
            f"{figures.threads} thread(s)"
        )
    sys.exit(0 if ok else 1)


def measure(
    name: str, home: Path, config_text: str, env: dict[str, str], sources: list[str], idle: float
) -> Figures:
    home.mkdir(parents=True)
    config_path = home / "config.toml"
    config_path.write_text(config_text, encoding="utf-8")
    data_dir = home / "data"
    log = home / "daemon.log"
    child = {k: v for k, v in os.environ.items() if not k.startswith(("NUDGER_", "DBUS_"))}
    child |= env | {"NUDGER_CONFIG": str(config_path), "NUDGER_DATA_DIR": str(data_dir)}
    child.pop("DISPLAY", None)  # no desktop: the console fallback, as on a server
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(home / "notify.sock"))
    child["NOTIFY_SOCKET"] = str(home / "notify.sock")
    started = time.monotonic()
    with log.open("w") as sink:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "nudger", "daemon"], stdout=sink, stderr=sink, env=child
        )
    try:
        wait_for_syncs(daemon, log, sources, data_dir)
        print(f"{name}: every source synced after {time.monotonic() - started:.1f} s")
        for line in log.read_text(encoding="utf-8").splitlines():
            if any(line.startswith(f"INFO nudger.daemon.sync_jobs: {s}: ") for s in sources):
                print(f"  {line.removeprefix('INFO nudger.daemon.sync_jobs: ')}")
        minutes = max(1, round(idle / 60))
        next_tick(listener)  # count whole tick periods: from just after one tick to another
        before, started = switches(daemon.pid), time.monotonic()
        for _ in range(minutes):
            next_tick(listener)
        after, elapsed = switches(daemon.pid), time.monotonic() - started
        status = proc_status(daemon.pid)
        threads = len(list(Path(f"/proc/{daemon.pid}/task").iterdir()))
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(30)
        listener.close()
    return Figures(
        rss_mb=status["VmRSS"] / 1024,
        peak_mb=status["VmHWM"] / 1024,
        # Per tick period (the daemon's minute, measured from tick to tick): dividing by the
        # wall time instead would let a few milliseconds of timing noise decide the verdict.
        wakeups_per_minute=(after - before) / minutes,
        seconds=elapsed,
        threads=threads,
    )


def wait_for_syncs(
    daemon: subprocess.Popen[bytes], log: Path, sources: list[str], data: Path
) -> None:
    deadline = time.monotonic() + 600
    while True:
        if daemon.poll() is not None:
            raise RuntimeError(f"the daemon stopped: {log.read_text(encoding='utf-8')}")
        text = log.read_text(encoding="utf-8")
        synced = [s for s in sources if f"INFO nudger.daemon.sync_jobs: {s}: " in text]
        if wake.running(data) and len(synced) == len(sources):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"not every source synced in time: {text}")
        time.sleep(0.2)


def next_tick(listener: socket.socket) -> None:
    """Return just after the daemon's next minute tick: its sd_notify WATCHDOG=1 message, which
    it sends at every tick, arrives on `listener` (its $NOTIFY_SOCKET, as under systemd)."""
    listener.settimeout(90)
    while b"WATCHDOG=1" not in listener.recv(4096):
        pass
    time.sleep(0.5)  # the tick's own work (a replan) is over


def switches(pid: int) -> int:
    """Voluntary context switches of every thread of `pid`: one per sleep it was woken from."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            text = (task / "status").read_text(encoding="utf-8")
        except OSError:
            continue  # a thread that ended meanwhile
        for line in text.splitlines():
            if line.startswith("voluntary_ctxt_switches:"):
                total += int(line.split()[1])
    return total


def proc_status(pid: int) -> dict[str, int]:
    """The kB figures of /proc/PID/status."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            found[key] = int(value.split()[0])
    return found


def write_folder(folder: Path, events: int) -> None:
    folder.mkdir(parents=True)
    rng = random.Random(7)
    today = clock.now().date()
    for number in range(events):
        uid, text = make_event(rng, number, today)
        (folder / f"{uid.split('@')[0]}.ics").write_text(text, encoding="utf-8")


def google_setup(google: FakeGoogle, token_file: Path) -> None:
    google.add_calendar("primary", "Sam")
    now = clock.now().replace(microsecond=0)
    for day in range(1, 20, 3):
        start = now + timedelta(days=day)
        google.add_event(
            "primary",
            f"Dinner {day}",
            start,
            start + timedelta(hours=2),
            organizer=ME,
            attendees={ME: "accepted", ALEX: "accepted"},
            me=ME,
        )
    refresh, access = google.grant()
    grant: dict[str, object] = {"token": access, "refresh_token": refresh}
    grant["expiry"] = "2999-01-01T00:00:00Z"
    grant |= {"token_uri": google.token_uri, "client_id": CLIENT_ID, "scopes": [SCOPE]}
    write_private(token_file, json.dumps(grant | {"client_secret": CLIENT_SECRET}))


def config(
    folder: Path,
    *,
    server: Server | None = None,
    google: FakeGoogle | None = None,
    token_file: Path | None = None,
) -> str:
    text = (
        CONFIG
        + f"""
[[calendars]]
name = "home"
type = "ics"
path = "{folder}"
"""
    )
    if server is not None:
        text += f"""
[[calendars]]
name = "dav"
type = "caldav"
url = "{server.url}"
username = "{server.username}"
password_env = "{PASSWORD_VARIABLE}"
"""
    if google is not None:
        text += f"""
[[calendars]]
name = "google"
type = "google"
calendar_ids = ["primary"]
api_endpoint = "{google.api_endpoint}"
token_file = "{token_file}"
"""
    return text


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


if __name__ == "__main__":
    main()
