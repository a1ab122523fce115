"""The settings as the core reads them: every field of a core value mirrors a setting of the
same name, and the planner runs on literal values without the pydantic schema."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nudger.config.core_values import planning_from, rules_from, with_learnt
from nudger.config.settings import Settings
from nudger.config.settings_core import WEEKDAYS
from nudger.core.detect import Rules, Tracked
from nudger.core.nudges import plan, planning

DOCUMENT: dict[str, Any] = {
    "me": {"emails": ["sam@example.org"]},
    "people": [
        {"name": "Alex", "kind": "partner", "emails": ["alex@example.org"], "aliases": ["Al"]},
        {"name": "Robin", "kind": "friend", "removed": "2026-01-01"},
    ],
    "checkin": {"days": ["mon", "fri"], "time": "21:15"},
    "conversation": {"weekday": "wed", "week": -1},
    "dates": {"lead_times": ["3h", "1d"]},
    "balance": {"kinds": ["plan", "call"], "streak": 3},
    "wait": {"hold_nudges": False},
    "notifications": {"quiet_hours": {"start": "23:00", "end": "07:00"}},
    "plans": {"me_markers": ["[mine]"], "missed_after": "10d", "not_plans": ["Jahrestag"]},
}


def _as_core(value: Any) -> Any:
    """A setting as the core holds it: lists as frozensets (order-free) or tuples (ordered)."""
    if isinstance(value, list):
        return tuple(value) if value and isinstance(value[0], timedelta) else frozenset(value)
    return value


def test_each_section_value_mirrors_its_settings_by_name() -> None:
    settings = Settings.model_validate(DOCUMENT)
    values = planning_from(settings)
    sections = ("checkin", "gratitude", "conversation", "dates", "balance", "wait")
    for name in sections:
        section, value = getattr(settings, name), getattr(values, name)
        for field in fields(value):
            expected = _as_core(getattr(section, field.name))
            if field.name == "days":
                expected = frozenset(WEEKDAYS.index(day) for day in section.days)
            if field.name == "weekday":
                expected = WEEKDAYS.index(section.weekday)
            assert getattr(value, field.name) == expected, f"{name}.{field.name}"
    assert values.checkin.days == frozenset({0, 4})
    assert values.conversation.weekday == 2
    assert values.dates.lead_times == (timedelta(hours=3), timedelta(days=1))
    assert values.quiet_hours == planning.QuietHours(True, time(23, 0), time(7, 0))


def test_only_tracked_people_reach_the_core() -> None:
    settings = Settings.model_validate(DOCUMENT)
    values = planning_from(settings)
    assert values.people == (planning.Person("Alex", "partner", frozenset({"alex@example.org"})),)
    assert values.rules == rules_from(settings)
    assert rules_from(settings) == Rules(
        me=frozenset({"sam@example.org"}),
        people=(Tracked("Alex", frozenset({"alex@example.org"}), ("Alex", "Al")),),
        me_markers=("[mine]",),
        them_markers=("[them]", "#them"),
        missed_after=timedelta(days=10),
        not_plans=("Jahrestag",),
    )


def test_the_planner_runs_on_literal_values() -> None:
    everyone = frozenset({"partner"})
    values = planning.Planning(
        rules=Rules(me=frozenset(), people=(Tracked("Alex", frozenset(), ("Alex",)),)),
        people=(planning.Person("Alex", "partner", frozenset()),),
        checkin=planning.CheckIn(True, time(20, 30), frozenset(range(7)), everyone),
        gratitude=planning.Gratitude(False, 0, time(10), time(20), False, time(9), everyone),
        conversation=planning.Conversation(False, 6, 1, time(19), everyone),
        dates=planning.Dates((), follow_up_missed=False, ask_who_initiated=False),
        balance=planning.Balance(False, timedelta(days=90), 0.6, 0.75, 4, 4, frozenset()),
        wait=planning.Wait(hold_nudges=True),
        quiet_hours=planning.QuietHours(False, time(22), time(8)),
    )
    nudges = plan(
        values,
        entries=(),
        plans=(),
        handled=set(),
        now=datetime(2026, 6, 1, 12, 0, tzinfo=UTC),
        zone=ZoneInfo("Europe/Berlin"),
        horizon=timedelta(days=1),
    )
    assert [n.id for n in nudges] == ["checkin:Alex:2026-06-01"]


def test_what_sources_say_is_mine_adds_to_my_addresses_but_never_takes_someones() -> None:
    rules = rules_from(Settings.model_validate(DOCUMENT))
    learnt = with_learnt(rules, ["sam@work.example.org", "alex@example.org"])
    assert learnt.me == {"sam@example.org", "sam@work.example.org"}  # Alex's stays Alex's
    assert learnt.people == rules.people
    assert with_learnt(rules, []) is rules
