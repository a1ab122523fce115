"""A plan's reminder speaks of the plan as it is now: moved, it comes for the new day, once,
and never for the old one; cancelled, it does not come at all, not even from a snooze.

The daemon's nudge jobs run as the daemon runs them (`NudgeJobs.replan` and `deliver`, the
exactly-once bookkeeping in the log), over a real log and a real folder of .ics files synced
by the real adapter; only the clock is the test's, and APScheduler's part (run a job at its
time) is done by hand, so a week passes in no time.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.base import JobLookupError

from nudger.config.core_values import rules_from
from nudger.config.settings import Settings
from nudger.daemon.notifiers import Notifiers
from nudger.daemon.nudge_jobs import NudgeJobs
from nudger.log.store import Store
from nudger.ports import ActionHandler, Message
from nudger.sync.calendars import factories, sync_all, window_for
from tests.daemon_harness import plan_text

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # a Monday morning
ZEPPELIN = datetime(2026, 6, 4, 17, 0, tzinfo=UTC)  # Thursday 19:00 in Berlin
PICNIC = datetime(2026, 6, 5, 10, 0, tzinfo=UTC)  # Friday 12:00


@dataclass
class Shown:
    """The notifications that reached the user: (when, title, body)."""

    name: str = "console"
    seen: list[tuple[datetime, str, str]] = field(default_factory=list)
    clock: Callable[[], datetime] = lambda: START
    answers: dict[str, ActionHandler] = field(default_factory=dict)

    async def probe(self) -> None:
        return None

    async def show(self, message: Message, on_action: ActionHandler) -> None:
        self.seen.append((self.clock(), message.title, message.body))
        self.answers[message.title] = on_action

    async def close(self) -> None:
        return None


@dataclass
class Jobs:
    """APScheduler's part, by hand: the jobs `NudgeJobs` asks for, run when they are due."""

    jobs: dict[str, tuple[datetime, Callable[[str], Awaitable[None]], str]] = field(
        default_factory=dict
    )

    def add_job(self, call: Any, trigger: Any, *, args: list[str], id: str, **_: Any) -> None:
        self.jobs[id] = (trigger.run_date, call, args[0])

    def remove_job(self, job_id: str) -> None:
        if self.jobs.pop(job_id, None) is None:
            raise JobLookupError(job_id)

    async def run_due(self, now: datetime) -> None:
        for job_id, (when, call, argument) in sorted(self.jobs.items(), key=lambda j: j[1][0]):
            if when <= now:
                del self.jobs[job_id]
                await call(argument)


class Week:
    """A week with the daemon: a calendar folder, the log, the clock and the nudge jobs."""

    def __init__(self, folder: Path, log_path: Path, *, ask: bool = False) -> None:
        self.folder = folder
        self.now = START
        self.settings = Settings.model_validate(
            {
                "me": {"emails": ["sam@example.org"], "timezone": "Europe/Berlin"},
                "people": [{"name": "Alex", "kind": "friend", "emails": ["alex@example.org"]}],
                "calendars": [{"name": "home", "type": "ics", "path": str(folder)}],
                "dates": {
                    "lead_times": [] if ask else ["1d"],
                    "ask_who_initiated": ask,
                    "follow_up_missed": False,
                },
                "gratitude": {"enabled": False},
                "conversation": {"enabled": False},
                "balance": {"alerts": False},
                # Asking, quiet hours hold the question until noon: the plan moves meanwhile.
                "notifications": {
                    "quiet_hours": {"enabled": ask, "start": "10:00", "end": "12:00"}
                },
            }
        )
        self.store = Store.open(log_path)
        self.shown = Shown(clock=lambda: self.now)
        notifiers = Notifiers()
        notifiers.main = self.shown
        self.jobs = Jobs()
        self.nudges = NudgeJobs(
            self.jobs,
            self.store,
            notifiers,
            self.settings,
            BERLIN,
            clock=lambda: self.now,
            horizon=timedelta(days=2),
        )
        self.edits = 0

    def plan(
        self, uid: str, title: str, start: datetime, *, cancelled: bool = False, solo: bool = False
    ) -> None:
        """Writes (or rewrites) a plan I organized with Alex invited (`solo`: an entry naming
        Alex in its title, whose initiator no calendar can tell), then syncs it."""
        text = plan_text(uid, title, start, invited=not solo)
        if cancelled:
            text = text.replace(b"END:VEVENT", b"STATUS:CANCELLED\r\nEND:VEVENT")
        path = self.folder / f"{uid}.ics"
        path.write_bytes(text)
        self.edits += 1
        stamp = int(START.timestamp() * 1e9) + self.edits
        os.utime(path, ns=(stamp, stamp))  # a rewrite is seen even within one clock tick
        self.sync()

    def sync(self) -> None:
        rules = rules_from(self.settings)
        window = window_for(self.settings, self.now, BERLIN)
        sources = factories(self.settings, self.folder.parent)
        assert all(o.ok for o in sync_all(self.store, sources, rules, window, now=self.now))

    def until(self, moment: datetime) -> None:
        """Lets time pass up to `moment`, an hour at a time, replanning as the daemon does."""
        while self.now < moment:
            self.now = min(moment, self.now + timedelta(hours=1))
            self.nudges.replan(self.settings, BERLIN)
            asyncio.run(self.jobs.run_due(self.now))

    def press(self, action: str) -> None:
        """Presses a button on the one notification shown so far."""
        [(_, title, _)] = self.shown.seen

        async def pressed() -> None:
            await self.shown.answers[title]("", action)

        asyncio.run(pressed())

    def seen(self) -> list[tuple[str, str, str]]:
        return [(f"{at.astimezone(BERLIN):%a %H:%M}", t, b) for at, t, b in self.shown.seen]


