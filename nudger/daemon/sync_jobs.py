"""The daemon's sync jobs: one per enabled calendar, each syncing in a child process and then
rescheduling itself after the source's interval, or sooner with backoff while it fails.

Why a child (`nudger.sync.worker`): the loop, where notification buttons are heard, never stalls,
the memory a big calendar takes goes back to the system afterwards, and the daemon never imports
a calendar library. The child records its outcome in the log's sync state; a child that crashed
or overran before recording counts as one more failure, so a source that kills its sync backs
off like one that fails cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from nudger.config.calendars import Calendar
from nudger.config.settings import Settings
from nudger.core.when import format_duration
from nudger.daemon import jobs
from nudger.daemon.children import Children
from nudger.log import sync_state
from nudger.log.store import Store
from nudger.sync.fence import OVERRUN_FACTOR

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)


def retry_delay(failures: int, interval: timedelta, backoff_max: timedelta) -> timedelta:
    """When to sync a source again: after its interval when the last sync worked; while it
    fails, 30 s, then 1, 2, 4 … minutes, doubling with each failure in a row up to
    `backoff_max`, so a server that is down is neither hammered nor forgotten."""
    if failures <= 0:
        return interval
    backoff: timedelta = min(FIRST_RETRY * 2 ** min(failures - 1, 20), backoff_max)
    return backoff


class SyncJobs:
    """The calendars being synced (by name) and the child processes syncing them now."""

    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        store: Store,
        settings: Settings,
        *,
        clock: Callable[[], datetime],
        data_dir: Path,
        config: Path | None,
        after_sync: Callable[[], None],
    ) -> None:
        """`config` is the file a child reads (None: the default one, as it would find it);
        `after_sync` runs after each sync (the daemon replans: the log may have changed)."""
        self.scheduler = scheduler
        self.store = store
        self.settings = settings
        self.clock = clock
        self.after_sync = after_sync
        self.calendars: dict[str, Calendar] = {}
        self._children = Children(config, data_dir)
        self._crashes: dict[str, int] = {}  # sync processes that died before recording, in a row

    def schedule(self, settings: Settings) -> None:
        """One sync job per enabled calendar; a new or changed calendar syncs at once."""
        self.settings = settings
        wanted = {c.name: c for c in settings.calendars if c.enabled}
        for name in set(self.calendars) - set(wanted):
            jobs.remove(self.scheduler, f"sync:{name}")
        for name, config in wanted.items():
            if self.calendars.get(name) != config:
                jobs.run_once_at(self.scheduler, f"sync:{name}", self.clock(), self.sync, name)
        self.calendars = wanted

    async def sync(self, name: str) -> None:
        """The job body: sync the calendar, schedule its next sync, let the daemon replan."""
        config = self.calendars.get(name)
        if config is None:
            return
        settings = self.settings
        try:
            failures = await self._sync_in_child(name, limit=settings.sync.timeout * OVERRUN_FACTOR)
        except asyncio.CancelledError:  # the daemon is stopping: a quiet line, no traceback
            log.info("%s: sync stopped with the daemon; the next sync reads it again", name)
            return
        interval = config.interval or settings.sync.interval
        delay = retry_delay(failures, interval, settings.sync.backoff_max)
        if failures:
            log.warning("%s: retrying in %s", name, format_duration(delay))
        if name in self.calendars:
            jobs.run_once_at(self.scheduler, f"sync:{name}", self.clock() + delay, self.sync, name)
        self.after_sync()

    def stop(self) -> None:
        """Kill the syncs under way: a sync's transaction makes stopping it safe (the job
        waiting for one is then cancelled, and says so in one line: `sync`)."""
        self._children.kill()

    async def _sync_in_child(self, name: str, limit: timedelta) -> int:
        """Sync one calendar in a child process (see `nudger.sync.worker`); returns how many
        syncs of it failed in a row, counting a child that crashed or overran `limit`."""
        started = time.monotonic()
        code, overran = await self._children.run(
            "nudger.sync.worker", [name], now=self.clock(), limit=limit
        )
        if overran:
            log.error("%s: the sync overran %s and was stopped", name, format_duration(limit))
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
