"""What only the `google` source has, and `nudger auth google`'s flow, with the real Google
client libraries talking to `tests.google_server` on 127.0.0.1: paging, the window a delta
leaves unlisted, Google's fields, the grant, its errors. The behaviours every source shares
(first sync, edits, deletions, occurrences, cursors, broken items, a server down or silent)
are the contract suite's, `tests/calendars`, which runs them on Google too. A socket guard fails
any test in this module that tries to reach another machine, so Google itself is never contacted."""

from __future__ import annotations

import json
import os
import random
import stat
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from integrations.calendars.google import GoogleSource, create
from integrations.calendars.google_auth import authorize, prompt
from nudger.config.calendars import GoogleCalendar
from nudger.core.events import Attendee, EventInstance, EventKind, Participation, Status
from nudger.errors import NudgerError
from nudger.ports import Changes, SourceError, Window
from nudger.private_file import write_private
from tests.google_server import CLIENT_ID, CLIENT_SECRET, SCOPE, FakeGoogle

BERLIN = ZoneInfo("Europe/Berlin")
WINDOW = Window(datetime(2027, 3, 20, tzinfo=BERLIN), datetime(2027, 5, 1, tzinfo=BERLIN), BERLIN)
FAR_FUTURE = "2999-01-01T00:00:00Z"  # google-auth reads the real clock for expiry
LONG_AGO = "2000-01-01T00:00:00Z"
Sign = Callable[..., str]
Make = Callable[..., GoogleSource]

pytestmark = pytest.mark.usefixtures("no_network")  # nothing may leave the machine


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    server = FakeGoogle().start()
    server.add_calendar("primary", "Me")
    yield server
    server.stop()


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "google-token-work.json"


@pytest.fixture
def sign_in(google: FakeGoogle, token_file: Path) -> Sign:
    """Write a grant as `nudger auth google` leaves it; returns its refresh token."""

    def sign(*, expiry: str = FAR_FUTURE, access: str | None = None) -> str:
        refresh, issued = google.grant()
        grant: dict[str, Any] = {"token": access or issued, "refresh_token": refresh}
        grant["expiry"] = expiry
        grant |= {"token_uri": google.token_uri, "client_id": CLIENT_ID, "scopes": [SCOPE]}
        token_file.parent.mkdir(mode=0o700, exist_ok=True)
        write_private(token_file, json.dumps(grant | {"client_secret": CLIENT_SECRET}))
        return refresh

    return sign


@pytest.fixture
def make(google: FakeGoogle, tmp_path: Path, sign_in: Sign) -> Make:
    def build(
        calendars: tuple[str, ...] = ("primary",), endpoint: str | None = None, timeout: float = 5
    ) -> GoogleSource:
        config = GoogleCalendar.model_validate(
            {"name": "work", "type": "google", "calendar_ids": list(calendars)}
            | {"api_endpoint": endpoint or google.api_endpoint}
        )
        return create(config, timeout=timeout, data_dir=tmp_path / "data")

    sign_in()
    return build


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=BERLIN)


def dinner(google: FakeGoogle, day: int = 23, calendar: str = "primary", **extra: Any) -> str:
    return google.add_event(calendar, f"Dinner {day}", at(day, 19), at(day, 21), **extra)


def instances(changes: Changes) -> dict[str, EventInstance]:
    return {resource.id: item for resource in changes.changed for item in resource.instances}


def event_requests(google: FakeGoogle) -> list[dict[str, str]]:
    return [query for _, path, query in google.requests if path.endswith("/events")]


# -- full and incremental sync ------------------------------------------------------------------


