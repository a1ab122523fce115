"""A stand-in for Google on 127.0.0.1: the parts of Calendar API v3 and OAuth nudger uses.

Built from the parameter and schema descriptions in the client's own `calendar.v3.json` and
Google's "Synchronize resources efficiently" guide (see TECH-NOTES section 1): events.list with
paging (`maxResults`, and pages that may hold fewer), `nextSyncToken` on the last page only,
`syncToken` deltas that include deletions, 410 for an expired token, 400 for parameters Google
forbids with a token, `showDeleted`/`singleEvents`, instances with `recurringEventId` and
`originalStartTime`, an instance moved on its own (an exception listed in place of the instance
it replaces), a series' EXDATEs (an excluded date is no instance, listed nowhere), deletions
reduced to the fields Google guarantees unless a test asks for the whole event Google often
still sends; every event's `eventType` (`default`, or a type such as `birthday` with the
properties a test gives it), a yearly series of whole days (a birthday, whose instance ids end
in the date), and a `creator` other than the organizer (an event made in a group calendar,
whose organizer is that calendar); `created`/`updated` from a clock a test may set; the times of
an event written in the calendar's zone with the event's own `timeZone`; calendars.get; and the
OAuth consent redirect and token endpoint (codes with PKCE, refreshes, `invalid_grant`).
Anything else is refused (400/404), so a test cannot pass on behaviour Google does not have.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import itertools
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit
from zoneinfo import ZoneInfo

from nudger.private_file import write_private

CLIENT_ID = "nudger-test.apps.googleusercontent.com"
CLIENT_SECRET = "test-client-secret"  # noqa: S105 - a fake client of a fake server
SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
EPOCH = datetime(2027, 3, 1, tzinfo=UTC)  # "created"/"updated" count from here, one second a change
NOT_WITH_SYNC_TOKEN = {"iCalUID", "orderBy", "privateExtendedProperty", "q"}
NOT_WITH_SYNC_TOKEN |= {"sharedExtendedProperty", "timeMin", "timeMax", "updatedMin"}
Json = dict[str, Any]


@dataclass
class Stored:
    """An event as Google keeps it: a single event, or the master of a weekly series."""

    body: Json
    changed: int
    weeks: int = 0  # the number of weekly instances; 0 for a single event
    years: int = 0  # or of yearly ones (a birthday)
    deleted: bool = False
    cancelled: dict[str, int] = field(default_factory=dict)  # instance id -> when it was
    moved: dict[str, tuple[int, Json]] = field(default_factory=dict)  # id -> (when, new fields)
    kept: bool = False  # deleted, yet listed whole (status cancelled), as Google often does
    excluded: set[str] = field(default_factory=set)  # instance ids struck by an EXDATE


class FakeGoogle:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.calendars: dict[str, Json] = {}
        self.events: dict[str, dict[str, Stored]] = {}
        self.changes = 0  # a counter standing for time: every change gets the next value
        self.sync_tokens: dict[str, tuple[str, int]] = {}  # token -> (calendar, changes then)
        self.expired: set[str] = set()
        self.pages: dict[str, tuple[list[Json], Json]] = {}  # page token -> (rest, last page)
        self.page_limit = 250  # Google may return fewer items than maxResults
        self.failures = 0  # answer this many API requests with 503
        self.access_tokens: set[str] = set()
        self.refresh_tokens: dict[str, bool] = {}  # token -> still valid
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (redirect_uri, PKCE challenge)
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # method, path, query
        self.numbers = itertools.count(1)
        self.now: datetime | None = None  # Google's clock for created/updated; None: see EPOCH
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.api_endpoint = f"{self.url}/calendar/v3/"
        self.token_uri = f"{self.url}/token"
        self.auth_uri = f"{self.url}/o/oauth2/auth"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def start(self) -> FakeGoogle:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    # -- the test's side ------------------------------------------------------------------------

    def add_calendar(self, calendar: str, summary: str, zone: str = "Europe/Berlin") -> None:
        self.calendars[calendar] = {"kind": "calendar#calendar", "id": calendar}
        self.calendars[calendar] |= {"summary": summary, "timeZone": zone}
        self.events[calendar] = {}

    def add_event(
        self,
        calendar: str,
        summary: str,
        start: datetime | date,
        end: datetime | date,
        *,
        weekly: int = 0,
        uid: str | None = None,
        organizer: str = "me@example.org",
        attendees: dict[str, str] | None = None,  # email -> responseStatus
        me: str = "me@example.org",
        exdates: tuple[datetime, ...] = (),  # original starts a weekly series leaves out
        event_type: str = "default",  # birthday, workingLocation, outOfOffice, focusTime, ...
        properties: Json | None = None,  # the type's own fields: {"birthdayProperties": {...}}
        creator: str | None = None,  # who made it, when not its organizer (a group calendar)
        yearly: int = 0,  # a yearly series of this many instances, as Google keeps a birthday
    ) -> str:
        with self.lock:
            event_id = f"ev{next(self.numbers):04d}"
            body: Json = {"kind": "calendar#event", "id": event_id, "status": "confirmed"}
            body |= {"summary": summary, "iCalUID": uid or f"{event_id}@google.com", "sequence": 0}
            body["created"] = self._stamp(self.changes + 1)
            body["start"], body["end"] = self._when(calendar, start), self._when(calendar, end)
            body |= _people(organizer, attendees or {}, me)
            body["creator"] = {"email": creator or organizer}
            body["creator"] |= {"self": True} if (creator or organizer) == me else {}
            body |= {"eventType": event_type} | (properties or {})
            if weekly:
                body["recurrence"] = [f"RRULE:FREQ=WEEKLY;COUNT={weekly}"]
                body["recurrence"] += [
                    f"EXDATE:{day.astimezone(UTC):%Y%m%dT%H%M%SZ}" for day in exdates
                ]
            if yearly:
                body["recurrence"] = [f"RRULE:FREQ=YEARLY;COUNT={yearly}"]
            excluded = {f"{event_id}_{day.astimezone(UTC):%Y%m%dT%H%M%SZ}" for day in exdates}
            stored = Stored(body, 0, weekly, years=yearly, excluded=excluded)
            self.events[calendar][event_id] = stored
            self._touch(self.events[calendar][event_id])
            return event_id

    def modify(self, calendar: str, event_id: str, **fields: Any) -> None:
        with self.lock:
            stored = self.events[calendar][event_id]
            stored.body |= fields
            stored.body["sequence"] += 1
            self._touch(stored)

    def edit_event(
        self,
        calendar: str,
        event_id: str,
        summary: str,
        start: datetime | date,
        end: datetime | date,
        *,
        organizer: str = "me@example.org",
        attendees: dict[str, str] | None = None,  # email -> responseStatus
        me: str = "me@example.org",
    ) -> None:
        """An edit as a client saves it: title, times and people replaced, the sequence up."""
        with self.lock:
            fields = {"summary": summary, "start": self._when(calendar, start)}
            fields |= {"end": self._when(calendar, end)} | _people(organizer, attendees or {}, me)
            self.modify(calendar, event_id, **fields)

    def delete(self, calendar: str, event_id: str, *, whole: bool = False) -> None:
        """Delete (for an organizer, cancel) an event. Google guarantees only the id of a
        deleted event, and that is what is listed; `whole` lists it as Google often still does,
        every field kept, `status` cancelled and the sequence one higher."""
        with self.lock:
            stored = self.events[calendar][event_id]
            stored.deleted, stored.kept = True, whole
            if whole:
                stored.body["status"] = "cancelled"
                stored.body["sequence"] += 1
            self._touch(stored)

    def cancel_instance(self, calendar: str, series_id: str, original: datetime | date) -> str:
        with self.lock:
            instance_id = _instance_id(series_id, original)
            self.changes += 1
            self.events[calendar][series_id].cancelled[instance_id] = self.changes
            return instance_id

    def move_instance(
        self,
        calendar: str,
        series_id: str,
        original: datetime,
        start: datetime,
        end: datetime,
        **fields: Any,
    ) -> str:
        """Move one instance of a weekly series (and change `fields` of it only): Google keeps
        an exception with the instance's id, `recurringEventId` and `originalStartTime`, its
        own start, end, `updated` and a higher sequence, and lists it in place of the instance
        it replaces. The rest (`created`, organizer, attendees, iCalUID) is the series'."""
        with self.lock:
            stored = self.events[calendar][series_id]
            instance_id = f"{series_id}_{original.astimezone(UTC):%Y%m%dT%H%M%SZ}"
            self.changes += 1
            own: Json = {"start": self._when(calendar, start), "end": self._when(calendar, end)}
            own |= {"sequence": stored.body["sequence"] + 1, "updated": self._stamp(self.changes)}
            stored.moved[instance_id] = (self.changes, own | fields)
            return instance_id

    def invalidate_sync_tokens(self) -> None:
        with self.lock:
            self.expired |= set(self.sync_tokens)

    def grant(self) -> tuple[str, str]:
        """A refresh token and a valid access token, as after a sign-in."""
        refresh = f"1//refresh-{next(self.numbers)}"
        self.refresh_tokens[refresh] = True
        return refresh, self._access_token()

    def revoke(self, refresh: str) -> None:
        self.refresh_tokens[refresh] = False
        self.access_tokens.clear()

    # -- Calendar API ---------------------------------------------------------------------------

    def get(self, path: str, query: dict[str, str], authorization: str) -> tuple[int, Json]:
        parts = [unquote(part) for part in path.split("/")]
        if parts[:4] != ["", "calendar", "v3", "calendars"] or len(parts) not in (5, 6):
            return _error(404, "Not Found", "notFound")
        if authorization.removeprefix("Bearer ") not in self.access_tokens:
            return _error(401, "Request had invalid authentication credentials.", "authError")
        if self.failures:
            self.failures -= 1
            return _error(503, "The service is currently unavailable.", "backendError")
        if parts[4] not in self.calendars or parts[5:] not in ([], ["events"]):
            return _error(404, "Not Found", "notFound")
        if len(parts) == 5:
            return 200, self.calendars[parts[4]]
        return self.list_events(parts[4], query)

    def list_events(self, calendar: str, query: dict[str, str]) -> tuple[int, Json]:
        if token := query.get("syncToken"):
            if NOT_WITH_SYNC_TOKEN & query.keys():
                return _error(400, "Sync token cannot be used with other filters.", "invalid")
            if query.get("showDeleted") == "false":
                return _error(400, "showDeleted=false cannot be used with a sync token.", "invalid")
        size = int(query.get("maxResults", "250"))
        if not 1 <= size <= 2500:
            return _error(400, "Invalid maxResults value.", "invalid")
        if "pageToken" in query:
            if query["pageToken"] not in self.pages:
                return _error(400, "Invalid page token value.", "invalid")
            items, last = self.pages[query["pageToken"]]
        else:
            if token and token in self.expired:
                return _error(410, "Sync token is no longer valid, a full sync is required.")
            if token and self.sync_tokens.get(token, ("", 0))[0] != calendar:
                return _error(400, "Invalid sync token value.", "invalid")
            since = self.sync_tokens[token][1] if token else None
            try:
                items = self._select(calendar, query, since)
            except ValueError as error:
                return _error(400, f"Bad Request: {error}", "badRequest")
            new_token = f"sync-{next(self.numbers)}"
            self.sync_tokens[new_token] = (calendar, self.changes)
            last = {"nextSyncToken": new_token}
        page, rest = items[: min(size, self.page_limit)], items[min(size, self.page_limit) :]
        answer = {"kind": "calendar#events", "summary": self.calendars[calendar]["summary"]}
        answer |= {"timeZone": self.calendars[calendar]["timeZone"], "accessRole": "owner"}
        answer |= {"defaultReminders": [], "items": page}
        if rest:
            page_token = f"page-{next(self.numbers)}"
            self.pages[page_token] = (rest, last)
            return 200, answer | {"nextPageToken": page_token}
        return 200, answer | last

    def _select(self, calendar: str, query: dict[str, str], since: int | None) -> list[Json]:
        single = query.get("singleEvents") == "true"
        deleted_too = since is not None or query.get("showDeleted") == "true"
        low = _instant(query.get("timeMin"))
        high = _instant(query.get("timeMax"))
        found = []
        for item, changed, cancelled, start, end in self._items(calendar, single):
            if since is not None and changed <= since:
                continue
            is_exception = "recurringEventId" in item and not single
            if cancelled and not deleted_too and not is_exception:
                continue  # both False: cancelled instances of a series are still listed
            if (low and end <= low) or (high and start >= high):
                continue  # timeMin bounds the end, timeMax the start, both exclusive
            found.append(item)
        return found

    def _items(
        self, calendar: str, single: bool
    ) -> list[tuple[Json, int, bool, datetime, datetime]]:
        """(item, last change, cancelled, start, end) of what the calendar holds."""
        zone = ZoneInfo(self.calendars[calendar]["timeZone"])
        rows = []
        for stored in self.events[calendar].values():
            start, end = _moment(stored.body["start"], zone), _moment(stored.body["end"], zone)
            if not (stored.weeks or stored.years) or not single:
                whole = not stored.deleted or stored.kept
                item = copy.deepcopy(stored.body) if whole else _minimal(stored.body)
                rows.append((item, stored.changed, stored.deleted, start, end))
            series_zone = ZoneInfo(stored.body["start"].get("timeZone") or zone.key)
            for number in range(stored.weeks or stored.years):
                local = start.astimezone(series_zone).replace(tzinfo=None)
                if stored.years:
                    local = local.replace(year=local.year + number)
                else:
                    local += timedelta(weeks=number)
                original: datetime | date = local.replace(tzinfo=series_zone)  # same wall time
                if "date" in stored.body["start"]:
                    original = local.date()  # an all-day series: its instances are dates
                instance_id = _instance_id(stored.body["id"], original)
                if instance_id in stored.excluded:
                    continue  # an EXDATE: no instance at all, listed nowhere
                cancelled_at = stored.cancelled.get(instance_id, 0)
                moved_at, own = stored.moved.get(instance_id, (0, {}))
                if not single and not (cancelled_at or moved_at):
                    continue  # without singleEvents only the exceptions are listed
                item = {k: copy.deepcopy(v) for k, v in stored.body.items() if k != "recurrence"}
                item |= {"id": instance_id, "recurringEventId": stored.body["id"]}
                item["start"] = item["originalStartTime"] = self._when(calendar, original)
                item["end"] = self._when(calendar, original + (end - start))
                item |= copy.deepcopy(own)  # a moved instance: its own times, summary, ...
                first, last = _moment(item["start"], zone), _moment(item["end"], zone)
                cancelled = stored.deleted or bool(cancelled_at)
                item = _minimal(item) if cancelled else item
                changed = max(stored.changed, cancelled_at, moved_at)
                rows.append((item, changed, cancelled, first, last))
        return rows

    def _touch(self, stored: Stored) -> None:
        self.changes += 1
        stored.changed = self.changes
        stored.body["updated"] = self._stamp(self.changes)

    def _stamp(self, change: int) -> str:
        """`created`/`updated` as Google writes them: the clock a test set, else EPOCH plus
        one second a change (so a sequence of changes has increasing stamps)."""
        moment = self.now if self.now is not None else EPOCH + timedelta(seconds=change)
        return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def _when(self, calendar: str, moment: datetime | date) -> Json:
        """A start or end as events.list returns it: a time in the calendar's zone (the
        default of the `timeZone` parameter, which nudger leaves unset) with the event's own
        zone in `timeZone` (a time given in another zone keeps that zone's name)."""
        if isinstance(moment, datetime):
            zone = self.calendars[calendar]["timeZone"]
            own = moment.tzinfo.key if isinstance(moment.tzinfo, ZoneInfo) else zone
            return {"dateTime": moment.astimezone(ZoneInfo(zone)).isoformat(), "timeZone": own}
        return {"date": moment.isoformat()}

    # -- OAuth ----------------------------------------------------------------------------------

    def consent(self, query: dict[str, str]) -> str:
        """Where Google sends the browser once the user agreed (the code, the state)."""
        assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256" and query["scope"] == SCOPE
        code = f"4/code-{next(self.numbers)}"
        self.codes[code] = (query["redirect_uri"], query["code_challenge"])
        answer = {"state": query["state"], "code": code, "scope": SCOPE}
        return f"{query['redirect_uri']}?{urlencode(answer)}"

    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> tuple[int, Json]:
        client = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        if client != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
        revoked = {
            "error": "invalid_grant",
            "error_description": "Token has been expired or revoked.",
        }
        answer: Json = {"expires_in": 3599, "scope": SCOPE, "token_type": "Bearer"}
        if form.get("grant_type") == "refresh_token":
            if not self.refresh_tokens.get(form.get("refresh_token", ""), False):
                return 400, revoked
            return 200, answer | {"access_token": self._access_token()}
        if form.get("grant_type") == "authorization_code":
            redirect_uri, challenge = self.codes.pop(form.get("code", ""), ("", ""))
            verifier = form.get("code_verifier", "").encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if redirect_uri != form.get("redirect_uri") or digest.decode() != challenge:
                return 400, {"error": "invalid_grant", "error_description": "Bad Request"}
            refresh, access = self.grant()
            return 200, answer | {"access_token": access, "refresh_token": refresh}
        return 400, {"error": "unsupported_grant_type"}

    def _access_token(self) -> str:
        token = f"ya29.access-{next(self.numbers)}"
        self.access_tokens.add(token)
        return token


