"""How fast nudger syncs a 10,000-event CalDAV calendar on Radicale, against vdirsyncer.

    python -m bench.caldav_sync              # from the repo root; or python bench/caldav_sync.py
    python -m bench.caldav_sync --events 2000 --rounds 3 --inner-rounds 11 --rebuild

It starts a real Radicale (this venv) with its storage under `bench/.work/caldav-<events>/`,
fills a calendar "Bench" with realistic events once (reused while the count matches; `--rebuild`
makes it anew): mostly unrelated ones, some weekly series, some all-day, several time zones,
spread over the past year and the next three months, and about 5% with Alex as organizer or
attendee, so detection has real work. vdirsyncer runs from a venv of its own (installed on
first use). Every figure below comes from the same run, printed side by side:

- whole processes, each a new process: `nudger daemon --once` into a new, empty data folder
  (the first full sync) and on a data folder already synced (nothing changed), against
  `vdirsyncer sync` into an empty folder and with nothing changed;
- the Radicale requests a no-change `nudger daemon --once` makes (counted in Radicale's log);
- in-process: `source.sync(cursor, window)` of the CalDAV adapter with nothing changed, against
  one bare sync-collection REPORT (a new connection, Basic auth, the same sync token).

The bars: a no-change sync is one request; its sync step takes at most 1.5 times the bare
REPORT; the no-change `nudger daemon --once` is at least twice as fast as the no-change
`vdirsyncer sync`; nudger's first full sync beats vdirsyncer's full sync. Exits 0 when all
hold, 1 otherwise (also when vdirsyncer could not be installed).

Why alternate: the machine drifts during a run (CPU frequency, page cache, other load, and
Radicale's own caches), so the measured commands take turns within every round, in an order
rotated each round so none always runs first or right after another; the first round of each
kind is a warm-up and is dropped. Medians are compared; minimums are printed beside them.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import importlib.metadata
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from integrations.calendars.caldav import create  # noqa: E402
from nudger.clock import now as clock_now  # noqa: E402
from nudger.config.calendars import CalDAVCalendar  # noqa: E402
from nudger.config.settings import Settings  # noqa: E402
from nudger.config.timezone import user_zone  # noqa: E402
from nudger.sync.calendars import window_for  # noqa: E402
from tests.caldav_servers import Server, _stop, start_radicale  # noqa: E402

REQUEST_BAR = 1  # requests of a no-change sync
STEP_RATIO_BAR = 1.5  # in-process sync step / bare sync-collection REPORT
DAEMON_SPEEDUP_BAR = 2.0  # vdirsyncer no-change / nudger no-change
CALENDAR = "bench"  # the collection's path segment; its display name is "Bench"
PASSWORD_VARIABLE = "BENCH_DAV_PASSWORD"  # noqa: S105 - a variable name, not a password
ZONE = "Europe/Berlin"
ME = "sam@example.org"
ALEX = "alex@example.org"
SEED = 20_260_101
# fmt: off
WORDS = (
    "standup", "sync", "review", "planning", "retro", "dentist", "gym", "groceries", "call",
    "lunch", "dinner", "coffee", "budget", "report", "demo", "interview", "onboarding",
    "workshop", "yoga", "piano", "haircut", "train", "flight", "doctor", "football", "party",
    "birthday", "concert", "webinar", "deadline", "offsite", "1:1", "team", "board",
)
# fmt: on
PLACES = ("", "Room 4.12", "Café Linde", "https://meet.example.org/xyz", "Home", "Office")
TIMEZONES = {  # enough of each zone's rules for the window around now
    "Europe/Berlin": ("+0100", "+0200", "-1SU"),
    "America/New_York": ("-0500", "-0400", "2SU"),
    "Asia/Tokyo": ("+0900", None, None),
    "Europe/London": ("+0000", "+0100", "-1SU"),
}
SYNC_REPORT = (
    '<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:">'
    "<D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>"
    "<D:prop><D:getetag/></D:prop></D:sync-collection>"
)


# --- the calendar ---------------------------------------------------------------------------


def vtimezone(name: str) -> str:
    standard, daylight, _ = TIMEZONES[name]
    if daylight is None:
        parts = [("STANDARD", "19700101T000000", standard, standard, "")]
    else:
        spring, autumn = ("2SU", "1SU") if name.startswith("America") else ("-1SU", "-1SU")
        months = ("3", "11") if name.startswith("America") else ("3", "10")
        parts = [
            ("DAYLIGHT", "19700308T020000", standard, daylight, f"BYMONTH={months[0]};{spring}"),
            ("STANDARD", "19701101T020000", daylight, standard, f"BYMONTH={months[1]};{autumn}"),
        ]
    lines = [f"BEGIN:VTIMEZONE\r\nTZID:{name}\r\n"]
    for kind, start, offset_from, offset_to, rule in parts:
        lines.append(f"BEGIN:{kind}\r\nDTSTART:{start}\r\n")
        lines.append(f"TZOFFSETFROM:{offset_from}\r\nTZOFFSETTO:{offset_to}\r\n")
        if rule:
            day = rule.split(";")[1]
            lines.append(f"RRULE:FREQ=YEARLY;{rule.split(';')[0]};BYDAY={day}\r\n")
        lines.append(f"END:{kind}\r\n")
    lines.append("END:VTIMEZONE\r\n")
    return "".join(lines)


def make_event(rng: random.Random, number: int, today: date) -> tuple[str, str]:
    """(uid, iCalendar text) of one event: ~5% involve Alex, ~10% weekly series, ~10% all-day,
    the rest single timed events in UTC, floating or one of four zones."""
    uid = f"bench-{number:06d}-{uuid.UUID(int=rng.getrandbits(128)).hex[:12]}@bench.example.org"
    day = today + timedelta(days=rng.randint(-365, 90))
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))).capitalize()
    lines = [f"UID:{uid}", "DTSTAMP:20260101T000000Z", f"SUMMARY:{title}"]
    if place := rng.choice(PLACES):
        lines.append(f"LOCATION:{place}")
    zone_text = ""
    kind = rng.random()
    if kind < 0.10:  # all-day, one to three days
        lines.append(f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{day + timedelta(days=rng.randint(1, 3)):%Y%m%d}")
    else:
        start = datetime(
            day.year, day.month, day.day, rng.randint(7, 20), rng.choice((0, 30)), tzinfo=UTC
        )
        end = start + timedelta(minutes=rng.choice((30, 45, 60, 90, 120)))
        form = rng.random()
        if form < 0.25:
            lines += [f"DTSTART:{start:%Y%m%dT%H%M%S}Z", f"DTEND:{end:%Y%m%dT%H%M%S}Z"]
        elif form < 0.30:
            lines += [f"DTSTART:{start:%Y%m%dT%H%M%S}", f"DTEND:{end:%Y%m%dT%H%M%S}"]
        else:
            name = rng.choice(list(TIMEZONES))
            zone_text = vtimezone(name)
            lines.append(f"DTSTART;TZID={name}:{start:%Y%m%dT%H%M%S}")
            lines.append(f"DTEND;TZID={name}:{end:%Y%m%dT%H%M%S}")
        if kind < 0.20:
            lines.append(f"RRULE:FREQ=WEEKLY;COUNT={rng.randint(4, 26)}")
    if rng.random() < 0.05:  # Alex: organizer or attendee, every answer, some cancelled
        partstat = rng.choice(("ACCEPTED", "ACCEPTED", "DECLINED", "NEEDS-ACTION", "TENTATIVE"))
        mine = rng.random() < 0.6
        organizer, guest = (ME, ALEX) if mine else (ALEX, ME)
        lines.append(f"ORGANIZER;CN={'Sam' if mine else 'Alex'}:mailto:{organizer}")
        lines.append(f"ATTENDEE;CN=Alex;PARTSTAT={partstat if mine else 'ACCEPTED'}:mailto:{ALEX}")
        lines.append(f"ATTENDEE;PARTSTAT={'ACCEPTED' if mine else partstat}:mailto:{guest}")
        if rng.random() < 0.15:
            lines.append("STATUS:CANCELLED")
    body = "\r\n".join(lines)
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//nudger//bench//EN\r\n"
        f"{zone_text}BEGIN:VEVENT\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return uid, text


def auth_headers(server: Server) -> dict[str, str]:
    pair = f"{server.username}:{server.password}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def request(
    server: Server,
    method: str,
    path: str,
    body: str = "",
    headers: dict[str, str] | None = None,
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, bytes]:
    """One request (on `connection` if given, else a new one); (status, body)."""
    own = connection is None
    conn = connection or http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        conn.request(
            method, path, body=body.encode(), headers=auth_headers(server) | (headers or {})
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


def calendar_path(server: Server) -> str:
    return f"/{server.username}/{CALENDAR}/"


def count_events(server: Server) -> int | None:
    """Objects in the calendar (one PROPFIND); None when the calendar does not exist."""
    status, body = request(server, "PROPFIND", calendar_path(server), headers={"Depth": "1"})
    if status == 404:
        return None
    if status != 207:
        sys.exit(f"PROPFIND {calendar_path(server)} answered {status}")
    hrefs = ElementTree.fromstring(body).iter("{DAV:}href")  # noqa: S314 - our own Radicale
    return sum(1 for href in hrefs if (href.text or "").endswith(".ics"))


def fill(server: Server, events: int, storage: Path) -> float:
    """Create the calendar anew with `events` events, written straight into Radicale's storage
    folder (one `<uid>.ics` per event and the collection's `.Radicale.props`, as Radicale
    writes them); the seconds that took. Over HTTP this is far too slow for a bench: single
    PUTs go at about 50 a second here, and one PUT of the whole calendar did not finish within
    two minutes. Radicale reads the folder on every request, so it needs no restart."""
    path = calendar_path(server)
    request(server, "DELETE", path)
    folder = storage / "collection-root" / server.username / CALENDAR
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    folder.mkdir(parents=True)
    rng = random.Random(SEED)
    today = clock_now().date()
    for number in range(events):
        uid, text = make_event(rng, number, today)
        (folder / f"{uid}.ics").write_text(text, encoding="utf-8", newline="")
    props = {"D:displayname": "Bench", "tag": "VCALENDAR"}
    (folder / ".Radicale.props").write_text(json.dumps(props), encoding="utf-8")
    return time.perf_counter() - started


def prepare_calendar(server: Server, events: int, rebuild: bool, storage: Path) -> None:
    found = None if rebuild else count_events(server)
    if found == events:
        print(
            f"calendar: reused {events:,} events at {server.url.rstrip('/')}{calendar_path(server)}"
        )
        return
    seconds = fill(server, events, storage)
    print(f"calendar: wrote {events:,} events into Radicale's storage in {seconds:.1f} s")
    started = time.perf_counter()
    counted = count_events(server)
    seconds = time.perf_counter() - started
    if counted != events:
        sys.exit(f"calendar: holds {counted} events after the upload, not {events}")
    print(f"calendar: Radicale listed them (and filled its cache) in {seconds:.1f} s")


# --- vdirsyncer -------------------------------------------------------------------------------


def install_vdirsyncer(venv: Path) -> Path | None:
    """`vdirsyncer` from its own venv, installed on first use; None when the install fails."""
    program = venv / "bin" / "vdirsyncer"
    if program.exists():
        return program
    print(f"vdirsyncer: installing into {venv} …")
    started = time.perf_counter()
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "vdirsyncer"],
    ]
    for argv in steps:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"vdirsyncer: COULD NOT BE INSTALLED ({' '.join(argv[-3:])} failed):")
            print(done.stderr.strip()[-2000:])
            return None
    print(f"vdirsyncer: installed in {time.perf_counter() - started:.1f} s")
    return program if program.exists() else None


class Vdirsyncer:
    """One pair (a local folder, the calendar) with its own config and status folder."""

    def __init__(self, program: Path, home: Path, server: Server) -> None:
        self.program = program
        self.home = home
        self.folder = home / "calendar"
        self.status = home / "status"
        self.config = home / "config"
        url = f"{server.url.rstrip('/')}{calendar_path(server)}"
        home.mkdir(parents=True, exist_ok=True)
        self.config.write_text(
            f"""\
