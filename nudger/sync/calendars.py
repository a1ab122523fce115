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
from functools import partial
from pathlib import Path

from nudger import adapters
from nudger.config.calendars import Calendar
from nudger.config.core_values import with_learnt
from nudger.config.settings import Settings
from nudger.core.detect import (
    Rules,
    involved,
    is_plan,
    kept,
    loose_facts,
    mentions,
    missed_facts,
    resource_facts,
)
from nudger.core.events import EventInstance
from nudger.core.model import Entry, Kind
from nudger.core.vanishing import Removals, lost_too_much
from nudger.core.when import local_midnight
from nudger.errors import NudgerError
from nudger.log import queries, sync_state
from nudger.log.removals import logged as logged_removals
from nudger.log.store import Store
from nudger.ports import CalendarSource, Changes, Problem, SourceError, Window, tally
from nudger.sync.fence import Fence, out_of_memory
from nudger.sync.fence import run as run_fenced

log = logging.getLogger(__name__)
Source = Callable[[], CalendarSource]
JOURNAL_CAP = 20  # problems logged one line each per sync; a broken export may hold hundreds


@dataclass(frozen=True)
class Outcome:
    """What one source's sync did."""

    source: str
    ok: bool
    message: str
    new_facts: int = 0
    problems: tuple[Problem | str, ...] = ()  # what the source could not read as it is
    retry: bool = True
    remedy: str | None = None  # a failure's fix, where the source knows one


def window_for(settings: Settings, now: datetime, zone: tzinfo) -> Window:
    """The span a sync reads, in whole local days: it moves once a day, so sources can tell a
    new day (worth reading again) from a new minute (not)."""
    first = (now - settings.sync.past).astimezone(zone).date()
    last = (now + settings.sync.future).astimezone(zone).date()
    return Window(
        local_midnight(first, zone),
        local_midnight(last + timedelta(days=1), zone),
        zone,
        max_instances=settings.sync.max_instances_per_series,
        max_file_size=settings.sync.max_file_size,
    )


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


@dataclass(frozen=True)
class Trust:
    """How much loss in one sync is believed (`vanishing.lost_too_much`), and the sources whose
    removals the user confirmed for this run (`daemon --once --accept-removals NAME`)."""

    max_vanished_share: float = 0.5
    accept_removals: frozenset[str] = frozenset()


def sync_all(
    store: Store,
    sources: Sequence[tuple[str, Callable[[], CalendarSource]]],
    rules: Rules,
    window: Window,
    *,
    now: datetime,
    loose_expire_after: timedelta = timedelta(days=21),
    trust: Trust = Trust(),
    fence: Fence | None = None,
) -> list[Outcome]:
    """Sync every source (a factory that fails counts as that source failing), then decide
    what became of cancelled and loose plans across all of them. With a `fence`, each source
    syncs in a child of its own within those bounds (`nudger.sync.fence`)."""
    outcomes = []
    for name, make in sources:
        sync = partial(_sync_one, name=name, make=make, rules=rules, window=window, now=now)
        sync = partial(sync, trust=trust)
        if fence is None or store.path is None:
            outcomes.append(sync(store))
            continue
        outcome = run_fenced(fence, partial(_in_own_store, store.path, sync))
        if isinstance(outcome, SourceError):  # it overran or died: the parent records it
            outcome = _failed(store, name, outcome, now)
        outcomes.append(outcome)
    rules = with_learnt(rules, sync_state.learnt_addresses(store.db))
    with store.transaction():
        facts = missed_facts(sync_state.instances(store.db), rules, now=now)
        facts += loose_facts(_open_loose_plans(store), expire_after=loose_expire_after, now=now)
        for fact in facts:
            store.insert(fact, now)
    return outcomes


def _in_own_store(path: Path, sync: Callable[[Store], Outcome]) -> Outcome:
    """`sync` in a forked child: an SQLite connection must not cross a fork, so it opens its own."""
    with Store.open(path) as own:
        return sync(own)


def _sync_one(
    store: Store,
    name: str,
    make: Source,
    rules: Rules,
    window: Window,
    *,
    now: datetime,
    trust: Trust,
) -> Outcome:
    """One source's sync, whatever goes wrong in it: its failure, never the others'."""
    try:
        return sync_source(store, name, make(), rules, window, now=now, trust=trust)
    except SourceError as error:
        failure = error
    except MemoryError:  # past its bound (`fence`): what it held is let go before recording
        failure = out_of_memory()
    except Exception as error:  # a bug in one adapter must not stop the others
        log.exception("%s: sync failed unexpectedly", name)
        failure = SourceError(
            f"unexpected {type(error).__name__}: {error}",
            retry=True,
            remedy=f"see where it happens: nudger -v calendars test {name}",  # as doctor
        )
    return _failed(store, name, failure, now)


