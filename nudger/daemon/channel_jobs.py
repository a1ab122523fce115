"""Sending nudges on the channels beyond the backend, and trying failed sends again.

Each attempt's `nudge.sent` entry is committed before the channel is called
(`nudger.core.channel_deliveries`), so a restart never sends a nudge twice on one channel. A
channel that fails is a warning and a `nudge.failed` entry; its next attempt is a job at the
time the log says (1, 2, 4 … minutes later), and the set of those jobs is a projection of the
log like the nudge jobs, so a restart picks them up. No channel waits for another, nor the
backend for any of them: each send runs with its adapter's timeout, side by side.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from nudger.core import channel_deliveries
from nudger.core.channel_deliveries import ChannelSend
from nudger.core.deliveries import Delivery
from nudger.core.nudges.nudge import short_id
from nudger.daemon import jobs
from nudger.daemon.channels import Channels
from nudger.log import queries
from nudger.log.store import Store
from nudger.ports import Message

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

LOOK_BACK = timedelta(days=7)  # older attempts are past any nudge's lateness
Answer = Callable[[Delivery, str], Awaitable[None]]


def message_of(delivery: Delivery) -> Message:
    nudge = delivery.nudge
    return Message(nudge.id, nudge.title, nudge.body, nudge.actions)


class ChannelJobs:
    """The retry jobs by id, and the sends they make."""

    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        store: Store,
        channels: Channels,
        *,
        clock: Callable[[], datetime],
        answer: Answer,
    ) -> None:
        self.scheduler = scheduler
        self.store = store
        self.channels = channels
        self.clock = clock
        self.answer = answer
        self.scheduled: dict[str, ChannelSend] = {}

    def first_sends(self, delivery: Delivery, names: list[str], now: datetime) -> list[ChannelSend]:
        """The first attempt of `delivery` on each channel named."""
        return [ChannelSend(delivery, name, 1, now) for name in names]

    async def send_all(self, sends: list[ChannelSend]) -> None:
        """Make the attempts (their `sent` entries committed already), side by side."""
        await asyncio.gather(*(self._send(send) for send in sends))

    def replan(self) -> None:
        """Make the retry jobs match the failed sends the log has (`retries`)."""
        now = self.clock()
        records = queries.entries(
            self.store.db, kinds=channel_deliveries.KINDS, since=now - LOOK_BACK
        )
        wanted = {send.job: send for send in channel_deliveries.retries(records)}
        for job in set(self.scheduled) - set(wanted):
            jobs.remove(self.scheduler, f"retry:{job}")
        for job, send in wanted.items():
            if self.scheduled.get(job) != send:
                jobs.run_once_at(
                    self.scheduler, f"retry:{job}", max(send.due, now), self.retry, job
                )
        self.scheduled = wanted

    async def retry(self, job: str) -> None:
        """The job body: the next attempt, once, if the nudge is still in time."""
        send = self.scheduled.pop(job, None)
        now = self.clock()
        if send is None or now >= send.delivery.nudge.latest:
            return
        if self.store.append_before_acting(channel_deliveries.sent(send, now), now=now) is None:
            return  # this attempt was made already: the log says so
        await self._send(send)

    async def _send(self, send: ChannelSend) -> None:
        async def on_action(_nudge_id: str, action: str) -> None:
            await self.answer(send.delivery, action)

        failure = await self.channels.send(send.channel, message_of(send.delivery), on_action)
        now = self.clock()
        handle = short_id(send.delivery.nudge.id)
        if failure is None:
            self.store.append(channel_deliveries.shown(send, now), now=now)
            log.info("sent on %s: %s %s", send.channel, send.delivery.nudge.kind.label, handle)
            return
        reason = failure.reason
        if failure.may_have_arrived:  # left in doubt, as a send cut short: never sent twice
            log.warning(
                "%s may have reached %s or not (%s): not sent again", handle, send.channel, reason
            )
            return
        self.store.append(channel_deliveries.failed(send, now, reason), now=now)
        log.warning(
            "channel %s could not send %s (attempt %d): %s; trying again later",
            send.channel,
            handle,
            send.attempt,
            reason,
        )
        self.replan()