[general]
status_path = "{self.status}/"

[pair bench]
a = "bench_local"
b = "bench_remote"
collections = null

[storage bench_local]
type = "filesystem"
path = "{self.folder}/"
fileext = ".ics"

[storage bench_remote]
type = "caldav"
url = "{url}"
username = "{server.username}"
password = "{server.password}"
""",
            encoding="utf-8",
        )

    def argv(self, *command: str) -> list[str]:
        return [str(self.program), "--config", str(self.config), *command]

    def empty(self) -> None:
        """An empty local folder and no item status (what `discover` found is kept): the next
        sync is a full one."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        for status in self.status.glob("*"):
            if status.suffix != ".collections":
                status.unlink()

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            self.argv(*command), input="y\n" * 20, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"vdirsyncer {' '.join(command)} failed ({done.returncode}): "
                + (done.stderr or done.stdout).strip()[-2000:]
            )
        return done

    def files(self) -> int:
        return sum(1 for _ in self.folder.glob("*.ics"))


# --- nudger ---------------------------------------------------------------------------------


def nudger_program() -> Path:
    return Path(sys.executable).parent / "nudger"


def write_config(path: Path, server: Server) -> None:
    path.write_text(
        f"""\
[me]
name = "Sam"
emails = ["{ME}"]
timezone = "{ZONE}"

[[people]]
name = "Alex"
emails = ["{ALEX}"]

[[calendars]]
name = "dav"
type = "caldav"
url = "{server.url}"
username = "{server.username}"
password_env = "{PASSWORD_VARIABLE}"
""",
        encoding="utf-8",
    )


