"""The reach-out nudge of a contact rhythm: literal settings, entries and plans in, nudges out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from nudger.config.core_values import planning_from
from nudger.config.settings import Settings
from nudger.core import deliveries
from nudger.core.answers import answer_entries
from nudger.core.events import EventInstance, Status
from nudger.core.model import Entry, Kind, NewEntry, Who
from nudger.core.nudges import plan
from nudger.core.nudges.nudge import Nudge, NudgeKind
from tests.core.test_nudges import BERLIN, NOW, at, entry, event, settings

WEEKLY = {"default_every": {"partner": "1w"}}
OLD = entry(Kind.MESSAGE, Who.THEM, NOW - timedelta(days=11), key="old")  # 21 May, 14:00 Berlin


def reach_outs(
    config: Settings,
    entries: Sequence[Entry] = (),
    *,
    now: datetime = NOW,
    plans: Sequence[EventInstance] = (),
    ahead: Sequence[EventInstance] = (),
    earlier: Sequence[Entry] = (),
    horizon: timedelta = timedelta(hours=12),
    handled: Sequence[str] = (),
) -> list[Nudge]:
    nudges = plan(
        planning_from(config),
        entries=entries,
        plans=plans,
        handled=set(handled),
        now=now,
        zone=BERLIN,
        horizon=horizon,
        ahead=ahead,
        earlier=earlier,
    )
    return [n for n in nudges if n.kind is NudgeKind.REACH_OUT]


def weekly(**sections: Mapping[str, Any]) -> Settings:
    return settings(rhythm=WEEKLY, **sections)


def test_overdue_gives_one_nudge_for_this_period_saying_how_long_and_who() -> None:
    [nudge] = reach_outs(weekly(), [OLD])
    # Due on 28 May, again on 4 June (each 7 days on): the period of 28 May to 4 June is now.
    assert nudge.id == "reach_out:Alex:2026-05-28"
    assert (nudge.due, nudge.latest) == (at("2026-05-28T16:00"), at("2026-06-04T16:00"))
    assert nudge.title == "Time to reach out to Alex"
    assert nudge.body.startswith(
        "It has been 11 days since your last contact with Alex: a message on Thursday 21 May, "
        "started by Alex."
    )
    assert nudge.actions == ("done", "snooze", "skip")


def test_it_comes_again_at_most_once_a_period_while_still_overdue() -> None:
    week = timedelta(days=7)
    ids = [n.id for n in reach_outs(weekly(), [OLD], horizon=week, handled=["x"])]
    assert ids == ["reach_out:Alex:2026-05-28", "reach_out:Alex:2026-06-04"]
    skipped = reach_outs(weekly(), [OLD], horizon=week, handled=["reach_out:Alex:2026-05-28"])
    assert [n.id for n in skipped] == ["reach_out:Alex:2026-06-04"]


def _plan_of(uid: str) -> list[Entry]:
    return [entry(Kind.PLAN, Who.ME, NOW - timedelta(days=9), key=f"p:{uid}", details={"uid": uid})]


RECENT = NOW - timedelta(days=3)


@pytest.mark.parametrize(
    ("recent", "resets"),
    [
        ([entry(Kind.HAPPENED, Who.UNKNOWN, RECENT, details={"uid": "d1"}), *_plan_of("d1")], True),
        ([entry(Kind.MESSAGE, Who.ME, RECENT)], True),
        ([entry(Kind.MESSAGE, Who.THEM, RECENT, source="import")], True),
        ([entry(Kind.CALL, Who.THEM, RECENT)], True),
        ([entry(Kind.CHECKIN, Who.ME, RECENT)], True),
        ([entry(Kind.GRATITUDE, Who.THEM, RECENT)], True),
        ([entry(Kind.CANCELLED, Who.THEM, RECENT)], False),
        ([entry(Kind.DECLINED, Who.ME, RECENT)], False),
        ([entry(Kind.MISSED, Who.THEM, RECENT)], False),
        ([entry(Kind.PLAN, Who.ME, RECENT)], False),  # proposed, not yet happened
        ([entry(Kind.LOOSE, Who.THEM, RECENT)], False),
        ([entry(Kind.HAPPENED, Who.UNKNOWN, NOW + timedelta(hours=1))], False),  # ahead
        ([replace(entry(Kind.CALL, Who.ME, RECENT), superseded=True)], False),  # retracted
    ],
)
def test_contact_of_each_kind_resets_the_rhythm_and_nothing_else_does(
    recent: list[Entry], resets: bool
) -> None:
    found = reach_outs(weekly(), [OLD, *recent])
    assert bool(found) is not resets


def test_the_counts_setting_says_which_kinds_reset() -> None:
    call = entry(Kind.CALL, Who.ME, RECENT)
    only_messages = settings(rhythm={**WEEKLY, "counts": ["message"]})
    assert reach_outs(only_messages, [OLD, call]) != []
    assert reach_outs(weekly(), [OLD, call]) == []


def test_no_contact_in_the_log_no_rhythm_or_a_removed_person_gives_no_nudge() -> None:
    assert reach_outs(weekly(), []) == []
    assert reach_outs(settings(), [OLD]) == []
    robin = replace(OLD, person="Robin")  # a partner, but no longer tracked
    assert reach_outs(weekly(), [robin]) == []


def test_a_persons_own_rhythm_wins_over_their_kinds() -> None:
    config = weekly()
    config = config.model_copy(
        update={"people": [config.people[0].model_copy(update={"every": timedelta(days=30)})]}
    )
    assert reach_outs(config, [OLD]) == []


def test_contact_older_than_the_entries_read_comes_in_earlier() -> None:
    found = reach_outs(weekly(), [], earlier=[OLD])
    assert [n.id for n in found] == ["reach_out:Alex:2026-05-28"]


def test_an_open_wait_holds_it_and_it_comes_back_after() -> None:
    until = NOW + timedelta(days=1)
    wait = entry(
        Kind.WAIT_STARTED, Who.ME, NOW - timedelta(days=2), details={"until": until.isoformat()}
    )
    assert reach_outs(weekly(), [OLD, wait]) == []
    later = reach_outs(weekly(), [OLD, wait], now=until + timedelta(hours=1))
    assert [n.id for n in later] == ["reach_out:Alex:2026-05-28"]
    not_held = settings(rhythm=WEEKLY, wait={"hold_nudges": False})
    assert reach_outs(not_held, [OLD, wait]) != []


def test_quiet_hours_move_it_to_their_end() -> None:
    quiet = {"quiet_hours": {"enabled": True, "start": "22:00", "end": "08:00"}}
    config = settings(rhythm={**WEEKLY, "time": "23:00"}, notifications=quiet)
    contact = entry(Kind.MESSAGE, Who.THEM, at("2026-05-25T10:00"))  # due Mon 1 June, 23:00
    [nudge] = reach_outs(config, [contact], horizon=timedelta(days=1))
    assert nudge.due == at("2026-06-02T06:00")  # 08:00 in Berlin the next morning


def test_a_plan_ahead_that_is_going_ahead_means_contact_is_coming() -> None:
    weeks_away = event(NOW + timedelta(days=20))
    assert reach_outs(weekly(), [OLD], ahead=[weeks_away]) == []
    assert reach_outs(weekly(), [OLD], plans=[event(NOW + timedelta(hours=3))]) == []
    cancelled = replace(weeks_away, status=Status.CANCELLED)
    assert reach_outs(weekly(), [OLD], ahead=[cancelled]) != []
    with_someone_else = replace(weeks_away, attendees=(), summary="Dentist")
    assert reach_outs(weekly(), [OLD], ahead=[with_someone_else]) != []


def test_when_the_balance_leans_on_me_it_suggests_waiting_instead() -> None:
    mine = [
        entry(Kind.MESSAGE, Who.ME, NOW - timedelta(days=40 + n), key=f"m{n}") for n in range(4)
    ]
    [nudge] = reach_outs(weekly(), [*mine, replace(OLD, who=Who.ME)])
    assert nudge.title == "It has been a while with Alex"
    assert "You started the last 5 in a row with Alex." in nudge.body
    assert "leave the ball in their court" in nudge.body
    assert nudge.actions == ("wait", "skip")


def _stored(new: NewEntry) -> Entry:
    return Entry(1, new.at, new.at, new.person, new.kind, new.who, new.source, new.key, new.details)


def test_a_snoozed_reach_out_comes_back_only_while_contact_is_still_due() -> None:
    [nudge] = reach_outs(weekly(), [OLD])
    snooze = _stored(deliveries.snoozed(nudge, NOW + timedelta(hours=1), NOW, "s1"))
    later = NOW + timedelta(minutes=90)  # back since NOW + 1h, in time until NOW + 2h
    still = deliveries.pending(reach_outs(weekly(), [OLD], now=later), [snooze], later)
    assert [(d.key, d.nudge.id) for d in still] == [(snooze.key, nudge.id)]
    called = entry(Kind.CALL, Who.ME, NOW + timedelta(minutes=30))
    planned = reach_outs(weekly(), [OLD, called], now=later)
    assert deliveries.pending(planned, [snooze], later) == []


def test_done_settles_it_and_logs_no_contact_nobody_said_happened() -> None:
    [nudge] = reach_outs(weekly(), [OLD])
    answered = answer_entries(
        nudge, "done", answer="a1", history=[], now=NOW, snooze=timedelta(hours=1), wait_days=14
    )
    assert [e.kind for e in answered] == [Kind.NUDGE_DONE]
