"""The ports: what a calendar source and a notifier promise, and the values that cross them.

Adapters live in `integrations/` and are found by name through entry points (`nudger.adapters`);
what an entry point registers is a factory (`CalendarFactory`, `NotifierFactory`) or a sign-in
(`Authorizer`), and those protocols are the whole promise a third party's package makes.
A calendar source turns what its system holds into `EventInstance`s and reports what changed
(`Changes`) or fails loudly (`SourceError`), never silently. A notifier shows plain text and
reports button presses; escaping for whatever markup a notification server renders is the
adapter's job, because only it knows the server. Each protocol's docstring is its failure
contract. An export reader (`ExportReader`) turns a chat export or call log into `ChatRecord`s,
which hold no message text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from nudger.core.events import EventInstance

# Called with (nudge id, action) when the user presses a button, e.g. ("checkin:Alex:…", "done").
ActionHandler = Callable[[str, str], Awaitable[None]]


class Done(StrEnum):
    """What a source did with something it could not read as it is."""

    SKIPPED = "skipped"  # an event left out (what the log knew of it stands)
    KEPT = "kept"  # an event read, with something ignored or guessed (said in `reason`)
    CAPPED = "capped"  # a series read up to a bound
    NOT_READ = "not read"  # a file or object not read at all (what the log knew of it stands)


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem a sync met, said once, in words a user can act on: where it is (a file, an
    href, a Google event id), the event's title and start when known (`event`, such as
    `event 'Lunch' on 2026-05-01`), what was done, and why in words (`reason`: never an
    exception's repr). A third-party source may report a plain string instead: it is shown as
    skipped (`Problem.of`)."""

    where: str
    reason: str
    done: Done = Done.SKIPPED
    event: str = ""

    def __str__(self) -> str:
        return ": ".join(part for part in (self.where, self.event, self.reason) if part)

    @staticmethod
    def of(item: Problem | str) -> Problem:
        return item if isinstance(item, Problem) else Problem("", str(item))


def tally(problems: Sequence[Problem | str]) -> str:
    """How many problems of each kind, for a sync's one-line summary: "2 kept, 1 not read"."""
    done = [Problem.of(problem).done for problem in problems]
    return ", ".join(f"{done.count(kind)} {kind}" for kind in Done if kind in done)


class NotifierUnavailable(Exception):
    """The notifier cannot show anything now (no session bus, no notification server).

    The message says why in one line; the daemon falls back and probes again later.
    """


class DeliveryUnknown(NotifierUnavailable):
    """The message went out but no answer came in time: it may have arrived or not. Whoever
    sent it must not send it again (never twice); it is in doubt, like a send cut short."""


@dataclass(frozen=True, slots=True)
class Message:
    """One notification: plain text (never markup) and the actions offered as buttons."""

    nudge_id: str
    title: str
    body: str
    actions: tuple[str, ...]  # action names: done, snooze, skip, me, them, wait


ACTION_LABELS = {
    "done": "Done",
    "snooze": "Snooze",
    "skip": "Skip",
    "me": "Me",
    "them": "Them",
    "wait": "Let them step up",
}


def action_label(action: str) -> str:
    """The button text for an action name."""
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


class Notifier(Protocol):
    """Shows messages. Failure contract:

    - `probe()` raises `NotifierUnavailable` when nothing could be shown now; it is cheap enough
      to call again every few minutes.
    - `show()` raises `NotifierUnavailable` when this message could not be delivered (the caller
      then uses the fallback); any button pressed later calls `on_action` on the running loop.
    - Neither raises anything else for a delivery problem, and neither logs secrets.
    """

    name: str

    async def probe(self) -> None: ...

    async def show(self, message: Message, on_action: ActionHandler) -> None: ...

    async def close(self) -> None: ...


class NotifierFactory(Protocol):
    """What a `nudger.notifiers` entry point registers: `create(app_name)`.

    Creating is cheap and connects to nothing (the daemon creates one at start and on every
    change of settings); whether anything can be shown is `Notifier.probe`'s question.
    """

    def __call__(self, app_name: str, /) -> Notifier: ...


class ChannelFactory(Protocol):
    """What a `nudger.notifiers` entry point that sends to an address (`apprise`) registers:
    `create(app_name, url)`. The URL carries a token: the notifier never shows more of it than
    its scheme, in a message, an error or a log line. Creating connects to nothing, and raises
    `nudger.errors.ConfigError` for a URL it cannot use."""

    def __call__(self, app_name: str, url: str, /) -> Notifier: ...