def signed_in(google: FakeGoogle, token_file: Path, calendars: Sequence[str]) -> str:
    """The `[[calendars]]` table of a source named `google` reading `calendars` from the
    stand-in, signed in as `nudger auth google` leaves it (`token_file` written, an access
    token the stand-in accepts, valid long enough that it is never renewed)."""
    refresh, access = google.grant()
    grant: Json = {"token": access, "refresh_token": refresh}
    grant["expiry"] = "2999-01-01T00:00:00Z"  # google-auth reads the real clock
    grant |= {"token_uri": google.token_uri, "client_id": CLIENT_ID, "scopes": [SCOPE]}
    write_private(token_file, json.dumps(grant | {"client_secret": CLIENT_SECRET}))
    return (
        '\n[[calendars]]\nname = "google"\ntype = "google"\n'
        + f"calendar_ids = {json.dumps(list(calendars))}\n"
        + f'api_endpoint = "{google.api_endpoint}"\ntoken_file = "{token_file}"\n'
    )


def _handler(google: FakeGoogle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path, query = self._read()
            if path == "/o/oauth2/auth":
                self.send_response(302)
                self.send_header("Location", google.consent(query))
                self.end_headers()
            else:
                with google.lock:
                    self._send(*google.get(path, query, self.headers.get("Authorization", "")))

        def do_POST(self) -> None:
            path, _ = self._read()
            form = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
            basic = None
            if self.headers.get("Authorization", "").startswith("Basic "):
                pair = base64.b64decode(self.headers["Authorization"][6:]).decode().split(":", 1)
                basic = (unquote(pair[0]), unquote(pair[1]))
            with google.lock:
                found = path == "/token"
                self._send(*(google.token(form, basic) if found else _error(404, "Not Found")))

        def _read(self) -> tuple[str, dict[str, str]]:
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query))
            google.requests.append((self.command, url.path, query))
            return url.path, query

        def _send(self, status: int, body: Json) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the tests read `google.requests` instead

    return Handler


