"""The `CalendarSource` contract, reading: what a sync returns for what a calendar holds.

Every test of this package runs on an ics folder, an ics URL, CalDAV on Radicale and on
Xandikos, and Google on its local stand-in (`driver.sources`), writing its calendar through the
driver as that system's users do and reading it only through the real adapter, as the daemon
would: each sync gets the cursor of the one before. Where a source cannot show a behaviour the
test is skipped with the driver's reason; where it breaks the contract today the test is a
strict xfail naming the divergence. What only one adapter has stays beside its adapter
(`tests/integrations/test_caldav_source.py`, `tests/integrations/test_google_source.py`).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from nudger.core.events import Participation
from nudger.ports import Window
from tests.calendars.driver import SOURCE_NAME, Driver, sources
from tests.calendars.events import ALEX, BERLIN, ME, SAM, Event
from tests.calendars.examples import (
    ACCEPTED,
    CANCELLED,
    CLIMBING,
    CONFIRMED,
    DECLINED,
    DINNER,
    WEEKS,
    WINDOW,
    answers,
    at,
    by_uid,
    put,
    utc,
)

pytestmark = pytest.mark.usefixtures("no_network")  # nothing may leave the machine


@sources()
def test_a_first_sync_returns_every_event_as_its_instances(driver: Driver) -> None:
    put(driver, DINNER, CLIMBING)
    changes = driver.source().sync(None, WINDOW)

    assert changes.complete and changes.cursor and not changes.removed and not changes.problems
    found = by_uid(changes)
    assert set(found) == {"dinner", "climbing"}
    instances = [i for r in changes.changed for i in r.instances]
    assert all(i.source == SOURCE_NAME and i.calendar == driver.calendar for i in instances)
    (dinner,) = found["dinner"]
    assert (dinner.recurrence_id, dinner.occurrence) == (None, "single")
    assert (dinner.start, dinner.end) == (utc(3, 17, 18), utc(3, 17, 20))
    assert (dinner.summary, dinner.status, dinner.organizer) == ("Dinner with Alex", CONFIRMED, ME)
    assert answers(dinner) == {(ME, ACCEPTED), (ALEX, Participation.NEEDS_ACTION), (SAM, DECLINED)}
    climbing = found["climbing"]
    assert [i.start for i in climbing] == WEEKS  # 18:00 in Berlin, before and after DST
    assert all(i.recurrence_id == i.start and i.status is CONFIRMED for i in climbing)
    assert all(i.organizer == ALEX and i.end - i.start == CLIMBING.length for i in climbing)


@sources()
def test_an_empty_calendar_is_a_complete_listing_of_nothing(driver: Driver) -> None:
    """The source says what it has; whether nothing is believable is the sync's question."""
    changes = driver.source().sync(None, WINDOW)
    assert (changes.changed, changes.removed, changes.problems) == ((), (), ())
    assert changes.complete and changes.cursor


@sources()
def test_a_uid_with_any_characters_is_kept_as_written(driver: Driver) -> None:
    """As vdirsyncer's suite asks of every storage: a UID is not a file name or a path."""
    uid = "Dîner+1 Sam@example.org"
    put(driver, replace(DINNER, uid=uid), CLIMBING)
    source = driver.source()
    first = source.sync(None, WINDOW)
    assert set(by_uid(first)) == {uid, "climbing"}
    gone = driver.resource(uid)
    driver.delete(uid)
    changes = source.sync(first.cursor, WINDOW)
    assert uid not in by_uid(changes)
    assert changes.removed == ((gone,) if driver.incremental else ())


@sources()
def test_an_edit_comes_back_with_its_new_values(driver: Driver) -> None:
    put(driver, DINNER, CLIMBING)
    source = driver.source()
    first = source.sync(None, WINDOW)
    quiet = source.sync(first.cursor, WINDOW)
    assert (quiet.changed, quiet.removed, quiet.complete) == ((), (), False)

    moved = replace(DINNER, summary="Dinner at Alex's", start=at(3, 19, 19), end=at(3, 19, 21))
    driver.put(replace(moved, sequence=1))  # a client moving an event bumps it
    changes = source.sync(quiet.cursor, WINDOW)

    (dinner,) = by_uid(changes)["dinner"]
    assert (dinner.start, dinner.end) == (utc(3, 19, 18), utc(3, 19, 20))
    assert dinner.summary == "Dinner at Alex's" and dinner.sequence >= 1
    assert (changes.removed, changes.problems) == ((), ())
    if driver.incremental:  # the edited event alone
        assert ([r.id for r in changes.changed], changes.complete) == (
            [driver.resource("dinner")],
            False,
        )
    else:  # read whole again, as any change is
        assert changes.complete and set(by_uid(changes)) == {"dinner", "climbing"}


