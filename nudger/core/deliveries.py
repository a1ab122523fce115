"""What became of each nudge, as facts in the log, and which ones still have to be delivered.

A nudge's life is a handful of log entries: sent (committed just before the notifier is
called) and shown (the notifier took it), expired (it came due while nothing could show it and
its lateness passed), snoozed (show it again at a time), done or
skipped (answered). The log is the only memory: the daemon's schedule is recomputed from the plan
(`nudger.core.nudges.plan`) minus what these entries settle, so a restart, a crash or a second
daemon cannot show a nudge twice. Each delivery has a key, and its `sent` entry carries that key
as its idempotency key, so the one insert that wins is the one show.

Pure functions over entries; the daemon and the CLI do the reading and writing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from nudger.core.model import Entry, Kind, NewEntry, Who
from nudger.core.nudges.nudge import STILL_PLANNED, Nudge
from nudger.core.nudges.plans import current_reminder_id

# The kinds of a nudge's life, which settle it one way or another.
KINDS = (
    Kind.NUDGE_SENT,
    Kind.NUDGE_SHOWN,
    Kind.NUDGE_EXPIRED,
    Kind.NUDGE_SNOOZED,
    Kind.NUDGE_DONE,
    Kind.NUDGE_SKIPPED,
    Kind.NUDGE_FAILED,  # a channel's failed attempt, always after its `sent`
)
SOURCE = "nudger"

# A snoozed nudge may come this late after its new time (the daemon was down, the machine slept).
SNOOZE_LATENESS = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One showing of a nudge: `key` is the nudge id for its first showing, or the key of the
    snooze entry that asked for it again."""

    key: str
    nudge: Nudge


def handled(records: Iterable[Entry]) -> set[str]:
    """The nudge ids the log has settled in any way; the plan leaves them out. A reminder
    logged before reminder ids held the plan's start settles the id it has now, so an
    upgrade shows no reminder twice."""
    found: set[str] = set()
    for entry in records:
        if entry.kind in KINDS:
            nudge = entry.details["nudge"]
            found.add(str(nudge["id"]))
            found.update(filter(None, [current_reminder_id(nudge)]))
    return found


def pending(planned: Sequence[Nudge], records: Sequence[Entry], now: datetime) -> list[Delivery]:
    """Deliveries still to make, by due time: the planned nudges nothing settled yet, and the
    latest snooze of each nudge unless it was shown, expired or answered after it.

    `planned` is the whole plan, settled nudges included: a snoozed nudge about a plan comes
    back only while the plan still has it, in its current words (`STILL_PLANNED`)."""
    settled = handled(records)
    found = [Delivery(n.id, n) for n in planned if n.id not in settled]
    now_planned = {n.id: n for n in planned}
    for key, nudge in _open_snoozes(records).items():
        if now >= nudge.latest:
            continue
        if nudge.kind in STILL_PLANNED:
            current = now_planned.get(current_reminder_id(nudge.to_json()) or nudge.id)
            if current is None:
                continue  # the plan moved, was cancelled or was answered since the snooze
            nudge = replace(current, due=nudge.due, latest=nudge.latest)
        found.append(Delivery(key, nudge))
    return sorted(found, key=lambda d: (d.nudge.due, d.key))


def _open_snoozes(records: Sequence[Entry]) -> dict[str, Nudge]:
    snoozed: dict[str, tuple[str, Nudge]] = {}  # by nudge id: (snooze key, nudge as re-timed)
    for entry in sorted(records, key=lambda e: (e.at, e.id)):
        nudge = Nudge.from_json(entry.details["nudge"])
        if entry.kind == Kind.NUDGE_SNOOZED:
            snoozed[nudge.id] = (entry.key, nudge)
        elif entry.kind in (Kind.NUDGE_DONE, Kind.NUDGE_SKIPPED) or (
            nudge.id in snoozed and entry.details.get("delivery") == snoozed[nudge.id][0]
        ):
            snoozed.pop(nudge.id, None)
    return dict(snoozed.values())


def sent(delivery: Delivery, now: datetime, via: str) -> NewEntry:
    """The record of showing a delivery; its key makes a second show impossible to log."""
    return _record(Kind.NUDGE_SENT, delivery, now, {"via": via})


def shown(delivery: Delivery, now: datetime, via: str) -> NewEntry:
    """The record that the notifier took the delivery: with `sent`, it brackets the instant
    in which a crash leaves a delivery in doubt (sent, perhaps not shown)."""
    key = f"{Kind.NUDGE_SHOWN}:{delivery.key}"
    return _record(Kind.NUDGE_SHOWN, delivery, now, {"via": via}, key=key)


def in_doubt(records: Sequence[Entry]) -> list[str]:
    """The deliveries recorded as sent but never as shown: the daemon stopped in between, and
    whether the notification went out is unknown. They are not shown again (never twice).
    The backend's only: a channel's entries (`details.channel`) are
    `nudger.core.channel_deliveries`' to judge."""
    own = [e for e in records if e.details.get("channel") is None]
    confirmed = {e.details.get("delivery") for e in own if e.kind == Kind.NUDGE_SHOWN}
    return [
        str(e.details["delivery"])
        for e in own
        if e.kind == Kind.NUDGE_SENT and e.details.get("delivery") not in confirmed
    ]


def expired(delivery: Delivery, now: datetime) -> NewEntry:
    """The record of a delivery whose time passed while nothing could show it."""
    return _record(Kind.NUDGE_EXPIRED, delivery, now, {})


def snoozed(nudge: Nudge, until: datetime, now: datetime, answer: str) -> NewEntry:
    """Show `nudge` again at `until`. `answer` keys this request, so a button pressed twice (or
    a signal seen twice) snoozes once."""
    again = replace(nudge, due=until, latest=until + SNOOZE_LATENESS)
    return NewEntry(
        at=now,
        kind=Kind.NUDGE_SNOOZED.value,
        who=Who.ME,
        source=SOURCE,
        key=f"{Kind.NUDGE_SNOOZED}:{answer}",
        person=nudge.person,
        details={"nudge": again.to_json(), "until": until.isoformat()},
    )


def answered(nudge: Nudge, kind: Kind, now: datetime, answer: str) -> NewEntry:
    """`done` or `skipped` for a nudge, keyed by `answer` like `snoozed`."""
    return NewEntry(
        at=now,
        kind=kind.value,
        who=Who.ME,
        source=SOURCE,
        key=f"{kind}:{answer}",
        person=nudge.person,
        details={"nudge": nudge.to_json()},
    )


def _record(
    kind: Kind, delivery: Delivery, now: datetime, extra: dict[str, str], *, key: str = ""
) -> NewEntry:
    """A record about one delivery. `sent` and `expired` share a key by default: a delivery is
    either shown or given up, never both."""
    return NewEntry(
        at=now,
        kind=kind.value,
        who=Who.ME,
        source=SOURCE,
        key=key or f"nudge.delivered:{delivery.key}",
        person=delivery.nudge.person,
        details={"nudge": delivery.nudge.to_json(), "delivery": delivery.key, **extra},
    )
