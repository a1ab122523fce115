"""The `CalendarSource` contract, cursors and failures: an expired or unreadable cursor, a broken
item, a server down or silent, `describe`. Each is written once and run on every source that
has the thing (an ics folder has no server and no cursor to lose: skipped, saying so).
"""

from __future__ import annotations

import random
import time

import pytest

from nudger.ports import SourceError
from tests.calendars.driver import Driver, need, sources
from tests.calendars.examples import CLIMBING, DINNER, WINDOW, by_uid, put

pytestmark = pytest.mark.usefixtures("no_network")  # nothing may leave the machine

TIMEOUT = 0.5  # seconds: the hang test's, short

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


@sources()
def test_a_cursor_the_source_cannot_read_means_a_complete_sync(driver: Driver) -> None:
    put(driver, DINNER, CLIMBING)
    source = driver.source()
    for cursor in ("not a cursor", '{"version": 99}', "[1]"):
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
    assert all(name in str(problem) for name in names), (names, problem)

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
        driver.source(timeout=1).sync(None, WINDOW)
    assert time.monotonic() - started < driver.down_within
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


@sources()
def test_describe_says_what_the_source_finds(driver: Driver) -> None:
    put(driver, DINNER, CLIMBING)
    lines = list(driver.source().describe())
    assert lines and any("event" in line for line in lines), lines


@sources()
def test_describe_fails_as_sync_does_when_the_server_is_down(
    driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    need(driver, "server")
    monkeypatch.setattr(random, "random", lambda: 0.05)  # a client's back-off, made short
    address = driver.go_down()
    with pytest.raises(SourceError) as caught:
        driver.source(timeout=1).describe()
    assert caught.value.retry is True and address in caught.value.message


@sources()
def test_describe_fails_within_the_timeout_when_nothing_answers(driver: Driver) -> None:
    need(driver, "network")
    driver.put(DINNER)
    driver.hang()
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        driver.source(timeout=TIMEOUT).describe()
    assert time.monotonic() - started < driver.attempts * TIMEOUT + TIMEOUT + 1
    assert caught.value.retry is True