def child_env(config: Path, data_dir: Path, server: Server) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NUDGER_")}
    return env | {
        "NUDGER_CONFIG": str(config),
        "NUDGER_DATA_DIR": str(data_dir),
        PASSWORD_VARIABLE: server.password or "",
    }


def run_nudger(config: Path, data_dir: Path, server: Server) -> str:
    """`nudger daemon --once`; its output, or a RuntimeError when it failed."""
    done = subprocess.run(
        [str(nudger_program()), "daemon", "--once"],
        env=child_env(config, data_dir, server),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or "✓ dav" not in done.stdout:
        raise RuntimeError(
            f"nudger daemon --once failed ({done.returncode}): {done.stdout}{done.stderr}".strip()
        )
    return done.stdout.strip()


def new_facts(output: str) -> int:
    found = re.search(r"✓ dav: (\d+) new fact", output)
    return int(found.group(1)) if found else 0


# --- measuring ------------------------------------------------------------------------------


def alternate(
    commands: dict[str, Callable[[], float]], rounds: int, label: str
) -> dict[str, list[float]]:
    """Seconds per command (each returns its own timing), taking turns within each round in an
    order rotated every round; the first round is a warm-up and is dropped."""
    names = list(commands)
    times: dict[str, list[float]] = {name: [] for name in names}
    for number in range(rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed = commands[name]()
            if number > 0:
                times[name].append(elapsed)
        if label:
            done = ", ".join(f"{name} {times[name][-1] * 1000:.0f}" for name in names if number)
            print(
                f"  {label} round {number + 1}/{rounds}{' (warm-up)' if not number else ''}"
                + (f": {done} ms" if done else ""),
                flush=True,
            )
    return times


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def ms(seconds: float) -> str:
    return f"{seconds * 1000:>11.1f}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def machine() -> str:
    versions = []
    for package in ("radicale", "caldav", "niquests", "icalendar"):
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} ?")
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs, "
        f"load {load}\n{', '.join(versions)}"
    )


