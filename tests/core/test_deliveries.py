"""What the log remembers about nudges: sent once, expired, snoozed, answered; and the answers'
facts (a check-in, a thank-you, whose idea a plan was, a wait), each logged once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nudger.config.core_values import planning_from
from nudger.config.settings import Settings
from nudger.core import deliveries
from nudger.core.deliveries import Delivery
from nudger.core.events import Attendee, EventInstance, Participation
from nudger.core.model import Entry, Kind, NewEntry, Who
from nudger.core.nudges import plan
from nudger.core.nudges.nudge import NudgeKind
from nudger.core.nudges.waits import wait_until
from nudger.log import queries
from nudger.log.store import Store
from nudger.views import agenda

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # Monday, 14:00 in Berlin
OFF: dict[str, Any] = {
    "gratitude": {"enabled": False},
    "conversation": {"enabled": False},
    "balance": {"alerts": False},
    "dates": {"lead_times": [], "follow_up_missed": False},
    "notifications": {"quiet_hours": {"enabled": False}},
}


def settings(**sections: Any) -> Settings:
    return Settings.model_validate(
        {
            "me": {"emails": ["sam@example.org"], "timezone": "Europe/Berlin"},
            "people": [{"name": "Alex", "kind": "partner", "emails": ["alex@example.org"]}],
            "checkin": {"time": "20:30"},
            **OFF,
            **sections,
        }
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "log.sqlite3") as opened:
        yield opened


def pending(store: Store, config: Settings, now: datetime = NOW) -> list[Delivery]:
    return agenda.pending(store.db, config, now=now, zone=config_zone(config))


def config_zone(config: Settings) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(config.me.timezone)


def checkin_today(store: Store, config: Settings) -> Delivery:
    [found] = [d for d in pending(store, config) if d.key == "checkin:Alex:2026-06-01"]
    return found


def test_a_sent_delivery_is_not_pending_again_and_cannot_be_sent_twice(store: Store) -> None:
    config = settings()
    delivery = checkin_today(store, config)
    assert delivery.nudge.due == datetime(2026, 6, 1, 18, 30, tzinfo=UTC)

    assert store.append(deliveries.sent(delivery, NOW, "console"), now=NOW) is not None
    assert store.append(deliveries.sent(delivery, NOW, "console"), now=NOW) is None
    assert [d.key for d in pending(store, config)] == ["checkin:Alex:2026-06-02"]


def test_sent_without_shown_is_in_doubt(store: Store) -> None:
    delivery = checkin_today(store, settings())
    store.append(deliveries.sent(delivery, NOW, "desktop"), now=NOW)
    records = queries.entries(store.db, kinds=deliveries.KINDS)
    assert deliveries.in_doubt(records) == [delivery.key]

    store.append(deliveries.shown(delivery, NOW, "desktop"), now=NOW)
    assert deliveries.in_doubt(queries.entries(store.db, kinds=deliveries.KINDS)) == []


def test_an_expired_delivery_is_settled_and_never_sent(store: Store) -> None:
    config = settings()
    delivery = checkin_today(store, config)
    store.append(deliveries.expired(delivery, NOW), now=NOW)
    assert store.append(deliveries.sent(delivery, NOW, "console"), now=NOW) is None
    assert "checkin:Alex:2026-06-01" not in {d.key for d in pending(store, config)}


def test_snooze_brings_a_shown_nudge_back_once(store: Store) -> None:
    config = settings()
    evening = datetime(2026, 6, 1, 18, 30, tzinfo=UTC)
    delivery = checkin_today(store, config)
    store.append(deliveries.sent(delivery, evening, "desktop"), now=evening)

    added = agenda.record_answer(store, delivery, "snooze", config, now=evening)
    again = agenda.record_answer(store, delivery, "snooze", config, now=evening)

    assert (added, again) == (1, 0)
    [back] = [d for d in pending(store, config, evening) if d.nudge.id == delivery.nudge.id]
    assert back.key != delivery.key
    assert back.nudge.due == evening + timedelta(hours=1)  # notifications.snooze
    store.append(deliveries.sent(back, back.nudge.due, "desktop"), now=back.nudge.due)
    later = back.nudge.due + timedelta(minutes=1)
    assert delivery.nudge.id not in {d.nudge.id for d in pending(store, config, later)}


def test_a_snooze_outlives_the_nudges_own_lateness(store: Store) -> None:
    """A check-in snoozed at 23:30 for an hour still comes, after its day has ended."""
    config = settings()
    late = datetime(2026, 6, 1, 21, 30, tzinfo=UTC)  # 23:30 in Berlin
    delivery = checkin_today(store, config)
    agenda.record_answer(store, delivery, "snooze", config, now=late)
    after_midnight = late + timedelta(hours=1, minutes=5)
    found = [d for d in pending(store, config, after_midnight) if d.nudge.id == delivery.nudge.id]
    assert [d.nudge.due for d in found] == [late + timedelta(hours=1)]


def test_done_on_a_checkin_logs_it_started_by_whose_turn_it_was(store: Store) -> None:
    config = settings()
    store.append(
        NewEntry(NOW - timedelta(days=1), Kind.CHECKIN, Who.ME, "manual", "c1", "Alex"), now=NOW
    )
    delivery = checkin_today(store, config)
    assert "Alex's turn" in delivery.nudge.body

    assert agenda.record_answer(store, delivery, "done", config, now=NOW) == 2
    assert agenda.record_answer(store, delivery, "done", config, now=NOW) == 0

    checkins = queries.entries(store.db, kinds=[Kind.CHECKIN])
    assert [(e.who, e.source) for e in checkins] == [(Who.ME, "manual"), (Who.THEM, "nudger")]
    assert delivery.nudge.id not in {d.nudge.id for d in pending(store, config)}


def test_done_on_a_gratitude_moment_logs_a_thank_you_from_me(store: Store) -> None:
    config = settings(gratitude={"per_week": 3})
    [moment, *_] = [d for d in pending(store, config) if d.nudge.kind is NudgeKind.GRATITUDE]
    agenda.record_answer(store, moment, "done", config, now=NOW)
    [thanks] = queries.entries(store.db, kinds=[Kind.GRATITUDE])
    assert (thanks.who, thanks.person) == (Who.ME, "Alex")


def test_an_action_the_nudge_does_not_offer_is_refused(store: Store) -> None:
    from nudger.errors import UsageError

    config = settings()
    with pytest.raises(UsageError, match="does not take 'me'"):
        agenda.record_answer(store, checkin_today(store, config), "me", config, now=NOW)
    assert queries.entries(store.db) == []


DINNER_OF_UNKNOWN_IDEA = NewEntry(
    NOW - timedelta(hours=1),
    Kind.PLAN,
    Who.UNKNOWN,
    "calendar:home",
    "plan:home:d1",
    "Alex",
    {"uid": "d1", "summary": "Dinner", "start": (NOW + timedelta(days=2)).isoformat()},
)


def test_who_suggested_answers_correct_the_plan_that_stands(store: Store) -> None:
    """ "Them" replaces the plan entry; a later "me" replaces that correction in turn."""
    config = settings(dates={"lead_times": [], "ask_who_initiated": True})
    store.append(DINNER_OF_UNKNOWN_IDEA, now=NOW)
    [ask] = [d for d in pending(store, config) if d.nudge.kind is NudgeKind.WHO_SUGGESTED]

    agenda.record_answer(store, ask, "them", config, now=NOW)
    agenda.record_answer(store, Delivery(ask.key + ":again", ask.nudge), "me", config, now=NOW)

    plans = queries.entries(store.db, kinds=[Kind.PLAN])
    standing = [e for e in plans if not e.superseded]
    assert [e.who for e in plans] == [Who.UNKNOWN, Who.THEM, Who.ME]
    assert [(e.who, e.details["was"]) for e in standing] == [(Who.ME, "them")]


def test_a_who_suggested_nudge_held_by_quiet_hours_still_corrects_its_plan(store: Store) -> None:
    """Moving a nudge out of quiet hours kept its id but lost what it is about, so the answer
    found no plan to correct."""
    config = settings(
        dates={"lead_times": [], "ask_who_initiated": True},
        notifications={"quiet_hours": {"enabled": True, "start": "12:00", "end": "16:00"}},
    )
    store.append(DINNER_OF_UNKNOWN_IDEA, now=NOW)
    [ask] = [d for d in pending(store, config) if d.nudge.kind is NudgeKind.WHO_SUGGESTED]
    assert ask.nudge.due == NOW + timedelta(hours=2)  # 16:00 in Berlin, the end of quiet hours

    agenda.record_answer(store, ask, "them", config, now=NOW)

    standing = [e for e in queries.entries(store.db, kinds=[Kind.PLAN]) if not e.superseded]
    assert [e.who for e in standing] == [Who.THEM]


def test_wait_answer_starts_a_wait_of_the_configured_length(store: Store) -> None:
    config = settings(balance={"alerts": True, "streak": 3}, wait={"days": 10})
    for day in range(3):
        at = NOW - timedelta(days=day + 1)
        store.append(NewEntry(at, Kind.MESSAGE, Who.ME, "manual", f"m{day}", "Alex"), now=NOW)
    [alert] = [d for d in pending(store, config) if d.nudge.kind is NudgeKind.BALANCE_ALERT]

    agenda.record_answer(store, alert, "wait", config, now=NOW)

    waits = queries.entries(store.db, kinds=[Kind.WAIT_STARTED])
    assert wait_until(waits, "Alex", NOW) == NOW + timedelta(days=10)
    kinds = {d.nudge.kind for d in pending(store, config)}
    assert NudgeKind.BALANCE_ALERT not in kinds


def test_a_reminder_logged_before_its_id_held_the_start_still_settles_it() -> None:
    """Reminder ids gained the plan's start; the log's records of reminders shown before that
    settle the reminder they were, so an upgrade shows none twice (and a moved one anew)."""
    start = NOW + timedelta(hours=20)
    guest = Attendee("alex@example.org", Participation.ACCEPTED)
    dinner = EventInstance(
        "d1", None, start, start + timedelta(hours=2), "Dinner", "home", "home",
        organizer="sam@example.org", attendees=(guest,),
    )  # fmt: skip
    planning = planning_from(
        settings(checkin={"enabled": False}, dates={"lead_times": ["1d", "2h"]})
    )

    def reminders(*plans: EventInstance) -> list[Any]:
        return plan(planning, entries=[], plans=plans, handled=(), now=NOW, zone=UTC)

    planned = reminders(dinner)
    legacy = replace(planned[0], id="before_date:Alex:d1:single:1d")  # as logged back then
    details = {"nudge": legacy.to_json(), "delivery": legacy.id}
    shown = Entry(1, NOW, NOW, "Alex", Kind.NUDGE_SENT, Who.ME, "nudger", "k", details)
    at_start = f"@{start:%Y%m%dT%H%M%SZ}"
    assert deliveries.handled([shown]) == {legacy.id, legacy.id + at_start}
    assert [d.key for d in deliveries.pending(planned, [shown], NOW)] == [
        "before_date:Alex:d1:single:2h" + at_start
    ]
    later = start + timedelta(days=1)
    moved = replace(dinner, start=later, end=later + timedelta(hours=2))
    assert len(deliveries.pending(reminders(moved), [shown], NOW)) == 2  # the new day's two
