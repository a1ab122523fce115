"""The one typed schema for every setting nudger has.

The sections every command reads, and the value types, are in `nudger.config.settings_core`; the
`[[calendars]]` tables are in `nudger.config.calendars`; the rest is here. Every default is
written out in `config.example.toml`. Loading the file and the environment is
`nudger.config.file`'s job; this module only says what is valid.
"""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ModelWrapValidatorHandler, model_validator

from nudger.config.calendars import Calendar
from nudger.config.phones import reading_in, valid_phone
from nudger.config.secrets import SecretSource
from nudger.config.settings_core import (
    WEEKDAYS,
    Balance,
    ClockTime,
    Duration,
    Me,
    Name,
    Person,
    PersonKind,
    Rhythm,
    Section,
    Weekday,
    Word,
    at_least,
    at_most,
    check_people,
    require_unique,
)
from nudger.config.sizes import MB, GiB, MiB, Size, between
from nudger.core.nudges.nudge import NudgeKind


class QuietHours(Section):
    enabled: bool = Field(True, description="hold every nudge between start and end")
    start: ClockTime = Field(time(22, 0), description="when quiet hours begin (local time)")
    end: ClockTime = Field(time(8, 0), description="when quiet hours end (local time)")


class Channel(Section):
    """One more place nudges go to besides the backend (`[[notifications.channels]]`)."""

    name: Name = Field(description="a short name for this channel, used in routes")
    type: str = Field("apprise", description="apprise, or another installed notifier")
    url_command: list[str] = Field(
        [], description='a command printing the channel URL, as an argv list: ["pass", "ntfy"]'
    )
    url_env: str = Field("", description="an environment variable holding the channel URL")
    keyring: bool = Field(
        False, description='read the URL from the system keyring (service "nudger", the name)'
    )

    @model_validator(mode="after")
    def _one_source(self) -> Channel:
        if sum(map(bool, (self.url_command, self.url_env, self.keyring))) > 1:
            raise ValueError("set at most one of url_command, url_env or keyring")
        return self

    @property
    def secret(self) -> SecretSource:
        """Where the URL is read from (it carries the token, so it is never in the file)."""
        keyring_user = self.name if self.keyring else None
        return SecretSource("url", tuple(self.url_command), self.url_env, keyring_user)


class Notifications(Section):
    backend: str = Field(
        "desktop", description="desktop, console, or an installed nudger.notifiers plugin"
    )
    fallback: str = Field("console", description="used while the backend is unavailable")
    snooze: Annotated[Duration, at_most(timedelta(weeks=1))] = Field(
        timedelta(hours=1), description="how long Snooze waits"
    )
    quiet_hours: QuietHours = Field(default_factory=QuietHours)
    channels: list[Channel] = Field([], description="more places nudges go to (a phone, chat)")
    # Keyed by NudgeKind, so a kind the planner gains is a valid key with no change here.
    routes: dict[NudgeKind, list[Name]] = Field(
        {}, description="per nudge kind, the channels it goes to; unlisted kinds: the backend"
    )

    @model_validator(mode="after")
    def _known_channels(self) -> Notifications:
        names = [self.backend, *(c.name for c in self.channels)]
        require_unique("channels (and the backend)", names)
        known = {name.casefold() for name in names}
        for kind, targets in self.routes.items():
            if not targets:
                raise ValueError(f"routes.{kind} is empty: to stop these nudges, disable them")
            for target in targets:
                if target.casefold() not in known:
                    raise ValueError(
                        f"routes.{kind} names {target!r}, which is no channel; channels: "
                        + ", ".join(names)
                    )
        return self

    def route(self, kind: str) -> list[str]:
        """The channels a nudge of `kind` goes to, by name (the backend's is its own name)."""
        by_name = {name.casefold(): name for name in (self.backend, *self.channel_names)}
        targets = next((t for k, t in self.routes.items() if k == kind), None)
        if targets is None:
            return [self.backend]
        return list(dict.fromkeys(by_name[t.casefold()] for t in targets))

    @property
    def channel_names(self) -> list[str]:
        return [channel.name for channel in self.channels]


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
    lead_times: list[Annotated[Duration, at_most(timedelta(weeks=4))]] = Field(
        [timedelta(days=1), timedelta(hours=2)],
        description="how long before each planned date to remind you; several allowed",
    )
    follow_up_missed: bool = Field(
        True, description="follow up on a cancelled or declined plan nobody replaced"
    )
    ask_who_initiated: bool = Field(
        True, description='ask "who suggested it?" for a plan whose initiator is unknown'
    )


class Wait(Section):
    days: int = Field(14, ge=1, le=365, description="how long a ball-in-their-court wait lasts")
    hold_nudges: bool = Field(True, description="hold my initiation nudges for them meanwhile")