# --- the run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument(
        "--rounds", type=int, default=5, help="whole-process rounds, including one warm-up"
    )
    parser.add_argument(
        "--inner-rounds", type=int, default=21, help="in-process rounds, including one warm-up"
    )
    parser.add_argument("--work-dir", type=Path, default=ROOT / "bench" / ".work")
    parser.add_argument("--rebuild", action="store_true", help="refill the calendar")
    arguments = parser.parse_args()
    if arguments.rounds < 3 or arguments.inner_rounds < 3:
        parser.error("--rounds and --inner-rounds must be at least 3 (one warm-up, two measured)")
    work: Path = arguments.work_dir.resolve()
    home = work / f"caldav-{arguments.events}"
    (home / "radicale").mkdir(parents=True, exist_ok=True)
    print(machine())
    started = time.perf_counter()
    server = start_radicale(home / "radicale")
    print(f"radicale: ready at {server.url} in {time.perf_counter() - started:.1f} s")
    try:
        ok = bench(server, home, work, arguments)
    finally:
        _stop(server)
    sys.exit(0 if ok else 1)


def bench(server: Server, home: Path, work: Path, arguments: argparse.Namespace) -> bool:
    events: int = arguments.events
    prepare_calendar(server, events, arguments.rebuild, home / "radicale" / "collections")
    config = home / "nudger.toml"
    write_config(config, server)
    nudger_full_dir = home / "nudger-full"
    nudger_steady_dir = home / "nudger-steady"

    # -- setup and checks: every command once, requests counted ----------------------------
    shutil.rmtree(nudger_steady_dir, ignore_errors=True)
    mark = server.mark()
    started = time.perf_counter()
    output = run_nudger(config, nudger_steady_dir, server)
    seconds = time.perf_counter() - started
    full_requests = server.requests_since(mark)
    facts = new_facts(output)
    print(f"nudger first sync: {output}")
    print(f"  took {seconds:.1f} s, {len(full_requests)} requests: {summary(full_requests)}")
    mark = server.mark()
    output = run_nudger(config, nudger_steady_dir, server)
    steady_requests = server.requests_since(mark)
    print(f"nudger no-change sync: {output}")
    print(f"  {len(steady_requests)} requests: {', '.join(steady_requests)}")

    program = install_vdirsyncer(work / "vdirsyncer-venv")
    full_pair = steady_pair = None
    if program is not None:
        version = subprocess.run([str(program), "--version"], capture_output=True, text=True)
        print(version.stdout.strip())
        try:
            full_pair = Vdirsyncer(program, home / "vdirsyncer-full", server)
            steady_pair = Vdirsyncer(program, home / "vdirsyncer-steady", server)
            for pair in (full_pair, steady_pair):
                shutil.rmtree(pair.status, ignore_errors=True)
                pair.empty()
                seconds = timed(lambda: pair.run("discover"))  # noqa: B023 - called at once
            print(f"vdirsyncer discover: {seconds:.1f} s")
            mark = server.mark()
            seconds = timed(lambda: steady_pair.run("sync") if steady_pair else None)
            vdir_full = server.requests_since(mark)
            print(
                f"vdirsyncer full sync: {steady_pair.files():,} files in {seconds:.1f} s, "
                f"{len(vdir_full)} requests: {summary(vdir_full)}"
            )
            if steady_pair.files() != events:
                raise RuntimeError(f"vdirsyncer synced {steady_pair.files()} files, not {events}")
            mark = server.mark()
            steady_pair.run("sync")
            vdir_steady = server.requests_since(mark)
            print(f"vdirsyncer no-change sync: {len(vdir_steady)} requests: {summary(vdir_steady)}")
        except RuntimeError as failure:
            print(f"vdirsyncer: FAILED: {failure}")
            full_pair = steady_pair = None

    # -- whole processes -----------------------------------------------------------------------
    def nudger_full() -> float:
        shutil.rmtree(nudger_full_dir, ignore_errors=True)
        return timed(lambda: run_nudger(config, nudger_full_dir, server))

    commands: dict[str, Callable[[], float]] = {
        "nudger full": nudger_full,
        "nudger no-change": lambda: timed(lambda: run_nudger(config, nudger_steady_dir, server)),
    }
    if full_pair is not None and steady_pair is not None:
        full, steady = full_pair, steady_pair

        def vdir_full_sync() -> float:
            full.empty()
            return timed(lambda: full.run("sync"))

        commands["vdirsyncer full"] = vdir_full_sync
        commands["vdirsyncer no-change"] = lambda: timed(lambda: steady.run("sync"))
    print(f"\nwhole processes: {arguments.rounds} rounds (the first a warm-up)")
    whole = alternate(commands, arguments.rounds, "whole")

    # -- in-process: the sync step against a bare sync-collection REPORT -------------------
    os.environ[PASSWORD_VARIABLE] = server.password or ""
    source_config = CalDAVCalendar(
        name="dav",
        type="caldav",
        url=server.url,
        username=server.username,
        password_env=PASSWORD_VARIABLE,
    )
    settings = Settings()
    zone = user_zone(ZONE)
    window = window_for(settings, clock_now(), zone)
    source = create(source_config, timeout=30.0, data_dir=home / "unused")
    first = source.sync(None, window)
    cursor = first.cursor
    if cursor is None:
        raise RuntimeError("the first sync returned no cursor")
    state = json.loads(cursor)
    [(calendar_url, calendar_state)] = state["calendars"].items()
    token = str(calendar_state["token"])
    report_body = SYNC_REPORT.format(token=token)
    path = urlsplit(calendar_url).path

    def step() -> float:
        started = time.perf_counter()
        changes = source.sync(cursor, window)
        elapsed = time.perf_counter() - started
        if changes.changed or changes.removed or changes.complete:
            raise RuntimeError("the no-change sync reported changes")
        return elapsed

    def bare() -> float:
        started = time.perf_counter()
        status, body = request(server, "REPORT", path, report_body, {"Depth": "1"})
        elapsed = time.perf_counter() - started
        if status != 207 or b"<D:response>" in body or b":response>" in body:
            raise RuntimeError(f"the bare REPORT answered {status}: {body[:300]!r}")
        return elapsed

    mark = server.mark()
    step()
    step_requests = server.requests_since(mark)
    print(
        f"\nin-process: first sync {len(first.changed):,} resources; "
        f"a no-change sync step makes {len(step_requests)} requests: {', '.join(step_requests)}"
    )
    print(f"in-process: {arguments.inner_rounds} rounds (the first a warm-up)")
    inner = alternate({"sync step": step, "bare REPORT": bare}, arguments.inner_rounds, "")

    return report(events, facts, steady_requests, whole, inner, program is not None)


