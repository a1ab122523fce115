"""CalDAV calendars as a `CalendarSource` (caldav 3.x; tested on Radicale and Xandikos).

This module owns the conversation with the server: the password (command, environment or
keyring), discovery, sync-collection deltas, fetching changed objects, and the cursor. Turning
iCalendar text into instances is `ical`'s job. caldav is imported here only, and this module
only when a CalDAV calendar is configured, so other commands never pay for its 200 ms import.

The cursor (JSON) holds the calendar home (so a sync does not rediscover the principal), the
account's own mail addresses (its `calendar-user-address-set`, asked once) and per calendar its
sync token and each object's href -> (ETag, UIDs), so that a deleted href can be
reported as the UIDs it held. One PROPFIND of the home lists the calendars with their current
tokens, and only a calendar whose token moved is asked for its changes: a sync with nothing
changed is one request. Changed objects come in one calendar-multiget per calendar (one GET
each is 3x slower). A server without sync-collection is compared by ETag listings instead.
Resources are keyed by UID, so a master and its overrides stay one resource wherever they sit.

A first (or full) sync reads each calendar whole in one calendar-query that returns every
object's data, its multistatus read straight from the XML: caldav's own listing builds a Python
object per event, which took longer than the server. Only the objects that may involve a tracked
person are parsed (`Window.mentions`, `ical.mentioning`); the others are kept as their href and
ETag with no UIDs. An object that held a relevant UID at the last sync is parsed whatever it
says now, so an uninvite reaches detection exactly as any other edit. The UID pass a folder needs
(`split.relevant`) is not needed here: RFC 4791 (4.1) keeps every component of one UID in
one object of a calendar.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

from caldav.collection import Calendar
from caldav.davclient import DAVClient
from caldav.lib import error as dav
from caldav.lib import vcal
from caldav.lib.url import URL
from caldav.response import PropfindResult

from integrations.calendars import ical
from nudger.config import secrets
from nudger.core.addresses import is_mail, normalize
from nudger.core.events import EventInstance
from nudger.ports import Changes, Problem, Resource, SourceError, Window

if TYPE_CHECKING:
    from nudger.config.calendars import CalDAVCalendar

T = TypeVar("T")
ETAG = "{DAV:}getetag"
DATA = "{urn:ietf:params:xml:ns:caldav}calendar-data"
OBJECTS = (  # a REPORT asking for each object's ETag and data: `{report}` is the rest
    '<?xml version="1.0" encoding="utf-8"?><C:{name} xmlns:D="DAV:" '
    'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>'
    "{report}</C:{name}>"
)
EVERY_OBJECT = OBJECTS.format(  # no comp-filter below VCALENDAR: todos too, as sync-collection
    name="calendar-query", report='<C:filter><C:comp-filter name="VCALENDAR"/></C:filter>'
)
EVENTS = (  # a calendar-query for the ETags of event objects: `describe` counts them
    '<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" '
    'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter>'
    '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter>'
    "</C:filter></C:calendar-query>"
)
Items = dict[str, tuple[str, list[str]]]  # href -> (ETag, the UIDs the object holds)
State = tuple[str | None, Items]  # a calendar's sync token (None: compared by ETags), items
Objects = dict[str, tuple[str, str]]  # href -> (ETag, iCalendar text)


class Delta(NamedTuple):
    """What changed in a calendar."""

    token: str | None  # the new sync token (None: compared by ETags)
    etags: dict[str, str]  # href -> ETag of each object to check against the items
    gone: set[str]  # hrefs deleted
    objects: Objects  # those already fetched with their data (a full listing has them all)


class _Calendar(NamedTuple):
    url: URL
    name: str
    token: str | None  # its current sync token, if the server lists it


def create(config: CalDAVCalendar, *, timeout: float, data_dir: Path) -> CalDAVSource:
    """The `nudger.calendars` entry point. `data_dir` is unused: all state is in the cursor."""
    return CalDAVSource(config, timeout=timeout)


class CalDAVSource:
    """One `[[calendars]]` entry of type caldav: its chosen calendars, synced incrementally."""

    def __init__(self, config: CalDAVCalendar, *, timeout: float, sync_collection: bool = True):
        """`sync_collection=False` compares ETag listings, as for a server without RFC 6578."""
        self.name = config.name
        self._config = config
        self._timeout = timeout
        self._sync_collection = sync_collection
        self._host = urlsplit(config.url).netloc.rpartition("@")[2]  # never the URL's userinfo
        self._account = f"{config.username}@{self._host}{urlsplit(config.url).path}"
        self._password: tuple[str | None] | None = None  # read once, kept in memory only
        self._preemptive = True  # False once the server turned out to refuse Basic up front

    def sync(self, cursor: str | None, window: Window) -> Changes:
        state = self._load(cursor, window)
        me = self._known_addresses(cursor)
        return self._connected(lambda client: self._sync(client, state, window, me))

    def describe(self) -> list[str]:
        def lines(client: DAVClient) -> list[str]:
            found = self._calendars(client, None)[0]
            return [f'calendar "{c.name}": {self._count(client, c)} events' for c in found] or [
                f"{self._host} has no calendars for {self._config.username or 'this account'}"
            ]

        return self._connected(lines)

    def _sync(
        self,
        client: DAVClient,
        state: tuple[str, dict[str, State]] | None,
        window: Window,
        me: list[str] | None,
    ) -> Changes:
        calendars, home = self._calendars(client, state[0] if state else None)
        me = self._own_addresses(client) if me is None else me
        known = state[1] if state else {}
        deltas: dict[str, Delta] = {}
        for calendar in calendars if state else ():
            delta = self._delta(client, calendar, known.get(str(calendar.url)))
            if delta is None:  # the server forgot our token: a full sync, as the first one
                break
            deltas[str(calendar.url)] = delta
        if complete := state is None or len(deltas) < len(calendars):
            known = {}
            deltas = {str(c.url): self._everything(client, c) for c in calendars}
        names = {str(c.url): c.name for c in calendars}
        changed, removed, problems, items, unreadable = self._resources(
            client, deltas, known, names, window
        )
        saved = {key: {"token": deltas[key].token, "items": items[key]} for key in deltas}
        cursor = {"version": 1, "account": self._account, "window": _span(window), "home": home}
        cursor["calendars"] = saved
        if me is not None:  # unanswered: asked again next time
            cursor["me"] = me
        text = json.dumps(cursor, separators=(",", ":"))
        mine = tuple(me) if me else None  # no mail address listed: it cannot tell who I am
        return Changes(changed, text, complete, removed, problems, unreadable, own_addresses=mine)

    def _own_addresses(self, client: DAVClient) -> list[str] | None:
        """The mail addresses of the account's principal (`calendar-user-address-set`, RFC
        6638: the addresses the server schedules as this user), without the other entries it
        may list (Radicale lists only the principal's path, iCloud a `urn:uuid:` too). None when
        the server did not answer the property; an empty list when it lists no mail address."""
        try:
            principal = client.get_principal()
            listed = _done(principal.calendar_user_address_set())
        except dav.DAVError:
            return None
        return sorted({normalize(href) for href in listed if href and is_mail(href)})

    def _known_addresses(self, cursor: str | None) -> list[str] | None:
        """The account's addresses as the cursor keeps them (they outlive a new window, which
        reads everything again, but not another account); None: not known yet."""
        try:
            data = json.loads(cursor or "null")
            if not data or data["account"] != self._account or "me" not in data:
                return None
            return [str(address) for address in data["me"]]
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def _resources(
        self,
        client: DAVClient,
        deltas: dict[str, Delta],
        known: dict[str, State],
        names: dict[str, str],
        window: Window,
    ) -> tuple[
        tuple[Resource, ...],
        tuple[str, ...],
        tuple[Problem, ...],
        dict[str, Items],
        tuple[str, ...],
    ]:
        """Fetch what changed; return the resources of every UID it touched (read with the
        unchanged objects sharing the UID), the UIDs now in no object, problems, new items, and
        the UIDs an object still holds that could not be read."""
        mentioned = ical.mentioning(window.mentions)
        items: dict[str, Items] = {}
        parsed: dict[str, dict[str, ical.Parsed]] = {}
        dropped = set(known) - set(deltas)  # calendars deleted or no longer chosen
        touched = {uid for key in dropped for _, uids in known[key][1].values() for uid in uids}
        problems: list[Problem] = []
        for key, delta in deltas.items():
            old = known.get(key, (None, {}))[1]
            items[key], parsed[key], uids, trouble = self._read(client, key, delta, old, mentioned)
            touched |= uids
            problems += trouble
        found: dict[str, list[EventInstance]] = defaultdict(list)
        excluded: dict[str, set[str]] = defaultdict(set)
        read_until: dict[str, datetime] = {}
        for key, held in items.items():
            hrefs = {href for href, (_, uids) in held.items() if touched.intersection(uids)}
            for href, (_, text) in self._fetch(client, key, hrefs - set(parsed[key])).items():
                parsed[key][href] = _parse(href, text)
            merged = _merge(parsed[key][h] for h in hrefs if h in parsed[key])
            expanded = ical.instances(merged, window, source=self.name, calendar=names[key])
            problems += expanded.problems
            for uid in touched.intersection(expanded.found):
                found[uid].extend(expanded.found[uid])
                excluded[uid] |= expanded.excluded.get(uid, frozenset())
                if (until := expanded.read_until.get(uid)) is not None:
                    read_until[uid] = min(until, read_until.get(uid, until))
        left = {uid for held in items.values() for _, uids in held.values() for uid in uids}
        changed = tuple(
            Resource(
                uid,
                tuple(sorted(found[uid], key=lambda i: (i.start, i.occurrence))),
                frozenset(excluded[uid]),
                read_until.get(uid),
            )
            for uid in sorted(found)
        )
        # Still held by an object, touched, and yet not read: an edit that does not parse or a
        # series that does not expand. It exists, so what the log knew of it stands.
        unreadable = tuple(sorted((touched & left) - set(found)))
        return changed, tuple(sorted(touched - left)), tuple(problems), items, unreadable

    def _read(
        self,
        client: DAVClient,
        key: str,
        delta: Delta,
        old: Items,
        mentioned: Callable[[str], bool],
    ) -> tuple[Items, dict[str, ical.Parsed], set[str], list[Problem]]:
        """One calendar's changed objects fetched, and parsed if they may involve anyone: its
        new items, the parsed objects by href, the UIDs the change touched, problems.

        An object that mentions nobody tracked and held no relevant UID is not parsed: it is
        kept with no UIDs. One that held some is parsed whatever it says now, so that an
        uninvite is reported as the edit it is (its instances no longer involve anyone)."""
        new = dict(old)
        wanted = [h for h, etag in delta.etags.items() if not etag or old.get(h, ("",))[0] != etag]
        got = {href: delta.objects[href] for href in wanted if href in delta.objects}
        got |= self._fetch(client, key, [href for href in wanted if href not in got])
        touched: set[str] = set()
        for href in delta.gone | set(wanted) - set(got):
            touched.update(new.pop(href, ("", []))[1])
        parsed: dict[str, ical.Parsed] = {}
        problems: list[Problem] = []
        for href, (etag, text) in got.items():
            etag = etag or delta.etags.get(href, "")
            before = old.get(href, ("", []))[1]
            if not before and not mentioned(text):
                new[href] = (etag, [])
                continue
            parsed[href] = one = _parse(href, text)
            problems += one.problems
            uids = sorted(one.components) if one.components or not one.problems else before
            new[href] = (etag, uids)  # an unreadable edit keeps its UIDs
            touched.update(uids, before)
        return new, parsed, touched, problems

    def _calendars(self, client: DAVClient, home: str | None) -> tuple[list[_Calendar], str]:
        """The chosen calendars with their tokens, from one PROPFIND of the calendar home."""
        if home and urlsplit(home).netloc != client.url.netloc:
            home = None  # a home on another host (iCloud) is found anew: caldav must follow it
        url = home or str(client.get_principal().calendar_home_set.url)
        try:
            listing = _propfind(client, url, ["resourcetype", "displayname", "sync-token"])
        except dav.NotFoundError:
            if home is None:
                raise
            return self._calendars(client, None)  # the home moved: find it again
        found = [
            _Calendar(
                at := URL.objectify(url).join(href).canonical(),
                str(props.get("{DAV:}displayname") or unquote(at.path.rstrip("/").split("/")[-1])),
                props.get("{DAV:}sync-token") or None,
            )
            for href, props in listing
            if "{urn:ietf:params:xml:ns:caldav}calendar" in (props.get("{DAV:}resourcetype") or [])
        ]
        chosen = self._config.calendars
        if unknown := [name for name in chosen if name not in {c.name for c in found}]:
            raise SourceError(
                f'{self._host} has no calendar named "{unknown[0]}"; it has: '
                + (", ".join(f'"{c.name}"' for c in found) or "none"),
                retry=False,
                remedy=f"fix `calendars` in the [[calendars]] entry {self.name!r}",
            )
        return [c for c in found if not chosen or c.name in chosen], url

    def _delta(self, client: DAVClient, calendar: _Calendar, old: State | None) -> Delta | None:
        """What changed in `calendar` since `old` (None: all of it); None if the token expired."""
        if old is None:
            return self._everything(client, calendar)
        token, items = old
        if not self._sync_collection or token is None:
            etags = self._etags(client, calendar.url)
            return Delta(None, etags, set(items) - set(etags), {})
        if token == calendar.token:
            return Delta(token, {}, set(), {})
        try:
            result = _done(
                Calendar(client, calendar.url).get_objects_by_sync_token(
                    token, load_objects=False, disable_fallback=True
                )
            )
        except dav.DAVError as failure:
            if "{DAV:}valid-sync-token" in failure.preconditions:
                return None
            raise
        gone = {url.canonical().path for url in result.deleted_urls}
        etags = {o.url.canonical().path: str(o.props.get(ETAG) or "") for o in result}
        return Delta(result.sync_token, {h: e for h, e in etags.items() if h not in gone}, gone, {})

    def _everything(self, client: DAVClient, calendar: _Calendar) -> Delta:
        """Every object of `calendar` with its data, in one calendar-query (on Radicale twice as
        fast as a sync-collection asking for the data). The token is the one listed with the
        calendar, read before the data: what changes in between is reported again next time,
        never missed. A server that lists none is asked for one by sync-collection first."""
        token = calendar.token if self._sync_collection else None
        if self._sync_collection and token is None:
            token = self._first_token(client, calendar)
        objects = _objects(client, calendar.url, EVERY_OBJECT, depth=1)
        return Delta(token, {href: etag for href, (etag, _) in objects.items()}, set(), objects)

    def _first_token(self, client: DAVClient, calendar: _Calendar) -> str | None:
        """A token from an initial sync-collection; None without RFC 6578 (compare ETags)."""
        try:
            result = _done(
                Calendar(client, calendar.url).get_objects_by_sync_token(
                    None, load_objects=False, disable_fallback=True
                )
            )
        except dav.DAVError as failure:
            if _unsupported(failure):
                return None
            raise
        return None if result.sync_token is None else str(result.sync_token)

    def _etags(self, client: DAVClient, url: URL) -> dict[str, str]:
        """href -> ETag of every object of a calendar, in one PROPFIND (which lists the
        calendar itself too: Radicale gives it an ETag)."""
        listing = _propfind(client, str(url), ["getetag"])
        etags = {url.join(h).canonical().path: str(p[ETAG]) for h, p in listing if p.get(ETAG)}
        etags.pop(url.canonical().path, None)
        return etags

    def _fetch(self, client: DAVClient, key: str, hrefs: Iterable[str]) -> Objects:
        """href -> (ETag, text) of those objects that still exist, in ONE calendar-multiget."""
        if not (wanted := sorted(hrefs)):
            return {}
        listed = "".join(f"<D:href>{escape(href)}</D:href>" for href in wanted)
        body = OBJECTS.format(name="calendar-multiget", report=listed)
        return _objects(client, URL.objectify(key), body, depth=None)

    def _count(self, client: DAVClient, calendar: _Calendar) -> int:
        response = client.report(str(calendar.url), EVENTS, depth=1)
        if response.status >= 400:
            raise dav.error_from_response(dav.ReportError, response)
        return len(response.expand_simple_props())

    def _connected(self, work: Callable[[DAVClient], T]) -> T:
        """Run `work` with a new client; every failure becomes one SourceError naming the host.

        Credentials go with the first request (Basic): otherwise every new client is refused
        once, and Radicale delays each refusal by a second. A 401 to that (a server wanting
        Digest, say) is tried once more letting caldav negotiate, and remembered."""
        password = self._secret()
        first = self._preemptive and password is not None
        for preemptive in (True, False) if first else (False,):
            client = DAVClient(
                url=self._config.url,
                username=self._config.username if password is not None else None,
                password=password,
                auth_type="basic" if preemptive else None,
                timeout=self._timeout,  # type: ignore[arg-type]  # niquests takes a float
                ssl_verify_cert=self._config.verify_tls,
                enable_rfc6764=False,
            )
            try:
                done = work(client)
                self._preemptive = preemptive or not first
                return done
            except dav.DAVError as failure:
                if not (preemptive and failure.status == 401):
                    raise self._failure(failure) from failure
            except OSError as failure:  # niquests' errors: refused, timed out, TLS, DNS
                raise self._failure(failure) from failure
            finally:
                client.close()
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _failure(self, failure: Exception) -> SourceError:
        """One line naming the host; `retry` when waiting may help (down, slow, 5xx)."""
        host, status = self._host, getattr(failure, "status", None)
        text, kind = str(failure).lower(), type(failure).__name__
        if isinstance(failure, dav.AuthorizationError) or status in (401, 403):
            self._password = None  # read it again next time: it may have been changed
            who = f"{host} rejected the credentials of {self._config.username!r} (HTTP {status})"
            remedy = f"check username and password_command/password_env/keyring of {self.name!r}"
            return SourceError(who, retry=False, remedy=remedy)
        if isinstance(failure, dav.DAVError) and status and status < 500 and status != 429:
            where = f"HTTP {status} for {urlsplit(str(failure.url)).path}"
            remedy = "check the url: the server or principal address"
            return SourceError(f"{host} refused a request ({where})", retry=False, remedy=remedy)
        if isinstance(failure, dav.DAVError):
            return SourceError(f"{host} failed to answer (HTTP {status or kind})", retry=True)
        if "timeout" in kind.lower() or "timed out" in text:
            return SourceError(f"{host} did not answer within {self._timeout:g} s", retry=True)
        if "SSL" in kind or "certificate" in text:
            remedy = "install its CA, or set verify_tls = false for a server you trust"
            return SourceError(f"{host}: its TLS certificate failed", retry=False, remedy=remedy)
        reason = "connection refused" if "refused" in text else kind
        reason = "its name does not resolve" if "resolve" in text else reason
        return SourceError(f"cannot reach {host} ({reason})", retry=True)

    def _load(self, cursor: str | None, window: Window) -> tuple[str, dict[str, State]] | None:
        """The cursor's state; None (a full sync) if missing, unreadable, another account's, or
        for another window: the window moves once a day, and then every series is expanded anew
        (objects are not kept, so they are fetched again: one multiget per calendar)."""
        try:
            data = json.loads(cursor or "null")
            if not data or data["version"] != 1 or data["account"] != self._account:
                return None
            if data["window"] != _span(window):
                return None
            known: dict[str, State] = {}
            for key, value in data["calendars"].items():
                token = None if value["token"] is None else str(value["token"])
                items = {h: (str(e), [str(u) for u in us]) for h, (e, us) in value["items"].items()}
                known[key] = (token, items)
            return str(data["home"]), known
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def _secret(self) -> str | None:
        if self._password is None:
            self._password = (_password(self._config, self._timeout),)
        return self._password[0]


def _password(config: CalDAVCalendar, timeout: float) -> str | None:
    """From password_command, else password_env, else the keyring; None: no auth. A message
    names the command or variable, never what it printed."""
    keyring_user = config.username if config.keyring else None
    source = secrets.SecretSource(
        "password", tuple(config.password_command), config.password_env, keyring_user
    )
    try:
        return secrets.read(source, timeout)
    except secrets.SecretError as error:
        raise SourceError(error.message, retry=error.retry, remedy=error.hint) from None


def _propfind(client: DAVClient, url: str, names: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """(href, properties) of `url` and its members."""
    response = client.propfind(url, props=names, depth=1)
    if response.status >= 400:
        kind = dav.NotFoundError if response.status == 404 else dav.PropfindError
        raise dav.error_from_response(kind, response)
    results = response.results or []
    return [(r.href, r.properties) for r in results if isinstance(r, PropfindResult)]


def _span(window: Window) -> str:
    """The window's days and zone, and the terms an object had to mention to be parsed."""
    span = f"{window.start.isoformat()}/{window.end.isoformat()} {window.zone}"
    return f"{span} {ical.mentions_key(window.mentions)}" if window.mentions else span


