"""What only the CalDAV source has, against real servers: its requests, calendars, credentials.

The behaviours every source shares (first sync, edits, deletions, occurrences, cursors, broken
items, a server down or silent) are the contract suite's, `tests/calendars`, which runs them on
CalDAV too. Here, one suite runs on Radicale (with auth) and on Xandikos (without): each test
makes its calendars and events through the protocol (caldav's `make_calendar` / `add_event`),
then syncs with the source as the daemon would, feeding each sync the cursor of the one before.
"""

from __future__ import annotations

import http.server
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from caldav.davclient import DAVClient

from integrations.calendars.caldav import CalDAVSource, create
from nudger.config.calendars import CalDAVCalendar
from nudger.core.events import EventInstance, Participation, Status
from nudger.ports import Changes, SourceError, Window
from tests.caldav_servers import PASSWORD, Server

BERLIN = ZoneInfo("Europe/Berlin")
WINDOW = Window(datetime(2027, 3, 1, tzinfo=BERLIN), datetime(2027, 4, 1, tzinfo=BERLIN), BERLIN)
UIDS = {"standup-1", "meeting-1", "cancelled-1", "allday-1", "newyork-1"}
EVENTS = {
    # weekly on Mondays at 09:00 Berlin; the 15th struck out, the 22nd moved to Tuesday 11:00
    "standup-1": """\
BEGIN:VEVENT
UID:standup-1
DTSTAMP:20270101T000000Z
DTSTART;TZID=Europe/Berlin:20270301T090000
DTEND;TZID=Europe/Berlin:20270301T091500
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Berlin:20270315T090000
SUMMARY:Standup
END:VEVENT
BEGIN:VEVENT
UID:standup-1
DTSTAMP:20270101T000000Z
RECURRENCE-ID;TZID=Europe/Berlin:20270322T090000
DTSTART;TZID=Europe/Berlin:20270323T110000
DTEND;TZID=Europe/Berlin:20270323T111500
SUMMARY:Standup (moved)
END:VEVENT
""",
    "meeting-1": """\
BEGIN:VEVENT
UID:meeting-1
DTSTAMP:20270101T000000Z
DTSTART:20270317T140000Z
DTEND:20270317T150000Z
SUMMARY:Dinner with Alex
ORGANIZER:mailto:Me@Example.org
ATTENDEE;PARTSTAT=ACCEPTED:mailto:Me@Example.org
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:alex@example.org
ATTENDEE;PARTSTAT=DECLINED:mailto:sam@example.org
END:VEVENT
""",
    "cancelled-1": """\
BEGIN:VEVENT
UID:cancelled-1
DTSTAMP:20270101T000000Z
DTSTART:20270318T180000Z
DTEND:20270318T190000Z
STATUS:CANCELLED
SUMMARY:Call with Sam
END:VEVENT
""",
    "allday-1": """\
BEGIN:VEVENT
UID:allday-1
DTSTAMP:20270101T000000Z
DTSTART;VALUE=DATE:20270310
DTEND;VALUE=DATE:20270311
SUMMARY:Alex's birthday
END:VEVENT
""",
    "newyork-1": """\
BEGIN:VEVENT
UID:newyork-1
DTSTAMP:20270101T000000Z
DTSTART;TZID=America/New_York:20270316T100000
DTEND;TZID=America/New_York:20270316T110000
SUMMARY:Video call
END:VEVENT
""",
}


def ics(body: str) -> str:
    """A VCALENDAR around `body`, with the VTIMEZONEs its TZIDs need (as real clients send)."""
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//nudger tests//EN\n{body}END:VCALENDAR\n"
    calendar = icalendar.Calendar.from_ical(text)
    calendar.add_missing_timezones()
    return str(calendar.to_ical().decode())


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def settings(server: Server, **changes: Any) -> CalDAVCalendar:
    """A [[calendars]] entry for `server`; Radicale's password comes from a real command."""
    fields: dict[str, Any] = {"name": "dav", "type": "caldav", "url": server.url}
    if server.password:
        fields |= {
            "username": server.username,
            "password_command": [sys.executable, "-c", f"print({server.password!r})"],
        }
    return CalDAVCalendar.model_validate(fields | changes)


def source(server: Server, tmp_path: Path, **changes: Any) -> CalDAVSource:
    return create(settings(server, **changes), timeout=10, data_dir=tmp_path)


def make_calendar(client: DAVClient, name: str, uids: set[str] = UIDS) -> Any:
    calendar: Any = client.get_principal().make_calendar(name=name, cal_id=name.lower())
    for uid in sorted(uids):
        calendar.add_event(ics(EVENTS[uid]))
    return calendar