def test_a_full_sync_reads_every_page_of_the_window(google: FakeGoogle, make: Make) -> None:
    for day in range(21, 26):
        dinner(google, day)
    google.add_event("primary", "Later", at(10, 19, month=6), at(10, 20, month=6))
    google.page_limit = 2
    changes = make().sync(None, WINDOW)
    assert changes.complete and changes.removed == () and changes.problems == ()
    assert sorted(i.summary for i in instances(changes).values()) == [
        f"Dinner {day}" for day in range(21, 26)
    ]
    pages = event_requests(google)
    assert len(pages) == 3 and [("pageToken" in page) for page in pages] == [False, True, True]
    for page in pages:  # the same parameters on every page, the window included
        assert page["timeMin"] == WINDOW.start.isoformat()
        assert page["timeMax"] == WINDOW.end.isoformat()
        assert (page["singleEvents"], page["showDeleted"], page["maxResults"]) == (
            "true",
            "true",
            "250",
        )
    token = json.loads(changes.cursor or "")["calendars"]["primary"]["token"]
    assert token in google.sync_tokens  # given with the last page only


def test_events_become_instances_in_utc_with_who_answered_what(
    google: FakeGoogle, make: Make
) -> None:
    answers = {"alex@example.org": "accepted", "me@example.org": "tentative"}
    event = google.add_event(
        "primary",
        "Climbing",
        at(23, 18),
        at(23, 20),
        organizer="Alex@Example.org",
        attendees=answers,
    )
    google.modify("primary", event, description="bring shoes")
    trip = google.add_event("primary", "Trip", date(2027, 3, 26), date(2027, 3, 28))
    found = instances(make().sync(None, WINDOW))
    assert found[f"primary/{event}"] == EventInstance(
        uid=f"{event}@google.com",
        recurrence_id=None,
        start=datetime(2027, 3, 23, 17, tzinfo=UTC),
        end=datetime(2027, 3, 23, 19, tzinfo=UTC),
        summary="Climbing",
        description="bring shoes",
        source="work",
        calendar="primary",
        organizer="alex@example.org",
        organizer_is_self=False,
        attendees=(
            Attendee("alex@example.org", Participation.ACCEPTED),
            Attendee("me@example.org", Participation.TENTATIVE, is_self=True),
        ),
        sequence=1,
        created=datetime(2027, 3, 1, 0, 0, 1, tzinfo=UTC),
        updated=datetime(2027, 3, 1, 0, 0, 2, tzinfo=UTC),
    )
    all_day = found[f"primary/{trip}"]  # dates are read in the window's zone, the end exclusive
    assert (all_day.all_day, all_day.organizer_is_self) == (True, True)
    assert (all_day.start, all_day.end) == (at(26, 0), at(28, 0))


def test_a_delta_is_asked_for_with_the_sync_token_alone(google: FakeGoogle, make: Make) -> None:
    """What an edit brings back is the contract's (tests/calendars); this is how it is asked."""
    dinner(google, 22)
    second = dinner(google, 24)
    source = make()
    cursor = source.sync(None, WINDOW).cursor
    google.modify("primary", second, summary="Dinner at Alex's")
    assert not source.sync(cursor, WINDOW).complete
    assert all("timeMin" not in q for q in event_requests(google) if "syncToken" in q)


def test_a_cancelled_instance_comes_alone_as_its_own_resource(
    google: FakeGoogle, make: Make
) -> None:
    """The cancelled instance's series UID and recurrence id are the contract's."""
    series = google.add_event("primary", "Climbing", at(22, 18), at(22, 20), weekly=4)
    source = make()
    full = source.sync(None, WINDOW)
    instance_id = google.cancel_instance("primary", series, at(29, 18))
    changes = source.sync(full.cursor, WINDOW)
    assert [r.id for r in changes.changed] == [f"primary/{instance_id}"] and changes.removed == ()


def test_an_expired_or_unknown_sync_token_starts_again_from_the_window(
    google: FakeGoogle, make: Make
) -> None:
    """The complete resync after a 410 is the contract's; these are its requests, and the 400
    Google answers for a token it never gave."""
    dinner(google, 22), dinner(google, 24)
    source = make()
    cursor = source.sync(None, WINDOW).cursor
    google.invalidate_sync_tokens()
    google.requests.clear()
    changes = source.sync(cursor, WINDOW)
    refused, again = event_requests(google)
    assert "syncToken" in refused and "timeMin" not in refused
    assert "syncToken" not in again and again["timeMin"] == WINDOW.start.isoformat()
    token = json.loads(changes.cursor or "")["calendars"]["primary"]["token"]
    unknown = (changes.cursor or "").replace(token, "sync-from-another-life")
    assert source.sync(unknown, WINDOW).complete  # Google answers 400 for it: start again


