"""Addresses as each client writes them reach detection as one spelling, on both sides.

One table of the ORGANIZER and ATTENDEE forms that calendar clients write (written for this
test after the forms those clients' own test calendars use, not copied): Google's export,
Outlook and Exchange (`MAILTO:`, mixed case, `invalid:nomail` when there is no address), iCloud
(`urn:uuid:` or a principal path as the value, the address in `EMAIL=`, quoted or not),
Thunderbird (`SENT-BY` beside the organizer) and Nextcloud (`SCHEDULE-STATUS`, `LANGUAGE`). Each
is a real .ics file read by the real `ics` source, with the relevance filter a sync uses, and
the settings name the same people in spellings of their own (`MAILTO:`, capitals). Google's
JSON, plain addresses in any case, is read by the real Google client from the local stand-in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from integrations.calendars.google import create as create_google
from integrations.calendars.ics import create as create_ics
from nudger.config.calendars import GoogleCalendar, IcsCalendar
from nudger.config.settings_core import Me, Person
from nudger.core.detect import Rules, Tracked, initiator, involved, mentions
from nudger.core.events import EventInstance, Participation
from nudger.core.model import Who
from nudger.ports import Window
from nudger.private_file import write_private
from tests.google_server import CLIENT_ID, CLIENT_SECRET, SCOPE, FakeGoogle

BERLIN = ZoneInfo("Europe/Berlin")
WINDOW = Window(datetime(2027, 3, 1, tzinfo=BERLIN), datetime(2027, 5, 1, tzinfo=BERLIN), BERLIN)
ACCEPTED, PENDING = Participation.ACCEPTED, Participation.NEEDS_ACTION

# The settings, spelled as a user might type them: nothing here is written as a calendar writes it.
ME = Me(emails=["Me@Example.ORG"])
JORDAN = Person(
    name="Jordan",
    emails=[
        "MAILTO:Jordan.Lee@iCloud.com",
        "jordan.lee@GMAIL.com",
        "mailto:jordan.lee@contoso.com",
        "Jordan@Example.NET",
        "jordan@cloud.example.org",
    ],
)
RULES = Rules(
    me=frozenset(ME.emails),
    people=(Tracked(JORDAN.name, frozenset(JORDAN.emails), ()),),  # found by address only
)

# (client, the VEVENT's ORGANIZER and ATTENDEE lines as it writes them, the organizer and
# answers they must read as, whose idea the plan was; None: no address names anyone tracked)
FORMS = [
    (
        "google export",
        """\
ORGANIZER;CN=Jordan Lee:mailto:jordan.lee@gmail.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE;CN=me@exa
 mple.org;X-NUM-GUESTS=0:mailto:me@exa
 mple.org
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Jor
 dan Lee;X-NUM-GUESTS=0:mailto:jordan.lee@gmail.com""",
        "jordan.lee@gmail.com",
        {"me@example.org": ACCEPTED, "jordan.lee@gmail.com": PENDING},
        Who.THEM,
    ),
    (
        "outlook / exchange",
        """\
ORGANIZER;CN="Lee, Jordan":MAILTO:Jordan.Lee@Contoso.com
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE;CN=Me:MAILTO:Me@Example.org""",
        "jordan.lee@contoso.com",
        {"me@example.org": ACCEPTED},
        Who.THEM,
    ),
    (
        "outlook, organized by me",
        """\
ORGANIZER;CN=Me:mailto:ME@EXAMPLE.ORG
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN="Lee, Jordan":MAILTO:J
 ordan.Lee@contoso.com""",
        "me@example.org",
        {"jordan.lee@contoso.com": PENDING},
        Who.ME,
    ),
    (
        "exchange, no address",
        """\
ORGANIZER;CN=Jordan Lee:invalid:nomail
ATTENDEE;PARTSTAT=ACCEPTED;CN=Me:MAILTO:me@example.org""",
        "invalid:nomail",
        {"me@example.org": ACCEPTED},
        None,  # a name is no address: nobody is guessed
    ),
    (
        "icloud, quoted",
        """\
