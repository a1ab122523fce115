"""A nudge's attempts on a channel, as log entries: which send is due again and when, which is
in doubt, and what ends the retries (shown, answered, past the nudge's lateness)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nudger.core import channel_deliveries, deliveries
from nudger.core.channel_deliveries import ChannelSend, backoff
from nudger.core.deliveries import Delivery
from nudger.core.model import Entry, Kind, NewEntry
from nudger.core.nudges.nudge import Nudge, NudgeKind

T0 = datetime(2026, 6, 1, 18, 30, tzinfo=UTC)
NUDGE = Nudge(
    "checkin:Alex:2026-06-01",
    NudgeKind.CHECKIN,
    "Alex",
    due=T0,
    latest=T0 + timedelta(hours=2),
    title="Check-in with Alex",
    body="Ten minutes, no screens",
    actions=("done", "snooze", "skip"),
)
DELIVERY = Delivery(NUDGE.id, NUDGE)


def stored(entries: list[NewEntry]) -> list[Entry]:
    return [
        Entry(n, e.at, e.at, e.person, e.kind, e.who, e.source, e.key, e.details)
        for n, e in enumerate(entries, 1)
    ]


def attempt(number: int, minutes: float, channel: str = "phone") -> ChannelSend:
    return ChannelSend(DELIVERY, channel, number, T0 + timedelta(minutes=minutes))


@pytest.mark.parametrize(
    ("attempt_number", "wait"),
    [(1, 1), (2, 2), (3, 4), (4, 8), (6, 32), (7, 60), (40, 60)],
)
def test_the_wait_doubles_from_a_minute_up_to_an_hour(attempt_number: int, wait: int) -> None:
    assert backoff(attempt_number) == timedelta(minutes=wait)


def test_a_failed_attempt_is_due_again_after_its_backoff_on_its_channel_only() -> None:
    records = stored(
        [
            channel_deliveries.sent(attempt(1, 0), T0),
            channel_deliveries.sent(attempt(1, 0, "mail"), T0),
            channel_deliveries.failed(attempt(1, 0), T0, "json://…: error=500."),
            channel_deliveries.shown(attempt(1, 0, "mail"), T0),
            channel_deliveries.sent(attempt(2, 1), T0 + timedelta(minutes=1)),
            channel_deliveries.failed(attempt(2, 1), T0 + timedelta(minutes=1), "again"),
        ]
    )
    assert channel_deliveries.retries(records) == [attempt(3, 3)]  # 1 min + 2 min
    assert channel_deliveries.in_doubt(records) == []


@pytest.mark.parametrize(
    ("ending", "why"),
    [
        (channel_deliveries.shown(attempt(1, 0), T0 + timedelta(seconds=30)), "taken later"),
        (deliveries.answered(NUDGE, Kind.NUDGE_DONE, T0, "a1"), "done"),
        (deliveries.answered(NUDGE, Kind.NUDGE_SKIPPED, T0, "a2"), "skipped"),
        (deliveries.snoozed(NUDGE, T0 + timedelta(hours=1), T0, "a3"), "snoozed"),
    ],
)
def test_no_retry_once_the_nudge_was_taken_or_answered(ending: NewEntry, why: str) -> None:
    records = stored(
        [
            channel_deliveries.sent(attempt(1, 0), T0),
            channel_deliveries.failed(attempt(1, 0), T0, "down"),
            ending,
        ]
    )
    assert channel_deliveries.retries(records) == [], why


def test_no_retry_at_or_past_the_nudges_lateness() -> None:
    late = T0 + timedelta(hours=2) - timedelta(minutes=1)  # a minute's wait reaches `latest`
    records = stored(
        [
            channel_deliveries.sent(ChannelSend(DELIVERY, "phone", 5, late), late),
            channel_deliveries.failed(ChannelSend(DELIVERY, "phone", 5, late), late, "down"),
        ]
    )
    assert channel_deliveries.retries(records) == []


def test_an_attempt_neither_taken_nor_failed_is_in_doubt_and_never_retried() -> None:
    records = stored(
        [
            deliveries.sent(DELIVERY, T0, "console"),
            deliveries.shown(DELIVERY, T0, "console"),
            channel_deliveries.sent(attempt(1, 0), T0),
        ]
    )
    assert channel_deliveries.retries(records) == []
    assert channel_deliveries.in_doubt(records) == [f"{NUDGE.id} on phone"]
    assert deliveries.in_doubt(records) == []  # the backend's showing is confirmed


def test_a_channels_entries_never_confirm_the_backends_showing() -> None:
    records = stored(
        [
            deliveries.sent(DELIVERY, T0, "console"),
            channel_deliveries.sent(attempt(1, 0), T0),
            channel_deliveries.shown(attempt(1, 0), T0),
        ]
    )
    assert deliveries.in_doubt(records) == [NUDGE.id]
    assert channel_deliveries.in_doubt(records) == []


def test_each_attempt_has_its_own_key_and_a_channels_keys_are_not_the_backends() -> None:
    keys = {
        channel_deliveries.sent(attempt(1, 0), T0).key,
        channel_deliveries.sent(attempt(2, 1), T0).key,
        channel_deliveries.sent(attempt(1, 0, "mail"), T0).key,
        deliveries.sent(DELIVERY, T0, "console").key,
        deliveries.expired(DELIVERY, T0).key,
    }
    assert len(keys) == 4  # sent and expired on the backend share theirs, as before