def by_uid(changes: Changes) -> dict[str, tuple[EventInstance, ...]]:
    return {resource.id: resource.instances for resource in changes.changed}


def test_what_caldav_objects_write_is_read_as_written(
    server: Server, client: DAVClient, tmp_path: Path
) -> None:
    """Beyond the contract (tests/calendars): addresses in any case, an override's own
    summary, an EXDATE (no instance, named as excluded), all-day and foreign-zone times, STATUS."""
    make_calendar(client, "Work")
    changes = source(server, tmp_path).sync(None, WINDOW)
    found = by_uid(changes)
    assert set(found) == UIDS

    standup = found["standup-1"]
    assert [(i.start, i.status, i.summary) for i in standup] == [
        (utc(2027, 3, 1, 8), Status.CONFIRMED, "Standup"),
        (utc(2027, 3, 8, 8), Status.CONFIRMED, "Standup"),
        (utc(2027, 3, 23, 10), Status.CONFIRMED, "Standup (moved)"),
        (utc(2027, 3, 29, 7), Status.CONFIRMED, "Standup"),  # summer time
    ]
    assert standup[2].recurrence_id == utc(2027, 3, 22, 8)
    (series,) = [resource for resource in changes.changed if resource.id == "standup-1"]
    assert series.excluded == {"20270315T080000Z"}  # the EXDATE

    (meeting,) = found["meeting-1"]
    assert (meeting.recurrence_id, meeting.occurrence) == (None, "single")
    assert meeting.organizer == "me@example.org"
    assert {(a.email, a.participation) for a in meeting.attendees} == {
        ("me@example.org", Participation.ACCEPTED),
        ("alex@example.org", Participation.NEEDS_ACTION),
        ("sam@example.org", Participation.DECLINED),
    }
    assert [i.status for i in found["cancelled-1"]] == [Status.CANCELLED]
    (birthday,) = found["allday-1"]
    assert birthday.all_day and birthday.start == utc(2027, 3, 9, 23)  # midnight in Berlin
    (call,) = found["newyork-1"]
    assert (call.start, call.end) == (utc(2027, 3, 16, 14), utc(2027, 3, 16, 15))  # EDT


def test_a_sync_with_nothing_changed_is_one_request_and_returns_nothing(
    server: Server, client: DAVClient, tmp_path: Path
) -> None:
    make_calendar(client, "Work")
    make_calendar(client, "Family", {"allday-1"})
    dav = source(server, tmp_path)
    start = server.mark()
    first = dav.sync(None, WINDOW)
    mark = server.mark()

    again = dav.sync(first.cursor, WINDOW)

    requests = server.requests_since(mark)
    print(f"\n{server.kind}: a sync with nothing changed sent {requests}")
    assert (again.changed, again.removed, again.complete) == ((), (), False)
    assert len(requests) == 1, "one PROPFIND lists both calendars with their sync tokens"
    refused = [line for line in server.log_lines()[start:] if ": 401 " in line]
    assert not refused, "credentials go with the first request: no 401 round trip"


def test_a_first_sync_reads_each_calendar_in_one_request(
    server: Server, client: DAVClient, tmp_path: Path
) -> None:
    """Discovery, one PROPFIND listing the calendars, then one REPORT per calendar returning
    every object with its data (no listing first and fetching after)."""
    make_calendar(client, "Work")
    make_calendar(client, "Family", {"allday-1"})
    mark = server.mark()

    changes = source(server, tmp_path).sync(None, WINDOW)

    assert {r.id for r in changes.changed} == UIDS
    reports = sorted(r for r in server.requests_since(mark) if r.startswith("REPORT"))
    print(f"\n{server.kind}: a first sync sent {server.requests_since(mark)}")
    assert [r.rstrip("/").rsplit("/", 1)[-1] for r in reports] == ["family", "work"]


def test_an_edit_costs_a_listing_a_sync_and_a_fetch(
    server: Server, client: DAVClient, tmp_path: Path
) -> None:
    """What comes back after an edit is the contract's (tests/calendars); this is its cost."""
    calendar = make_calendar(client, "Work")
    dav = source(server, tmp_path)
    first = dav.sync(None, WINDOW)

    event = calendar.get_event_by_uid("meeting-1")
    with event.edit_icalendar_component() as component:
        component["DTSTART"].dt = utc(2027, 3, 19, 17)
        component["DTEND"].dt = utc(2027, 3, 19, 18)
        component["SEQUENCE"] = 1  # a client moving an event bumps it (caldav's save() too)
    event.save()
    mark = server.mark()
    changes = dav.sync(first.cursor, WINDOW)

    requests = server.requests_since(mark)
    print(f"\n{server.kind}: a sync after one edit sent {requests}")
    assert [r.split()[0] for r in requests] == ["PROPFIND", "REPORT", "REPORT"]  # list, sync, get
    assert [r.id for r in changes.changed] == ["meeting-1"]


