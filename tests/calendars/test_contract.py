"""The `CalendarSource` contract, each behaviour written once and run against every source.

Every test runs on an ics folder, an ics URL, CalDAV on Radicale and on Xandikos, and Google on
its local stand-in (`driver.sources`), writing its calendar through the driver as that
system's users do and reading it only through the real adapter, as the daemon would: each sync
gets the cursor of the one before. Where a source cannot show a behaviour the test is skipped
with the driver's reason; where it breaks the contract today the test is a strict xfail with
the issue that fixes it. What only one adapter has stays beside its adapter
(`tests/test_caldav_source.py`, `tests/test_google_source.py`).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from integrations.calendars import ical
from nudger.core.events import EventInstance, Participation, Status
from nudger.ports import Changes, SourceError, Window
from tests.calendars.driver import SOURCE_NAME, Driver, need, sources
from tests.calendars.events import ALEX, BERLIN, ME, SAM, Event

pytestmark = pytest.mark.usefixtures("no_network")  # nothing may leave the machine

WINDOW = Window(datetime(2027, 3, 1, tzinfo=BERLIN), datetime(2027, 5, 1, tzinfo=BERLIN), BERLIN)
ACCEPTED, DECLINED = Participation.ACCEPTED, Participation.DECLINED
CONFIRMED, CANCELLED = Status.CONFIRMED, Status.CANCELLED
BOB = "bob@example.org"
TIMEOUT = 0.5  # seconds: the hang test's, short


def at(month: int, day: int, hour: int) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=BERLIN)


def utc(month: int, day: int, hour: int) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=UTC)


DINNER = Event(
    "dinner",
    "Dinner with Alex",
    at(3, 17, 19),
    at(3, 17, 21),
    organizer=ME,
    attendees=((ME, ACCEPTED), (ALEX, Participation.NEEDS_ACTION), (SAM, DECLINED)),
)
# weekly at 18:00 Berlin from Monday 22 March, across the change to summer time on the 28th
CLIMBING = Event(
    "climbing",
    "Climbing",
    at(3, 22, 18),
    at(3, 22, 20),
    organizer=ALEX,
    attendees=((ALEX, ACCEPTED), (ME, ACCEPTED)),
    weeks=4,
)
WEEKS = [utc(3, 22, 17), utc(3, 29, 16), utc(4, 5, 16), utc(4, 12, 16)]  # the original starts
DENTIST = Event("dentist", "Check-up", at(3, 18, 9), at(3, 18, 10), attendees=((BOB, ACCEPTED),))


def by_uid(changes: Changes) -> dict[str, list[EventInstance]]:
    """The instances returned, by UID (a Google series is a resource per instance), in order."""
    found: dict[str, list[EventInstance]] = defaultdict(list)
    for resource in changes.changed:
        for instance in resource.instances:
            found[instance.uid].append(instance)
    return {uid: sorted(i, key=lambda i: (i.start, i.occurrence)) for uid, i in found.items()}


def answers(instance: EventInstance) -> set[tuple[str, Participation]]:
    return {(attendee.email, attendee.participation) for attendee in instance.attendees}


def put(driver: Driver, *events: Event) -> None:
    for event in events:
        driver.put(event)


# -- reading ------------------------------------------------------------------------------------


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


EXDATE_AS_CANCELLATION = "issue 11: EXDATE read as a cancellation"


@sources(
    xfail=dict.fromkeys(
        ("ics-folder", "ics-url", "caldav-radicale", "caldav-xandikos"), EXDATE_AS_CANCELLATION
    )
)
def test_an_occurrence_excluded_when_the_series_is_first_seen_is_no_instance(
    driver: Driver,
) -> None:
    """DESIGN: an occurrence excluded when nudger first sees the series was never a plan
    (Google never lists it). Today `ical._excluded` returns it as a cancelled instance."""
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


# -- cursors ------------------------------------------------------------------------------------


@sources()
def test_an_expired_cursor_means_a_complete_resync(driver: Driver) -> None:
    need(driver, "cursor")
    put(driver, DINNER, CLIMBING)
    source = driver.source()
    first = source.sync(None, WINDOW)
    assert first.cursor

    changes = source.sync(driver.expire(first.cursor), WINDOW)
    assert changes.complete and set(by_uid(changes)) == {"dinner", "climbing"}
    again = source.sync(changes.cursor, WINDOW)
    assert (again.changed, again.complete) == ((), False)


@sources(
    xfail={"ics-url": "an unreadable cursor raises JSONDecodeError (ics._sync_url)"},
    raises=json.JSONDecodeError,
)
def test_a_cursor_the_source_cannot_read_means_a_complete_sync(driver: Driver) -> None:
    put(driver, DINNER, CLIMBING)
    source = driver.source()
    for cursor in ("not a cursor", '{"version": 99}'):
        changes = source.sync(cursor, WINDOW)
        assert changes.complete, cursor
        assert set(by_uid(changes)) == {"dinner", "climbing"}
    assert not source.sync(changes.cursor, WINDOW).complete


# -- failures -----------------------------------------------------------------------------------


@sources()
def test_a_broken_item_is_named_in_problems_and_the_rest_is_returned(driver: Driver) -> None:
    put(driver, DINNER, CLIMBING)
    names = driver.put_broken()
    source = driver.source()
    first = source.sync(None, WINDOW)
    assert set(by_uid(first)) == {"dinner", "climbing"}
    assert all(resource.instances for resource in first.changed), "nothing of the broken one"
    (problem,) = first.problems
    assert all(name in problem for name in names), (names, problem)

    gone = driver.resource("dinner")
    driver.delete("dinner")  # the broken item does not block later syncs
    later = source.sync(first.cursor, WINDOW)
    if driver.incremental:  # nor is it read again
        assert (later.changed, later.removed, later.problems) == ((), (gone,), ())
    else:
        assert set(by_uid(later)) == {"climbing"} and len(later.problems) == 1


@sources()
def test_a_server_that_is_down_is_an_error_worth_a_retry(driver: Driver) -> None:
    need(driver, "server")
    driver.put(DINNER)
    address = driver.go_down()
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        driver.source(timeout=5).sync(None, WINDOW)
    assert time.monotonic() - started < 2
    assert caught.value.retry is True
    assert address in caught.value.message and "refused" in caught.value.message


@sources()
def test_a_server_that_never_answers_fails_within_the_timeout(driver: Driver) -> None:
    need(driver, "network")
    driver.put(DINNER)
    driver.hang()
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        driver.source(timeout=TIMEOUT).sync(None, WINDOW)
    assert time.monotonic() - started < driver.attempts * TIMEOUT + TIMEOUT + 1
    assert caught.value.retry is True
    assert driver.timed_out(TIMEOUT) in caught.value.message


# -- relevance (Window.mentions) ----------------------------------------------------------------


class ParseSpy:
    """Records every text handed to the iCalendar parser."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.texts: list[str] = []
        real = ical.parse

        def spy(texts: Any) -> ical.Parsed:
            texts = list(texts)
            self.texts += [text if isinstance(text, str) else text.decode() for _, text in texts]
            return real(texts)

        monkeypatch.setattr(ical, "parse", spy)

    def read(self, word: str) -> bool:
        return any(word in text for text in self.texts)


NARROW = replace(WINDOW, mentions=frozenset({ALEX, "Alex"}))


@sources()
def test_with_mentions_whatever_names_someone_is_still_returned(driver: Driver) -> None:
    put(driver, DINNER, DENTIST)
    changes = driver.source().sync(None, NARROW)
    assert changes.complete and "dinner" in by_uid(changes)
    assert answers(by_uid(changes)["dinner"][0]) == set(DINNER.attendees)


@sources()
def test_an_object_naming_nobody_tracked_is_neither_returned_nor_parsed(
    driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    need(driver, "relevance")
    put(driver, DINNER, DENTIST)
    spy = ParseSpy(monkeypatch)
    source = driver.source()
    first = source.sync(None, NARROW)
    assert set(by_uid(first)) == {"dinner"}
    assert spy.read("Dinner with Alex") and not spy.read("Check-up")

    wider = replace(NARROW, mentions=NARROW.mentions | {BOB})  # someone new is tracked
    again = source.sync(first.cursor, wider)
    assert again.complete and set(by_uid(again)) == {"dinner", "dentist"}
