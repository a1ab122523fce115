"""The `google` source: Google Calendar through its v3 API, read with incremental sync.

This module owns everything Google-specific between a stored grant and `Changes`: loading and
renewing the grant, the events.list calls (a full sync bounded by the window, then syncToken
deltas with the same parameters, a 410 answered by a full resync), and turning Google's events
into `EventInstance`s. It is imported only when a Google calendar is configured, so the Google
libraries are imported here and nowhere else; the discovery document ships with the client, so
the only hosts contacted are the API endpoint and the grant's token endpoint.

Google expands recurrences itself (`singleEvents`): every item is one instance, and its `id` is
stable, so a resource is one instance. A sync token only reports what changed, so events that
were outside the window at the full sync and never change would never be seen as the window
moves: the cursor keeps the span already listed, and the part of the window beyond it is listed
with timeMin/timeMax (never together with the syncToken, which Google forbids).

Google marks the account's own entries `self`; the addresses so marked in the primary calendar
are the user's (`Changes.own_addresses`), kept in the cursor since a delta lists only changes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import google.auth.exceptions
import google_auth_httplib2  # type: ignore[import-untyped]
import httplib2  # type: ignore[import-untyped]
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build  # type: ignore[import-untyped]
from googleapiclient.errors import HttpError  # type: ignore[import-untyped]

from integrations.calendars import problems as said
from integrations.calendars.google_auth import AUTH_REMEDY, token_path
from nudger import clock
from nudger.config.calendars import GoogleCalendar
from nudger.core.addresses import normalize
from nudger.core.events import Attendee, EventInstance, EventKind, Participation, Status
from nudger.ports import Changes, Done, Problem, Resource, SourceError, Window
from nudger.private_file import write_private

CURSOR_VERSION = 1
PAGE_SIZE = 250
RETRIES = 2  # the client's own retries of 5xx, 429 and dropped connections, with backoff
DEFAULT_API = "https://www.googleapis.com/calendar/v3/"
PRIMARY = "primary"  # the calendar id of the account's own calendar
_STATUS = {
    "confirmed": Status.CONFIRMED,
    "tentative": Status.TENTATIVE,
    "cancelled": Status.CANCELLED,
}
_ANSWER = {
    "needsAction": Participation.NEEDS_ACTION,
    "declined": Participation.DECLINED,
    "tentative": Participation.TENTATIVE,
    "accepted": Participation.ACCEPTED,
}
# Google's event types (`eventType`, on every event): only a default event can be a plan with
# someone; a type Google adds later is taken for one more that is not (`EventKind.OTHER`).
_KINDS = {
    "default": EventKind.EVENT,
    "birthday": EventKind.BIRTHDAY,
    "workingLocation": EventKind.WORKING_LOCATION,
    "outOfOffice": EventKind.OUT_OF_OFFICE,
    "focusTime": EventKind.FOCUS_TIME,
    "fromGmail": EventKind.FROM_GMAIL,
}
_SPECIAL_DAYS = {  # a birthday event's `birthdayProperties.type`; birthday and self: birthdays
    "anniversary": EventKind.ANNIVERSARY,
    "custom": EventKind.SPECIAL_DAY,
    "other": EventKind.SPECIAL_DAY,
}
_RATE_LIMITS = {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"}


def create(config: GoogleCalendar, *, timeout: float, data_dir: Path) -> GoogleSource:
    return GoogleSource(
        config, timeout=timeout, token_file=token_path(config.name, config.token_file, data_dir)
    )


class GoogleSource:
    def __init__(self, config: GoogleCalendar, *, timeout: float, token_file: Path) -> None:
        self.name = config.name
        self.calendar_ids = list(dict.fromkeys(config.calendar_ids))
        self.timeout = timeout
        self.token_file = token_file
        self.endpoint = _endpoint(config.api_endpoint)
        self.host = urlsplit(self.endpoint).netloc

    def sync(self, cursor: str | None, window: Window) -> Changes:
        if not self.calendar_ids:  # reading nothing would look like every event was deleted
            raise SourceError(f"{self.name} lists no calendar_ids", retry=False)
        state = _Cursor.load(cursor, self.calendar_ids, window)
        with self._api() as api:
            if state is not None:
                try:
                    return self._incremental(api, state, window)
                except _FullSyncRequired:
                    pass  # a token expired: start again from nothing, for every calendar
            try:
                return self._full(api, window)
            except _FullSyncRequired:
                raise SourceError(
                    f"{self.host} refused a full sync of {self.name} (410)", retry=True
                ) from None

    def describe(self, window: Window | None = None) -> list[str]:
        """Each calendar's name and how many events it has in `window` (default: 30 days)."""
        if window is None:
            now = clock.now()
            window = Window(now, now + timedelta(days=30), UTC)
        span = f"{window.start:%Y-%m-%d} to {window.end:%Y-%m-%d}"
        lines = [f"{self.name}: signed in with {self.token_file}, reading {self.host}"]
        with self._api() as api:
            for calendar in self.calendar_ids:
                about = api.call(api.service.calendars().get(calendarId=calendar), calendar)
                count = sum(
                    item.get("status") != "cancelled"
                    for page in api.pages(calendar, _window_query(window.start, window.end))
                    for item in page.get("items", [])
                )
                events = "event" if count == 1 else "events"
                lines.append(f"  {calendar}: {about.get('summary', '')!r}, {count} {events} {span}")
        return lines

    def _full(self, api: _Api, window: Window) -> Changes:
        found = _Found(self.name, window)
        state = _Cursor(window.start, window.end, {})
        for calendar in self.calendar_ids:
            series: dict[str, str] = {}
            items, token = api.list(calendar, _window_query(window.start, window.end))
            found.read(items, calendar, series, complete=True)
            state.calendars[calendar] = _CalendarState(token, series)
        state.me = sorted(found.me)
        return found.changes(state.dump(), complete=True, me=state.me)

    def _incremental(self, api: _Api, state: _Cursor, window: Window) -> Changes:
        found = _Found(self.name, window)
        for calendar in self.calendar_ids:
            known = state.calendars[calendar]
            items, token = api.list(calendar, {"syncToken": known.token})
            for start, end in state.uncovered(window):  # listed after the delta: newest wins
                items += api.list(calendar, _window_query(start, end))[0]
            found.read(items, calendar, known.series, complete=False)
            known.token = token
        state.cover(window)
        state.me = sorted(set(state.me) | found.me)
        return found.changes(state.dump(), complete=False, me=state.me)

    @contextmanager
    def _api(self) -> Iterator[_Api]:
        credentials = self._credentials()
        before = credentials.token
        http = google_auth_httplib2.AuthorizedHttp(
            credentials, http=httplib2.Http(timeout=self.timeout)
        )
        try:
            service = build(
                "calendar",
                "v3",
                http=http,
                client_options={"api_endpoint": self.endpoint},
                cache_discovery=False,
                static_discovery=True,
            )
            yield _Api(service, self)
        finally:
            http.close()
            if credentials.token != before:  # renewed after a 401 in the middle of the sync
                self._save(credentials)

    def _credentials(self) -> Credentials:
        try:
            info = json.loads(self.token_file.read_text(encoding="utf-8"))
            credentials: Credentials = Credentials.from_authorized_user_info(info)  # type: ignore[no-untyped-call]
        except FileNotFoundError:
            raise SourceError(
                f"{self.name} is not signed in to Google (no {self.token_file})",
                retry=False,
                remedy=AUTH_REMEDY,
            ) from None
        except OSError as error:
            raise SourceError(
                f"cannot read {self.token_file} ({error.strerror})", retry=False
            ) from None
        except (ValueError, AttributeError):  # not JSON, not an object, keys missing
            raise SourceError(
                f"{self.token_file} is not a Google sign-in nudger can use",
                retry=False,
                remedy=AUTH_REMEDY,
            ) from None
        stored = info.get("token_uri")  # the loader always puts Google's own address back
        if isinstance(stored, str) and stored and stored != credentials.token_uri:
            expiry = credentials.expiry
            credentials = credentials.with_token_uri(stored)  # tests keep a local one
            credentials.expiry = expiry  # the copy forgets it, and then never renews the token
        if not credentials.valid:
            from google.auth.transport.requests import Request  # 0.14 s, needed about hourly

            request = Request()
            try:
                credentials.refresh(functools.partial(request, timeout=self.timeout))  # type: ignore[no-untyped-call]
            except google.auth.exceptions.GoogleAuthError as error:
                raise self.failure(error) from None
            finally:
                request.session.close()
            self._save(credentials)
        return credentials

    def _save(self, credentials: Credentials) -> None:
        try:
            write_private(self.token_file, credentials.to_json())  # type: ignore[no-untyped-call]
        except OSError as error:
            raise SourceError(
                f"cannot store the renewed Google sign-in in {self.token_file} ({error.strerror})",
                retry=True,
            ) from None

    def failure(self, error: Exception, calendar: str = "", *, delta: bool = False) -> Exception:
        """The `SourceError` for what the client raised (other errors are bugs: kept as is).
        In a `delta` (a request with a sync token) a 410, or a 400 for a token Google does not
        know, means starting again with a full sync."""
        where = f" for calendar {calendar!r}" if calendar else ""
        if isinstance(error, HttpError):
            status = int(error.resp.status)
            reason = _first_line(str(error.reason or ""))
            if status == 410 or (status == 400 and delta):
                return _FullSyncRequired()
            reasons = {
                str(d.get("reason")) for d in error.error_details or [] if isinstance(d, dict)
            }
            if status == 429 or status >= 500 or (status == 403 and reasons & _RATE_LIMITS):
                return SourceError(f"{self.host} answered {status} {reason}{where}", retry=True)
            if status in (401, 403):
                return SourceError(
                    f"Google refused the sign-in of {self.name}{where} ({status} {reason})",
                    retry=False,
                    remedy=AUTH_REMEDY,
                )
            if status == 404:
                return SourceError(
                    f"{self.host} has no calendar {calendar!r} for {self.name}",
                    retry=False,
                    remedy=f"check calendar_ids in the calendar {self.name!r}",
                )
            return SourceError(f"{self.host} answered {status} {reason}{where}", retry=False)
        if isinstance(error, google.auth.exceptions.RefreshError):
            if error.retryable:
                return SourceError(f"Google could not renew the sign-in of {self.name}", retry=True)
            return SourceError(
                f"Google no longer accepts the sign-in of {self.name} ({_grant_error(error)})",
                retry=False,
                remedy=AUTH_REMEDY,
            )
        if isinstance(error, google.auth.exceptions.TransportError):
            return SourceError(
                f"cannot reach Google to renew the sign-in of {self.name}", retry=True
            )
        if isinstance(error, OSError | httplib2.HttpLib2Error):
            return SourceError(f"cannot reach {self.host}{where}: {_reason(error)}", retry=True)
        return error


