"""Syncing calendars into the log: ask each source for its changes, derive the facts, append them.

One source at a time, each in its own transaction: the facts a change implies and the state it
leaves are written together, so a crash leaves either both or neither and the next sync repeats
exactly what was lost. A failing source is recorded (reason, failure count for the backoff) and
the others go on. This module is the edge between the sources and the pure `nudger.core.detect`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from nudger import adapters
from nudger.config.calendars import Calendar
from nudger.config.settings import Settings
from nudger.core.detect import Rules, involved, loose_facts, mentions, missed_facts, resource_facts
from nudger.core.model import Entry, Kind
from nudger.core.when import local_midnight
from nudger.errors import NudgerError
from nudger.log import queries, sync_state
from nudger.log.store import Store
from nudger.ports import CalendarSource, Changes, SourceError, Window

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What one source's sync did."""

    source: str
    ok: bool
    message: str
    new_facts: int = 0
    problems: tuple[str, ...] = ()
    retry: bool = True
    remedy: str | None = None  # a failure's fix, where the source knows one


def window_for(settings: Settings, now: datetime, zone: tzinfo) -> Window:
    """The span a sync reads, in whole local days: it moves once a day, so sources can tell a
    new day (worth reading again) from a new minute (not)."""
    first = (now - settings.sync.past).astimezone(zone).date()
    last = (now + settings.sync.future).astimezone(zone).date()
    return Window(local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone), zone)


def factories(settings: Settings, data_dir: Path) -> list[tuple[str, Callable[[], CalendarSource]]]:
    """Each enabled calendar's name and a function creating its source. The adapter is looked
    up and imported only when the function runs, so a failing one fails as that source."""
    timeout = settings.sync.timeout.total_seconds()

    def factory(config: Calendar) -> Callable[[], CalendarSource]:
        def make() -> CalendarSource:
            try:
                create = adapters.calendar_factory(config.type)
                return create(config, timeout=timeout, data_dir=data_dir)
            except NudgerError as error:
                raise SourceError(error.message, retry=False, remedy=error.hint) from error

        return make

    return [(config.name, factory(config)) for config in settings.calendars if config.enabled]


def sync_all(
    store: Store,
    sources: Sequence[tuple[str, Callable[[], CalendarSource]]],
    rules: Rules,
    window: Window,
    *,
    now: datetime,
    loose_expire_after: timedelta = timedelta(days=21),
) -> list[Outcome]:
    """Sync every source (a factory that fails counts as that source failing), then decide
    what became of cancelled and loose plans across all of them."""
    outcomes = []
    for name, make in sources:
        try:
            outcomes.append(sync_source(store, name, make(), rules, window, now=now))
        except SourceError as error:
            outcomes.append(_failed(store, name, error, now))
        except Exception as error:  # a bug in one adapter must not stop the others
            log.exception("%s: sync failed unexpectedly", name)
            unexpected = SourceError(
                f"unexpected {type(error).__name__}: {error}",
                retry=True,
                remedy=f"see where it happens: nudger -v calendars test {name}",  # as doctor
            )
            outcomes.append(_failed(store, name, unexpected, now))
    with store.transaction():
        facts = missed_facts(sync_state.instances(store.db), rules, now=now)
        facts += loose_facts(_open_loose_plans(store), expire_after=loose_expire_after, now=now)
        for fact in facts:
            store.insert(fact, now)
    return outcomes


def sync_source(
    store: Store,
    name: str,
    source: CalendarSource,
    rules: Rules,
    window: Window,
    *,
    now: datetime,
) -> Outcome:
    fingerprint = _fingerprint(rules)
    known = sync_state.position(store.db, name)
    cursor = known.cursor if known and known.fingerprint == fingerprint else None
    try:  # the source may skip what mentions nobody tracked: detection would ignore it anyway
        changes = source.sync(cursor, replace(window, mentions=mentions(rules)))
    except SourceError as error:
        return _failed(store, name, error, now)
    for problem in changes.problems:
        log.warning("%s: %s", name, problem)
    with store.transaction():
        added = _apply(store, name, changes, rules, window, now)
        message = f"{added} new facts" + (
            f", {len(changes.problems)} items skipped" if changes.problems else ""
        )
        sync_state.record_success(
            store.db, name, cursor=changes.cursor, fingerprint=fingerprint, at=now, message=message
        )
    return Outcome(name, True, message, added, changes.problems)


def _apply(
    store: Store, name: str, changes: Changes, rules: Rules, window: Window, now: datetime
) -> int:
    known = sync_state.resources(store.db, name)
    gone = set(changes.removed)
    if changes.complete:
        gone |= set(known) - {resource.id for resource in changes.changed}
    facts = []
    for resource in changes.changed:
        relevant = tuple(i for i in resource.instances if involved(i, rules))
        facts += resource_facts(
            known.get(resource.id, ()), relevant, rules, now=now, window_start=window.start
        )
        if relevant:
            sync_state.keep_resource(store.db, name, resource.id, relevant)
        else:
            sync_state.drop_resources(store.db, [(name, resource.id)])
    for resource_id in gone & set(known):
        facts += resource_facts(known[resource_id], (), rules, now=now, window_start=window.start)
        sync_state.drop_resources(store.db, [(name, resource_id)])
    return sum(store.insert(fact, now) is not None for fact in facts)


def _open_loose_plans(store: Store) -> list[Entry]:
    """The loose plans not settled yet, with the plans since the oldest of them: all that
    `loose_facts` needs, without reading every plan the log ever held."""
    settled = {
        str(entry.details.get("loose"))
        for entry in queries.entries(store.db, kinds=[Kind.LOOSE_SCHEDULED, Kind.LOOSE_EXPIRED])
    }
    open_ones = [e for e in queries.entries(store.db, kinds=[Kind.LOOSE]) if e.key not in settled]
    if not open_ones:
        return []
    since = min(entry.at for entry in open_ones)
    return open_ones + queries.entries(store.db, kinds=[Kind.PLAN], since=since)


def _failed(store: Store, name: str, error: SourceError, now: datetime) -> Outcome:
    log.warning("%s: sync failed: %s", name, error.message)
    with store.transaction():
        sync_state.record_failure(
            store.db,
            name,
            at=now,
            message=error.message + (f" ({error.remedy})" if error.remedy else ""),
        )
    return Outcome(name, False, error.message, retry=error.retry, remedy=error.remedy)


def _fingerprint(rules: Rules) -> str:
    """Changes when the people or my addresses change: then what is relevant changes too, and
    sources skipped what mentioned nobody tracked, so the cursor is dropped and each source reads
    everything again. It covers every field `detect.mentions` takes its terms from."""
    text = json.dumps(
        [sorted(rules.me), [(p.name, sorted(p.emails), list(p.words)) for p in rules.people]]
    )
    return hashlib.sha256(text.encode()).hexdigest()
