"""Contact rhythms, pure: the last contact, the days since it in the user's zone, due or overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nudger.core.model import Entry, Kind, Who
from nudger.core.rhythm import (
    DEFAULT_COUNTS,
    Contact,
    contact_kinds,
    drift_of,
    last_contact,
    most_overdue,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
WEEK = timedelta(weeks=1)
KINDS = contact_kinds(DEFAULT_COUNTS)


def entry(kind: str, who: Who, at: datetime, **details: str) -> Entry:
    return Entry(0, at, at, "Alex", kind, who, "manual", f"{kind}:{at.isoformat()}", details)


def local(zone: ZoneInfo, *parts: int) -> datetime:
    year, month, day, hour, minute = parts
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


@pytest.mark.parametrize(
    ("zone", "contact_at", "now", "days_since", "status"),
    [
        # Berlin springs forward on 29 March 2026: 6 days 23h40m have passed, but it is the
        # 7th calendar day, so a weekly rhythm is due today.
        (BERLIN, (2026, 3, 28, 0, 30), (2026, 4, 4, 1, 10), 7, "due today"),
        (BERLIN, (2026, 3, 28, 0, 30), (2026, 4, 3, 23, 59), 6, "due in 1d"),
        # Berlin falls back on 25 October 2026: 7 days and an hour, still the 7th day.
        (BERLIN, (2026, 10, 24, 23, 30), (2026, 10, 31, 23, 59), 7, "due today"),
        (BERLIN, (2026, 10, 24, 23, 30), (2026, 11, 3, 8, 0), 10, "overdue 3d"),
        # New York falls back on 1 November 2026: exactly 7×24 hours later it is still the
        # 6th day locally (and the UTC dates would say 7).
        (NEW_YORK, (2026, 11, 1, 0, 30), (2026, 11, 7, 23, 30), 6, "due in 1d"),
        # New York springs forward on 8 March 2026.
        (NEW_YORK, (2026, 3, 7, 23, 0), (2026, 3, 14, 0, 30), 7, "due today"),
        (NEW_YORK, (2026, 3, 7, 23, 0), (2026, 3, 20, 0, 30), 13, "overdue 6d"),
    ],
)
def test_days_since_and_due_are_local_calendar_days_across_dst(
    zone: ZoneInfo,
    contact_at: tuple[int, ...],
    now: tuple[int, ...],
    days_since: int,
    status: str,
) -> None:
    last = Contact(local(zone, *contact_at), Kind.MESSAGE, Who.THEM)
    drift = drift_of("Alex", WEEK, last, local(zone, *now), zone)
    assert (drift.days_since, drift.status()) == (days_since, status)


def test_without_contact_or_without_rhythm_nothing_is_claimed() -> None:
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    never = drift_of("Alex", WEEK, None, now, BERLIN)
    assert (never.days_since, never.due_in, never.due, never.status()) == (
        None,
        None,
        False,
        "no contact logged",
    )
    free = drift_of("Alex", None, Contact(now, Kind.CALL, Who.ME), now, BERLIN)
    assert (free.days_since, free.due_in, free.status()) == (0, None, "")


def test_a_plan_that_happened_is_credited_to_whoever_proposed_it() -> None:
    proposed = entry(Kind.PLAN, Who.THEM, datetime(2026, 5, 1, tzinfo=UTC), uid="d1")
    happened = entry(Kind.HAPPENED, Who.UNKNOWN, datetime(2026, 5, 9, tzinfo=UTC), uid="d1")
    found = last_contact([happened, proposed], KINDS, datetime(2026, 6, 1, tzinfo=UTC))
    assert found == Contact(happened.at, Kind.HAPPENED, Who.THEM)


def test_the_counts_setting_picks_the_kinds() -> None:
    call = entry(Kind.CALL, Who.ME, datetime(2026, 5, 20, tzinfo=UTC))
    message = entry(Kind.MESSAGE, Who.THEM, datetime(2026, 5, 10, tzinfo=UTC))
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert last_contact([call, message], contact_kinds(["message"]), now) == Contact(
        message.at, Kind.MESSAGE, Who.THEM
    )
    assert last_contact([call, message], contact_kinds(["plan"]), now) is None


def test_most_overdue_first_and_only_the_due() -> None:
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)

    def ago(days: int) -> Contact:
        return Contact(now - timedelta(days=days), Kind.MESSAGE, Who.ME)

    drifts = [
        drift_of("Kim", WEEK, ago(9), now, BERLIN),
        drift_of("Alex", WEEK, ago(20), now, BERLIN),
        drift_of("Robin", WEEK, ago(2), now, BERLIN),
        drift_of("Jo", WEEK, ago(7), now, BERLIN),
        drift_of("Lee", WEEK, None, now, BERLIN),
    ]
    assert [(d.person, d.overdue) for d in most_overdue(drifts)] == [
        ("Alex", 13),
        ("Kim", 2),
        ("Jo", 0),
    ]