def _objects(client: DAVClient, url: URL, body: str, depth: int | None) -> Objects:
    """href -> (ETag, text) of every object a REPORT answered with data, read from its
    multistatus (an object deleted since it was listed comes without data). An answer that is
    no XML is a failure, never an empty calendar (which would cancel every plan)."""
    response = client.report(str(url), body, depth=depth)
    if response.status >= 300:
        raise dav.error_from_response(dav.ReportError, response)
    if response.tree is None:
        raise dav.ReportError(str(url), "the answer to a REPORT was not XML")
    found: Objects = {}
    for answer in response.tree.iter("{DAV:}response"):
        href = answer.findtext("{DAV:}href")
        for propstat in answer.iterfind("{DAV:}propstat"):
            status = (propstat.findtext("{DAV:}status") or "").split()
            prop = propstat.find("{DAV:}prop")
            text = None if prop is None else prop.findtext(DATA)
            if href and text and status[1:2] == ["200"]:
                etag = str(prop.findtext(ETAG) or "")
                found[url.join(href).canonical().path] = (etag, str(text))
    return found


def _parse(href: str, text: str) -> ical.Parsed:
    """One object's events, its text first cleaned up as caldav cleans up what it loads."""
    cleaned: str = vcal.fix(text)  # type: ignore[no-untyped-call]  # caldav leaves it untyped
    return ical.parse([(unquote(href), cleaned)])


def _merge(parts: Iterable[ical.Parsed]) -> ical.Parsed:
    """Several objects' events as one (their problems were reported as each was parsed)."""
    return replace(ical.merge(parts), problems=[])


def _unsupported(failure: dav.DAVError) -> bool:
    """The server refused sync-collection as such (no RFC 6578), not this one request."""
    return "{DAV:}supported-report" in failure.preconditions or (
        isinstance(failure, dav.ReportError) and failure.status in (None, 400, 405, 415, 501)
    )


def _done(value: T | Coroutine[Any, Any, T]) -> T:
    """caldav types its calls as sync-or-async; this module uses the sync client only."""
    if isinstance(value, Coroutine):
        raise TypeError("the caldav client answered with a coroutine")
    return value
