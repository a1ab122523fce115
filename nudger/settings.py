"""The one typed schema for every setting nudger has.

Every model forbids unknown keys (pydantic does not pass `extra="forbid"` down to nested models,
so each section sets it), every field has a description that the error messages and the sample
config lean on, and every default is written out in `config.example.toml`. Loading the file and
the environment is `nudger.config_file`'s job; this module only says what is valid.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from pathlib import Path
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

from nudger.errors import UsageError
from nudger.when import DURATION_FORMS, format_duration, parse_duration

PersonKind = Literal["partner", "dating", "friend", "family"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
EntryKindName = Literal["plan", "loose", "message", "call", "checkin", "gratitude"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SYSTEM_TIMEZONE = "system"

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def _to_duration(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except UsageError:
            raise ValueError(f"use {DURATION_FORMS}") from None
    return value


def _non_negative(value: timedelta) -> timedelta:
    if value < timedelta(0):
        raise ValueError("a duration cannot be negative")
    return value


def _to_clock(value: Any) -> Any:
    if isinstance(value, str):
        match = _CLOCK.fullmatch(value.strip())
        if not match:
            raise ValueError("use a 24-hour clock time such as 07:30 or 20:00")
        return time(int(match[1]), int(match[2]))
    return value


def _email(value: str) -> str:
    address = value.strip().lower()
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


def _web_url(value: str) -> str:
    if not re.match(r"https?://[^/\s]+", value):
        raise ValueError("use an http:// or https:// address")
    return value


Duration = Annotated[
    timedelta,
    BeforeValidator(_to_duration),
    AfterValidator(_non_negative),
    PlainSerializer(format_duration, return_type=str),
]
ClockTime = Annotated[
    time,
    BeforeValidator(_to_clock),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
]
Email = Annotated[str, AfterValidator(_email)]
Name = Annotated[str, AfterValidator(_name)]
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


class Person(Section):
    name: Name = Field(description="the name you use for them on the command line")
    kind: PersonKind = Field("friend", description="partner, dating, friend or family")
    emails: list[Email] = Field([], description="their addresses, matched in calendar invites")
    aliases: list[Name] = Field(
        [], description="other names for them, matched as words in event titles"
    )
    removed: date | None = Field(
        None, description="set by `people remove`: no longer tracked, history kept"
    )

    @property
    def tracked(self) -> bool:
        return self.removed is None


class CalendarBase(Section):
    name: Name = Field(description="a short name for this calendar source")
    enabled: bool = Field(True, description="false pauses syncing without forgetting the source")
    interval: Duration | None = Field(
        None, description="how often to sync this source; unset means sync.interval"
    )


class IcsCalendar(CalendarBase):
    type: Literal["ics"] = Field(description="ics: a local .ics file or folder, or an .ics URL")
    path: Path | None = Field(
        None, description="an .ics file or a folder of them (the vdir layout of vdirsyncer, khal)"
    )
    url: WebUrl | None = Field(None, description="an http(s) address serving one .ics file")
    verify_tls: bool = Field(True, description="check the server's TLS certificate")

    @model_validator(mode="after")
    def _one_location(self) -> IcsCalendar:
        if (self.path is None) == (self.url is None):
            raise ValueError("set exactly one of path or url")
        return self


class CalDAVCalendar(CalendarBase):
    type: Literal["caldav"] = Field(description="caldav: a CalDAV server")
    url: WebUrl = Field(description="the server or principal address")
    username: str = Field("", description="the account name")
    password_command: list[str] = Field(
        [], description='a command printing the password, as an argv list: ["pass", "dav"]'
    )
    password_env: str = Field("", description="an environment variable holding the password")
    keyring: bool = Field(
        False, description='read the password from the system keyring (service "nudger")'
    )
    calendars: list[str] = Field([], description="calendar names to read; empty reads them all")
    verify_tls: bool = Field(True, description="check the server's TLS certificate")


class GoogleCalendar(CalendarBase):
    type: Literal["google"] = Field(description="google: Google Calendar through its API")
    calendar_ids: list[str] = Field(["primary"], description="calendar ids to read")
    client_secrets: Path | None = Field(
        None, description="the OAuth client file you downloaded (see `nudger auth google`)"
    )
    token_file: Path | None = Field(
        None, description="where the grant is kept (0600); unset means the data folder"
    )
    api_endpoint: WebUrl | None = Field(
        None, description="another API endpoint ending in /calendar/v3/ (tests, proxies)"
    )


Calendar = Annotated[IcsCalendar | CalDAVCalendar | GoogleCalendar, Field(discriminator="type")]
CALENDAR_TYPES = ("ics", "caldav", "google")


class QuietHours(Section):
    enabled: bool = Field(True, description="hold every nudge between start and end")
    start: ClockTime = Field(time(22, 0), description="when quiet hours begin (local time)")
    end: ClockTime = Field(time(8, 0), description="when quiet hours end (local time)")


class Notifications(Section):
    backend: str = Field(
        "desktop", description="desktop, console, or an installed nudger.notifiers plugin"
    )
    fallback: str = Field("console", description="used while the backend is unavailable")
    snooze: Duration = Field(timedelta(hours=1), description="how long Snooze waits")
    quiet_hours: QuietHours = Field(default_factory=QuietHours)


class CheckIn(Section):
    enabled: bool = Field(True, description="a daily screen-free check-in")
    time: ClockTime = Field(time(20, 30), description="when to suggest it (local time)")
    days: list[Weekday] = Field(list(WEEKDAYS), description="on which days")
    kinds: list[PersonKind] = Field(["partner"], description="with which kinds of people")


class Gratitude(Section):
    enabled: bool = Field(True, description="spontaneous moments to say thanks")
    per_week: int = Field(3, ge=0, le=21, description="how many moments a week, per person")
    earliest: ClockTime = Field(time(10, 0), description="not before this time of day")
    latest: ClockTime = Field(time(20, 0), description="not after this time of day")
    after_date: bool = Field(True, description="the morning after a date, a prompt to say thanks")
    after_date_time: ClockTime = Field(time(9, 0), description="when that prompt comes")
    kinds: list[PersonKind] = Field(["partner", "dating"], description="with which kinds of people")

    @model_validator(mode="after")
    def _window(self) -> Gratitude:
        if self.earliest >= self.latest:
            raise ValueError("earliest must come before latest")
        return self


class Conversation(Section):
    enabled: bool = Field(True, description="a monthly conversation about the relationship")
    weekday: Weekday = Field("sun", description="on which weekday")
    week: Literal[1, 2, 3, 4, -1] = Field(
        1, description="which one of the month: 1-4, or -1 for the last"
    )
    time: ClockTime = Field(time(19, 0), description="at what time (local)")
    kinds: list[PersonKind] = Field(["partner"], description="with which kinds of people")


class Dates(Section):
    lead_times: list[Duration] = Field(
        [timedelta(days=1), timedelta(hours=2)],
        description="how long before each planned date to remind you; several allowed",
    )
    follow_up_missed: bool = Field(
        True, description="follow up on a cancelled or declined plan nobody replaced"
    )
    ask_who_initiated: bool = Field(
        True, description='ask "who suggested it?" for a plan whose initiator is unknown'
    )


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

    @model_validator(mode="after")
    def _ordered(self) -> Balance:
        if self.leaning > self.one_sided:
            raise ValueError("leaning must not exceed one_sided")
        return self


class Wait(Section):
    days: int = Field(14, ge=1, le=365, description="how long a ball-in-their-court wait lasts")
    hold_nudges: bool = Field(True, description="hold my initiation nudges for them meanwhile")


class Sync(Section):
    interval: Duration = Field(timedelta(minutes=15), description="how often each source syncs")
    timeout: Duration = Field(timedelta(seconds=30), description="the limit for one network call")
    backoff_max: Duration = Field(
        timedelta(hours=1), description="the longest wait between retries of a failing source"
    )
    past: Duration = Field(timedelta(days=365), description="how far back to read events")
    future: Duration = Field(timedelta(days=90), description="how far ahead to read events")


class Plans(Section):
    missed_after: Duration = Field(
        timedelta(days=14),
        description="a cancelled or declined plan not replaced within this is missed",
    )
    loose_expire_after: Duration = Field(
        timedelta(days=21), description='a "we should catch up" not scheduled within this lapses'
    )
    me_markers: list[str] = Field(
        ["[me]", "#me"], description="text in a title or description meaning I initiated"
    )
    them_markers: list[str] = Field(
        ["[them]", "#them"], description="text in a title or description meaning they did"
    )


class Settings(Section):
    """Everything configurable: the config file's tables, validated as one document.

    `NUDGER_*` environment variables override the file; `nudger.settings_environment` merges
    them with pydantic-settings, and only when one is set, which keeps its import (and cost)
    off the start-up path of every other command.
    """

    me: Me = Field(default_factory=Me)
    people: list[Person] = Field([], description="the people you track ([[people]] tables)")
    calendars: list[Calendar] = Field(
        [], description="where plans come from ([[calendars]] tables)"
    )
    notifications: Notifications = Field(default_factory=Notifications)
    checkin: CheckIn = Field(default_factory=CheckIn)
    gratitude: Gratitude = Field(default_factory=Gratitude)
    conversation: Conversation = Field(default_factory=Conversation)
    dates: Dates = Field(default_factory=Dates)
    balance: Balance = Field(default_factory=Balance)
    wait: Wait = Field(default_factory=Wait)
    sync: Sync = Field(default_factory=Sync)
    plans: Plans = Field(default_factory=Plans)

    @model_validator(mode="after")
    def _unique_names(self) -> Settings:
        check_people(self.people)
        _require_unique("calendars", [c.name for c in self.calendars])
        return self


def check_people(people: list[Person]) -> None:
    """Names are unique, and every name and alias points to one person."""
    _require_unique("people", [p.name for p in people])
    owners: dict[str, str] = {}
    for person in people:
        for word in (person.name, *person.aliases):
            owner = owners.setdefault(word.casefold(), person.name)
            if owner != person.name:
                raise ValueError(
                    f"{word!r} names both {owner} and {person.name}; names and aliases "
                    "must each point to one person"
                )


def _require_unique(table: str, names: list[str]) -> None:
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

    @model_validator(mode="after")
    def _unique_names(self) -> QuerySettings:
        check_people(self.people)
        return self