def test_the_window_bounds_full_syncs_and_the_part_of_it_never_listed(
    google: FakeGoogle, make: Make
) -> None:
    later = google.add_event("primary", "Concert", at(10, 20, month=5), at(10, 22, month=5))
    source = make()
    full = source.sync(None, WINDOW)
    assert full.changed == ()
    moved = Window(WINDOW.start + timedelta(days=14), WINDOW.end + timedelta(days=14), BERLIN)
    google.requests.clear()
    changes = source.sync(full.cursor, moved)  # the concert never changed, yet it is now due
    assert [r.id for r in changes.changed] == [f"primary/{later}"] and not changes.complete
    delta, newly = event_requests(google)
    assert "syncToken" in delta and not {"timeMin", "timeMax"} & delta.keys()
    assert "syncToken" not in newly
    assert (newly["timeMin"], newly["timeMax"]) == (WINDOW.end.isoformat(), moved.end.isoformat())
    google.requests.clear()
    assert source.sync(changes.cursor, moved).changed == ()
    assert ["syncToken" in q for q in event_requests(google)] == [True]


def test_a_change_outside_the_window_leaves_a_resource_without_instances(
    google: FakeGoogle, make: Make
) -> None:
    event = dinner(google, 23)
    source = make()
    cursor = source.sync(None, WINDOW).cursor
    google.modify("primary", event, start={"dateTime": "2027-09-01T19:00:00+02:00"})
    google.modify("primary", event, end={"dateTime": "2027-09-01T21:00:00+02:00"})
    changes = source.sync(cursor, WINDOW)
    assert [(r.id, r.instances) for r in changes.changed] == [(f"primary/{event}", ())]


def test_the_same_invitation_in_two_calendars_has_one_uid(google: FakeGoogle, make: Make) -> None:
    google.add_calendar("family@group.calendar.google.com", "Family")
    for calendar in ("primary", "family@group.calendar.google.com"):
        dinner(google, 23, calendar, uid="invite-1@example.org")
    found = instances(make(("primary", "family@group.calendar.google.com")).sync(None, WINDOW))
    assert len(found) == 2 and {i.uid for i in found.values()} == {"invite-1@example.org"}
    assert {i.calendar for i in found.values()} == {"primary", "family@group.calendar.google.com"}


def test_other_calendars_configured_mean_a_full_sync(google: FakeGoogle, make: Make) -> None:
    google.add_calendar("team", "Team")
    dinner(google, 22, "team")
    cursor = make().sync(None, WINDOW).cursor
    changes = make(("primary", "team")).sync(cursor, WINDOW)
    assert changes.complete and len(changes.changed) == 1


# -- what is not a plan, and whose a group calendar's event is -----------------------------------


@pytest.mark.parametrize(
    ("event_type", "properties", "kind"),
    [
        ("default", {}, EventKind.EVENT),
        ("workingLocation", {"workingLocationProperties": {"type": "homeOffice"}}, "working"),
        ("outOfOffice", {"outOfOfficeProperties": {"autoDeclineMode": "declineNone"}}, "ooo"),
        ("focusTime", {"focusTimeProperties": {"chatStatus": "doNotDisturb"}}, "focus"),
        ("fromGmail", {}, EventKind.FROM_GMAIL),
        ("someTypeGoogleAddsLater", {}, EventKind.OTHER),
    ],
)
def test_googles_event_types_are_read_as_kinds(
    google: FakeGoogle, make: Make, event_type: str, properties: dict[str, Any], kind: str
) -> None:
    named = {"working": "working-location", "ooo": "out-of-office", "focus": "focus-time"}
    dinner(google, event_type=event_type, properties=properties)
    (found,) = instances(make().sync(None, WINDOW)).values()
    assert found.kind == EventKind(named.get(kind, kind))


