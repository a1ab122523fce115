"""The core of the settings schema: value types, and the sections every command reads.

`Me`, `Person` and `Balance` are what the query commands need (`QuerySettings`); they live apart
from the full schema in `nudger.config.settings` so those commands create a handful of models, not
all of them. Every model forbids unknown keys (pydantic does not pass `extra="forbid"` down to
nested models, so each sets it) and every field has a description that the error messages and
the sample config lean on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

from nudger.core.addresses import normalize
from nudger.core.when import DURATION_FORMS, format_duration, parse_duration
from nudger.errors import UsageError

PersonKind = Literal["partner", "dating", "friend", "family"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
EntryKindName = Literal["plan", "loose", "message", "call", "checkin", "gratitude"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SYSTEM_TIMEZONE = "system"

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def _to_duration(value: Any) -> timedelta:
    """ "90d", "1h30m"; a bare number is refused rather than guessed to be seconds."""
    if isinstance(value, timedelta):
        return value
    try:
        return parse_duration(value) if isinstance(value, str) else parse_duration("")
    except UsageError:
        raise ValueError(f"use {DURATION_FORMS}") from None
    except OverflowError:  # more days than a timedelta holds
        raise ValueError(f"use at most {format_duration(LONGEST)}") from None


# The longest span any setting may be: every duration is added to today's date somewhere (the
# sync window, the balance window), and one that reaches past the year 9999 would make every
# sync fail with an OverflowError. Ten years is far beyond any sane value; fields that mean
# less (a timeout, a snooze) have tighter maxima of their own (`at_most`).
LONGEST = timedelta(days=3650)


def _non_negative(value: timedelta) -> timedelta:
    if value < timedelta(0):
        raise ValueError("a duration cannot be negative")
    return value


def at_most(limit: timedelta) -> AfterValidator:
    """The maximum of a `Duration` field, as the schema's own check: `config set`, `doctor` and
    loading all refuse a longer value, with the maximum in the units a user writes."""

    def check(value: timedelta) -> timedelta:
        if value > limit:
            raise ValueError(f"use at most {format_duration(limit)}")
        return value

    return AfterValidator(check)


def at_least(limit: timedelta) -> AfterValidator:
    """The minimum of a `Duration` field (see `at_most`)."""

    def check(value: timedelta) -> timedelta:
        if value < limit:
            raise ValueError(f"use at least {format_duration(limit)}")
        return value

    return AfterValidator(check)


def _to_clock(value: Any) -> time:
    """ "20:30", or a TOML local time (20:30:00); nothing pydantic would also accept, such as a
    number of seconds or a time with an offset, which means nothing as a local time of day."""
    if isinstance(value, time) and value.tzinfo is None:
        return value
    match = _CLOCK.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError("use a 24-hour clock time such as 07:30 or 20:00")
    return time(int(match[1]), int(match[2]))


def normalize_email(value: str) -> str:
    """An address as calendars' addresses are compared (`nudger.core.addresses.normalize`:
    lower case, no `mailto:`); the schema and `people add` both store them so."""
    return normalize(value)


def valid_email(value: str) -> str:
    """The address as stored; a ValueError saying what is wanted when it is none."""
    address = normalize_email(value)
    if not _EMAIL.fullmatch(address):
        raise ValueError("use an e-mail address such as alex@example.org")
    return address


def _timezone(value: str) -> str:
    if value == SYSTEM_TIMEZONE:
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f'use "{SYSTEM_TIMEZONE}" or an IANA time zone name such as Europe/Berlin'
        ) from None
    return value


def _name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise ValueError("a name cannot be empty")
    return name


def _word(value: str) -> str:
    """A word matched in titles: an empty one would match every title, so it is refused."""
    word = " ".join(value.split())
    if not word:
        raise ValueError("use a word such as birthday (an empty one would match every title)")
    return word


def _web_url(value: str) -> str:
    if not re.match(r"https?://[^/\s]+", value):
        raise ValueError("use an http:// or https:// address")
    return value


Duration = Annotated[
    timedelta,
    BeforeValidator(_to_duration),
    AfterValidator(_non_negative),
    at_most(LONGEST),
    PlainSerializer(format_duration, return_type=str),
]
ClockTime = Annotated[
    time,
    BeforeValidator(_to_clock),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
]
Email = Annotated[str, AfterValidator(valid_email)]

# A contact rhythm's bounds: a whole number of days (they are counted as local calendar days),
# from a day to a year.
SHORTEST_EVERY = timedelta(days=1)
LONGEST_EVERY = timedelta(days=365)
NO_RHYTHM = "none"


def _to_every(value: Any) -> timedelta | None:
    """ "2w", "10d", or "none" (no rhythm); whole days from 1d to 365d."""
    if value is None or (isinstance(value, str) and value.strip().casefold() == NO_RHYTHM):
        return None
    try:
        every: timedelta | None = _to_duration(value)
    except ValueError:
        every = None
    if every is None or every % timedelta(days=1) or not SHORTEST_EVERY <= every <= LONGEST_EVERY:
        raise ValueError(
            f"use whole days or weeks from {format_duration(SHORTEST_EVERY)} to "
            f'{format_duration(LONGEST_EVERY)}, such as 10d or 2w, or "{NO_RHYTHM}"'
        )
    return every


Every = Annotated[
    timedelta | None,
    BeforeValidator(_to_every),
    PlainSerializer(lambda v: None if v is None else format_duration(v), return_type=str | None),
]
Name = Annotated[str, AfterValidator(_name)]
Word = Annotated[str, AfterValidator(_word)]
WebUrl = Annotated[str, AfterValidator(_web_url)]
Share = Annotated[float, Field(ge=0.5, le=1.0)]


class Section(BaseModel):
    """A table of the config file: unknown keys are errors, values are immutable once loaded.

    Validators are built on first use (`defer_build`), so a command that reads a few sections
    (see `QuerySettings`) does not pay for building the schema of all of them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Me(Section):
    name: Name = Field("me", description="how nudger addresses you")
    emails: list[Email] = Field(
        [], description="your addresses: an event organized from one of them is yours"
    )
    timezone: Annotated[str, AfterValidator(_timezone)] = Field(
        SYSTEM_TIMEZONE,
        description='"system" or an IANA time zone name such as Europe/Berlin',
    )
    # Read as written here: the query commands never look at numbers, and checking them needs
    # `phonenumbers`, which only the import path may load. The full schema
    # (`nudger.config.settings.Settings`) checks and normalizes them to E.164.
    phones: list[str] = Field(
        [], description="your phone numbers: a message or call from one of them is yours"
    )
    names: list[Name] = Field(
        [], description="the names chat exports give you: a message from one of them is yours"
    )
    region: str | None = Field(
        None,
        description="the country (ISO code such as DE) a phone number without +country is in; "
        "unset: the one of your locale",
    )


