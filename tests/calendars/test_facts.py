"""The facts a change gives are the same whichever system holds the calendar.

The reading contract (`test_reading`) checks what each adapter returns; this checks what the
sync derives from it, through the real adapter and the real log, since the same change may reach
nudger in different shapes (an EXDATE in an iCalendar series, a cancelled instance from Google;
a deleted file, a 404'd href, a Google deletion). DESIGN: an occurrence struck out before nudger
first saw the series was never a plan; one struck out later was cancelled by the organizer; an
upcoming plan that vanishes is a removal of unknown cause, retracted when it comes back; a plan
that vanished after it ended is history.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from nudger.core.detect import Rules, Tracked
from nudger.core.model import Kind, Who
from nudger.log import queries
from nudger.log.store import Store
from nudger.sync.calendars import Outcome, sync_all
from tests.calendars.driver import SOURCE_NAME, Driver, sources
from tests.calendars.events import ALEX, ME
from tests.calendars.examples import CLIMBING, DINNER, WINDOW, at, put

RULES = Rules(me=frozenset({ME}), people=(Tracked("Alex", frozenset({ALEX}), ("Alex",)),))
BEFORE = WINDOW.start + timedelta(days=1)  # every climbing date still to come
AFTER = WINDOW.end - timedelta(days=1)  # every one of them over


def sync(store: Store, driver: Driver, now: datetime) -> Outcome:
    """One sync of the driver's calendar into the log, as the daemon runs it (the cursor is
    kept in the log's sync state), missed plans decided after it."""
    (outcome,) = sync_all(store, [(SOURCE_NAME, driver.source)], RULES, WINDOW, now=now)
    return outcome


def facts(store: Store, *kinds: Kind) -> list[tuple[str, Who, str]]:
    """(kind, side, date) of the facts that still count."""
    return sorted(
        (entry.kind, entry.who, str(entry.details.get("occurrence")))
        for entry in queries.entries(store.db, kinds=kinds or list(Kind))
        if not entry.superseded
    )


@sources()
def test_an_exdate_from_the_start_is_nothing_and_one_added_later_is_the_organizers(
    driver: Driver, tmp_path: Path
) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        driver.put(replace(CLIMBING, exdates=(at(3, 29, 18),)))
        assert sync(store, driver, BEFORE).ok
        assert facts(store, Kind.CANCELLED) == []

        driver.put(replace(CLIMBING, exdates=(at(3, 29, 18), at(4, 5, 18))))
        assert sync(store, driver, BEFORE).ok
        assert facts(store, Kind.CANCELLED) == [(Kind.CANCELLED, Who.THEM, "20270405T160000Z")]


@sources()
def test_an_upcoming_plan_deleted_is_removed_by_nobody_and_retracted_when_it_is_back(
    driver: Driver, tmp_path: Path
) -> None:
    """A deleted event says nothing of who called it off (a bare Google deletion neither: only
    a cancelled event that Google still lists whole, or a cancelled instance, says so)."""
    with Store.open(tmp_path / "log.sqlite3") as store:
        put(driver, DINNER, CLIMBING)  # the series stays: a calendar emptied is not believed
        assert sync(store, driver, BEFORE).ok
        driver.delete(DINNER.uid)
        assert sync(store, driver, BEFORE).ok
        assert facts(store, Kind.CANCELLED) == [(Kind.CANCELLED, Who.UNKNOWN, "single")]

        driver.put(DINNER)
        assert sync(store, driver, BEFORE).ok
        assert facts(store, Kind.CANCELLED) == []  # the removal is retracted
        assert facts(store, Kind.RETRACTED) == [(Kind.RETRACTED, Who.UNKNOWN, "single")]
        assert sync(store, driver, BEFORE).new_facts == 0