@pytest.mark.parametrize(
    ("special", "kind"),
    [
        ({"type": "birthday", "contact": "people/c1"}, EventKind.BIRTHDAY),
        ({"type": "self"}, EventKind.BIRTHDAY),
        ({"type": "anniversary", "contact": "people/c1"}, EventKind.ANNIVERSARY),
        ({"type": "custom", "customTypeName": "Name day", "contact": "people/c1"}, "special-day"),
        ({"type": "other", "contact": "people/c1"}, EventKind.SPECIAL_DAY),
        ({}, EventKind.BIRTHDAY),  # birthdayProperties left out: a birthday by default
    ],
)
def test_a_birthday_is_a_yearly_whole_day_of_its_kind_even_cancelled(
    google: FakeGoogle, make: Make, special: dict[str, Any], kind: str
) -> None:
    """Google keeps a birthday as an all-day event recurring every year; one instance cancelled
    is listed trimmed to its id, and takes what it is from the series' instance a year before
    (a window reaches 15 months): a birthday still, not a cancelled plan."""
    birthday = google.add_event(
        "primary",
        "Alex",
        date(2026, 4, 2),
        date(2026, 4, 3),
        event_type="birthday",
        properties={"birthdayProperties": special} if special else {},
        yearly=5,
    )
    google.add_event("primary", "Alex", date(2027, 4, 9), date(2027, 4, 10))  # a plain one
    google.cancel_instance("primary", birthday, date(2027, 4, 2))
    year = Window(datetime(2026, 3, 1, tzinfo=BERLIN), WINDOW.end, BERLIN)
    read = {
        i.start.astimezone(BERLIN).date(): i for i in instances(make().sync(None, year)).values()
    }
    assert {day: (i.kind, i.status, i.all_day) for day, i in read.items()} == {
        date(2026, 4, 2): (EventKind(kind), Status.CONFIRMED, True),
        date(2027, 4, 2): (EventKind(kind), Status.CANCELLED, True),
        date(2027, 4, 9): (EventKind.EVENT, Status.CONFIRMED, True),
    }


GROUP = "family@group.calendar.google.com"


@pytest.mark.parametrize(
    ("calendar", "organizer", "creator", "expected"),
    [
        (GROUP, GROUP, "alex@example.org", ("alex@example.org", False)),  # the shared copy
        ("primary", GROUP, "alex@example.org", ("alex@example.org", False)),  # my copy of it
        (GROUP, GROUP, "me@example.org", ("me@example.org", False)),  # made by me, in the group
        ("primary", GROUP, "me@example.org", ("me@example.org", True)),
        ("primary", "unknownorganizer@calendar.google.com", None, (None, False)),  # Gmail's
        ("primary", "alex@example.org", "kim@example.org", ("alex@example.org", False)),
    ],
)
def test_an_event_organized_by_a_calendar_is_its_creators(
    google: FakeGoogle,
    make: Make,
    calendar: str,
    organizer: str,
    creator: str | None,
    expected: tuple[str | None, bool],
) -> None:
    """An event made in a shared calendar has that calendar as organizer (and `self`, on the
    calendar's own copy): the plan is its creator's, mine only when the creator is me."""
    if calendar != "primary":
        google.add_calendar(calendar, "Family")
    me = calendar if calendar == GROUP else "me@example.org"  # `self`: this copy's calendar
    guests = {"alex@example.org": "accepted", "me@example.org": "needsAction"}
    dinner(google, calendar=calendar, organizer=organizer, creator=creator, attendees=guests, me=me)
    (found,) = instances(make((calendar,)).sync(None, WINDOW)).values()
    assert (found.organizer, found.organizer_is_self) == expected


# -- the grant ----------------------------------------------------------------------------------