class Sync(Section):
    interval: Annotated[Duration, at_most(timedelta(weeks=1))] = Field(
        timedelta(minutes=15), description="how often each source syncs"
    )
    timeout: Annotated[Duration, at_most(timedelta(minutes=10))] = Field(
        timedelta(seconds=30), description="the limit for one network call"
    )
    backoff_max: Annotated[Duration, at_most(timedelta(days=1))] = Field(
        timedelta(hours=1), description="the longest wait between retries of a failing source"
    )
    past: Duration = Field(timedelta(days=365), description="how far back to read events")
    future: Duration = Field(timedelta(days=90), description="how far ahead to read events")
    max_vanished_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="the share of a source's upcoming plans that may vanish in one sync before "
        "it is taken as a failure (a wrong path, an unmounted disk), not as removals",
    )
    max_instances_per_series: int = Field(
        2000,
        ge=100,
        le=100_000,
        description="the most occurrences of one recurring event read in the sync window (the "
        "first ones; a series with more is reported, one repeating more often than daily is not "
        "read at all)",
    )
    max_file_size: Annotated[Size, between(MB, 10 * GiB)] = Field(
        100 * MB,
        description="a calendar file larger than this is reported and not read (nothing in it "
        "counts as removed); the other files of its folder are read",
    )
    max_memory_per_source: Annotated[Size, between(100 * MiB, 64 * GiB)] = Field(
        2 * GiB,
        description="the most memory one calendar's sync may take: one needing more (a runaway "
        "export, a huge attachment) stops as that calendar's failure, the others sync",
    )


class Plans(Section):
    missed_after: Annotated[Duration, at_most(timedelta(days=365))] = Field(
        timedelta(days=14),
        description="a cancelled or declined plan not replaced within this is missed",
    )
    loose_expire_after: Annotated[Duration, at_most(timedelta(days=365))] = Field(
        timedelta(days=21), description='a "we should catch up" not scheduled within this lapses'
    )
    me_markers: list[str] = Field(
        ["[me]", "#me"], description="text in a title or description meaning I initiated"
    )
    them_markers: list[str] = Field(
        ["[them]", "#them"], description="text in a title or description meaning they did"
    )
    not_plans: list[Word] = Field(
        ["birthday", "anniversary", "Geburtstag"],
        description="words in the title of an all-day entry inviting nobody that make it a day "
        "to remember, not a plan",
    )


Phone = Annotated[str, AfterValidator(valid_phone)]


class FullMe(Me):
    """`me` as the full schema checks it: the numbers normalized to E.164 (`Me` reads them as
    written, for the query commands)."""

    phones: list[Phone] = Field(
        [], description="your phone numbers: a message or call from one of them is yours"
    )


class FullPerson(Person):
    """A `[[people]]` table as the full schema checks it: the numbers in E.164."""

    phones: list[Phone] = Field(
        [], description="their phone numbers, matched in chat exports and call logs (E.164)"
    )


class Messages(Section):
    new_conversation_after: Annotated[
        Duration, at_least(timedelta(minutes=10)), at_most(timedelta(days=30))
    ] = Field(
        timedelta(hours=6),
        description="the silence in a chat after which a message starts a new conversation",
    )


class Imports(Section):
    enabled: bool = Field(True, description="the daemon imports what appears in the folder")
    folder: Path | None = Field(
        None,
        description="the watched folder: a chat export or call log saved here is imported "
        "(default: the data folder's imports/)",
    )
    every: Annotated[Duration, at_least(timedelta(minutes=1)), at_most(timedelta(days=1))] = Field(
        timedelta(minutes=5), description="how often the daemon looks in the folder"
    )


class Settings(Section):
    """Everything configurable: the config file's tables, validated as one document.

    `NUDGER_*` environment variables override the file; `nudger.config.environment` merges
    them with pydantic-settings, and only when one is set, which keeps its import (and cost)
    off the start-up path of every other command.
    """

    me: FullMe = Field(default_factory=FullMe)
    people: list[FullPerson] = Field([], description="the people you track ([[people]] tables)")
    calendars: list[Calendar] = Field(
        [], description="where plans come from ([[calendars]] tables)"
    )
    notifications: Notifications = Field(default_factory=Notifications)
    checkin: CheckIn = Field(default_factory=CheckIn)
    gratitude: Gratitude = Field(default_factory=Gratitude)
    conversation: Conversation = Field(default_factory=Conversation)
    dates: Dates = Field(default_factory=Dates)
    balance: Balance = Field(default_factory=Balance)
    rhythm: Rhythm = Field(default_factory=Rhythm)
    wait: Wait = Field(default_factory=Wait)
    sync: Sync = Field(default_factory=Sync)
    plans: Plans = Field(default_factory=Plans)
    messages: Messages = Field(default_factory=Messages)
    imports: Imports = Field(default_factory=Imports)

    @model_validator(mode="wrap")
    @classmethod
    def _phones_in_my_region(
        cls, data: Any, handler: ModelWrapValidatorHandler[Settings]
    ) -> Settings:
        """Numbers without a country code are read in `me.region` (else the locale's)."""
        me = data.get("me") if isinstance(data, dict) else None
        region = me.get("region") if isinstance(me, dict) else None
        with reading_in(region if isinstance(region, str) else None):
            return handler(data)

    @model_validator(mode="after")
    def _unique_names(self) -> Settings:
        check_people(self.people)
        require_unique("calendars", [c.name for c in self.calendars])
        return self
