"""A nudge on the channels beyond the backend (`notifications.channels`): what was sent on
each, what it took, what failed, and which sends are due again.

Exactly once per channel: each attempt's `nudge.sent` entry (with `details.channel` and
`details.attempt`) is committed before the channel is called, and keyed by channel, attempt
and delivery, so no restart sends an attempt twice. An attempt ends in `nudge.shown` (the
service took it) or `nudge.failed` (it did not: nothing reached the user, so the next attempt
may go); one that ends in neither was cut short by a crash, or its service gave no answer in
time (it may have taken it), and is in doubt: never tried again.
Failed attempts are tried again after 1, 2, 4 … minutes (at most an hour apart) until the
nudge's `latest`, or until it is answered. The backend's own entries carry no `channel` and
keep their keys (`nudger.core.deliveries`).

Pure functions over entries; the daemon does the reading, writing and sending.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from nudger.core.deliveries import SOURCE, Delivery
from nudger.core.model import Entry, Kind, NewEntry, Who
from nudger.core.nudges.nudge import Nudge

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
# The entries `retries` reads: a channel's attempts, and the answers that end them.
KINDS = (
    Kind.NUDGE_SENT,
    Kind.NUDGE_SHOWN,
    Kind.NUDGE_FAILED,
    Kind.NUDGE_DONE,
    Kind.NUDGE_SKIPPED,
    Kind.NUDGE_SNOOZED,
)


@dataclass(frozen=True, slots=True)
class ChannelSend:
    """One attempt to send a delivery on a channel, due at `due`."""

    delivery: Delivery
    channel: str
    attempt: int
    due: datetime

    @property
    def job(self) -> str:
        return f"{self.channel}:{self.delivery.key}"


def backoff(attempt: int) -> timedelta:
    """How long after failed attempt `attempt` (1, 2, …) the next one waits."""
    doublings: int = min(attempt - 1, 12)
    return min(FIRST_RETRY * (1 << doublings), LONGEST_WAIT)


def sent(send: ChannelSend, now: datetime) -> NewEntry:
    """The record committed before an attempt; its key makes a second one impossible."""
    key = f"{Kind.NUDGE_SENT}:{send.channel}:{send.attempt}:{send.delivery.key}"
    return _record(Kind.NUDGE_SENT, send, now, key, {})


def shown(send: ChannelSend, now: datetime) -> NewEntry:
    """The record that the channel's service took the nudge."""
    key = f"{Kind.NUDGE_SHOWN}:{send.channel}:{send.delivery.key}"
    return _record(Kind.NUDGE_SHOWN, send, now, key, {})


def failed(send: ChannelSend, now: datetime, reason: str) -> NewEntry:
    """The record that an attempt did not reach the service (`reason` holds no secret)."""
    key = f"{Kind.NUDGE_FAILED}:{send.channel}:{send.attempt}:{send.delivery.key}"
    return _record(Kind.NUDGE_FAILED, send, now, key, {"error": reason})


def retries(records: Iterable[Entry]) -> list[ChannelSend]:
    """The next attempt of every channel send whose last attempt failed, the nudge still in
    time and not answered (done, skipped or snoozed); by due time."""
    last: dict[tuple[str, str], tuple[int, Entry]] = {}  # (channel, delivery): latest attempt
    ended: set[tuple[str, str]] = set()
    answered: set[str] = set()
    failures: dict[tuple[str, str, int], Entry] = {}
    for entry in records:
        if entry.kind in (Kind.NUDGE_DONE, Kind.NUDGE_SKIPPED, Kind.NUDGE_SNOOZED):
            answered.add(str(entry.details["nudge"]["id"]))
        channel = entry.details.get("channel")
        if channel is None:
            continue
        pair = (str(channel), str(entry.details["delivery"]))
        attempt = int(entry.details.get("attempt", 1))
        if entry.kind == Kind.NUDGE_SENT and attempt > last.get(pair, (0, entry))[0]:
            last[pair] = (attempt, entry)
        elif entry.kind == Kind.NUDGE_SHOWN:
            ended.add(pair)
        elif entry.kind == Kind.NUDGE_FAILED:
            failures[(*pair, attempt)] = entry
    found = []
    for (channel, key), (attempt, entry) in last.items():
        failure = failures.get((channel, key, attempt))
        nudge = Nudge.from_json(entry.details["nudge"])
        if failure is None or (channel, key) in ended or nudge.id in answered:
            continue
        due = failure.at + backoff(attempt)
        if due < nudge.latest:
            found.append(ChannelSend(Delivery(key, nudge), channel, attempt + 1, due))
    return sorted(found, key=lambda s: (s.due, s.job))


def in_doubt(records: Iterable[Entry]) -> list[str]:
    """The channel attempts recorded as sent that neither reached the service nor failed:
    whether they went out is unknown, and they are not tried again (never twice)."""
    entries = [e for e in records if e.details.get("channel") is not None]
    shown_on = {_pair(e) for e in entries if e.kind == Kind.NUDGE_SHOWN}
    failed_at = {(*_pair(e), _attempt(e)) for e in entries if e.kind == Kind.NUDGE_FAILED}
    return [
        f"{e.details['delivery']} on {e.details['channel']}"
        for e in entries
        if e.kind == Kind.NUDGE_SENT
        and _pair(e) not in shown_on
        and (*_pair(e), _attempt(e)) not in failed_at
    ]


def _pair(entry: Entry) -> tuple[str, str]:
    return str(entry.details["channel"]), str(entry.details["delivery"])


def _attempt(entry: Entry) -> int:
    return int(entry.details.get("attempt", 1))


def _record(
    kind: Kind, send: ChannelSend, now: datetime, key: str, extra: dict[str, str]
) -> NewEntry:
    nudge = send.delivery.nudge
    details: dict[str, object] = {
        "nudge": nudge.to_json(),
        "delivery": send.delivery.key,
        "channel": send.channel,
        "attempt": send.attempt,
        **extra,
    }
    return NewEntry(
        at=now,
        kind=kind.value,
        who=Who.ME,
        source=SOURCE,
        key=key,
        person=nudge.person,
        details=details,
    )