# --- calendar sources ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resource:
    """One stored object of a source (an .ics file, a CalDAV resource, a Google event) and its
    instances inside the sync window. `id` is stable within the source.

    `excluded` names the occurrences (`EventInstance.occurrence`) inside the window that the
    series itself strikes out (EXDATE): an occurrence seen before and excluded now was cancelled
    by the organizer, one excluded from the start was never a plan (DESIGN: one meaning of EXDATE).
    """

    id: str
    instances: tuple[EventInstance, ...]
    excluded: frozenset[str] = frozenset()
    # None: every instance inside the window is listed. Else only those starting at or before
    # it (a series stopped at `Window.max_instances`): one known before and starting later is
    # not listed, which says nothing of whether it is still there.
    read_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Changes:
    """What a sync found since the cursor it was given.

    With `complete`, `changed` holds every resource the source has (a first sync, a file that
    was read whole, a full resync after an expired token): a resource known before and missing
    now is gone. Otherwise `removed` names the resources deleted since the cursor.

    A failure to read is never a deletion: `unreadable` names the resources that exist but could
    not be read this time (their stored state stands), and a source that could not read
    something without knowing which resources it held (a file cut short, a file it may not
    open) does not claim a complete listing.

    `own_addresses` is what the source says of who "self" is, the user whose calendar it reads:
    None when it cannot tell (a file says nothing about whose calendar it is, a CalDAV server
    may list no mail address), else the addresses it knows to be the user's, each as
    `nudger.core.addresses.normalize` spells it (CalDAV's `calendar-user-address-set`, RFC 6638;
    Google's `self` entries). An empty tuple: it marks the user's own entries itself
    (`EventInstance.organizer_is_self`, `Attendee.is_self`) but learnt no address yet. It is
    the whole of what the source knows at this sync, not what changed, so a source keeps it
    in its cursor between syncs; it must never be another person's address.
    """

    changed: tuple[Resource, ...]
    cursor: str | None
    complete: bool
    removed: tuple[str, ...] = ()
    problems: tuple[Problem | str, ...] = field(default=())  # one per problem (a str: skipped)
    unreadable: tuple[str, ...] = ()
    own_addresses: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """The span of instances a sync reads (recurrences are expanded only inside it), and the
    zone all-day and floating times are read in.

    `mentions` are the addresses and words that name the tracked people (`detect.mentions`):
    only an event whose text contains one of them can involve anyone, so a source may skip,
    without parsing it, an object that contains none (and report one that held a relevant event
    before as it does any other change). Empty: no filter, every object is read. A source that
    skips must treat a cursor made with other mentions as none (objects it skipped may count now).

    `max_instances` bounds the instances one series gives inside the window: a source keeps
    the first ones from `start` and reports the series as capped (the same ones at every sync,
    so none of them looks vanished while the bound stays the same).
    """

    start: datetime
    end: datetime
    zone: tzinfo
    mentions: frozenset[str] = frozenset()
    max_instances: int = 2000  # per series (sync.max_instances_per_series)
    max_file_size: int = 100 * 10**6  # a file larger is not read (sync.max_file_size)


