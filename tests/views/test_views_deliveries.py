"""The deliveries view over a real SQLite log: what is shown and not answered, what is coming
up, and the short ids the answer commands and shell completion resolve, without a CLI session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from nudger.core import deliveries as records
from nudger.core.nudges.nudge import short_id
from nudger.errors import UsageError
from nudger.log.store import Store
from nudger.views import deliveries
from tests.core.test_deliveries import NOW, config_zone, settings

ZONE = config_zone(settings())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "log.sqlite3") as opened:
        yield opened


def test_a_sent_nudge_is_shown_until_it_is_answered(store: Store) -> None:
    config = settings()
    [first, *_] = deliveries.upcoming(store, config, now=NOW, zone=ZONE)
    store.append(records.sent(first, NOW, "console"), now=NOW)
    later = NOW + timedelta(hours=8)
    assert deliveries.shown(store, now=later) == [first]
    assert deliveries.answerable(store, config, now=later, zone=ZONE)[0] == first
    assert deliveries.shown(store, now=NOW + timedelta(days=8)) == []  # a week on, no longer

    delivery, added = deliveries.answer(
        store, config, short_id(first.nudge.id), "skip", now=later, zone=ZONE
    )
    assert (delivery, added) == (first, 1)
    assert deliveries.shown(store, now=later) == []


def test_a_nudge_is_found_by_its_full_or_short_id_only(store: Store) -> None:
    config = settings()
    [first, *_] = deliveries.upcoming(store, config, now=NOW, zone=ZONE)
    short = short_id(first.nudge.id)
    assert len(short) == 6
    for handle in (first.nudge.id, f" {short} "):
        assert deliveries.find(store, config, handle, now=NOW, zone=ZONE) == first
    with pytest.raises(UsageError, match="no nudge 'zzzzzz' is shown or coming up"):
        deliveries.find(store, config, "zzzzzz", now=NOW, zone=ZONE)
