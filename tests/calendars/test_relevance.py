"""The `CalendarSource` contract, relevance: with `Window.mentions`, whatever names a tracked
person is still returned, and a source that filters neither returns nor parses an object naming
nobody (a source may filter, the port does not require it: the others are skipped, saying why).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from integrations.calendars import ical
from tests.calendars.driver import Driver, need, sources
from tests.calendars.events import ALEX
from tests.calendars.examples import BOB, DENTIST, DINNER, WINDOW, answers, by_uid, put

pytestmark = pytest.mark.usefixtures("no_network")  # nothing may leave the machine


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