@sources()
def test_plans_deleted_after_they_happened_change_nothing(driver: Driver, tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        driver.put(CLIMBING)
        assert sync(store, driver, AFTER).ok
        before = facts(store)
        driver.delete(CLIMBING.uid)
        outcome = sync(store, driver, AFTER)
        assert (outcome.ok, outcome.new_facts) == (True, 0)
        assert facts(store) == before


@sources()
def test_one_story_of_changes_gives_the_same_facts_from_every_system(
    driver: Driver, tmp_path: Path
) -> None:
    """A month of a calendar, synced midway and again after it changed: my dinner (Sam, not
    tracked, declined it, so it is not said to have happened), then deleted (history);
    Alex's weekly climbing with a date struck out from the start (never a plan), a date
    struck out later (Alex cancelled it) and a date moved (Alex moved it). Every system must
    give these very facts, and a last sync none."""
    midway = at(4, 1, 12)
    struck_first, struck_later, moved = at(3, 29, 18), at(4, 5, 18), at(4, 12, 18)
    with Store.open(tmp_path / "log.sqlite3") as store:
        put(driver, DINNER, replace(CLIMBING, exdates=(struck_first,)))
        assert sync(store, driver, midway).ok
        driver.delete(DINNER.uid)
        driver.put(
            replace(
                CLIMBING,
                exdates=(struck_first, struck_later),
                moved=((moved, moved + timedelta(days=1)),),
            )
        )
        assert sync(store, driver, midway).ok
        assert sync(store, driver, midway).new_facts == 0
        tally = sorted((kind, who.value) for kind, who, _ in facts(store))
    assert tally == [
        ("cancelled", "them"),  # the date struck out later
        ("happened", "unknown"),  # the first climbing date
        ("plan", "me"),  # the dinner, kept though its event is gone
        ("plan", "them"),  # the series, once
        ("rescheduled", "them"),  # the moved date
    ]


@sources()
def test_a_calendar_emptied_changes_nothing_until_it_is_back(
    driver: Driver, tmp_path: Path
) -> None:
    """A collection emptied (a server that lost its data, a folder unmounted) is a failed sync:
    no fact, the state kept, and the plans coming back add nothing. Google alone says what became
    of each date of a deleted series (cancelled), and is believed."""
    with Store.open(tmp_path / "log.sqlite3") as store:
        put(driver, DINNER, CLIMBING)
        assert sync(store, driver, BEFORE).ok
        before = facts(store)
        for event in (DINNER, CLIMBING):
            driver.delete(event.uid)
        refused = sync(store, driver, BEFORE)
        if driver.kind == "google":  # Google says why: it lists a deleted series' dates cancelled
            assert refused.ok and [(k, w) for k, w, _ in facts(store, Kind.CANCELLED)] == [
                *[(Kind.CANCELLED, Who.THEM)] * 4,
                (Kind.CANCELLED, Who.UNKNOWN),  # the single dinner: a bare deletion
            ]
            return
        assert not refused.ok
        assert "came back empty" in refused.message or "any of the 2 plans" in refused.message
        assert (
            refused.remedy
            == "if they really were removed: nudger daemon --once --accept-removals contract"
        )
        assert facts(store) == before
        put(driver, DINNER, CLIMBING)
        back = sync(store, driver, BEFORE)
        assert (back.ok, back.new_facts) == (True, 0)
        assert facts(store) == before


@pytest.mark.parametrize("driver", ["google"], indirect=True)
def test_a_plan_deleted_while_the_sync_token_expired_is_removed_after_the_full_resync(
    driver: Driver, tmp_path: Path
) -> None:
    """Issue 15, Build 12: Google answers a stale token 410, and its full listing leaves out an
    event deleted meanwhile (no tombstone). That listing is complete, so what it omits is a
    removal by the vanishing rules, said once, not silence; the rest gives no new fact."""
    with Store.open(tmp_path / "log.sqlite3") as store:
        put(driver, DINNER, CLIMBING)
        assert sync(store, driver, BEFORE).ok
        plans = facts(store, Kind.PLAN)
        driver.delete(DINNER.uid)
        driver.expire("")  # every token Google gave is stale: the next delta gets a 410
        resynced = sync(store, driver, BEFORE)
        assert resynced.ok
        assert facts(store, Kind.CANCELLED) == [(Kind.CANCELLED, Who.UNKNOWN, "single")]
        assert facts(store, Kind.PLAN) == plans  # no plan logged twice by the full listing
        assert sync(store, driver, BEFORE).new_facts == 0