def sync_source(
    store: Store,
    name: str,
    source: CalendarSource,
    rules: Rules,
    window: Window,
    *,
    now: datetime,
    trust: Trust = Trust(),
) -> Outcome:
    rules = with_learnt(rules, sync_state.learnt_addresses(store.db))  # what sources say is me
    fingerprint = _fingerprint(rules)
    known = sync_state.position(store.db, name)
    cursor = known.cursor if known and known.fingerprint == fingerprint else None
    try:  # the source may skip what mentions nobody tracked: detection would ignore it anyway
        changes = source.sync(cursor, replace(window, mentions=mentions(rules)))
    except SourceError as error:
        return _failed(store, name, error, now)
    for problem in map(Problem.of, changes.problems[:JOURNAL_CAP]):  # the journal's line each
        log.warning("%s: %s: %s", name, problem.done, problem)
    if len(changes.problems) > JOURNAL_CAP:
        log.warning("%s: … and %d more problems", name, len(changes.problems) - JOURNAL_CAP)
    rules = with_learnt(rules, changes.own_addresses or ())  # used at once, on this very sync
    with store.transaction():
        stored = _listable(sync_state.resources(store.db, name), window)
        gone = _gone(stored, changes)
        doubt = None
        if name not in trust.accept_removals:
            empty = changes.complete and not changes.changed and not changes.unreadable
            doubt = lost_too_much(
                stored, gone, empty=empty, now=now, max_share=trust.max_vanished_share
            )
        if doubt is None:
            same_rules = known is not None and known.fingerprint == _fingerprint(rules)
            added = _apply(store, name, changes, stored, gone, rules, now, same_rules=same_rules)
            message = f"{added} new facts" + (
                f"; problems: {tally(changes.problems)}" if changes.problems else ""
            )
            sync_state.record_success(
                store.db,
                name,
                cursor=changes.cursor,
                fingerprint=_fingerprint(rules),
                at=now,
                message=message,
            )
            sync_state.record_own_addresses(store.db, name, changes.own_addresses)
    if doubt is not None:  # nothing was written: the next sync reads the same changes again
        remedy = f"if they really were removed: nudger daemon --once --accept-removals {name}"
        return _failed(
            store,
            name,
            SourceError(f"{doubt}; nothing was recorded", retry=True, remedy=remedy),
            now,
        )
    return Outcome(name, True, message, added, changes.problems)


def _listable(
    stored: dict[str, tuple[EventInstance, ...]], window: Window
) -> dict[str, tuple[EventInstance, ...]]:
    """What the sync state holds that this sync's window can list: a plan stored under a
    longer `sync.future` and starting past this window's end is not listed now, which says
    nothing of it (a shorter setting is no removal)."""
    return {
        resource: tuple(i for i in instances if i.start < window.end)
        for resource, instances in stored.items()
    }


def _gone(stored: dict[str, tuple[EventInstance, ...]], changes: Changes) -> set[str]:
    """The stored resources this sync says are no longer there: those it removed, or, from a
    complete listing, those it did not list; never one it could not read."""
    gone = set(changes.removed)
    if changes.complete:
        gone |= set(stored) - {resource.id for resource in changes.changed}
    return (gone & set(stored)) - set(changes.unreadable)


def _apply(
    store: Store,
    name: str,
    changes: Changes,
    stored: dict[str, tuple[EventInstance, ...]],
    gone: set[str],
    rules: Rules,
    now: datetime,
    *,
    same_rules: bool,
) -> int:
    """Derive and append the facts of a sync, and keep what each resource now shows. With
    other rules than the last sync's, a plan that no longer involves anyone was not changed by
    its organizer: the people or addresses were (so it is no uninvite)."""
    removals = _removals(store, name, changes, stored, gone)
    facts = []
    for resource in changes.changed:
        relevant = tuple(i for i in resource.instances if involved(i, rules))
        uninvited = {i.occurrence for i in resource.instances} if same_rules else set()
        facts += resource_facts(
            _still_plans(stored.get(resource.id, ()), resource.instances, rules),
            relevant,
            rules,
            now=now,
            excluded=resource.excluded,
            uninvited=uninvited,
            removals=removals,
            read_until=resource.read_until,
        )
        if relevant:
            shown = kept(stored.get(resource.id, ()), relevant, now)
            sync_state.keep_resource(store.db, name, resource.id, shown)
        else:
            sync_state.drop_resources(store.db, [(name, resource.id)])
    for resource_id in gone:
        facts += resource_facts(stored[resource_id], (), rules, now=now, removals=removals)
        sync_state.drop_resources(store.db, [(name, resource_id)])
    return sum(store.insert(fact, now) is not None for fact in facts)


def _removals(
    store: Store,
    name: str,
    changes: Changes,
    stored: dict[str, tuple[EventInstance, ...]],
    gone: set[str],
) -> Removals:
    """What detection needs to know beyond the instances: the removals logged before (to take
    back those of a plan seen again) and, when something vanished, what the other sources show."""
    shown = {
        (resource.id, instance.occurrence)
        for resource in changes.changed
        for instance in resource.instances
    }
    vanished = bool(gone) or any(
        (resource.id, instance.occurrence) not in shown
        for resource in changes.changed
        for instance in stored.get(resource.id, ())
    )
    elsewhere = sync_state.occurrences_elsewhere(store.db, name) if vanished else set()
    return Removals(logged_removals(store.db), elsewhere)


def _still_plans(
    stored: tuple[EventInstance, ...], listed: tuple[EventInstance, ...], rules: Rules
) -> tuple[EventInstance, ...]:
    """The stored instances a resource still lists as plans: one it lists as something else
    now (a birthday an older nudger, blind to its marker, kept as a plan) was not cancelled,
    it never was a plan."""
    not_plans = {i.occurrence for i in listed if not is_plan(i, rules)}
    return tuple(i for i in stored if i.occurrence not in not_plans)


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
    """Changes when the people, my addresses or the not-plan words change: then what is
    relevant changes too, and sources skipped what mentioned nobody tracked (or, being
    incremental, would not list again what was no plan), so the cursor is dropped and each
    source reads everything again. It covers every field `detect.mentions` takes its terms
    from, and `Rules.not_plans`."""
    text = json.dumps(
        [
            sorted(rules.me),
            [(p.name, sorted(p.emails), list(p.words)) for p in rules.people],
            sorted(rules.not_plans),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()