class SourceError(Exception):
    """A source could not be synced. The message is one readable sentence for `status` and the
    journal, never containing a secret; `retry` says whether trying again later may help
    (the server is down or slow) or not (the credentials are wrong, the grant was revoked)."""

    def __init__(self, message: str, *, retry: bool, remedy: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.remedy = remedy


class CalendarSource(Protocol):
    """A calendar system nudger reads. Implementations live in `integrations/calendars/`.

    The failure contract: `sync` either returns `Changes` or raises `SourceError`. It never
    returns an empty or partial result to hide a failure, because silence would read as "no
    events" and turn every plan into a cancellation. A single bad item is not a failure: it is
    skipped and named in `Changes.problems`, and the rest is returned. Every network call has a
    timeout. Secrets (passwords, tokens) never appear in a message.
    """

    name: str

    def sync(self, cursor: str | None, window: Window) -> Changes:
        """The changes since `cursor` (None: everything), instances expanded inside `window`."""
        ...

    def describe(self) -> Sequence[str]:
        """What the source finds, one line each (for `nudger calendars test`); raises
        `SourceError` saying exactly what is wrong when it cannot connect."""
        ...


class CalendarConfig(Protocol):
    """What nudger itself reads of a `[[calendars]]` table. The factory receives the whole table
    as validated by its own type's model (`nudger.config.calendars.CalendarBase` or a subclass:
    the built-in ones, or the `config_model` its module declares)."""

    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...


class CalendarFactory(Protocol):
    """What a `nudger.calendars` entry point registers: `create(config, *, timeout, data_dir)`.

    It is called with a table of its own type only. `timeout` (seconds) bounds every network
    call the source makes; `data_dir` is where it may keep what outlives a sync (a grant file).
    Creating connects to nothing: `sync` and `describe` do, and fail as `CalendarSource` says.
    A `NudgerError` raised here fails that source (recorded, not retried); any other
    exception is a bug and fails it too, never the other sources.

    The module holding the factory is imported whenever a table of its type is validated
    (to find its `config_model`), daemon included: a third party keeps its client library's
    import inside `create`, as the built-in adapters do.
    """

    def __call__(
        self, config: CalendarConfig, /, *, timeout: float, data_dir: Path
    ) -> CalendarSource: ...


class Authorizer(Protocol):
    """What a `nudger.auth` entry point registers: signing in to a calendar service once, for
    `nudger auth NAME`, with the configured table of that service's type.

    It returns the file the grant was saved to (0600, where the source's factory finds it
    under `data_dir`), and raises a `NudgerError` saying what to fix when the sign-in fails.
    With `open_browser` false it prints the address to open elsewhere; `port` 0 lets it choose
    the local port for the service's answer. It never prints or logs a token.
    """

    def __call__(
        self, config: CalendarConfig, /, *, data_dir: Path, open_browser: bool, port: int
    ) -> Path: ...


# --- chat exports and call logs -----------------------------------------------------------------


class CallType(StrEnum):
    """What a call record says happened: placed by the user's side, or by the other side and
    answered or not (a missed call is still the caller's initiative)."""

    OUTGOING = "outgoing"
    INCOMING = "incoming"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class Party:
    """A participant as an export names them. A reader fills what the export writes and never
    guesses: `phone` as written (the importer normalizes it), `me` only when the export itself
    marks the user's side (an SMS of type "sent", Telegram's own account id); None: it does not
    say, and the importer decides from `me.names` / `me.phones`."""

    name: str | None = None
    phone: str | None = None
    me: bool | None = None


@dataclass(frozen=True, slots=True)
class Chat:
    """The conversation a record belongs to. `id` is stable across exports of the same chat
    (Telegram's chat id, the other side's number for SMS and calls, the chat's title for a
    WhatsApp text export); `with_` is the other side of a one-to-one chat where the export names
    it (None: it does not, or the chat is a group); `group` is None when the export does not say."""

    id: str
    title: str | None = None
    with_: Party | None = None
    group: bool | None = None


@dataclass(frozen=True, slots=True)
class ChatRecord:
    """One message or call as an export records it: never its text or media. `ident` is the
    export's own identity of the record, the same in every export that holds it (Telegram's
    message id; for a format without ids, the time, the sender and a digest of the text and its
    ordinal among equal ones), which the importer hashes into the log key. `at` is aware: a
    format that writes local times is read in the zone the reader is given. For a call, `sender`
    placed it."""

    at: datetime
    chat: Chat
    sender: Party
    ident: str
    channel: str  # whatsapp, telegram, signal, sms, phone
    call: CallType | None = None  # None: a message
    # The export itself says this message is an initiation (a CSV row of "who reached out"): it
    # is counted as its sender's, without the silence rule (which is for chats' timelines).
    initiates: bool = False


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A line or item of an export that could not be read; the rest of the file is."""

    where: str  # "line 812", "message 4411", "sms 17"
    reason: str


class ExportFormatError(Exception):
    """The file is not in this format, or is broken as a whole (cut short, not decodable): one
    readable sentence naming the file; the importer then commits nothing of it."""


class ExportReader(Protocol):
    """One export format. Implementations live in `integrations/imports/` and are registered in
    the `nudger.imports` entry point group under their format name.

    The failure contract: `read` yields records in the order of the export, streamed (a 200 MB
    export is read in bounded memory), a bad item as a `SkippedRecord` and the rest read; a file
    that is not in the format, or broken as a whole, raises `ExportFormatError` (possibly after
    some records were yielded: the importer commits nothing of that file)."""

    name: str  # the format name: whatsapp, telegram, signal, sms-backup, csv

    def sniff(self, path: Path, head: bytes) -> bool:
        """Whether the file looks like this format, from its name and its first bytes (up to
        64 KiB); cheap, reads nothing else."""
        ...

    def read(self, path: Path, *, zone: tzinfo) -> Iterator[ChatRecord | SkippedRecord]:
        """The records of the export, local times read in `zone`."""
        ...
