"""The `CalendarSource` contract, who "self" is: a source says whose calendar it reads only
where its system says so (CalDAV's calendar-user-address-set, Google's `self` entries), keeps
saying it on the syncs after the first, and never guesses it where it cannot tell."""

from __future__ import annotations

import pytest

from tests.calendars.driver import Driver, sources
from tests.calendars.examples import CLIMBING, DINNER, WINDOW, put

pytestmark = pytest.mark.usefixtures("no_network")


@sources()
def test_a_source_says_who_i_am_only_where_its_system_does(driver: Driver) -> None:
    told = driver.own_addresses()
    put(driver, DINNER)  # organized by me, with me among the attendees
    first = driver.source().sync(None, WINDOW)
    assert first.own_addresses == told

    put(driver, CLIMBING)  # Alex's: nothing in it says who I am
    again = driver.source().sync(first.cursor, WINDOW)
    assert again.own_addresses == told  # known from the first sync, not only from what changed
    unchanged = driver.source().sync(again.cursor, WINDOW)
    assert unchanged.own_addresses == told