ORGANIZER;CN="Jordan Lee";EMAIL="jordan.lee@icloud.com":urn:uuid:7a3f5c1e-0000-4d6b-9e2a-1c
 2b3d4e5f60
ATTENDEE;CN="Me";CUTYPE=INDIVIDUAL;EMAIL="me@example.org";PARTSTAT=ACCEPTED;ROLE=REQ-PA
 RTICIPANT:urn:uuid:0b1c2d3e-0000-4f5a-8b9c-0d1e2f3a4b5c""",
        "jordan.lee@icloud.com",
        {"me@example.org": ACCEPTED},
        Who.THEM,
    ),
    (
        "icloud, unquoted, mixed case",
        """\
ORGANIZER;CN=Jordan Lee;EMAIL=Jordan.Lee@iCloud.com:urn:uuid:7A3F5C1E-0000-4D6B-9E2A-1C2B
 3D4E5F60
ATTENDEE;CN=Me;EMAIL=Me@Example.org;PARTSTAT=NEEDS-ACTION:mailto:me@example.org""",
        "jordan.lee@icloud.com",
        {"me@example.org": PENDING},
        Who.THEM,
    ),
    (
        "icloud, a principal path",
        """\
ORGANIZER;CN=Jordan Lee;EMAIL=jordan.lee@icloud.com:/1234567890/principal/
ATTENDEE;CN=Me;EMAIL=me@example.org;PARTSTAT=ACCEPTED:/2345678901/principal/""",
        "jordan.lee@icloud.com",
        {"me@example.org": ACCEPTED},
        Who.THEM,
    ),
    (
        "icloud, no EMAIL",
        """\
ORGANIZER;CN=Jordan Lee:urn:uuid:7a3f5c1e-0000-4d6b-9e2a-1c2b3d4e5f60
ATTENDEE;CN=Me;PARTSTAT=ACCEPTED:mailto:me@example.org""",
        "urn:uuid:7a3f5c1e-0000-4d6b-9e2a-1c2b3d4e5f60",
        {"me@example.org": ACCEPTED},
        None,  # an identifier with no address beside it names nobody
    ),
    (
        "thunderbird",
        """\
ORGANIZER;RSVP=TRUE;CN=Jordan Lee;PARTSTAT=ACCEPTED;ROLE=CHAIR;SENT-BY="mailto:assistant
 @example.net":mailto:jordan@example.net
ATTENDEE;RSVP=TRUE;CN="Me";PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT:mailto:me@example.org
ATTENDEE;RSVP=TRUE;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:jordan@example.net""",
        "jordan@example.net",
        {"me@example.org": PENDING, "jordan@example.net": ACCEPTED},
        Who.THEM,
    ),
    (
        "nextcloud",
        """\