def test_an_expired_access_token_is_renewed_and_stored_0600(
    google: FakeGoogle, make: Make, sign_in: Sign, token_file: Path
) -> None:
    stale = "ya29.stale"
    sign_in(expiry=LONG_AGO, access=stale)
    dinner(google)
    assert len(make().sync(None, WINDOW).changed) == 1
    stored = json.loads(token_file.read_text())
    assert stored["token"] != stale and stored["token"] in google.access_tokens
    assert stored["token_uri"] == google.token_uri  # not reset to Google's own endpoint
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert [p for m, p, _ in google.requests if m == "POST"] == ["/token"]


def test_a_token_refused_in_the_middle_of_a_sync_is_renewed(
    google: FakeGoogle, make: Make, sign_in: Sign, token_file: Path
) -> None:
    sign_in(access="ya29.revoked-by-google")  # not expired by the clock, refused by the server
    dinner(google)
    assert len(make().sync(None, WINDOW).changed) == 1
    assert json.loads(token_file.read_text())["token"] in google.access_tokens


def test_a_revoked_grant_asks_to_sign_in_again(
    google: FakeGoogle, make: Make, sign_in: Sign, token_file: Path
) -> None:
    google.revoke(sign_in(expiry=LONG_AGO))
    with pytest.raises(SourceError) as failure:
        make().sync(None, WINDOW)
    assert failure.value.retry is False and "nudger auth google" in (failure.value.remedy or "")
    assert "invalid_grant" in failure.value.message
    assert json.loads(token_file.read_text())["refresh_token"] not in failure.value.message


def test_a_grant_revoked_while_signed_in_asks_to_sign_in_again(
    google: FakeGoogle, make: Make, sign_in: Sign
) -> None:
    google.revoke(sign_in())  # the access token looks valid, the server refuses it (401)
    with pytest.raises(SourceError) as failure:
        make().sync(None, WINDOW)
    assert failure.value.retry is False and "nudger auth google" in (failure.value.remedy or "")


def test_without_a_grant_the_remedy_is_to_sign_in(make: Make, token_file: Path) -> None:
    source = make()
    token_file.unlink()
    with pytest.raises(SourceError) as failure:
        source.sync(None, WINDOW)
    assert failure.value.retry is False and failure.value.remedy == "run: nudger auth google"


# -- failures -----------------------------------------------------------------------------------


def test_server_errors_are_retried_by_the_client_then_reported(
    google: FakeGoogle, make: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.01)
    dinner(google)
    google.failures = 2
    assert len(make().sync(None, WINDOW).changed) == 1
    google.failures = 3
    with pytest.raises(SourceError) as failure:
        make().sync(None, WINDOW)
    assert failure.value.retry is True and "503" in failure.value.message


def test_an_unknown_calendar_is_not_worth_a_retry(make: Make) -> None:
    with pytest.raises(SourceError) as failure:
        make(("nobody@example.org",)).sync(None, WINDOW)
    assert failure.value.retry is False and "nobody@example.org" in failure.value.message


def test_the_guard_stops_the_client_from_reaching_google(
    make: Make, token_file: Path, no_network: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.01)
    with pytest.raises(SourceError) as failure:
        make(endpoint="https://www.googleapis.com/calendar/v3/").sync(None, WINDOW)
    assert failure.value.retry is True and "www.googleapis.com" in failure.value.message
    assert set(no_network) == {"www.googleapis.com"}
    no_network.clear()
    grant = json.loads(token_file.read_text()) | {"expiry": LONG_AGO}
    write_private(
        token_file, json.dumps(grant | {"token_uri": "https://oauth2.googleapis.com/token"})
    )
    with pytest.raises(SourceError) as failure:  # the renewal goes through requests, not httplib2
        make().sync(None, WINDOW)
    assert failure.value.retry is True and set(no_network) == {"oauth2.googleapis.com"}
    no_network.clear()