def _error(status: int, message: str, reason: str = "fullSyncRequired") -> tuple[int, Json]:
    """Google's error body: `HttpError.reason` is the message, the code is in `errors`."""
    detail = {"domain": "global", "reason": reason, "message": message}
    return status, {"error": {"code": status, "message": message, "errors": [detail]}}


def _people(organizer: str, attendees: dict[str, str], me: str) -> Json:
    """The organizer and attendees of an event as Google lists them (`self` marks mine)."""
    return {
        "organizer": {"email": organizer} | ({"self": True} if organizer == me else {}),
        "attendees": [
            {"email": email, "responseStatus": answer}
            | ({"self": True} if email == me else {})
            | ({"organizer": True} if email == organizer else {})
            for email, answer in attendees.items()
        ],
    }


def _instance_id(series_id: str, original: datetime | date) -> str:
    """Google's id of an instance: the series' id and the original start (a date for a series
    of whole days, else the time in UTC)."""
    if isinstance(original, datetime):
        return f"{series_id}_{original.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return f"{series_id}_{original:%Y%m%d}"


def _minimal(item: Json) -> Json:
    """What Google guarantees of a cancelled event: the id, and for an instance its series
    and original start."""
    keep = ("kind", "id", "recurringEventId", "originalStartTime")
    return {key: item[key] for key in keep if key in item} | {"status": "cancelled"}


def _moment(value: Json, zone: ZoneInfo) -> datetime:
    if "dateTime" in value:
        return datetime.fromisoformat(value["dateTime"])
    return datetime.combine(date.fromisoformat(value["date"]), time(), zone)


def _instant(text: str | None) -> datetime | None:
    """timeMin/timeMax: RFC 3339 with a mandatory offset (Google answers 400 without one)."""
    moment = None if text is None else datetime.fromisoformat(text)
    if moment is not None and moment.tzinfo is None:
        raise ValueError(f"{text} has no offset")
    return moment