class _FullSyncRequired(Exception):
    """Google answered 410: the sync token expired."""


class _Api:
    """The service of one sync: requests with the client's retries, errors as `SourceError`."""

    def __init__(self, service: Any, source: GoogleSource) -> None:
        self.service = service
        self.source = source

    def call(self, request: Any, calendar: str, *, delta: bool = False) -> dict[str, Any]:
        try:
            answer: dict[str, Any] = request.execute(num_retries=RETRIES)
        except Exception as error:
            raise self.source.failure(error, calendar, delta=delta) from None
        return answer

    def pages(self, calendar: str, query: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """events.list page by page, the same parameters on every page (Google requires it)."""
        page_token = None
        while True:
            request = self.service.events().list(
                calendarId=calendar,
                singleEvents=True,
                showDeleted=True,  # cancellations made before the first sync are plans too
                maxResults=PAGE_SIZE,
                pageToken=page_token,
                **query,
            )
            page = self.call(request, calendar, delta="syncToken" in query)
            yield page
            page_token = page.get("nextPageToken")
            if not page_token:
                return

    def list(self, calendar: str, query: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        """Every item, and the sync token Google gives with the last page only."""
        items: list[dict[str, Any]] = []
        last: dict[str, Any] = {}
        for page in self.pages(calendar, query):
            items += page.get("items", [])
            last = page
        return items, last.get("nextSyncToken")


@dataclass
class _CalendarState:
    token: str | None
    series: dict[str, str]  # recurringEventId -> iCalUID, for cancelled instances without one


@dataclass
class _Cursor:
    """What the source remembers between syncs: the span listed so far and, per calendar, the
    sync token and the series seen."""

    start: datetime
    end: datetime
    calendars: dict[str, _CalendarState]
    me: list[str] = field(default_factory=list)  # my addresses, from the primary's self entries

    @classmethod
    def load(cls, text: str | None, calendar_ids: list[str], window: Window) -> _Cursor | None:
        """The stored cursor, or None when a full sync is needed (none, unreadable, other
        calendars configured, a token missing, or a window that no longer overlaps)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            if data["version"] != CURSOR_VERSION:
                return None
            state = cls(
                datetime.fromisoformat(data["start"]),
                datetime.fromisoformat(data["end"]),
                {
                    calendar: _CalendarState(entry["token"], dict(entry["series"]))
                    for calendar, entry in data["calendars"].items()
                },
                [str(address) for address in data["me"]],  # none: a full sync learns them
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if set(state.calendars) != set(calendar_ids):
            return None
        if any(not isinstance(entry.token, str) for entry in state.calendars.values()):
            return None
        if window.end <= state.start or window.start >= state.end:
            return None
        return state

    def uncovered(self, window: Window) -> list[tuple[datetime, datetime]]:
        """The parts of `window` never listed: what entered it since the full sync."""
        parts = []
        if window.start < self.start:
            parts.append((window.start, self.start))
        if window.end > self.end:
            parts.append((self.end, window.end))
        return parts

    def cover(self, window: Window) -> None:
        self.start = min(self.start, window.start)
        self.end = max(self.end, window.end)

    def dump(self) -> str:
        return json.dumps(
            {
                "version": CURSOR_VERSION,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "calendars": {
                    calendar: {"token": entry.token, "series": entry.series}
                    for calendar, entry in self.calendars.items()
                },
                "me": self.me,
            },
            sort_keys=True,
        )


@dataclass
class _Found:
    """The resources, removals and problems of one sync, across its calendars."""

    source: str
    window: Window
    changed: dict[str, Resource] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # listed, but not in a shape we read
    me: set[str] = field(default_factory=set)

    def read(
        self, items: list[dict[str, Any]], calendar: str, series: dict[str, str], *, complete: bool
    ) -> None:
        if calendar == PRIMARY:
            self.me |= _self_addresses(items)
        templates: dict[str, dict[str, Any]] = {}
        for item in items:  # first learn every series' UID, whatever the order of the items
            parent = item.get("recurringEventId")
            if parent and item.get("iCalUID"):
                series[str(parent)] = str(item["iCalUID"])
            if parent and item.get("status") != "cancelled" and item.get("organizer"):
                # A live instance lends a cancelled one (which Google trims to its id, series
                # and original start) who organized it and who was invited; one that was not
                # moved is preferred, so an override's own summary is not borrowed.
                unmoved = item.get("start") == item.get("originalStartTime")
                if unmoved or str(parent) not in templates:
                    templates[str(parent)] = {k: item[k] for k in _SHARED if k in item}
        for item in items:
            parent = item.get("recurringEventId")
            if item.get("status") == "cancelled" and parent and str(parent) in templates:
                item = templates[str(parent)] | item
            item_id = item.get("id")
            if not item_id:
                why = "it has no id"
                self.problems.append(Problem(calendar, why, Done.SKIPPED, _named(item)))
                continue
            key = f"{calendar}/{item_id}"
            if _deleted(item):
                self.changed.pop(key, None)
                if not complete:  # after a full sync, what is not listed is gone anyway
                    self.removed.append(key)
                continue
            try:
                made = _instance(item, calendar, series, self.source, self.window.zone)
            except (KeyError, ValueError, TypeError, AttributeError) as error:
                why = said.reason(error)
                self.problems.append(Problem(key, why, Done.SKIPPED, _named(item)))
                self.unreadable.append(key)
                continue
            self.changed[key] = Resource(key, (made,) if _inside(made, self.window) else ())

    def changes(self, cursor: str, *, complete: bool, me: list[str]) -> Changes:
        removed = tuple(key for key in dict.fromkeys(self.removed) if key not in self.changed)
        return Changes(
            changed=tuple(self.changed.values()),
            cursor=cursor,
            complete=complete,
            removed=removed,
            problems=tuple(self.problems),
            unreadable=tuple(key for key in self.unreadable if key not in self.changed),
            own_addresses=tuple(me),  # Google marks my entries itself, addresses learnt or not
        )


def _self_addresses(items: list[dict[str, Any]]) -> set[str]:
    """The addresses Google marks `self` in the primary calendar's events: the account's own.
    (In any other calendar `self` is that calendar, which may be someone else's shared with
    me, so it teaches nothing about me.)"""
    found: set[str] = set()
    for item in items:
        people = [item.get("organizer") or {}, *(item.get("attendees") or [])]
        for person in people:
            if isinstance(person, dict) and person.get("self") and person.get("email"):
                found.add(normalize(str(person["email"])))
    return found


# What the instances of a series share, for filling in a cancelled instance.
_SHARED = (
    "iCalUID",
    "summary",
    "description",
    "organizer",
    "creator",
    "attendees",
    "created",
    "updated",
    "eventType",  # so a cancelled birthday stays a birthday, not a cancelled plan
    "birthdayProperties",
)


def _deleted(item: dict[str, Any]) -> bool:
    """A cancelled event that is not an instance of a series (which stays a cancelled plan)
    and carries nothing to show: Google's form of a deletion."""
    return (
        item.get("status") == "cancelled"
        and not item.get("recurringEventId")
        and "start" not in item
    )


def _instance(
    item: dict[str, Any], calendar: str, series: dict[str, str], source: str, zone: tzinfo
) -> EventInstance:
    original: dict[str, Any] = item.get("originalStartTime") or {}
    recurrence_id = _moment(original, zone)[0] if original else None
    parent = item.get("recurringEventId")
    uid = item.get("iCalUID") or (parent and series.get(parent)) or parent or item["id"]
    if "start" in item:
        start, all_day = _moment(item["start"], zone)
    elif recurrence_id is not None:  # a cancelled instance: only its original start is known
        start, all_day = recurrence_id, "dateTime" not in original
    else:
        raise ValueError("it has no start")
    if "end" in item:
        end = _moment(item["end"], zone)[0]
    else:
        end = start + (timedelta(days=1) if all_day else timedelta(0))
    organizer, organizer_is_self = _organizer(item)
    return EventInstance(
        uid=str(uid),
        recurrence_id=recurrence_id,
        start=start,
        end=end,
        all_day=all_day,
        summary=str(item.get("summary", "")),
        description=str(item.get("description", "")),
        source=source,
        calendar=calendar,
        status=_STATUS.get(str(item.get("status", "confirmed")), Status.CONFIRMED),
        kind=_kind(item),
        organizer=organizer,
        organizer_is_self=organizer_is_self,
        attendees=tuple(
            Attendee(
                normalize(str(person["email"])),
                _ANSWER.get(str(person.get("responseStatus")), Participation.NEEDS_ACTION),
                bool(person.get("self", False)),
            )
            for person in item.get("attendees", [])
            if person.get("email")
        ),
        sequence=int(item.get("sequence", 0)),
        created=_timestamp(item.get("created")),
        updated=_timestamp(item.get("updated")),
    )


def _kind(item: dict[str, Any]) -> EventKind:
    """What Google says the event is: a birthday (or, by `birthdayProperties`, an anniversary
    or another special date of a contact), a working location, an out-of-office, focus time,
    an event Gmail made from a message, or (`default`, or no type) a plain event."""
    kind = _KINDS.get(str(item.get("eventType") or "default"), EventKind.OTHER)
    if kind is EventKind.BIRTHDAY:
        special = (item.get("birthdayProperties") or {}).get("type")
        return _SPECIAL_DAYS.get(str(special), EventKind.BIRTHDAY)
    return kind


def _organizer(item: dict[str, Any]) -> tuple[str | None, bool]:
    """Who organized the event, and whether that is this calendar's owner (`self`). An event
    made in a shared or group calendar has that calendar as its organizer (an address of
    Google's such as `...@group.calendar.google.com`), which is nobody: the plan is then its
    `creator`'s, the person who made it (`self` only when that is this calendar's owner)."""
    person = item.get("organizer") or {}
    if _calendar_address(person.get("email")):
        person = item.get("creator") or {}
        if _calendar_address(person.get("email")):
            return None, False  # made by Google itself (a holiday, a contact's birthday)
    email = normalize(str(person["email"])) if person.get("email") else None
    return email, bool(person.get("self", False))


def _calendar_address(email: Any) -> bool:
    """An address of a Google calendar rather than a person's: group and shared calendars
    (`group.calendar.google.com`), Google's own (`group.v.`), imported ones, rooms, and the
    organizer Google gives what Gmail made (`unknownorganizer@calendar.google.com`)."""
    domain = email.lower().partition("@")[2] if isinstance(email, str) else ""
    return domain == "calendar.google.com" or domain.endswith(".calendar.google.com")


def _moment(value: dict[str, Any], zone: tzinfo) -> tuple[datetime, bool]:
    """A Google start/end/originalStartTime in UTC, and whether it is a whole day (a date is
    read as midnight in the user's zone; an end date is exclusive, as in iCalendar)."""
    if value.get("dateTime"):
        moment = datetime.fromisoformat(str(value["dateTime"]))
        if moment.tzinfo is None:  # Google always sends an offset; be lenient if it does not
            moment = moment.replace(
                tzinfo=ZoneInfo(value["timeZone"]) if value.get("timeZone") else zone
            )
        return moment.astimezone(UTC), False
    day = date.fromisoformat(str(value["date"]))
    return datetime.combine(day, time(), zone).astimezone(UTC), True


def _timestamp(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _inside(instance: EventInstance, window: Window) -> bool:
    """Google's rule for timeMin/timeMax: ends after the start, starts before the end."""
    if instance.start >= window.end:
        return False
    return instance.end > window.start or instance.start >= window.start


def _window_query(start: datetime, end: datetime) -> dict[str, Any]:
    return {"timeMin": start.isoformat(), "timeMax": end.isoformat()}


def _endpoint(configured: str | None) -> str:
    """The API base: it replaces rootUrl + servicePath, so it must end in /calendar/v3/."""
    if not configured:
        return DEFAULT_API
    base = configured.rstrip("/")
    if not base.endswith("/calendar/v3"):
        base += "/calendar/v3"
    return base + "/"


def _grant_error(error: google.auth.exceptions.RefreshError) -> str:
    """`invalid_grant` and the like: the code only, the text may echo what was sent."""
    details = error.args[1] if len(error.args) > 1 else None
    if isinstance(details, dict) and details.get("error"):
        return str(details["error"])
    return _first_line(str(error.args[0] if error.args else error)).split(":")[0]


def _named(item: dict[str, Any]) -> str:
    """A Google event as a problem names it: its title and start date, where it has them."""
    title = " ".join(str(item.get("summary", "")).split())[:80]
    start = item.get("start")
    start = start if isinstance(start, dict) else {}
    day = str(start.get("date") or start.get("dateTime") or "")[:10]
    return (f"event '{title}'" if title else "an event without a title") + (
        f" on {day}" if day else ""
    )


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0][:200]


def _reason(error: BaseException) -> str:
    text = _first_line(str(error))
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