def test_describe_names_each_calendar_and_counts_its_events(google: FakeGoogle, make: Make) -> None:
    google.add_calendar("team", "Team")
    dinner(google, 22), dinner(google, 24), dinner(google, 23, "team")
    google.delete("team", dinner(google, 25, "team"))  # listed as cancelled, not counted
    lines = make(("primary", "team")).describe(WINDOW)
    assert lines[1:] == [
        "  primary: 'Me', 2 events 2027-03-20 to 2027-05-01",
        "  team: 'Team', 1 event 2027-03-20 to 2027-05-01",
    ]
    assert make().describe()[1].startswith("  primary: 'Me', 0 events ")  # the next 30 days


def test_the_stand_in_refuses_what_google_refuses(google: FakeGoogle, make: Make) -> None:
    google.page_limit = 1
    dinner(google, 22), dinner(google, 23)
    first = google.list_events("primary", {"singleEvents": "true", "maxResults": "5"})[1]
    assert "nextPageToken" in first and "nextSyncToken" not in first
    token = make().sync(None, WINDOW).cursor or ""
    sync_token = json.loads(token)["calendars"]["primary"]["token"]
    status, body = google.list_events("primary", {"syncToken": sync_token, "timeMin": "x"})
    assert status == 400 and body["error"]["code"] == 400
    google.invalidate_sync_tokens()
    status, body = google.list_events("primary", {"syncToken": sync_token})
    assert status == 410 and body["error"]["errors"][0]["reason"] == "fullSyncRequired"


# -- signing in ---------------------------------------------------------------------------------


def test_write_private_replaces_a_file_readable_only_by_its_owner(tmp_path: Path) -> None:
    target = tmp_path / "new-folder" / "token.json"
    write_private(target, "one")
    write_private(target, "two")
    assert target.read_text() == "two" and os.listdir(target.parent) == ["token.json"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


def test_the_headless_prompt_says_how_to_forward_the_port() -> None:
    text = prompt(False, 8765, 300).format(url="https://example.org/auth")
    assert "https://example.org/auth" in text and "ssh -L 8765:localhost:8765" in text
    assert "ssh" not in prompt(True, 8765, 300)


def test_signing_in_without_the_client_file_says_where_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(NudgerError) as failure:
        authorize(tmp_path / "client.json", tmp_path / "token.json", open_browser=False)
    assert "does not exist" in failure.value.message and "Desktop app" in (failure.value.hint or "")
    assert not (tmp_path / "token.json").exists()


def test_signing_in_through_the_loopback_flow_stores_a_usable_grant(
    google: FakeGoogle,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the stand-in speaks plain http
    secrets = tmp_path / "client.json"
    client: dict[str, Any] = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    client["token_uri"] = google.token_uri
    client |= {"auth_uri": google.auth_uri, "redirect_uris": ["http://localhost"]}
    secrets.write_text(json.dumps({"installed": client}))
    token_file = tmp_path / "grants" / "google-token-work.json"
    outcome: list[object] = []

    def sign_in() -> None:
        try:
            outcome.append(authorize(secrets, token_file, open_browser=False, timeout_seconds=20))
        except Exception as error:
            outcome.append(error)

    worker = threading.Thread(target=sign_in)
    worker.start()
    printed = ""
    deadline = time.monotonic() + 10
    while "http" not in printed and time.monotonic() < deadline:
        printed += capsys.readouterr().out
        time.sleep(0.02)
    url = next(word for word in printed.split() if word.startswith(google.auth_uri))
    browser = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with browser.open(url, timeout=10) as page:  # consent, then the redirect to localhost
        assert page.status == 200
    worker.join(10)
    assert outcome == [token_file]
    assert "ssh -L" in printed
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    grant = json.loads(token_file.read_text())
    assert (
        grant["token_uri"] == google.token_uri and grant["refresh_token"] in google.refresh_tokens
    )
    config = GoogleCalendar.model_validate(
        {"name": "work", "type": "google", "token_file": token_file}
        | {"api_endpoint": google.api_endpoint}
    )
    dinner(google)
    assert len(create(config, timeout=5, data_dir=tmp_path).sync(None, WINDOW).changed) == 1
