"""The daemon's nudge jobs: one per pending delivery, at its due time, each shown exactly once.

The set of jobs is a projection: `replan` makes it match `nudger.views.agenda.pending` for the
settings and the log as they are now, so it can run as often as anything changes.

Exactly once: a delivery's `nudge.sent` entry is committed before the notification goes out, and
its key is the delivery's key, so no restart, crash or replay can show it again; `nudge.shown`
follows, so a crash in the instant between the two leaves the delivery flagged as in doubt
(warned about at the next start) rather than shown twice. A delivery found overdue past its
lateness is recorded as expired rather than shown late.

A nudge whose kind is routed to other channels (`notifications.routes`) is sent there too: the
`sent` entries of the backend and of each channel are committed together before any of them
is called, then the backend shows it and the channels send it (`nudger.daemon.channel_jobs`),
so a slow or failing channel never holds up the desktop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from nudger.config.settings import Settings
from nudger.core import channel_deliveries, deliveries
from nudger.core.deliveries import Delivery
from nudger.core.model import Kind
from nudger.core.nudges.nudge import Nudge, short_id
from nudger.core.when import format_local
from nudger.daemon import heartbeat, jobs
from nudger.daemon.channel_jobs import ChannelJobs, message_of
from nudger.daemon.notifiers import Notifiers
from nudger.errors import NudgerError
from nudger.log import queries
from nudger.log.store import Store
from nudger.ports import Notifier
from nudger.views import agenda

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)


class NudgeJobs:
    """The scheduled deliveries by key, and the jobs that show them."""

    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        store: Store,
        notifiers: Notifiers,
        settings: Settings,
        zone: tzinfo,
        *,
        clock: Callable[[], datetime],
        horizon: timedelta,
    ) -> None:
        self.scheduler = scheduler
        self.store = store
        self.notifiers = notifiers
        self.settings = settings  # those of the last replan, for the answers
        self.zone = zone
        self.clock = clock
        self.horizon = horizon
        self.scheduled: dict[str, Delivery] = {}
        self.channels = ChannelJobs(
            scheduler, store, notifiers.channels, clock=clock, answer=self.answer
        )

    def replan(self, settings: Settings, zone: tzinfo) -> None:
        """Make the nudge jobs match the pending deliveries: add new ones, move changed ones,
        drop those the log has settled since. The settings are kept for the answers."""
        self.settings, self.zone = settings, zone
        now = self.clock()
        wanted = {
            d.key: d
            for d in agenda.pending(
                self.store.db, settings, now=now, zone=zone, horizon=self.horizon
            )
        }
        for key in set(self.scheduled) - set(wanted):
            jobs.remove(self.scheduler, f"nudge:{key}")
        for key, delivery in wanted.items():
            if self.scheduled.get(key) != delivery:
                when = max(delivery.nudge.due, now)
                jobs.run_once_at(self.scheduler, f"nudge:{key}", when, self.deliver, key)
        self.scheduled = wanted
        self.channels.replan()

    async def deliver(self, key: str) -> None:
        """The job body: expire, skip (nothing can show it) or show the delivery, once."""
        delivery = self.scheduled.get(key)
        if delivery is None:
            return
        now = self.clock()
        if now >= delivery.nudge.latest:
            self.store.append(deliveries.expired(delivery, now), now=now)
            log.info("expired without being shown: %s", self._named(delivery.nudge))
            return
        section = self.settings.notifications
        route = section.route(delivery.nudge.kind)
        others = [name for name in route if name != section.backend]
        via = self.notifiers.showing() if section.backend in route else None
        if via is None and section.backend in route:
            if not others:
                # Nothing can show it now: forgetting it here lets the next replan (a minute
                # at most) schedule it again, until a notifier is back or it expires.
                self.scheduled.pop(key, None)
                return
            log.warning("nothing can show %s here now: sent on its channels only", key)
        sends = self.channels.first_sends(delivery, others, now)
        records = [deliveries.sent(delivery, now, via.name)] if via is not None else []
        records += [channel_deliveries.sent(send, now) for send in sends]
        added = self.store.append_all_before_acting(records, now=now)
        mine = len(records) - len(sends)  # the backend's entry first, if it shows it
        backend_added, channels_added = added[:mine], added[mine:]
        new_sends = [s for s, a in zip(sends, channels_added, strict=True) if a is not None]
        if via is not None and backend_added[0] is not None:
            await self._show(delivery, via)
        await self.channels.send_all(new_sends)

    async def _show(self, delivery: Delivery, via: Notifier) -> None:
        """Show on the backend (or its fallback) what was just recorded as sent."""

        async def on_action(_nudge_id: str, action: str) -> None:
            await self.answer(delivery, action)

        shown_by = await self.notifiers.show(via, message_of(delivery), on_action)
        if shown_by is not None:
            now = self.clock()
            self.store.append(deliveries.shown(delivery, now, shown_by.name), now=now)
            log.info("shown via %s: %s", shown_by.name, self._named(delivery.nudge))

    async def answer(self, delivery: Delivery, action: str) -> None:
        """A button was pressed: log the answer, then replan (a snooze adds a delivery)."""
        now = self.clock()
        try:
            added = agenda.record_answer(self.store, delivery, action, self.settings, now=now)
        except NudgerError as error:
            named = self._named(delivery.nudge)
            log.warning("answer %s to %s ignored: %s", action, named, error.message)
            return
        log.info("answered %s to %s (%d entries)", action, self._named(delivery.nudge), added)
        self.replan(self.settings, self.zone)

    def expire_missed_while_away(self, data_dir: Path, settings: Settings, zone: tzinfo) -> None:
        """Record as expired what came due and ran out of time while no daemon ran (or the
        machine slept), from the last heartbeat on; what is still in time is delivered next."""
        since = heartbeat.last_alive(data_dir)
        now = self.clock()
        if since is None or since >= now:
            return
        missed = agenda.pending(self.store.db, settings, now=since, zone=zone, horizon=now - since)
        gone = [d for d in missed if d.nudge.latest <= now and d.nudge.due <= now]
        added = self.store.append_many((deliveries.expired(d, now) for d in gone), now=now)
        if added:
            log.info("%d nudges expired while nudger was not running", added)
        records = queries.entries(
            self.store.db,
            kinds=[Kind.NUDGE_SENT, Kind.NUDGE_SHOWN, Kind.NUDGE_FAILED],
            since=since,
        )
        for key in deliveries.in_doubt(records) + channel_deliveries.in_doubt(records):
            log.warning("nudger stopped while showing %s: it may not have been shown", key)

    def _named(self, nudge: Nudge) -> str:
        """A nudge as a log line names it: its kind, the short id `nudger nudges` lists and
        takes, and when it was due in the user's zone (its full id holds UTC times)."""
        return f"{nudge.kind.label} {short_id(nudge.id)} (due {format_local(nudge.due, self.zone)})"

    def next_due(self) -> datetime | None:
        """When the next scheduled nudge is due, or None when none is ahead."""
        now = self.clock()
        upcoming = [d.nudge.due for d in self.scheduled.values() if d.nudge.due > now]
        return min(upcoming, default=None)