@pytest.fixture
def week(tmp_path: Path, log_path: Path) -> Iterator[Week]:
    folder = tmp_path / "calendar"
    folder.mkdir()
    started = Week(folder, log_path)
    yield started
    started.store.close()


def test_a_moved_plans_reminder_comes_for_the_new_day_once_and_never_for_the_old(
    week: Week,
) -> None:
    week.plan("zeppelin", "Zeppelin ride", ZEPPELIN)
    week.until(ZEPPELIN - timedelta(days=1, hours=-1))  # the reminder came
    moved = ZEPPELIN + timedelta(days=3)  # to Sunday
    week.plan("zeppelin", "Zeppelin ride", moved)
    week.until(moved + timedelta(days=1))
    assert week.seen() == [
        (
            "Wed 19:00",
            "Coming up: Zeppelin ride with Alex",
            "Zeppelin ride with Alex is on Thursday 4 June at 19:00. You suggested it.",
        ),
        (
            "Sat 19:00",
            "Coming up: Zeppelin ride with Alex",
            "Zeppelin ride with Alex is on Sunday 7 June at 19:00. You suggested it.",
        ),
    ]
    week.nudges.expire_missed_while_away(week.folder.parent, week.settings, BERLIN)
    week.nudges.replan(week.settings, BERLIN)  # a restart: nothing comes twice
    asyncio.run(week.jobs.run_due(week.now + timedelta(days=3)))
    assert len(week.seen()) == 2


def test_a_plan_moved_before_its_reminder_is_reminded_of_only_once(week: Week) -> None:
    week.plan("zeppelin", "Zeppelin ride", ZEPPELIN)
    week.until(ZEPPELIN - timedelta(days=2))  # the reminder is scheduled, not due yet
    assert len(week.jobs.jobs) == 1
    week.plan("zeppelin", "Zeppelin ride", ZEPPELIN + timedelta(hours=2))
    week.until(ZEPPELIN + timedelta(days=1))
    assert [(when, body.split(". ")[0]) for when, _, body in week.seen()] == [
        ("Wed 21:00", "Zeppelin ride with Alex is on Thursday 4 June at 21:00")
    ]


def test_a_cancelled_plans_reminder_never_comes_even_snoozed(week: Week) -> None:
    week.plan("picnic", "Picnic", PICNIC)
    week.plan("zeppelin", "Zeppelin ride", ZEPPELIN)
    week.until(ZEPPELIN - timedelta(days=1))
    week.plan("picnic", "Picnic", PICNIC, cancelled=True)  # before its reminder was due
    week.press("snooze")  # an hour, by default
    week.plan("zeppelin", "Zeppelin ride", ZEPPELIN, cancelled=True)  # cancelled while snoozed
    week.until(PICNIC + timedelta(days=1))
    assert [title for _, title, _ in week.shown.seen] == ["Coming up: Zeppelin ride with Alex"]


def test_a_snoozed_reminder_comes_back_in_the_plans_words_of_now(week: Week) -> None:
    week.plan("zeppelin", "Zeppelin ride", ZEPPELIN)
    week.until(ZEPPELIN - timedelta(days=1))
    week.press("snooze")
    week.plan("zeppelin", "Zeppelin ride over the lake", ZEPPELIN)  # renamed, same day
    week.until(ZEPPELIN)
    assert [(when, title) for when, title, _ in week.seen()] == [
        ("Wed 19:00", "Coming up: Zeppelin ride with Alex"),
        ("Wed 20:00", "Coming up: Zeppelin ride over the lake with Alex"),
    ]


def test_who_suggested_it_asks_about_the_day_the_plan_is_on_now(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    week = Week(folder, tmp_path / "log.sqlite3", ask=True)
    week.plan("zeppelin", "Zeppelin ride with Alex", ZEPPELIN, solo=True)  # at 10:00, quiet
    week.until(START + timedelta(hours=1))
    assert week.seen() == []
    week.plan("zeppelin", "Zeppelin ride with Alex", ZEPPELIN + timedelta(days=3), solo=True)
    week.until(START + timedelta(hours=3))
    week.store.close()
    assert [(when, body) for when, _, body in week.seen()] == [
        ("Mon 12:00", "Whose idea was Zeppelin ride with Alex on Sunday 7 June, yours or Alex's?")
    ]
