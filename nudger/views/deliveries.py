"""The nudges the CLI shows and answers: those shown and not answered yet, those coming up, and
the short ids people type for them.

`nudger nudges`, `status`, `done`, `snooze`, `skip`, `answer` and shell completion all ask these
questions, so they must get one answer: each function takes the store, the settings and `now`
(never the CLI's session), and what is coming up is `nudger.views.agenda`'s list, the very one
the daemon schedules.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from nudger.config.settings import Settings
from nudger.core import deliveries
from nudger.core.deliveries import Delivery
from nudger.core.model import Kind
from nudger.core.nudges.nudge import Nudge, short_id
from nudger.errors import UsageError
from nudger.log import queries
from nudger.log.store import Store
from nudger.views import agenda

SHOWN_WITHIN = timedelta(days=7)  # an older shown nudge is no longer offered for an answer


def upcoming(store: Store, settings: Settings, *, now: datetime, zone: tzinfo) -> list[Delivery]:
    """The deliveries due in the next two days (or overdue but still in time)."""
    return agenda.pending(store.db, settings, now=now, zone=zone)


def shown(store: Store, *, now: datetime) -> list[Delivery]:
    """Deliveries shown in the last week and not answered since (done, skipped or snoozed)."""
    records = queries.entries(store.db, kinds=deliveries.KINDS, since=now - SHOWN_WITHIN)
    answered = {
        e.details["nudge"]["id"]
        for e in records
        if e.kind in (Kind.NUDGE_DONE, Kind.NUDGE_SKIPPED, Kind.NUDGE_SNOOZED)
    }
    latest: dict[str, Delivery] = {}
    for entry in records:
        nudge = Nudge.from_json(entry.details["nudge"])
        if entry.kind == Kind.NUDGE_SENT and nudge.id not in answered:
            latest[nudge.id] = Delivery(str(entry.details["delivery"]), nudge)
    return list(latest.values())


def answerable(store: Store, settings: Settings, *, now: datetime, zone: tzinfo) -> list[Delivery]:
    """What an answer can name: the shown ones first, then those coming up."""
    return shown(store, now=now) + upcoming(store, settings, now=now, zone=zone)


def find(store: Store, settings: Settings, handle: str, *, now: datetime, zone: tzinfo) -> Delivery:
    """The delivery a full or short id names; a usage error when none is shown or coming up."""
    wanted = handle.strip()
    candidates = answerable(store, settings, now=now, zone=zone)
    found = [d for d in candidates if wanted in (d.nudge.id, short_id(d.nudge.id))]
    if not found:
        raise UsageError(
            f"no nudge {handle!r} is shown or coming up",
            hint="nudger nudges lists them with their ids",
        )
    return found[0]


def answer(
    store: Store,
    settings: Settings,
    handle: str,
    action: str,
    *,
    now: datetime,
    zone: tzinfo,
    snooze: timedelta | None = None,
) -> tuple[Delivery, int]:
    """Answer the nudge `handle` names with `action` (`nudger done|skip|snooze|answer`): the
    delivery, and how many entries were new (0 when it was answered so already)."""
    delivery = find(store, settings, handle, now=now, zone=zone)
    added = agenda.record_answer(store, delivery, action, settings, now=now, snooze=snooze)
    return delivery, added
