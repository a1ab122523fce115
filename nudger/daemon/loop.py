"""The long-running daemon: syncs calendars on their intervals and delivers nudges on time.

An asyncio loop with an APScheduler 3 `AsyncIOScheduler` holding four kinds of jobs, each a
single call into nudger code that reads `now` from the injected clock:

- `sync:NAME`, one per calendar (`nudger.daemon.sync_jobs`): the sync runs in a child process,
  then reschedules itself after the source's interval, or sooner with backoff while it fails;
- `nudge:KEY`, one per pending delivery (`nudger.daemon.nudge_jobs`), at its due time, shown
  exactly once. The set is rebuilt after every sync, every poke from the CLI
  (`nudger.daemon.wake`), every config change and every minute, so the schedule is always a
  projection of the log and the settings;
- `imports`, every `imports.every` (`nudger.daemon.import_jobs`): the watched folder's new
  files imported in a child process;
- `tick`, once a minute: notices a suspend or a clock jump (`nudger.daemon.clock_watch`), pings
  the systemd watchdog, writes the heartbeat `status` reads, re-reads a hand-edited config,
  re-probes a missing notifier (`nudger.daemon.notifiers`), replans. Idle, it is the only thing
  that wakes the process.

This module is the life cycle: start, the settings in force, signals and pokes, the tick, stop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from nudger.config import file as config_file
from nudger.config import paths
from nudger.config.settings import Settings
from nudger.config.timezone import user_zone
from nudger.core.when import format_local
from nudger.daemon import heartbeat, systemd, wake
from nudger.daemon.clock_watch import ClockWatch
from nudger.daemon.import_jobs import ImportJobs
from nudger.daemon.notifiers import Notifiers
from nudger.daemon.nudge_jobs import NudgeJobs
from nudger.daemon.sync_jobs import SyncJobs
from nudger.errors import ConfigError, NudgerError
from nudger.log.store import Store

log = logging.getLogger(__name__)

HORIZON = timedelta(days=2)  # how far ahead nudges are scheduled; replanned every minute anyway
# Ticks between heartbeats. Replacing a file costs the idle daemon a second wake-up (ext4 flushes
# a file renamed over another), so not every minute: the next start only scans from the last
# heartbeat for what expired while away, and a few minutes more to scan costs nothing.
HEARTBEAT_EVERY = 10


class Daemon:
    """One daemon per data folder. `run()` returns when SIGTERM or SIGINT (or `stop()`) arrives.

    It owns the settings in force and the scheduler; `notifiers`, `syncs` and `nudges` (set up
    by `run()`) do the work of each kind of job."""

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
        self.notifiers = Notifiers()
        self.started = clock()
        self._stop = asyncio.Event()
        self.ready = asyncio.Event()  # set once the first plan is scheduled (tests wait on it)
        self._config_stamp: tuple[int, int] | None = None
        self._replan_soon: asyncio.TimerHandle | None = None
        self._ticks = 0
        self._clock_watch = ClockWatch(clock())

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
        self.syncs = SyncJobs(
            self.scheduler,
            self.store,
            self.settings,
            clock=self.clock,
            data_dir=self.data_dir,
            config=self.config_path if self.config_option is not None else None,
            after_sync=self._replan,
        )
        self.imports = ImportJobs(
            self.scheduler,
            self.store,
            clock=self.clock,
            data_dir=self.data_dir,
            config=self.config_path if self.config_option is not None else None,
            after_pass=self._replan,
        )
        self.nudges = NudgeJobs(
            self.scheduler,
            self.store,
            self.notifiers,
            self.settings,
            self.zone,
            clock=self.clock,
            horizon=self.horizon,
        )
        try:
            loop.add_reader(sock.fileno(), self._on_poke, sock)
            for number in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(number, self.stop)
            loop.add_signal_handler(signal.SIGHUP, self._on_hangup)
            self.scheduler.start()
            await self.notifiers.set_up(self.settings.notifications)
            self.nudges.expire_missed_while_away(self.data_dir, self.settings, self.zone)
            self.syncs.schedule(self.settings)
            self.imports.schedule(self.settings)
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
            self.syncs.stop()
            self.imports.stop()
            await self.notifiers.close()
            self.store.close()
            sock.close()
            log.info("stopped")

    def stop(self) -> None:
        self._stop.set()

    # --- the settings ----------------------------------------------------------------------

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
            self.syncs.schedule(self.settings)
            self.imports.schedule(self.settings)
            if old.notifications != self.settings.notifications:
                section = self.settings.notifications
                asyncio.get_running_loop().create_task(self.notifiers.set_up(section))
        self._replan()

    def _replan(self) -> None:
        self.nudges.replan(self.settings, self.zone)

    # --- the minute tick, pokes and signals ------------------------------------------------

    async def _tick(self) -> None:
        gap = self._clock_watch.gap(self.clock())
        self._ticks += 1
        if gap is not None:
            log.info("resumed or clock changed (%.0f s): looking again", gap)
            self.scheduler.wakeup()
            self.nudges.expire_missed_while_away(self.data_dir, self.settings, self.zone)
        if self.notifiers.due_for_probe(self._ticks) and await self.notifiers.probe():
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

    # --- what status and systemd are told --------------------------------------------------

    def _status_line(self) -> str:
        upcoming = self.nudges.next_due()
        via = self.notifiers.showing()
        calendars, pending = len(self.syncs.calendars), len(self.nudges.scheduled)
        return (
            f"{calendars} calendar{'s' * (calendars != 1)}, "
            f"{pending} nudge{'s' * (pending != 1)} pending"
            # in the user's zone, as every other time nudger shows; UTC is for the inside
            + (f", next at {format_local(upcoming, self.zone)}" if upcoming else "")
            + f", notifying via {via.name if via else 'nothing'}"
        )

    def _write_state(self) -> None:
        """The heartbeat: `status` shows it, and the next start expires what came due after."""
        via = self.notifiers.showing()
        state = {
            "pid": os.getpid(),
            "started": self.started.isoformat(),
            "alive": self.clock().isoformat(),
            "notifier": via.name if via else None,
            "notifier_problem": self.notifiers.problem,
        }
        heartbeat.write(self.data_dir, state)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size
