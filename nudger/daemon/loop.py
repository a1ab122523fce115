"""The long-running daemon: syncs calendars on their intervals and delivers nudges on time.

An asyncio loop with an APScheduler 3 `AsyncIOScheduler` holding three kinds of jobs, each a
single call into this class that reads `now` from the injected clock:

- `sync:NAME`, one per calendar: the sync runs in a child process (`nudger.sync.worker`: the
  loop, where notification buttons are heard, never stalls, and the memory a big calendar takes
  goes back to the system afterwards), then reschedules itself after the source's interval, or
  sooner with exponential backoff while it fails;
- `nudge:KEY`, one per pending delivery (`nudger.views.agenda.pending`), at its due time. The set is
  rebuilt after every sync, every poke from the CLI (`nudger.daemon.wake`), every config change and
  every minute, so the schedule is always a projection of the log and the settings;
- `tick`, once a minute: notices a suspend or a clock jump, pings the systemd watchdog, writes the
  heartbeat `status` reads, re-reads a hand-edited config, re-probes a missing notifier, replans.
  Idle, it is the only thing that wakes the process.

Exactly once: a delivery's `nudge.sent` entry is committed before the notification goes out, and
its key is the delivery's key, so no restart, crash or replay can show it again; `nudge.shown`
follows, so a crash in the instant between the two leaves the delivery flagged as in doubt
(warned about at the next start) rather than shown twice.
A delivery found overdue past its lateness is recorded as expired rather than shown late.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, TypeVar

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from nudger import adapters
from nudger.config import file as config_file
from nudger.config import paths
from nudger.config.settings import Settings
from nudger.config.timezone import user_zone
from nudger.core import deliveries
from nudger.core.deliveries import Delivery
from nudger.core.model import Kind
from nudger.daemon import heartbeat, systemd, wake
from nudger.errors import ConfigError, NudgerError
from nudger.log import queries, sync_state
from nudger.log.store import Store
from nudger.ports import Message, Notifier, NotifierUnavailable
from nudger.views import agenda

log = logging.getLogger(__name__)
T = TypeVar("T")

APP_NAME = "nudger"
HORIZON = timedelta(days=2)  # how far ahead nudges are scheduled; replanned every minute anyway
FIRST_RETRY = timedelta(seconds=30)
JUMP = 5.0  # seconds of suspend or clock change that make the daemon look again at once
REPROBE_EVERY = 5  # ticks between probes of a notifier that was unavailable
# Ticks between heartbeats. Replacing a file costs the idle daemon a second wake-up (ext4 flushes
# a file renamed over another), so not every minute: the next start only scans from the last
# heartbeat for what expired while away, and a few minutes more to scan costs nothing.
HEARTBEAT_EVERY = 10


def retry_delay(failures: int, interval: timedelta, backoff_max: timedelta) -> timedelta:
    """When to sync a source again: after its interval when the last sync worked; while it
    fails, 30 s, then 1, 2, 4 … minutes, doubling with each failure in a row up to
    `backoff_max`, so a server that is down is neither hammered nor forgotten."""
    if failures <= 0:
        return interval
    backoff: timedelta = min(FIRST_RETRY * 2 ** min(failures - 1, 20), backoff_max)
    return backoff


@dataclass
class _Pulse:
    """The three clocks at a tick: wall (injected), monotonic (stops in suspend), boot (not)."""

    wall: datetime
    monotonic: float = field(default_factory=time.monotonic)
    boot: float = field(default_factory=lambda: time.clock_gettime(time.CLOCK_BOOTTIME))

    def gap_since(self, earlier: _Pulse) -> float:
        """Seconds the machine slept or the wall clock jumped between two pulses."""
        awake = self.monotonic - earlier.monotonic
        slept = (self.boot - earlier.boot) - awake
        jumped = (self.wall - earlier.wall).total_seconds() - (self.boot - earlier.boot)
        return max(slept, abs(jumped))


class Daemon:
    """One daemon per data folder. `run()` returns when SIGTERM or SIGINT (or `stop()`) arrives."""

    def __init__(
        self,
        config: Path | None = None,
        *,
        clock: Callable[[], datetime],
        data_dir: Path | None = None,
        tick: float = 60.0,
        horizon: timedelta = HORIZON,
    ) -> None:
        self.config_option = config
        self.clock = clock
        self.data_dir = data_dir or paths.data_dir()
        self.tick_seconds = tick
        self.horizon = horizon
        self.scheduled: dict[str, Delivery] = {}
        self.notifier: Notifier | None = None
        self.fallback: Notifier | None = None
        self.notifier_problem: str | None = None
        self.started = clock()
        self._stop = asyncio.Event()
        self.ready = asyncio.Event()  # set once the first plan is scheduled (tests wait on it)
        self._config_stamp: tuple[int, int] | None = None
        self._calendars: dict[str, Any] = {}
        self._children: set[asyncio.subprocess.Process] = set()
        self._crashes: dict[str, int] = {}  # sync processes that died before recording, in a row
        self._replan_soon: asyncio.TimerHandle | None = None
        self._ticks = 0
        self._pulse = _Pulse(clock())

    # --- life cycle ------------------------------------------------------------------------

    async def run(self) -> None:
        sock = wake.listen(self.data_dir)
        if sock is None:
            raise NudgerError(f"a nudger daemon is already running for {self.data_dir}")
        loop = asyncio.get_running_loop()
        self.settings = self._load_settings()
        self.store = Store.open(self.data_dir / paths.LOG_FILE_NAME)
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            # Lateness is nudger's rule (each delivery's `latest`), so APScheduler must never
            # drop a late job by itself: its default grace of 1 s would lose every nudge that
            # came due during a suspend.
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        try:
            loop.add_reader(sock.fileno(), self._on_poke, sock)
            for number in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(number, self.stop)
            loop.add_signal_handler(signal.SIGHUP, self._on_hangup)
            self.scheduler.start()
            await self._set_up_notifiers()
            self._expire_missed_while_away()
            self._schedule_sources()
            self._replan()
            self.scheduler.add_job(
                self._tick, IntervalTrigger(seconds=self.tick_seconds), id="tick"
            )
            self._write_state()
            systemd.notify("READY=1", systemd.status(self._status_line()))
            log.info("running: %s", self._status_line())
            self.ready.set()
            await self._stop.wait()
        finally:
            systemd.notify("STOPPING=1")
            loop.remove_reader(sock.fileno())
            for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                loop.remove_signal_handler(number)
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)
            for child in self._children:  # a sync's transaction makes stopping it safe
                child.kill()
            for notifier in (self.notifier, self.fallback):
                if notifier is not None:
                    await notifier.close()
            self.store.close()
            sock.close()
            log.info("stopped")

    def stop(self) -> None:
        self._stop.set()

    # --- settings and notifiers ------------------------------------------------------------

    def _load_settings(self) -> Settings:
        loaded = config_file.load(self.config_option)
        self.config_path = loaded.path
        self._config_stamp = _stamp(loaded.path)
        self.zone: tzinfo = user_zone(loaded.settings.me.timezone)
        return loaded.settings

    def reload(self, *, force: bool = False) -> None:
        """Re-read the config when it changed (or when forced), then replan. An invalid file
        keeps the settings in force: the daemon says why and goes on."""
        if force or _stamp(self.config_path) != self._config_stamp:
            old = self.settings
            try:
                self.settings = self._load_settings()
            except ConfigError as error:
                self._config_stamp = _stamp(self.config_path)
                log.error("the config is not valid, keeping the previous one: %s", error.message)
                return
            log.info("config re-read")
            self._schedule_sources()
            if old.notifications != self.settings.notifications:
                asyncio.get_running_loop().create_task(self._set_up_notifiers())
        self._replan()

    async def _set_up_notifiers(self) -> None:
        section = self.settings.notifications
        for notifier in (self.notifier, self.fallback):
            if notifier is not None:
                await notifier.close()
        self.notifier = self._notifier(section.backend)
        self.fallback = (
            self._notifier(section.fallback) if section.fallback != section.backend else None
        )
        await self._probe()

    def _notifier(self, name: str) -> Notifier | None:
        try:
            create = adapters.load(adapters.NOTIFIERS, name)
            notifier: Notifier = create(APP_NAME)  # type: ignore[operator]
        except NudgerError as error:
            log.error("notifier %s: %s", name, error.message)
            return None
        return notifier

    async def _probe(self) -> bool:
        """Check the main notifier (True: it works); while it is unavailable the fallback shows
        nudges."""
        if self.notifier is None:
            self.notifier_problem = f"no {self.settings.notifications.backend} notifier"
            return False
        try:
            await self.notifier.probe()
        except NotifierUnavailable as error:
            if self.notifier_problem is None:
                log.warning(
                    "%s notifications unavailable (%s); using %s until they are back",
                    self.notifier.name,
                    error,
                    self.fallback.name if self.fallback else "nothing",
                )
            self.notifier_problem = str(error)
            return False
        if self.notifier_problem is not None:
            log.info("%s notifications are back", self.notifier.name)
        self.notifier_problem = None
        return True

    # --- calendars -------------------------------------------------------------------------

    def _schedule_sources(self) -> None:
        """One sync job per enabled calendar; a new or changed calendar syncs at once."""
        wanted = {c.name: c for c in self.settings.calendars if c.enabled}
        for name in set(self._calendars) - set(wanted):
            self._remove_job(f"sync:{name}")
        for name, config in wanted.items():
            if self._calendars.get(name) != config:
                self.scheduler.add_job(
                    self._sync,
                    DateTrigger(self.clock()),
                    args=[name],
                    id=f"sync:{name}",
                    replace_existing=True,
                )
        self._calendars = wanted

    async def _sync(self, name: str) -> None:
        config = self._calendars.get(name)
        if config is None:
            return
        settings = self.settings
        failures = await self._sync_in_child(name, limit=settings.sync.timeout * 20)
        interval = config.interval or settings.sync.interval
        delay = retry_delay(failures, interval, settings.sync.backoff_max)
        if failures:
            log.warning("%s: retrying in %s", name, delay)
        if name in self._calendars:
            self.scheduler.add_job(
                self._sync,
                DateTrigger(self.clock() + delay),
                args=[name],
                id=f"sync:{name}",
                replace_existing=True,
            )
        self._replan()

    async def _sync_in_child(self, name: str, limit: timedelta) -> int:
        """Sync one calendar in a child process (see `nudger.sync.worker`); returns how many
        syncs of it failed in a row, counting a child that crashed or overran `limit`."""
        arguments = [name, "--now", self.clock().isoformat()]
        if self.config_option is not None:
            arguments += ["--config", str(self.config_path)]
        started = time.monotonic()
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nudger.sync.worker",
            *arguments,
            stdin=asyncio.subprocess.DEVNULL,
            env={**os.environ, paths.DATA_DIR_ENV: str(self.data_dir)},
        )
        self._children.add(child)
        try:
            code = await asyncio.wait_for(child.wait(), limit.total_seconds())
        except TimeoutError:
            child.kill()
            code = await child.wait()
            log.error("%s: the sync overran %s and was stopped", name, limit)
        finally:
            self._children.discard(child)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        log.info(
            "%s: sync process done in %.1f s (exit %d; largest sync process so far %.0f MB)",
            name,
            time.monotonic() - started,
            code,
            peak,
        )
        recorded = sync_state.failures(self.store.db, name)
        if code in (0, 1):
            self._crashes.pop(name, None)
            return recorded
        self._crashes[name] = self._crashes.get(name, 0) + 1  # it died before recording
        return recorded + self._crashes[name]

    # --- nudges ----------------------------------------------------------------------------

    def _replan(self) -> None:
        """Make the nudge jobs match the pending deliveries: add new ones, move changed ones,
        drop those the log has settled since."""
        now = self.clock()
        wanted = {
            d.key: d
            for d in agenda.pending(
                self.store.db, self.settings, now=now, zone=self.zone, horizon=self.horizon
            )
        }
        for key in set(self.scheduled) - set(wanted):
            self._remove_job(f"nudge:{key}")
        for key, delivery in wanted.items():
            if self.scheduled.get(key) != delivery:
                self.scheduler.add_job(
                    self._deliver,
                    DateTrigger(max(delivery.nudge.due, now)),
                    args=[key],
                    id=f"nudge:{key}",
                    replace_existing=True,
                )
        self.scheduled = wanted

    async def _deliver(self, key: str) -> None:
        delivery = self.scheduled.get(key)
        if delivery is None:
            return
        now = self.clock()
        if now >= delivery.nudge.latest:
            self.store.append(deliveries.expired(delivery, now), now=now)
            log.info("expired without being shown: %s", delivery.nudge.id)
            return
        via = self._showing()
        if via is None:
            # Nothing can show it now: forgetting it here lets the next replan (a minute at
            # most) schedule it again, until a notifier is back or it expires.
            self.scheduled.pop(key, None)
            return
        if (
            self.store.append_before_acting(deliveries.sent(delivery, now, via.name), now=now)
            is None
        ):
            return  # already shown: the log says so
        await self._show(via, delivery)

    def _showing(self) -> Notifier | None:
        return self.notifier if self.notifier_problem is None else self.fallback

    async def _show(self, notifier: Notifier, delivery: Delivery) -> None:
        nudge = delivery.nudge
        message = Message(nudge.id, nudge.title, nudge.body, nudge.actions)

        async def on_action(_nudge_id: str, action: str) -> None:
            await self.answer(delivery, action)

        try:
            await notifier.show(message, on_action)
        except NotifierUnavailable as error:
            self.notifier_problem = str(error)
            log.warning("%s could not show a nudge (%s)", notifier.name, error)
            if self.fallback is not None and notifier is not self.fallback:
                await self._show(self.fallback, delivery)
            return
        now = self.clock()
        self.store.append(deliveries.shown(delivery, now, notifier.name), now=now)
        log.info("shown via %s: %s", notifier.name, nudge.id)

    async def answer(self, delivery: Delivery, action: str) -> None:
        """A button was pressed: log the answer, then replan (a snooze adds a delivery)."""
        now = self.clock()
        try:
            added = agenda.record_answer(self.store, delivery, action, self.settings, now=now)
        except NudgerError as error:
            log.warning("answer %s to %s ignored: %s", action, delivery.nudge.id, error.message)
            return
        log.info("answered %s to %s (%d entries)", action, delivery.nudge.id, added)
        self._replan()

    def _expire_missed_while_away(self) -> None:
        """Record as expired what came due and ran out of time while no daemon ran (or the
        machine slept), from the last heartbeat on; what is still in time is delivered next."""
        since = heartbeat.last_alive(self.data_dir)
        now = self.clock()
        if since is None or since >= now:
            return
        missed = agenda.pending(
            self.store.db, self.settings, now=since, zone=self.zone, horizon=now - since
        )
        gone = [d for d in missed if d.nudge.latest <= now and d.nudge.due <= now]
        added = self.store.append_many((deliveries.expired(d, now) for d in gone), now=now)
        if added:
            log.info("%d nudges expired while nudger was not running", added)
        records = queries.entries(
            self.store.db, kinds=[Kind.NUDGE_SENT, Kind.NUDGE_SHOWN], since=since
        )
        for key in deliveries.in_doubt(records):
            log.warning("nudger stopped while showing %s: it may not have been shown", key)

    # --- the minute tick, pokes and signals ------------------------------------------------

    async def _tick(self) -> None:
        pulse = _Pulse(self.clock())
        gap = pulse.gap_since(self._pulse)
        self._pulse = pulse
        self._ticks += 1
        if gap > JUMP:
            log.info("resumed or clock changed (%.0f s): looking again", gap)
            self.scheduler.wakeup()
            self._expire_missed_while_away()
        reprobe = self.notifier_problem is not None and self._ticks % REPROBE_EVERY == 0
        if reprobe and await self._probe():
            self._write_state()  # status shows the notifier in use
        self.reload()
        if self._ticks % HEARTBEAT_EVERY == 0:
            self._write_state()
        systemd.notify("WATCHDOG=1", systemd.status(self._status_line()))

    def _on_poke(self, sock: socket.socket) -> None:
        while True:
            try:
                sock.recv(64)
            except BlockingIOError:
                break
        if self._replan_soon is None:
            # Pokes come in bursts (a command appends, then edits); one replan serves them all.
            self._replan_soon = asyncio.get_running_loop().call_later(0.1, self._after_poke)

    def _after_poke(self) -> None:
        self._replan_soon = None
        self.reload()

    def _on_hangup(self) -> None:
        systemd.notify("RELOADING=1")
        self.reload(force=True)
        systemd.notify("READY=1", systemd.status(self._status_line()))

    # --- small helpers ---------------------------------------------------------------------

    def _remove_job(self, job_id: str) -> None:
        with contextlib.suppress(JobLookupError):  # it ran already: a date job goes after its run
            self.scheduler.remove_job(job_id)

    def _status_line(self) -> str:
        upcoming = [d.nudge.due for d in self.scheduled.values() if d.nudge.due > self.clock()]
        via = self._showing()
        return (
            f"{len(self._calendars)} calendars, {len(self.scheduled)} nudges pending"
            + (f", next at {min(upcoming):%Y-%m-%d %H:%M} UTC" if upcoming else "")
            + f", notifying via {via.name if via else 'nothing'}"
        )

    def _write_state(self) -> None:
        """The heartbeat: `status` shows it, and the next start expires what came due after."""
        via = self._showing()
        state = {
            "pid": os.getpid(),
            "started": self.started.isoformat(),
            "alive": self.clock().isoformat(),
            "notifier": via.name if via else None,
            "notifier_problem": self.notifier_problem,
        }
        heartbeat.write(self.data_dir, state)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size