def test_a_window_moved_to_a_new_day_expands_every_series_anew(
    server: Server, client: DAVClient, tmp_path: Path
) -> None:
    make_calendar(client, "Work")
    dav = source(server, tmp_path)
    first = dav.sync(None, WINDOW)
    later = Window(WINDOW.start + timedelta(days=7), WINDOW.end + timedelta(days=7), BERLIN)

    changes = dav.sync(first.cursor, later)
    assert changes.complete and {r.id for r in changes.changed} == UIDS
    standup = [i.start for i in by_uid(changes)["standup-1"]]
    assert utc(2027, 3, 1, 8) not in standup and utc(2027, 4, 5, 7) in standup
    assert not dav.sync(changes.cursor, later).complete


def test_calendars_are_chosen_by_name(server: Server, client: DAVClient, tmp_path: Path) -> None:
    make_calendar(client, "Work")
    make_calendar(client, "Family", {"allday-1"})

    family = source(server, tmp_path, calendars=["Family"]).sync(None, WINDOW)
    assert {(r.id, i.calendar) for r in family.changed for i in r.instances} == {
        ("allday-1", "Family")
    }
    with pytest.raises(SourceError) as caught:
        source(server, tmp_path, calendars=["Family", "Holidays"]).sync(None, WINDOW)
    assert caught.value.retry is False
    assert '"Holidays"' in caught.value.message
    assert '"Work"' in caught.value.message and '"Family"' in caught.value.message


def test_a_new_calendar_and_a_deleted_one_are_noticed_without_rediscovery(
    server: Server, client: DAVClient, tmp_path: Path
) -> None:
    work = make_calendar(client, "Work")
    dav = source(server, tmp_path)
    first = dav.sync(None, WINDOW)

    make_calendar(client, "Family", {"allday-1"})
    work.delete()
    changes = dav.sync(first.cursor, WINDOW)
    assert changes.complete is False
    assert [(r.id, r.instances[0].calendar) for r in changes.changed] == [("allday-1", "Family")]
    assert set(changes.removed) == UIDS - {"allday-1"}


def test_one_uid_in_two_calendars_is_one_resource(
    server: Server, client: DAVClient, tmp_path: Path
) -> None:
    """A resource is a UID: when one of its objects changes, the others are read with it."""
    make_calendar(client, "Work", {"meeting-1"})
    family = make_calendar(client, "Family", {"meeting-1"})
    dav = source(server, tmp_path)
    first = dav.sync(None, WINDOW)
    ((meeting, instances),) = by_uid(first).items()
    assert meeting == "meeting-1"
    assert sorted(i.calendar for i in instances) == ["Family", "Work"]

    family.get_event_by_uid("meeting-1").delete()
    changes = dav.sync(first.cursor, WINDOW)
    assert [(r.id, [i.calendar for i in r.instances]) for r in changes.changed] == [
        ("meeting-1", ["Work"])
    ]
    assert changes.removed == ()


def test_describe_lists_the_calendars_and_their_events(
    server: Server, client: DAVClient, tmp_path: Path
) -> None:
    calendar = make_calendar(client, "Work")
    calendar.add_todo(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nBEGIN:VTODO\nUID:todo-1\n"
        "DTSTAMP:20270101T000000Z\nSUMMARY:Buy flowers\nEND:VTODO\nEND:VCALENDAR\n"
    )
    make_calendar(client, "Family", {"allday-1"})

    lines = source(server, tmp_path).describe()
    assert sorted(lines) == ['calendar "Family": 1 events', 'calendar "Work": 5 events']


def test_without_sync_collection_etag_listings_give_the_same_changes(
    server: Server, client: DAVClient, tmp_path: Path
) -> None:
    calendar = make_calendar(client, "Work")
    dav = CalDAVSource(settings(server), timeout=10, sync_collection=False)
    first = dav.sync(None, WINDOW)
    assert first.complete and {r.id for r in first.changed} == UIDS

    unchanged = dav.sync(first.cursor, WINDOW)
    assert (unchanged.changed, unchanged.removed, unchanged.complete) == ((), (), False)

    event = calendar.get_event_by_uid("meeting-1")
    with event.edit_icalendar_component() as component:
        component["SUMMARY"] = "Dinner with Alex and Sam"
    event.save()
    calendar.get_event_by_uid("allday-1").delete()
    changes = dav.sync(unchanged.cursor, WINDOW)
    assert [r.id for r in changes.changed] == ["meeting-1"]
    assert changes.changed[0].instances[0].summary == "Dinner with Alex and Sam"
    assert changes.removed == ("allday-1",)