def summary(requests: list[str]) -> str:
    counts: dict[str, int] = {}
    for line in requests:
        method = line.split(" ", 1)[0]
        counts[method] = counts.get(method, 0) + 1
    return ", ".join(f"{count} {method}" for method, count in counts.items()) or "none"


def report(
    events: int,
    facts: int,
    steady_requests: list[str],
    whole: dict[str, list[float]],
    inner: dict[str, list[float]],
    installed: bool,
) -> bool:
    """Print the table and every bar; True when all pass."""
    print(f"\n{events:,} events on Radicale; {facts} new facts on nudger's first sync")
    print(f"\n{'measured':<22}{'median':>11}{'min':>11}{'runs':>6}   (ms)")
    medians: dict[str, float] = {}
    for group in (whole, inner):
        for name, values in group.items():
            medians[name] = statistics.median(values)
            print(f"{name:<22}{ms(medians[name])}{ms(min(values))}{len(values):>6}")
    print()
    results = []
    count = len(steady_requests)
    results.append(count == REQUEST_BAR)
    print(
        f"no-change nudger daemon --once: {count} request(s) (bar: {REQUEST_BAR})  "
        f"{verdict(results[-1])}"
    )
    ratio = medians["sync step"] / medians["bare REPORT"]
    results.append(ratio <= STEP_RATIO_BAR)
    print(
        f"sync step / bare REPORT: {ratio:.2f}x (bar ≤ {STEP_RATIO_BAR}x)  {verdict(results[-1])}"
    )
    if not installed or "vdirsyncer no-change" not in medians:
        print("vdirsyncer: not measured (could not be installed or failed)  FAIL")
        return False
    speedup = medians["vdirsyncer no-change"] / medians["nudger no-change"]
    results.append(speedup >= DAEMON_SPEEDUP_BAR)
    print(
        f"no-change: vdirsyncer / nudger = {speedup:.2f}x (bar ≥ {DAEMON_SPEEDUP_BAR}x)  "
        f"{verdict(results[-1])}"
    )
    full = medians["vdirsyncer full"] / medians["nudger full"]
    results.append(full > 1)
    print(f"full sync: vdirsyncer / nudger = {full:.2f}x (bar > 1x)  {verdict(results[-1])}")
    return all(results)


if __name__ == "__main__":
    main()
