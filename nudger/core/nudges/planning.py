"""What the planner reads of the user's choices, as small frozen values.

The settings schema (pydantic, in `nudger.config`) stays at the edge: `nudger.config.core_values`
builds these values from it, field by field, under the same names, so the core can be tested
with literal values and never imports the schema. Only what a rule reads is here; defaults and
validation are the schema's. Weekdays are numbers (Monday 0), as `date.weekday()` counts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta

from nudger.core.detect import Rules
from nudger.core.rhythm import DEFAULT_COUNTS, contact_kinds


@dataclass(frozen=True, slots=True)
class Person:
    """A tracked person as the planner sees them; the words that name them are in `Rules`."""

    name: str
    kind: str  # partner, dating, friend or family
    emails: frozenset[str]
    every: timedelta | None = None  # their contact rhythm (their own or their kind's), if any


@dataclass(frozen=True, slots=True)
class QuietHours:
    """No nudge between `start` and `end` (local times; wrapping past midnight when start > end)."""

    enabled: bool
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class CheckIn:
    """The daily screen-free check-in."""

    enabled: bool
    time: time
    days: frozenset[int]  # weekdays, Monday 0
    kinds: frozenset[str]


@dataclass(frozen=True, slots=True)
class Gratitude:
    """The weekly gratitude moments, and the prompt the morning after a date."""

    enabled: bool
    per_week: int
    earliest: time
    latest: time
    after_date: bool
    after_date_time: time
    kinds: frozenset[str]


@dataclass(frozen=True, slots=True)
class Conversation:
    """The monthly conversation: the `week`-th (1-4, or -1 for the last) `weekday` of a month."""

    enabled: bool
    weekday: int  # Monday 0
    week: int
    time: time
    kinds: frozenset[str]


@dataclass(frozen=True, slots=True)
class Dates:
    """Reminders before a date, and the questions about plans."""

    lead_times: tuple[timedelta, ...]
    follow_up_missed: bool
    ask_who_initiated: bool


@dataclass(frozen=True, slots=True)
class Balance:
    """When the balance alert is raised: the thresholds of `nudger.core.balance` and a streak."""

    alerts: bool
    window: timedelta
    leaning: float
    one_sided: float
    min_count: int
    streak: int
    kinds: frozenset[str]  # the entry kinds that count as initiations


@dataclass(frozen=True, slots=True)
class Wait:
    """The "ball in their court" wait: whether it holds my initiation nudges meanwhile."""

    hold_nudges: bool


@dataclass(frozen=True, slots=True)
class Rhythm:
    """Contact rhythms: which log kinds are contact (`nudger.core.rhythm.CONTACT_KINDS`'
    values, a plan counting once it happened) and when a reach-out nudge comes."""

    counts: frozenset[str] = field(default_factory=lambda: contact_kinds(DEFAULT_COUNTS))
    time: time = time(18, 0)


@dataclass(frozen=True, slots=True)
class Planning:
    """Everything `plan()` reads of the settings. `rules` is detection's view (my addresses,
    the tracked people and the words that name them); `people` are the tracked people only."""

    rules: Rules
    people: tuple[Person, ...]
    checkin: CheckIn
    gratitude: Gratitude
    conversation: Conversation
    dates: Dates
    balance: Balance
    wait: Wait
    quiet_hours: QuietHours
    rhythm: Rhythm = field(default_factory=Rhythm)