# Failures: each one a SourceError that says what is wrong and whether waiting helps.


@pytest.mark.parametrize("server", ["radicale"], indirect=True)  # Xandikos serves no auth
def test_wrong_credentials_are_not_retried_and_never_shown(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALDAV_TEST_PASSWORD", "hunter2")
    variable = {"password_command": [], "password_env": "CALDAV_TEST_PASSWORD"}
    dav = source(server, tmp_path, **variable)
    with pytest.raises(SourceError) as caught:
        dav.sync(None, WINDOW)
    assert caught.value.retry is False
    assert "rejected the credentials" in caught.value.message
    assert "hunter2" not in caught.value.message and PASSWORD not in caught.value.message
    assert caught.value.remedy and "password_command" in caught.value.remedy


class Failing(http.server.BaseHTTPRequestHandler):
    """A server in trouble: every request gets a 500."""

    def do_PROPFIND(self) -> None:  # the name http.server looks for
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


def test_a_server_error_is_retried_later(tmp_path: Path) -> None:
    failing = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    threading.Thread(target=failing.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{failing.server_address[1]}/"
        with pytest.raises(SourceError) as caught:
            create(settings_for(url), timeout=5, data_dir=tmp_path).sync(None, WINDOW)
    finally:
        failing.shutdown()
        failing.server_close()
    assert caught.value.retry is True
    assert "127.0.0.1" in caught.value.message and "HTTP 500" in caught.value.message


def settings_for(url: str, **changes: Any) -> CalDAVCalendar:
    return CalDAVCalendar.model_validate({"name": "dav", "type": "caldav", "url": url} | changes)


@pytest.mark.parametrize(
    ("changes", "expected", "retry"),
    [
        (
            {"password_command": [sys.executable, "-c", "print('hunter2'); raise SystemExit(3)"]},
            f"password_command {sys.executable} failed (exit status 3)",
            False,
        ),
        ({"password_command": ["/nonexistent/pass"]}, "/nonexistent/pass", False),
        ({"password_env": "CALDAV_TEST_UNSET"}, "CALDAV_TEST_UNSET is not set", False),
    ],
)
def test_a_password_that_cannot_be_read_says_where_it_was_looked_for(
    changes: dict[str, Any], expected: str, retry: bool, tmp_path: Path
) -> None:
    dav = create(
        settings_for("http://127.0.0.1:9/", username="me", **changes), timeout=5, data_dir=tmp_path
    )
    with pytest.raises(SourceError) as caught:
        dav.sync(None, WINDOW)
    assert expected in caught.value.message
    assert "hunter2" not in caught.value.message
    assert caught.value.retry is retry


def test_the_keyring_without_its_package_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # as if not installed (None blocks import)
    dav = create(
        settings_for("http://127.0.0.1:9/", username="me", keyring=True),
        timeout=5,
        data_dir=tmp_path,
    )
    with pytest.raises(SourceError) as caught:
        dav.sync(None, WINDOW)
    assert "pip install keyring" in caught.value.message


def custom_zone_invite(uid: str, offset: str) -> str:
    """An Outlook invite at 10:00 in a zone of its own called "Customized Time Zone"."""
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Microsoft Corporation//Outlook 16.0//EN\n"
        "BEGIN:VTIMEZONE\nTZID:Customized Time Zone\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
        f"TZOFFSETFROM:{offset}\nTZOFFSETTO:{offset}\nEND:STANDARD\nEND:VTIMEZONE\n"
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20270101T000000Z\n"
        'DTSTART;TZID="Customized Time Zone":20270317T100000\n'
        'DTEND;TZID="Customized Time Zone":20270317T110000\n'
        f"SUMMARY:{uid}\nEND:VEVENT\nEND:VCALENDAR\n"
    )


def test_each_object_is_read_in_its_own_zones(
    server: Server, client: DAVClient, tmp_path: Path
) -> None:
    """Two objects calling different zones by one name each keep their own (issue 15)."""
    calendar: Any = client.get_principal().make_calendar(name="Invites", cal_id="invites")
    calendar.add_event(custom_zone_invite("india", "+0530"))
    calendar.add_event(custom_zone_invite("brazil", "-0300"))
    found = by_uid(source(server, tmp_path).sync(None, WINDOW))
    ((india,), (brazil,)) = found["india"], found["brazil"]
    half = timedelta(minutes=30)
    assert (india.start, india.end) == (utc(2027, 3, 17, 4) + half, utc(2027, 3, 17, 5) + half)
    assert (brazil.start, brazil.end) == (utc(2027, 3, 17, 13), utc(2027, 3, 17, 14))
