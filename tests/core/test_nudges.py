"""Nudge planning, rule by rule: literal settings, entries and plans in, nudges out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from nudger.config.core_values import planning_from
from nudger.config.settings import Settings
from nudger.core.events import Attendee, EventInstance, Participation, Status
from nudger.core.model import Entry, Kind, Who
from nudger.core.nudges import plan
from nudger.core.nudges.nudge import Nudge, NudgeKind

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ME = "sam@example.org"
ALEX = "alex@example.org"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # a Monday, 14:00 in Berlin

# Every rule off and no quiet hours: each test switches on what it checks.
QUIET = {"notifications": {"quiet_hours": {"enabled": True}}}
BASE: dict[str, dict[str, Any]] = {
    "checkin": {"enabled": False},
    "gratitude": {"enabled": False},
    "conversation": {"enabled": False},
    "balance": {"alerts": False},
    "dates": {"lead_times": [], "follow_up_missed": False, "ask_who_initiated": False},
    "notifications": {"quiet_hours": {"enabled": False}},
}


def settings(**sections: Mapping[str, Any]) -> Settings:
    document: dict[str, Any] = {
        "me": {"emails": [ME], "timezone": "Europe/Berlin"},
        "people": [
            {"name": "Alex", "kind": "partner", "emails": [ALEX]},
            {"name": "Kim", "kind": "friend", "emails": ["kim@example.org"]},
            {"name": "Robin", "kind": "partner", "removed": "2026-01-01"},
        ],
    }
    for name in {*BASE, *sections}:
        document[name] = {**BASE.get(name, {}), **sections.get(name, {})}
    return Settings.model_validate(document)


def entry(
    kind: str,
    who: Who,
    at: datetime,
    *,
    person: str = "Alex",
    key: str | None = None,
    source: str = "manual",
    details: Mapping[str, Any] | None = None,
) -> Entry:
    return Entry(
        id=0,
        at=at,
        recorded_at=at,
        person=person,
        kind=kind,
        who=who,
        source=source,
        key=key or f"{kind}:{person}:{at.isoformat()}",
        details=details or {},
    )


def event(start: datetime, **changes: Any) -> EventInstance:
    base = EventInstance(
        uid="d1",
        recurrence_id=None,
        start=start,
        end=start + timedelta(hours=2),
        summary="Dinner",
        source="home",
        calendar="home",
        organizer=ME,
        attendees=(Attendee(ALEX, Participation.ACCEPTED),),
    )
    return replace(base, **changes)


def run(
    config: Settings,
    *,
    now: datetime = NOW,
    entries: Sequence[Entry] = (),
    plans: Sequence[EventInstance] = (),
    handled: Sequence[str] = (),
    zone: tzinfo = BERLIN,
    horizon: timedelta = timedelta(days=7),
) -> list[Nudge]:
    return plan(
        planning_from(config),
        entries=entries,
        plans=plans,
        handled=set(handled),
        now=now,
        zone=zone,
        horizon=horizon,
    )


def ids(nudges: Sequence[Nudge], kind: NudgeKind | None = None) -> list[str]:
    return [n.id for n in nudges if kind is None or n.kind is kind]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- check-in ---------------------------------------------------------------------------------

CHECKIN = {"enabled": True, "time": "20:30"}


def test_checkin_daily_per_partner_until_the_horizon() -> None:
    nudges = run(settings(checkin=CHECKIN), horizon=timedelta(days=2))
    # Yesterday's expired at local midnight; Kim is a friend and Robin was removed.
    assert ids(nudges) == ["checkin:Alex:2026-06-01", "checkin:Alex:2026-06-02"]
    first = nudges[0]
    assert first.due == at("2026-06-01T18:30")  # 20:30 summer time in Berlin
    assert first.latest == at("2026-06-01T22:00")  # the end of that local day
    assert first.actions == ("done", "snooze", "skip")


def test_checkin_is_skipped_on_a_day_one_is_logged() -> None:
    logged = [entry(Kind.CHECKIN, Who.THEM, at("2026-06-01T06:00"))]
    nudges = run(settings(checkin=CHECKIN), entries=logged, horizon=timedelta(days=2))
    assert ids(nudges) == ["checkin:Alex:2026-06-02"]


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (None, "It's your turn to start"),
        (Who.THEM, "It's your turn to start"),
        (Who.UNKNOWN, "It's your turn to start"),
        (Who.ME, "It's Alex's turn to start; you started the last one."),
    ],
)
def test_checkin_says_whose_turn_it_is(last: Who | None, expected: str) -> None:
    logged = [] if last is None else [entry(Kind.CHECKIN, last, at("2026-05-30T18:00"))]
    nudges = run(settings(checkin=CHECKIN), entries=logged, horizon=timedelta(hours=8))
    assert len(nudges) == 1
    assert expected in nudges[0].body


def test_checkin_only_on_its_days() -> None:
    nudges = run(settings(checkin={**CHECKIN, "days": ["tue", "sun"]}))
    assert ids(nudges) == ["checkin:Alex:2026-06-02", "checkin:Alex:2026-06-07"]


@pytest.mark.parametrize(
    ("now", "listed"),
    [
        (at("2026-06-01T21:59"), True),  # late, but still that evening
        (at("2026-06-01T22:00"), False),  # midnight in Berlin: expired
    ],
)
def test_checkin_lateness_ends_with_its_day(now: datetime, listed: bool) -> None:
    nudges = run(settings(checkin=CHECKIN), now=now, horizon=timedelta(hours=1))
    assert ("checkin:Alex:2026-06-01" in ids(nudges)) is listed


def test_checkin_on_the_spring_forward_day_comes_once_just_after_the_jump() -> None:
    config = settings(checkin={**CHECKIN, "time": "02:30"})
    nudges = run(config, now=at("2026-03-28T12:00"), horizon=timedelta(days=3))
    on_the_day = [n for n in nudges if n.id == "checkin:Alex:2026-03-29"]
    assert len(on_the_day) == 1
    # 02:30 does not exist that night; it lands at 01:30 UTC, 03:30 summer time.
    assert on_the_day[0].due == at("2026-03-29T01:30")
    assert on_the_day[0].due.astimezone(BERLIN).time() == time(3, 30)
    local_days = [n.due.astimezone(BERLIN).date().isoformat() for n in nudges]
    # Today's (late, still within its day) and one a day after: none twice.
    assert local_days == ["2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31"]


def test_checkin_on_the_fall_back_day_comes_once_at_the_first_occurrence() -> None:
    config = settings(checkin={**CHECKIN, "time": "01:30"})
    nudges = run(config, now=at("2026-10-31T12:00"), zone=NEW_YORK, horizon=timedelta(days=2))
    on_the_day = [n for n in nudges if n.id == "checkin:Alex:2026-11-01"]
    assert len(on_the_day) == 1
    assert on_the_day[0].due == at("2026-11-01T05:30")  # 01:30 EDT, before the clocks go back
    assert len(ids(nudges)) == len(set(ids(nudges)))


# --- quiet hours and handled ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "due"),
    [
        ("07:00", at("2026-06-02T06:00")),  # moved to 08:00 local, the end of quiet hours
        ("12:00", at("2026-06-02T10:00")),  # outside quiet hours: untouched
        ("23:00", None),  # would move to tomorrow 08:00, past the day's end: dropped
    ],
)
def test_quiet_hours_move_or_drop(clock: str, due: datetime | None) -> None:
    config = settings(
        checkin={**CHECKIN, "time": clock, "days": ["tue"]},
        notifications={"quiet_hours": {"enabled": True, "start": "22:00", "end": "08:00"}},
    )
    nudges = run(config)
    assert [n.due for n in nudges] == ([] if due is None else [due])


def test_handled_ids_are_left_out_and_ids_are_deterministic() -> None:
    config = settings(checkin=CHECKIN)
    first, again = run(config), run(config)
    assert first == again
    rest = run(config, handled=["checkin:Alex:2026-06-01"])
    assert ids(rest) == ids(first)[1:]


# --- gratitude --------------------------------------------------------------------------------

GRATITUDE = {"enabled": True, "per_week": 3, "after_date": False}
WEEK_23 = at("2026-05-31T22:00")  # Monday 2026-06-01 00:00 in Berlin


def moments(nudges: Sequence[Nudge]) -> dict[str, datetime]:
    return {n.id: n.due for n in nudges if n.kind is NudgeKind.GRATITUDE}


def test_gratitude_draw_is_reproducible_within_a_week() -> None:
    config = settings(gratitude=GRATITUDE)
    drawn = moments(run(config, now=WEEK_23))
    assert sorted(drawn) == [f"gratitude:Alex:2026-W23-{n}" for n in (1, 2, 3)]
    assert moments(run(config, now=WEEK_23)) == drawn
    # Later in the week (a restart) the moments still ahead keep their times.
    later = WEEK_23 + timedelta(days=3)
    again = moments(run(config, now=later, horizon=timedelta(days=4)))
    assert {k: v for k, v in again.items() if "W23" in k} == {
        k: v for k, v in drawn.items() if v + timedelta(hours=3) > later
    }
    days = {due.astimezone(BERLIN).date() for due in drawn.values()}
    assert len(days) == 3  # spread over the week
    for due in drawn.values():
        assert time(10, 0) <= due.astimezone(BERLIN).time() <= time(20, 0)


def test_gratitude_differs_from_week_to_week() -> None:
    config = settings(gratitude=GRATITUDE)

    def week_offsets(monday: datetime) -> set[timedelta]:
        drawn = moments(run(config, now=monday, horizon=timedelta(days=6, hours=23)))
        return {due - monday for due in drawn.values()}

    assert week_offsets(WEEK_23) != week_offsets(WEEK_23 + timedelta(weeks=1))


def test_gratitude_avoids_plans_and_moves_only_the_moment_that_collides() -> None:
    config = settings(gratitude=GRATITUDE)
    drawn = moments(run(config, now=WEEK_23))
    hit, due = sorted(drawn.items())[0]
    busy = event(due - timedelta(hours=1), summary="Dentist", attendees=(), organizer=ME)
    moved = moments(run(config, now=WEEK_23, plans=[busy]))
    assert moved[hit] != due
    assert not busy.start <= moved[hit] < busy.end
    assert {k: v for k, v in moved.items() if k != hit} == {
        k: v for k, v in drawn.items() if k != hit
    }


def test_gratitude_is_never_in_quiet_hours() -> None:
    config = settings(
        gratitude={**GRATITUDE, "per_week": 7, "earliest": "06:00", "latest": "23:30"},
        notifications={"quiet_hours": {"enabled": True, "start": "22:00", "end": "08:00"}},
    )
    for week in range(10):
        for due in moments(run(config, now=WEEK_23 + timedelta(weeks=week))).values():
            assert time(8, 0) <= due.astimezone(BERLIN).time() < time(22, 0)


def test_gratitude_the_morning_after_a_date() -> None:
    config = settings(gratitude={"enabled": True, "per_week": 0})
    date_night = event(at("2026-06-01T17:00"))  # ends 21:00 in Berlin
    nudges = run(config, now=at("2026-06-01T22:00"), plans=[date_night])
    assert ids(nudges) == ["gratitude_after_date:Alex:2026-06-02"]
    assert nudges[0].due == at("2026-06-02T07:00")  # 09:00 local
    assert nudges[0].body == "Tell Alex one thing you appreciated about yesterday's Dinner."
    cancelled = replace(date_night, status=Status.CANCELLED)
    declined = replace(date_night, attendees=(Attendee(ALEX, Participation.DECLINED),))
    for lost in (cancelled, declined):
        assert run(config, now=at("2026-06-01T22:00"), plans=[lost]) == []


# --- monthly conversation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "listed"),
    [
        (at("2026-06-01T12:00"), True),  # ahead: the first Sunday is June 7
        (at("2026-06-12T12:00"), True),  # five days late: still worth having
        (at("2026-06-14T17:00"), False),  # a week late: expired
    ],
)
def test_conversation_first_sunday_and_comes_late(now: datetime, listed: bool) -> None:
    config = settings(conversation={"enabled": True})
    nudges = run(config, now=now)
    june = [n for n in nudges if n.id == "conversation:Alex:2026-06"]
    assert bool(june) is listed
    if june:
        assert june[0].due == at("2026-06-07T17:00")  # Sunday 19:00 in Berlin


def test_conversation_on_the_last_weekday_of_the_month() -> None:
    config = settings(conversation={"enabled": True, "week": -1, "weekday": "sat"})
    nudges = run(config, now=at("2026-06-20T12:00"), horizon=timedelta(days=10))
    assert [(n.id, n.due) for n in nudges] == [
        ("conversation:Alex:2026-06", at("2026-06-27T17:00"))
    ]


# --- before a date ----------------------------------------------------------------------------

LEADS = {"lead_times": ["1d", "2h"]}
DINNER = event(at("2026-06-03T18:00"))


def test_one_nudge_per_lead_time_with_context() -> None:
    history = [entry(Kind.PLAN, Who.THEM, at("2026-04-01T10:00"), details={"uid": "x"})] + [
        entry(Kind.PLAN, Who.ME, at(f"2026-05-0{n}T10:00"), details={"uid": f"p{n}"})
        for n in range(1, 4)
    ]
    history.append(entry(Kind.PLAN, Who.ME, at("2026-05-20T10:00"), details={"uid": "d1"}))
    nudges = run(settings(dates=LEADS), entries=history, plans=[DINNER])
    assert [(n.id, n.due, n.latest) for n in nudges] == [
        ("before_date:Alex:d1:single:1d@20260603T180000Z", at("2026-06-02T18:00"), DINNER.start),
        ("before_date:Alex:d1:single:2h@20260603T180000Z", at("2026-06-03T16:00"), DINNER.start),
    ]
    assert nudges[0].title == "Coming up: Dinner with Alex"  # it never named the person
    assert nudges[0].body == (
        "Dinner with Alex is on Wednesday 3 June at 20:00. You suggested it. "
        "You started the last 4 plans."
    )


def test_a_reminder_names_the_person_once_and_an_all_day_plan_has_no_time() -> None:
    named = replace(DINNER, summary="Dinner with Alex")
    all_day = replace(DINNER, uid="d2", start=at("2026-06-03T22:00"), all_day=True)
    nudges = run(settings(dates={"lead_times": ["2d"]}), plans=[named, all_day])
    assert [(n.title, n.body) for n in nudges] == [
        ("Coming up: Dinner with Alex", "Dinner with Alex is on Wednesday 3 June at 20:00."),
        ("Coming up: Dinner with Alex", "Dinner with Alex is on Thursday 4 June."),
    ]


def test_a_moved_plans_reminder_is_another_nudge_for_the_new_day() -> None:
    old = [n.id for n in run(settings(dates=LEADS), plans=[DINNER])]
    moved = replace(DINNER, start=at("2026-06-05T18:00"), end=at("2026-06-05T20:00"))
    nudges = run(settings(dates=LEADS), plans=[moved], handled=old)
    assert [n.id for n in nudges] == [
        "before_date:Alex:d1:single:1d@20260605T180000Z",
        "before_date:Alex:d1:single:2h@20260605T180000Z",
    ]
    assert all("on Friday 5 June at 20:00" in n.body for n in nudges)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at("2026-06-03T17:00"), 2),  # both still before the start
        (at("2026-06-03T18:00"), 0),  # the plan has begun: dropped
    ],
)
def test_before_date_is_dropped_once_the_plan_began(now: datetime, expected: int) -> None:
    assert len(run(settings(dates=LEADS), now=now, plans=[DINNER])) == expected


@pytest.mark.parametrize(
    "plan_change",
    [
        {"status": Status.CANCELLED},
        {"attendees": (Attendee(ALEX, Participation.DECLINED),)},
        {"attendees": (Attendee(ME, Participation.DECLINED, is_self=True),)},
        {"attendees": (), "summary": "Lunch", "organizer": "boss@example.org"},  # nobody tracked
    ],
)
def test_no_before_date_for_plans_not_going_ahead(plan_change: dict[str, Any]) -> None:
    assert run(settings(dates=LEADS), plans=[replace(DINNER, **plan_change)]) == []


@pytest.mark.parametrize(
    ("local_start", "lead", "due"),
    [
        ("09:00", "2h", at("2026-06-02T06:00")),  # 07:00 is quiet: moved to 08:00
        ("08:00", "2h", None),  # moved to 08:00, the start itself: dropped
        ("12:00", "2h", at("2026-06-02T08:00")),  # 10:00 local: untouched
    ],
)
def test_before_date_in_quiet_hours(local_start: str, lead: str, due: datetime | None) -> None:
    config = settings(
        dates={"lead_times": [lead]},
        notifications={"quiet_hours": {"enabled": True}},
    )
    start = datetime.fromisoformat(f"2026-06-02T{local_start}").replace(tzinfo=BERLIN)
    nudges = run(config, plans=[event(start.astimezone(UTC))])
    assert [n.due for n in nudges] == ([] if due is None else [due])


# --- balance alerts and waits -----------------------------------------------------------------

NOW_WED = at("2026-06-03T12:00")
ONE_SIDED = [entry(Kind.PLAN, Who.THEM, at("2026-04-01T10:00"))] + [
    entry(kind, Who.ME, at(f"2026-05-{day}T10:00"))
    for kind, day in [(Kind.PLAN, 10), (Kind.MESSAGE, 15), (Kind.CALL, 20), (Kind.PLAN, 25)]
]
ONE_SIDED.append(entry(Kind.MESSAGE, Who.ME, at("2026-06-02T10:00")))
ALERTS = {"balance": {"alerts": True, "streak": 8}}


def test_balance_alert_when_one_sided() -> None:
    nudges = run(settings(**ALERTS), now=NOW_WED, entries=ONE_SIDED)
    assert [(n.id, n.due, n.actions) for n in nudges] == [
        ("balance_alert:Alex:2026-W23", at("2026-06-02T10:00"), ("wait", "skip"))
    ]
    assert nudges[0].latest == at("2026-06-07T22:00")  # the end of the ISO week in Berlin
    assert "5 of the last 6" in nudges[0].body
    assert "ball in their court" in nudges[0].body


def test_balance_alert_for_a_streak_alone() -> None:
    history = [entry(Kind.CALL, Who.THEM, at(f"2026-05-0{n}T10:00")) for n in range(1, 7)]
    history += [entry(Kind.MESSAGE, Who.ME, at(f"2026-05-2{n}T10:00")) for n in range(1, 5)]
    config = settings(balance={"alerts": True, "streak": 4})
    nudges = run(config, now=NOW_WED, entries=history)
    assert ids(nudges) == ["balance_alert:Alex:2026-W23"]
    assert "last 4 in a row" in nudges[0].body
    assert nudges[0].due == at("2026-05-31T22:00")  # the week's start, in Berlin


def test_no_balance_alert_while_most_initiations_are_of_unknown_side() -> None:
    """`balance` says "not enough data" then, so the alert does not advise on it either."""
    unknowns = [entry(Kind.PLAN, Who.UNKNOWN, at(f"2026-05-1{n}T09:00")) for n in range(7)]
    assert run(settings(**ALERTS), now=NOW_WED, entries=[*ONE_SIDED, *unknowns]) == []
    few = unknowns[:6]  # as many as the known ones: the one-sided verdict stands
    assert ids(run(settings(**ALERTS), now=NOW_WED, entries=[*ONE_SIDED, *few])) == [
        "balance_alert:Alex:2026-W23"
    ]


def test_no_balance_alert_when_balanced_or_handled() -> None:
    balanced = [
        entry(Kind.PLAN, w, at(f"2026-05-1{n}T10:00")) for n, w in enumerate([Who.ME, Who.THEM] * 3)
    ]
    assert run(settings(**ALERTS), now=NOW_WED, entries=balanced) == []
    handled = ["balance_alert:Alex:2026-W23"]
    assert run(settings(**ALERTS), now=NOW_WED, entries=ONE_SIDED, handled=handled) == []


def wait(start: datetime, days: int, person: str = "Alex") -> Entry:
    until = (start + timedelta(days=days)).isoformat()
    return entry(Kind.WAIT_STARTED, Who.ME, start, person=person, details={"until": until})


WAIT = wait(at("2026-06-01T10:00"), 14)


def test_a_wait_holds_balance_alerts_and_my_checkins() -> None:
    config = settings(checkin=CHECKIN, **ALERTS)
    nudges = run(config, now=NOW_WED, entries=[*ONE_SIDED, WAIT])
    assert ids(nudges) == []
    # Without hold_nudges only the balance alert is held.
    lenient = settings(checkin=CHECKIN, wait={"hold_nudges": False}, **ALERTS)
    nudges = run(lenient, now=NOW_WED, entries=[*ONE_SIDED, WAIT])
    assert ids(nudges, NudgeKind.CHECKIN)
    assert not ids(nudges, NudgeKind.BALANCE_ALERT)


def test_a_checkin_where_it_is_their_turn_still_comes_during_a_wait() -> None:
    mine = entry(Kind.CHECKIN, Who.ME, at("2026-06-02T18:00"))
    nudges = run(settings(checkin=CHECKIN), now=NOW_WED, entries=[WAIT, mine])
    assert ids(nudges)
    assert all("Alex's turn" in n.body for n in nudges)


def test_a_wait_reports_them_stepping_up() -> None:
    reply = entry(Kind.MESSAGE, Who.THEM, at("2026-06-05T09:00"), key="m1")
    nudges = run(settings(), now=at("2026-06-10T12:00"), entries=[WAIT, reply])
    assert [(n.id, n.due) for n in nudges] == [
        ("wait_report:Alex:20260601T100000Z", at("2026-06-15T10:00")),
    ]
    assert "started 1 thing during your 14-day wait: they stepped up" in nudges[0].body
    # Seen while it was fresh, the reply gets its own nudge.
    nudges = run(settings(), now=at("2026-06-05T10:00"), entries=[WAIT, reply])
    assert ids(nudges, NudgeKind.THEY_INITIATED) == ["they_initiated:Alex:m1"]
    assert "sent you a message" in nudges[0].body


def test_a_wait_ended_early_reports_then_and_nothing_from_them_is_noticed() -> None:
    ended = entry(Kind.WAIT_ENDED, Who.ME, at("2026-06-08T10:00"))
    before = entry(Kind.CALL, Who.THEM, at("2026-05-30T10:00"))  # before the wait: not counted
    nudges = run(settings(), now=at("2026-06-08T11:00"), entries=[WAIT, ended, before])
    assert [(n.id, n.due) for n in nudges] == [
        ("wait_report:Alex:20260601T100000Z", at("2026-06-08T10:00")),
    ]
    assert "did not start anything during your 7-day wait" in nudges[0].body


def test_after_a_wait_checkins_resume() -> None:
    short = wait(at("2026-06-01T10:00"), 2)
    nudges = run(settings(checkin=CHECKIN), now=NOW_WED, entries=[short], horizon=timedelta(1))
    assert ids(nudges, NudgeKind.CHECKIN) == ["checkin:Alex:2026-06-03"]


# --- missed plans and "who suggested it?" -----------------------------------------------------

PLAN = {
    "uid": "u1",
    "occurrence": "single",
    "summary": "Dinner",
    "start": "2026-05-15T17:00:00+00:00",
}
MISSED = entry(Kind.MISSED, Who.THEM, at("2026-05-29T17:00"), key="u1:missed", details=PLAN)


@pytest.mark.parametrize(
    ("called_off", "body"),
    [
        (Who.THEM, "Alex cancelled Dinner on Friday 15 May and hasn't suggested another time."),
        (
            Who.ME,
            "You cancelled Dinner with Alex on Friday 15 May. "
            "Suggest another time when you're ready.",
        ),
        (None, "Dinner with Alex on Friday 15 May was called off and nothing has replaced it yet."),
    ],
)
def test_missed_plan_follow_up(called_off: Who | None, body: str) -> None:
    history = [MISSED]
    if called_off is not None:
        history.append(entry(Kind.CANCELLED, called_off, at("2026-05-14T09:00"), details=PLAN))
    config = settings(dates={"follow_up_missed": True})
    nudges = run(config, now=at("2026-05-30T12:00"), entries=history)
    assert [(n.id, n.body, n.actions) for n in nudges] == [
        ("missed_follow_up:Alex:u1:missed", body, ("done", "skip"))
    ]


def test_no_follow_up_once_replaced_or_when_switched_off() -> None:
    later = entry(Kind.PLAN, Who.THEM, at("2026-05-30T08:00"))
    on = settings(dates={"follow_up_missed": True})
    assert run(on, now=at("2026-05-30T12:00"), entries=[MISSED, later]) == []
    assert run(settings(), now=at("2026-05-30T12:00"), entries=[MISSED]) == []


def calendar_plan(who: Who, start: str, source: str = "calendar:home") -> Entry:
    details = {"uid": "c1", "summary": "Dinner", "start": start}
    return entry(Kind.PLAN, who, at("2026-06-01T08:00"), source=source, key="c1", details=details)


@pytest.mark.parametrize(
    ("plan_entry", "asked"),
    [
        (calendar_plan(Who.UNKNOWN, "2026-06-05T17:00:00+00:00"), True),
        (calendar_plan(Who.ME, "2026-06-05T17:00:00+00:00"), False),
        (calendar_plan(Who.UNKNOWN, "2026-06-05T17:00:00+00:00", source="manual"), False),
        (calendar_plan(Who.UNKNOWN, "2025-06-05T17:00:00+00:00"), False),  # old history
    ],
)
def test_who_suggested_it(plan_entry: Entry, asked: bool) -> None:
    config = settings(dates={"ask_who_initiated": True})
    nudges = run(config, entries=[plan_entry])
    assert ids(nudges) == (["who_suggested:Alex:c1"] if asked else [])
    if asked:
        assert nudges[0].actions == ("me", "them")
        assert nudges[0].title == "Who suggested Dinner?"  # it said "Who suggested it?"
        assert nudges[0].body == "Whose idea was Dinner on Friday 5 June, yours or Alex's?"


ASKED_PLAN = {"uid": "c1", "occurrence": "single"}


def moved_to(start: str, **details: Any) -> Entry:
    plan = {**ASKED_PLAN, "summary": "Dinner", **details, "start": start}
    return entry(Kind.RESCHEDULED, Who.ME, at("2026-06-01T09:00"), key=start, details=plan)


@pytest.mark.parametrize(
    ("later", "plans", "body"),
    [
        ([], [], "Whose idea was Dinner on Friday 5 June, yours or Alex's?"),
        (
            [moved_to("2026-06-07T17:00:00+00:00", summary="Late dinner")],
            [],
            "Whose idea was Late dinner on Sunday 7 June, yours or Alex's?",
        ),
        (
            [moved_to("2026-06-07T17:00:00+00:00"), moved_to("2026-06-09T17:00:00+00:00")],
            [],
            "Whose idea was Dinner on Tuesday 9 June, yours or Alex's?",
        ),
        (
            [entry(Kind.CANCELLED, Who.ME, at("2026-06-01T09:00"), details=ASKED_PLAN)],
            [],
            "Whose idea was Dinner on Friday 5 June (since cancelled), yours or Alex's?",
        ),
        (  # the instance the daemon knows is the freshest word
            [moved_to("2026-06-07T17:00:00+00:00")],
            [event(at("2026-06-08T17:00"), uid="c1", summary="Dinner out")],
            "Whose idea was Dinner out on Monday 8 June, yours or Alex's?",
        ),
    ],
)
def test_who_suggested_it_speaks_of_the_plan_as_it_is_now(
    later: list[Entry], plans: list[EventInstance], body: str
) -> None:
    asked = calendar_plan(Who.UNKNOWN, "2026-06-05T17:00:00+00:00")
    asked = replace(asked, details={**asked.details, "occurrence": "single"})
    config = settings(dates={"ask_who_initiated": True})
    nudges = run(config, entries=[asked, *later], plans=plans)
    assert [(n.id, n.body) for n in nudges] == [("who_suggested:Alex:c1", body)]


def test_everything_together_is_sorted_by_due_time() -> None:
    config = settings(
        checkin=CHECKIN,
        gratitude={"enabled": True},
        conversation={"enabled": True},
        dates={**LEADS, "follow_up_missed": True, "ask_who_initiated": True},
        **QUIET,
    )
    nudges = run(config, entries=ONE_SIDED, plans=[DINNER])
    assert [n.due for n in nudges] == sorted(n.due for n in nudges)
    assert len(set(ids(nudges))) == len(nudges)
    assert all(n.due.tzinfo is UTC for n in nudges)
