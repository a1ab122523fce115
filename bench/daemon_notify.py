"""A plan in 3 minutes with a 2-minute lead time: one desktop notification, on time, answered.

    python -m bench.daemon_notify          # from the repo root; takes a little over a minute

The literal scenario, at full scale, with every part real: a private `dbus-daemon`, the test
suite's notification server on it (`tests.dbus_session`), a local calendar folder holding a plan
with Alex that starts 3 minutes from now, and the `nudger daemon` process with
`dates.lead_times = ["2m"]`. It prints when the reminder was due, when it reached the server
(and the delay), how many notifications arrived, and, after the bench presses "Done" on it,
whether the answer is in the log. (`tests/daemon/test_daemon_desktop.py` runs the same scenario
scaled down to seconds, in-process.)

Bars: exactly one notification; it arrives at most 2 s after its due time (and not before);
the press writes `nudge.done` to the log. Exits 0 when all hold.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nudger import clock  # noqa: E402
from nudger.core.model import Kind  # noqa: E402
from nudger.daemon import wake  # noqa: E402
from nudger.log import queries  # noqa: E402
from nudger.log.store import Store  # noqa: E402
from tests.daemon_harness import reminder_config, write_plan  # noqa: E402
from tests.dbus_session import serve_notifications, start_session_bus, stop_session_bus  # noqa: E402

LATE_BAR = timedelta(seconds=2)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nudger-notify-") as scratch:
        ok = run(Path(scratch))
    sys.exit(0 if ok else 1)


def run(scratch: Path) -> bool:
    folder, data, bus_folder = scratch / "calendar", scratch / "data", scratch / "dbus"
    for path in (folder, data, bus_folder):
        path.mkdir()
    start = clock.now().replace(microsecond=0) + timedelta(minutes=3)
    due = start - timedelta(minutes=2)
    write_plan(folder, "dinner@example.org", "Dinner", start)
    config = scratch / "config.toml"
    config.write_text(
        reminder_config(folder),
        encoding="utf-8",
    )
    bus = start_session_bus(bus_folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUDGER_")}
    env |= {"NUDGER_CONFIG": str(config), "NUDGER_DATA_DIR": str(data)}
    env["DBUS_SESSION_BUS_ADDRESS"] = bus.address
    try:
        with serve_notifications(bus.address) as server:
            log = scratch / "daemon.log"
            with log.open("wb") as sink:
                daemon = subprocess.Popen(
                    [sys.executable, "-m", "nudger", "daemon"], stderr=sink, env=env
                )
            try:
                print(f"plan starts at {start:%H:%M:%S} UTC; reminder due at {due:%H:%M:%S} UTC")
                while not server.received:
                    if daemon.poll() is not None or clock.now() > due + timedelta(seconds=30):
                        print(log.read_text(encoding="utf-8"))
                        return False
                    time.sleep(0.01)
                arrived = clock.now()
                [shown] = server.received
                server.press(shown.id, "done")
                answered = wait_for_done(data)
                time.sleep(2)  # anything else would come now
                count = len(server.received)
            finally:
                daemon.send_signal(signal.SIGTERM)
                daemon.wait(20)
    finally:
        stop_session_bus(bus.process)
    delay = arrived - due
    on_time = timedelta(0) <= delay <= LATE_BAR
    print(f"arrived at {arrived:%H:%M:%S.%f} UTC: {delay.total_seconds():.3f} s after due")
    print(f"  title {shown.summary!r}, buttons {shown.buttons}")
    print(f"notifications: {count} (bar: 1)  {verdict(count == 1)}")
    print(f"delay: {delay.total_seconds():.3f} s (bar: 0-{LATE_BAR.seconds} s)  {verdict(on_time)}")
    print(f"'Done' pressed: nudge.done in the log  {verdict(answered)}")
    return count == 1 and on_time and answered


def wait_for_done(data: Path) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with Store.open_for_reading(data / "log.sqlite3") as store:
            if queries.entries(store.db, kinds=[Kind.NUDGE_DONE]):
                return wake.running(data)  # answered while the daemon kept running
        time.sleep(0.05)
    return False


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


if __name__ == "__main__":
    main()
