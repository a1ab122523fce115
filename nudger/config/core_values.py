"""The settings as the pure core reads them: detection's `Rules` and the planner's `Planning`.

The core never imports the pydantic schema; it receives these frozen values instead, built here
and only here, field by field under the settings' own names. A new setting a core rule needs is
one field in its value and one line below. Weekday names become numbers (Monday 0) on the way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from nudger.config.settings_core import WEEKDAYS
from nudger.core.detect import Rules, Tracked
from nudger.core.nudges import planning
from nudger.core.rhythm import contact_kinds

if TYPE_CHECKING:
    from nudger.config.settings import (
        CheckIn,
        Conversation,
        Dates,
        Gratitude,
        QuietHours,
        Settings,
    )
    from nudger.config.settings_core import Balance, Person


def rules_from(settings: Settings) -> Rules:
    """Detection's view of the settings: my addresses, the tracked people, the markers."""
    return Rules(
        me=frozenset(settings.me.emails),
        people=tracked_people(settings.people),
        me_markers=tuple(settings.plans.me_markers),
        them_markers=tuple(settings.plans.them_markers),
        missed_after=settings.plans.missed_after,
        not_plans=tuple(settings.plans.not_plans),
    )


def with_learnt(rules: Rules, learnt: Iterable[str]) -> Rules:
    """`rules` whose addresses of mine include those the sources say are mine (`learnt`),
    except any a tracked person has: an address that is someone's is never taken for mine."""
    theirs = {address for person in rules.people for address in person.emails}
    mine = rules.me | (frozenset(learnt) - theirs)
    return rules if mine == rules.me else replace(rules, me=mine)


def tracked_people(people: Sequence[Person]) -> tuple[Tracked, ...]:
    """The people detection looks for: each tracked one's addresses and the words naming them."""
    return tuple(
        Tracked(person.name, frozenset(person.emails), (person.name, *person.aliases))
        for person in people
        if person.tracked
    )


def planning_from(settings: Settings) -> planning.Planning:
    """The planner's view of the settings: every section a nudge rule reads."""
    return planning.Planning(
        rules=rules_from(settings),
        people=tuple(
            planning.Person(
                person.name,
                person.kind,
                frozenset(person.emails),
                every=settings.rhythm.every(person),
            )
            for person in settings.people
            if person.tracked
        ),
        checkin=_checkin(settings.checkin),
        gratitude=_gratitude(settings.gratitude),
        conversation=_conversation(settings.conversation),
        dates=_dates(settings.dates),
        balance=_balance(settings.balance),
        wait=planning.Wait(hold_nudges=settings.wait.hold_nudges),
        quiet_hours=_quiet_hours(settings.notifications.quiet_hours),
        rhythm=planning.Rhythm(
            counts=contact_kinds(settings.rhythm.counts), time=settings.rhythm.time
        ),
    )


def _checkin(section: CheckIn) -> planning.CheckIn:
    return planning.CheckIn(
        enabled=section.enabled,
        time=section.time,
        days=frozenset(WEEKDAYS.index(day) for day in section.days),
        kinds=frozenset(section.kinds),
    )


def _gratitude(section: Gratitude) -> planning.Gratitude:
    return planning.Gratitude(
        enabled=section.enabled,
        per_week=section.per_week,
        earliest=section.earliest,
        latest=section.latest,
        after_date=section.after_date,
        after_date_time=section.after_date_time,
        kinds=frozenset(section.kinds),
    )


def _conversation(section: Conversation) -> planning.Conversation:
    return planning.Conversation(
        enabled=section.enabled,
        weekday=WEEKDAYS.index(section.weekday),
        week=section.week,
        time=section.time,
        kinds=frozenset(section.kinds),
    )


def _dates(section: Dates) -> planning.Dates:
    return planning.Dates(
        lead_times=tuple(section.lead_times),
        follow_up_missed=section.follow_up_missed,
        ask_who_initiated=section.ask_who_initiated,
    )


def _balance(section: Balance) -> planning.Balance:
    return planning.Balance(
        alerts=section.alerts,
        window=section.window,
        leaning=section.leaning,
        one_sided=section.one_sided,
        min_count=section.min_count,
        streak=section.streak,
        kinds=frozenset(section.kinds),
    )


def _quiet_hours(section: QuietHours) -> planning.QuietHours:
    return planning.QuietHours(enabled=section.enabled, start=section.start, end=section.end)