class Person(Section):
    name: Name = Field(description="the name you use for them on the command line")
    kind: PersonKind = Field("friend", description="partner, dating, friend or family")
    emails: list[Email] = Field([], description="their addresses, matched in calendar invites")
    aliases: list[Name] = Field(
        [], description="other names for them, matched as words in event titles and chat exports"
    )
    phones: list[str] = Field(
        [], description="their phone numbers, matched in chat exports and call logs (E.164)"
    )
    removed: date | None = Field(
        None, description="set by `people remove`: no longer tracked, history kept"
    )
    every: Every = Field(
        None,
        description="the longest you want to go without contact (2w, 30d); unset: the "
        "rhythm.default_every of their kind",
    )

    @property
    def tracked(self) -> bool:
        return self.removed is None


class Balance(Section):
    window: Duration = Field(timedelta(days=90), description="the span `balance` looks back over")
    leaning: Share = Field(0.6, description="my share of initiations from which it leans (0.5-1)")
    one_sided: Share = Field(0.75, description="my share from which it is one-sided (0.5-1)")
    min_count: int = Field(
        4, ge=1, description='fewer initiations than this give "not enough data"'
    )
    streak: int = Field(4, ge=2, description="starting this many in a row triggers an alert")
    kinds: list[EntryKindName] = Field(
        ["plan", "loose", "message", "call", "checkin"],
        description="which logged kinds count as initiations",
    )
    trend_months: int = Field(6, ge=1, le=60, description="how many months the trend shows")
    alerts: bool = Field(True, description="advise you when the balance tips or a streak runs")
    count_messages: bool = Field(
        True,
        description="whether message starts weigh in the share and the verdict (false: "
        "counted and shown, but only plans, calls and the rest decide)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Balance:
        if self.leaning > self.one_sided:
            raise ValueError("leaning must not exceed one_sided")
        return self


ContactKindName = Literal["plan", "message", "call", "checkin", "gratitude"]


class RhythmDefaults(Section):
    partner: Every = Field(None, description="the rhythm of partners without one of their own")
    dating: Every = Field(None, description="the rhythm of people you date, unless set per person")
    friend: Every = Field(None, description="the rhythm of friends without one of their own")
    family: Every = Field(None, description="the rhythm of family without one of their own")


class Rhythm(Section):
    default_every: RhythmDefaults = Field(
        default_factory=RhythmDefaults,
        description='the rhythm per kind of person; "none" for no rhythm',
    )
    counts: list[ContactKindName] = Field(
        ["plan", "message", "call", "checkin", "gratitude"],
        description="which logged kinds are contact, in either direction (plan: one that "
        "happened; a cancelled, declined or missed one never counts)",
    )
    time: ClockTime = Field(time(18, 0), description="when a reach-out nudge comes (local time)")

    def every(self, person: Person) -> timedelta | None:
        """The person's rhythm: their own, else their kind's default, else none."""
        if person.every is not None:
            return person.every
        value: timedelta | None = getattr(self.default_every, person.kind)
        return value


def check_people(people: Sequence[Person]) -> None:
    """Names are unique, and every name and alias points to one person."""
    require_unique("people", [p.name for p in people])
    owners: dict[str, str] = {}
    for person in people:
        for word in (person.name, *person.aliases):
            owner = owners.setdefault(word.casefold(), person.name)
            if owner != person.name:
                raise ValueError(
                    f"{word!r} names both {owner} and {person.name}; names and aliases "
                    "must each point to one person"
                )


def require_unique(table: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise ValueError(f"two {table} share the name {name!r}; names must be unique")
        seen.add(name.casefold())


class QuerySettings(Section):
    """The sections the query commands read (`balance`, `history`, `people list`).

    Validating only these keeps those commands quick to start; the other tables are left to
    the commands that use them (and to `config show`, `doctor` and the daemon), which validate
    the whole file.
    """

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    me: Me = Field(default_factory=Me)
    people: list[Person] = Field([], description="the people you track ([[people]] tables)")
    balance: Balance = Field(default_factory=Balance)
    rhythm: Rhythm = Field(default_factory=Rhythm)

    @model_validator(mode="after")
    def _unique_names(self) -> QuerySettings:
        check_people(self.people)
        return self


# The top-level tables of the full schema (a test keeps this equal to `Settings.model_fields`),
# so the query commands can reject a misspelt table without building every model.
SECTION_NAMES = (
    "me",
    "people",
    "calendars",
    "notifications",
    "checkin",
    "gratitude",
    "conversation",
    "dates",
    "balance",
    "rhythm",
    "wait",
    "sync",
    "plans",
    "messages",
    "imports",
)
