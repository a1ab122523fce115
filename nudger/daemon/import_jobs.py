"""The daemon's watched-folder job: every `imports.every`, one pass over `imports.folder` in a
child process (`python -m nudger.imports.watch`), as a calendar's sync runs in one: a 200 MB
export never stalls the loop, and the memory it took goes back to the system. The child prints
its lines (one per new file) to the journal; the daemon replans after it, as after a sync.

The daemon looks first (a listing and the log's list of files read): a child starts only when
there is a new file, so an idle folder costs no process. A configured folder that does not
exist is said once (until it appears or the setting changes), and no child is started for it;
the default folder is created at start, empty.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from nudger.config.settings import Imports, Settings
from nudger.daemon import jobs
from nudger.daemon.children import Children
from nudger.imports import watch
from nudger.log import imports as import_log
from nudger.log.store import Store

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

JOB_ID = "imports"


class ImportJobs:
    """The watched folder's pass: scheduled, run in a child, rescheduled."""

    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        store: Store,
        *,
        clock: Callable[[], datetime],
        data_dir: Path,
        config: Path | None,
        after_pass: Callable[[], None],
    ) -> None:
        self.scheduler = scheduler
        self.store = store
        self.clock = clock
        self.data_dir = data_dir
        self.after_pass = after_pass
        self.section: Imports | None = None
        self.settings: Settings | None = None
        self._warned = False
        self._children = Children(config, data_dir)

    def schedule(self, settings: Settings) -> None:
        """A pass at once when the section is new or changed; none while it is disabled."""
        self.settings = settings
        section = settings.imports
        if section == self.section:
            return
        self.section, self._warned = section, False
        if not section.enabled:
            jobs.remove(self.scheduler, JOB_ID)
            return
        folder, default = watch.folder_for(settings, self.data_dir)
        if default:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        jobs.run_once_at(self.scheduler, JOB_ID, self.clock(), self.run, JOB_ID)

    async def run(self, _job: str) -> None:
        """The job body: one pass in a child (unless the folder is missing), then the next."""
        settings = self.settings
        if settings is None or not settings.imports.enabled:
            return
        folder, _default = watch.folder_for(settings, self.data_dir)
        try:
            if folder.is_dir():
                self._warned = False
                seen = import_log.seen_files(self.store.db)
                if watch.new_files(folder, seen, now=self.clock()):
                    await self._pass_in_child()
            elif not self._warned:
                self._warned = True
                log.warning("imports: %s", watch.missing(folder))
        except asyncio.CancelledError:  # the daemon is stopping; the next pass reads it again
            log.info("imports: stopped with the daemon; the next pass reads the folder again")
            return
        when = self.clock() + settings.imports.every
        jobs.run_once_at(self.scheduler, JOB_ID, when, self.run, JOB_ID)
        self.after_pass()

    def stop(self) -> None:
        """Kill a pass under way: each file is one transaction, so stopping is safe."""
        self._children.kill()

    async def _pass_in_child(self) -> None:
        code, _ = await self._children.run("nudger.imports.watch", [], now=self.clock())
        if code not in (0, 1):
            log.error("imports: the pass over the watched folder ended with exit %d", code)