@sources()
def test_a_deleted_event_is_gone_and_comes_back_when_added_again(driver: Driver) -> None:
    put(driver, DINNER, CLIMBING)
    source = driver.source()
    first = source.sync(None, WINDOW)
    gone = driver.resource("dinner")

    driver.delete("dinner")
    changes = source.sync(first.cursor, WINDOW)
    if driver.incremental:
        assert (changes.changed, changes.removed, changes.complete) == ((), (gone,), False)
    else:  # a complete listing without it: what is not listed is gone
        assert changes.complete and set(by_uid(changes)) == {"climbing"}
        assert changes.removed == ()
    resync = source.sync(None, WINDOW)  # a full sync just leaves it out
    assert set(by_uid(resync)) == {"climbing"} and resync.removed == ()

    driver.put(DINNER)
    back = source.sync(changes.cursor, WINDOW)
    assert "dinner" in by_uid(back) and back.removed == ()
    if driver.incremental:
        assert [r.id for r in back.changed] == [driver.resource("dinner")]


@sources()
def test_a_moved_occurrence_keeps_its_original_start_as_recurrence_id(driver: Driver) -> None:
    driver.put(replace(CLIMBING, moved=((at(3, 29, 18), at(3, 30, 19)),)))
    source = driver.source()
    first = source.sync(None, WINDOW)
    climbing = by_uid(first)["climbing"]
    assert [(i.recurrence_id, i.start, i.end) for i in climbing] == [
        (WEEKS[0], WEEKS[0], utc(3, 22, 19)),
        (WEEKS[1], utc(3, 30, 17), utc(3, 30, 19)),  # the move, named by its original start
        (WEEKS[2], WEEKS[2], utc(4, 5, 18)),
        (WEEKS[3], WEEKS[3], utc(4, 12, 18)),
    ]
    assert all(i.status is CONFIRMED and i.summary == "Climbing" for i in climbing)

    twice = ((at(3, 29, 18), at(3, 30, 19)), (at(4, 5, 18), at(4, 6, 20)))
    driver.put(replace(CLIMBING, moved=twice))  # moved after the series was seen
    changes = source.sync(first.cursor, WINDOW)
    later = {i.recurrence_id: i for i in by_uid(changes)["climbing"]}
    assert (later[WEEKS[2]].start, later[WEEKS[2]].end) == (utc(4, 6, 18), utc(4, 6, 20))
    assert later[WEEKS[2]].status is CONFIRMED and changes.removed == ()


@sources()
def test_a_cancelled_occurrence_is_a_cancelled_instance_of_its_series(driver: Driver) -> None:
    driver.put(replace(CLIMBING, cancelled=(at(3, 29, 18),)))  # before the first sync
    source = driver.source()
    first = source.sync(None, WINDOW)
    climbing = by_uid(first)["climbing"]
    assert [(i.recurrence_id, i.status) for i in climbing] == [
        (WEEKS[0], CONFIRMED),
        (WEEKS[1], CANCELLED),
        (WEEKS[2], CONFIRMED),
        (WEEKS[3], CONFIRMED),
    ]
    assert climbing[1].start == WEEKS[1]

    driver.put(replace(CLIMBING, cancelled=(at(3, 29, 18), at(4, 5, 18))))  # and after it
    changes = source.sync(first.cursor, WINDOW)
    later = {i.recurrence_id: i for i in by_uid(changes)["climbing"]}
    cancelled = later[WEEKS[2]]
    assert (cancelled.status, cancelled.uid, cancelled.start) == (CANCELLED, "climbing", WEEKS[2])
    assert changes.removed == ()


@sources()
def test_an_occurrence_excluded_when_the_series_is_first_seen_is_no_instance(
    driver: Driver,
) -> None:
    """DESIGN: an occurrence excluded when nudger first sees the series was never a plan
    (Google never lists it)."""
    driver.put(replace(CLIMBING, exdates=(at(3, 29, 18),)))
    changes = driver.source().sync(None, WINDOW)
    assert [(i.recurrence_id, i.status) for i in by_uid(changes)["climbing"]] == [
        (WEEKS[0], CONFIRMED),
        (WEEKS[2], CONFIRMED),
        (WEEKS[3], CONFIRMED),
    ]


@sources()
def test_a_declined_attendee_is_read_as_declined(driver: Driver) -> None:
    driver.put(DINNER)  # Sam declined before the first sync
    source = driver.source()
    first = source.sync(None, WINDOW)
    (dinner,) = by_uid(first)["dinner"]
    assert (SAM, DECLINED) in answers(dinner)

    declined = ((ME, ACCEPTED), (ALEX, DECLINED), (SAM, DECLINED))
    driver.put(replace(DINNER, attendees=declined, sequence=1))  # Alex declines after it
    (dinner,) = by_uid(source.sync(first.cursor, WINDOW))["dinner"]
    assert answers(dinner) == set(declined)


@sources()
def test_an_event_the_window_moves_onto_is_returned(driver: Driver) -> None:
    """The daemon's window moves with the days: an event that never changed comes into it."""
    concert = Event(
        "concert", "Concert", at(5, 10, 20), at(5, 10, 22), attendees=((ALEX, ACCEPTED),)
    )
    put(driver, DINNER, concert)
    source = driver.source()
    first = source.sync(None, WINDOW)
    assert set(by_uid(first)) == {"dinner"}
    later = Window(at(3, 15, 0), at(5, 15, 0), BERLIN)
    (entered,) = by_uid(source.sync(first.cursor, later))["concert"]
    assert (entered.start, entered.summary) == (utc(5, 10, 18), "Concert")
