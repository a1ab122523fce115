"""What it means when a plan is no longer in its calendar, and when it comes back.

A calendar shows what is there now; it rarely says why something is not. A deleted file, an
emptied or unmounted folder, a collection that was swapped out, an invite someone cleaned up
after the fact and a plan called off all look the same: the instance is gone. So (DESIGN,
"Disappearance is not cancellation"):

- an instance that vanishes after it ended is history, not news: no fact;
- a future instance that vanishes is a *removal of unknown cause*: a cancellation by nobody
  (`unknown` side), marked as such (`details["removed"]`), so no side is blamed for it;
- a removal is retracted (a `retracted` entry superseding it) when the same UID and
  occurrence is seen again, so pointing a source back at the right folder undoes it;
- a source that loses more than a share of its live plans in one sync has most likely not lost
  them at all (`lost_too_much`): that sync fails, and nothing is derived from it.

Pure: instances, what the log already holds about earlier removals, and `now` in; entries out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from nudger.core.events import EventInstance
from nudger.core.model import Kind, NewEntry, Who, retraction_of

REMOVAL_PREFIX = "calendar-removal:"


@dataclass(frozen=True, slots=True)
class LoggedRemoval:
    """A removal the log holds: the entry that recorded it (`key`), and the entry that stands
    for it now (`current`: itself, a user's correction of it, or its retraction)."""

    uid: str
    occurrence: str
    person: str
    key: str
    current: str
    retracted: bool


@dataclass(frozen=True)
class Removals:
    """What one sync knows beyond the instances: the removals logged for the UIDs it touches,
    and the occurrences other sources still show (a plan gone from one calendar and kept in
    another has not vanished)."""

    logged: Sequence[LoggedRemoval] = ()
    elsewhere: Collection[tuple[str, str]] = frozenset()  # (uid, occurrence)

    def of(self, uid: str, occurrence: str, person: str) -> list[LoggedRemoval]:
        return [
            r for r in self.logged if (r.uid, r.occurrence, r.person) == (uid, occurrence, person)
        ]


NO_REMOVALS = Removals()


def removal(
    instance: EventInstance, person: str, base: NewEntry, removals: Removals
) -> NewEntry | None:
    """The entry recording that `instance` vanished for `person`, or None when it stands
    recorded already or another source still shows it. `base` is the cancellation detection
    would log for it, whose details and time it takes."""
    if (instance.uid, instance.occurrence) in removals.elsewhere:
        return None
    earlier = removals.of(instance.uid, instance.occurrence, person)
    if any(not r.retracted for r in earlier):
        return None
    key = f"{REMOVAL_PREFIX}{instance.uid}:{instance.occurrence}:{person}"
    return NewEntry(
        at=base.at,
        kind=Kind.CANCELLED.value,
        who=Who.UNKNOWN,
        source=base.source,
        key=f"{key}:{len(earlier) + 1}" if earlier else key,
        person=person,
        details={**base.details, "removed": True},
    )


def retractions(
    instance: EventInstance, person: str, base: NewEntry, removals: Removals
) -> list[NewEntry]:
    """The entries taking back each standing removal of `instance` for `person`: it is there
    again, so it was not removed. `base` is the plan entry detection logs for it."""
    return [
        retraction_of(
            earlier.key,
            person,
            base.details,
            key=f"{earlier.key}:retracted",
            reason="it is back",
            at=base.at,
            source=base.source,
            supersedes=earlier.current,
        )
        for earlier in removals.of(instance.uid, instance.occurrence, person)
        if not earlier.retracted
    ]


def live(instances: Iterable[EventInstance], now: datetime) -> bool:
    """Whether any of a resource's instances has not ended: only its vanishing means anything."""
    return any(instance.end > now for instance in instances)


def lost_too_much(
    known: Mapping[str, Sequence[EventInstance]],
    gone: Collection[str],
    *,
    empty: bool,
    now: datetime,
    max_share: float,
) -> str | None:
    """Why a sync that would lose `gone` of the `known` resources is not believed, or None.

    Only resources with a plan still to come count: past plans vanishing costs nothing. A
    source that comes back `empty` (a complete listing of nothing) while it showed plans still
    to come, or that loses more than `max_share` of those at once (two or more: one plan
    deleted is an ordinary edit), is far likelier a wrong path, an unmounted disk or a server
    that lost its data than a person calling everything off; vdirsyncer refuses to sync
    against an emptied side for the same reason."""
    alive = [resource for resource, instances in known.items() if live(instances, now)]
    lost = [resource for resource in alive if resource in gone]
    if not lost:
        return None
    if empty:
        return (
            f"it came back empty, and it showed {_plans(len(alive))} still to come before "
            "(an empty, moved or unmounted folder, or a server that lost its data?)"
        )
    if len(lost) < 2 or len(lost) <= max_share * len(alive):
        return None
    if len(lost) == len(alive):
        return (
            f"it no longer shows any of the {_plans(len(alive))} still to come it showed before "
            "(an emptied calendar, or a server that lost its data?)"
        )
    return (
        f"it no longer shows {len(lost)} of the {_plans(len(alive))} still to come it "
        f"showed before, more than sync.max_vanished_share ({max_share:g}) allows at once"
    )


def _plans(count: int) -> str:
    return "1 plan" if count == 1 else f"{count} plans"