ORGANIZER;CN=Jordan:mailto:jordan@cloud.example.org
ATTENDEE;CN=Me;CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE;L
 ANGUAGE=en;SCHEDULE-STATUS=1.1:mailto:me@example.org""",
        "jordan@cloud.example.org",
        {"me@example.org": PENDING},
        Who.THEM,
    ),
]


def vcalendar(uid: str, people: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//nudger tests//client forms//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20270101T000000Z",
        "DTSTART:20270317T180000Z",
        "DTEND:20270317T200000Z",
        "SUMMARY:Catch-up",
        *people.splitlines(),
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines)


def read_folder(folder: Path, *, relevant: bool = False) -> dict[str, EventInstance]:
    """The folder's instances by UID, read whole or, as a sync reads it, only what may name
    someone tracked (`Window.mentions`)."""
    config = IcsCalendar(name="forms", type="ics", path=folder)
    source = create_ics(config, timeout=5, data_dir=folder)
    window = replace(WINDOW, mentions=mentions(RULES)) if relevant else WINDOW
    changes = source.sync(None, window)
    assert not changes.problems
    return {i.uid: i for resource in changes.changed for i in resource.instances}


def test_settings_store_an_address_as_calendars_are_read() -> None:
    assert ME.emails == ["me@example.org"]
    assert "jordan.lee@icloud.com" in JORDAN.emails
    assert "jordan.lee@contoso.com" in JORDAN.emails


@pytest.mark.parametrize(
    ("client", "people", "organizer", "answers", "whose"),
    FORMS,
    ids=[row[0] for row in FORMS],
)
def test_each_clients_addresses_read_as_one_spelling(
    tmp_path: Path,
    client: str,
    people: str,
    organizer: str,
    answers: dict[str, Participation],
    whose: Who | None,
) -> None:
    (tmp_path / "event.ics").write_text(vcalendar("plan-1", people), encoding="utf-8")
    (plan,) = read_folder(tmp_path).values()

    assert plan.organizer == organizer
    assert {a.email: a.participation for a in plan.attendees} == answers
    if whose is None:
        assert involved(plan, RULES) == []
        assert read_folder(tmp_path, relevant=True) == {}  # and a sync need not even parse it
    else:
        assert [person.name for person in involved(plan, RULES)] == ["Jordan"]
        assert initiator(plan, RULES.people[0], RULES) is whose
        assert read_folder(tmp_path, relevant=True) == {"plan-1": plan}


def test_the_relevance_filter_keeps_every_form_naming_someone(tmp_path: Path) -> None:
    """A sync parses only the files whose raw text may name someone tracked (folded, quoted, in
    any case): in a folder holding every form, it keeps exactly those detection finds."""
    for number, (_, people, *_) in enumerate(FORMS):
        (tmp_path / f"{number}.ics").write_text(vcalendar(f"plan-{number}", people))
    found = read_folder(tmp_path, relevant=True)
    named = {f"plan-{n}" for n, (*_, whose) in enumerate(FORMS) if whose is not None}
    assert set(found) == named
    assert all(involved(plan, RULES) for plan in found.values())


# --- Google: plain addresses in JSON, in whatever case the account was created with ------------


@pytest.fixture
def google(tmp_path: Path) -> Iterator[tuple[FakeGoogle, Path]]:
    server = FakeGoogle().start()
    server.add_calendar("primary", "Me")
    refresh, access = server.grant()
    grant: dict[str, Any] = {"token": access, "refresh_token": refresh}
    grant |= {"expiry": "2999-01-01T00:00:00Z", "token_uri": server.token_uri}
    grant |= {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "scopes": [SCOPE]}
    token = tmp_path / "google-token.json"
    write_private(token, json.dumps(grant))
    yield server, token
    server.stop()


@pytest.mark.usefixtures("no_network")
def test_google_addresses_in_any_case_read_as_the_settings_spell_them(
    google: tuple[FakeGoogle, Path],
) -> None:
    server, token = google
    start = datetime(2027, 3, 17, 18, tzinfo=UTC)
    server.add_event(
        "primary",
        "Dinner",
        start,
        start + timedelta(hours=2),
        organizer="Jordan.Lee@Gmail.com",
        attendees={"ME@example.org": "accepted", "Jordan.Lee@Gmail.com": "accepted"},
        me="ME@example.org",
    )
    config = GoogleCalendar.model_validate(
        {"name": "g", "type": "google", "api_endpoint": server.api_endpoint}
        | {"token_file": str(token)}
    )
    changes = create_google(config, timeout=5, data_dir=token.parent).sync(None, WINDOW)
    (plan,) = [i for resource in changes.changed for i in resource.instances]

    assert plan.organizer == "jordan.lee@gmail.com"
    assert {a.email for a in plan.attendees} == {"me@example.org", "jordan.lee@gmail.com"}
    assert initiator(plan, RULES.people[0], RULES) is Who.THEM
