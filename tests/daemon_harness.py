"""Running the daemon beside a test: the clock zone, a config, a calendar plan, waiting."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from nudger import clock
from nudger.cli import main
from nudger.daemon.loop import Daemon

Scenario = Callable[[Daemon], Awaitable[None]]


def noon_zone(now: datetime) -> ZoneInfo:
    """A zone where it is about noon now, so no test runs into a local midnight."""
    offset = 12 - now.hour  # Etc/GMT-N is N hours ahead of UTC (POSIX's inverted sign)
    return ZoneInfo(f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT")


def local(moment: datetime) -> datetime:
    """`moment` in the tests' zone (the one where it is about noon now)."""
    return moment.astimezone(noon_zone(clock.now()))


def config_text(
    checkin: str = "12:00",
    *,
    kind: str = "partner",
    backend: str = "console",
    zone: str | None = None,
    extra: str = "",
) -> str:
    """A config with Alex, check-ins at `checkin`, no quiet hours, gratitude or conversation;
    in `zone`, or by default one where it is about noon now."""
    zone = zone or noon_zone(clock.now()).key
    return textwrap.dedent(
        f"""\
        [me]
        emails = ["sam@example.org"]
        timezone = "{zone}"

        [[people]]
        name = "Alex"
        kind = "{kind}"
        emails = ["alex@example.org"]

        [notifications]
        backend = "{backend}"
        fallback = "console"
        quiet_hours = {{ enabled = false }}

        [checkin]
        time = "{checkin}"

        [gratitude]
        enabled = false

        [conversation]
        enabled = false
        """
    ) + textwrap.dedent(extra)


def reminder_config(folder: Path) -> str:
    """Desktop notifications, the calendar `folder`, one reminder 2 minutes before each plan and
    no other nudge (Alex is a friend: no check-ins or gratitude; no balance alerts or questions),
    so a plan's reminder is the only notification."""
    return config_text(
        kind="friend",
        backend="desktop",
        extra=f"""
        [[calendars]]
        name = "home"
        type = "ics"
        path = "{folder}"

        [dates]
        lead_times = ["2m"]
        ask_who_initiated = false

        [balance]
        alerts = false
        """,
    )


def plan_text(
    uid: str,
    summary: str,
    start: datetime,
    *,
    invited: bool = True,
    organizer: str = "mailto:sam@example.org",
    guest: str = "mailto:alex@example.org",
) -> bytes:
    """One plan as iCalendar: organized by me with Alex invited (or by `organizer` with `guest`,
    written as given), or (`invited=False`) a solo entry that only names Alex in its title,
    whose initiator no calendar can tell."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//nudger tests//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(hours=2))
    event.add("dtstamp", start - timedelta(days=3))
    if invited:
        event.add("organizer", organizer)
        event.add("attendee", guest, parameters={"PARTSTAT": "ACCEPTED"})
    calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def write_plan(folder: Path, uid: str, summary: str, start: datetime) -> None:
    """An .ics file with one plan I organized with Alex invited."""
    (folder / f"{uid}.ics").write_bytes(plan_text(uid, summary, start))


def run_daemon(
    scenario: Scenario, *, tick: float = 60.0, now: Callable[[], datetime] = clock.now
) -> None:
    """Run the daemon and `scenario` beside it on one loop, on the real clock unless `now`
    is another; stop the daemon when it ends."""

    async def both() -> None:
        daemon = Daemon(clock=now, tick=tick)
        running = asyncio.create_task(daemon.run())
        try:
            await asyncio.wait_for(daemon.ready.wait(), 10)
            await scenario(daemon)
        finally:
            daemon.stop()
            await asyncio.wait_for(running, 10)

    asyncio.run(both())


async def cli(*args: str) -> int:
    """A CLI command run as the user would, from another thread while the daemon runs."""
    return await asyncio.to_thread(main, list(args))


async def eventually(check: Callable[[], bool], within: float) -> float:
    """Seconds until `check()` held, polling; fails after `within` seconds."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not check():
        if loop.time() - start > within:
            raise AssertionError(f"not within {within} s")
        await asyncio.sleep(0.02)
    return loop.time() - start
