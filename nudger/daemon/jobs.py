"""The two things the daemon does with APScheduler jobs: run a call once at a time, remove one.

Shared by the sync and the nudge jobs. Each job's body is one call into nudger code that reads
`now` itself; APScheduler is only the metronome.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger


def run_once_at(
    scheduler: AsyncIOScheduler,
    job_id: str,
    when: datetime,
    call: Callable[[str], Awaitable[None]],
    argument: str,
) -> None:
    """`call(argument)` at `when`, replacing the job of the same id if there is one."""
    scheduler.add_job(call, DateTrigger(when), args=[argument], id=job_id, replace_existing=True)


def remove(scheduler: AsyncIOScheduler, job_id: str) -> None:
    """Drop a job; one that is gone already is fine (a date job goes after its run)."""
    with contextlib.suppress(JobLookupError):
        scheduler.remove_job(job_id)
