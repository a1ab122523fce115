"""Sources read only what may involve a tracked person, and lose nothing by it.

A sync hands its source the addresses and words that name the tracked people (`Window.mentions`,
from `detect.mentions`); the source skips, without parsing, every calendar object whose text
contains none of them. These tests hold that to its promise: whatever `involved` would have
found is still found (by each route: organizer, attendee, a name or alias in the title; folded,
escaped, in any case), an object that mentions nobody is never parsed, an override in another
file of a folder still moves its occurrence, an uninvite is still seen, and tracking someone
new (or a new address or alias) reads everything again.
"""

from __future__ import annotations

import os
import sys
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from caldav.davclient import DAVClient
from caldav.lib import vcal
from hypothesis import assume, given
from hypothesis import strategies as st
from icalendar.parser_tools import to_unicode

from integrations.calendars import ical
from integrations.calendars.caldav import CalDAVSource, create
from integrations.calendars.ics import IcsSource
from nudger.config.calendars import CalDAVCalendar, IcsCalendar
from nudger.core.detect import Rules, Tracked, involved, mentions
from nudger.core.events import EventInstance
from nudger.core.model import Kind, Who
from nudger.log import queries, sync_state
from nudger.log.store import Store
from nudger.ports import Changes, Window
from nudger.sync.calendars import sync_source
from tests.caldav_servers import Server

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 3, 10, 12, tzinfo=UTC)
WINDOW = Window(datetime(2027, 3, 1, tzinfo=BERLIN), datetime(2027, 4, 1, tzinfo=BERLIN), BERLIN)
ME = "sam@example.org"
ALEX = Tracked("Alex", frozenset({"alex@example.org"}), ("Alex",))
JO = Tracked("Joanna", frozenset({"jo@example.org"}), ("Joanna", "Smith, Jo"))
RULES = Rules(me=frozenset({ME}), people=(ALEX, JO))


def vcalendar(*events: str) -> str:
    """Events (each its lines, joined as given: folds and escapes stay as written)."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//nudger tests//EN\r\n"
        + "".join(f"BEGIN:VEVENT\r\n{event}\r\nEND:VEVENT\r\n" for event in events)
        + "END:VCALENDAR\r\n"
    )


def vevent(uid: str, *lines: str, start: str = "20270317T180000Z") -> str:
    head = (f"UID:{uid}", "DTSTAMP:20270101T000000Z", f"DTSTART:{start}", "DURATION:PT1H")
    return "\r\n".join((*head, *lines))


# Each route by which `involved` finds a person, written the ways calendars write it.
ROUTES = {
    "organizer": vevent("organizer", "SUMMARY:Lunch", "ORGANIZER;CN=Al:MAILTO:Alex@Example.ORG"),
    "attendee": vevent(
        "attendee",
        "SUMMARY:Review",
        f"ORGANIZER:mailto:{ME}",
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:al\r\n ex@example.org",  # folded inside the address
    ),
    "name": vevent("name", "SUMMARY:Dinner with AL\r\n\tEX tonight"),  # folded with a tab
    "alias": vevent("alias", "SUMMARY:Coffee with Smith\\, Jo"),  # TEXT escaping of the comma
}
UNRELATED = {
    "dentist": vevent("dentist", "SUMMARY:Dentist", f"ORGANIZER:mailto:{ME}"),
    "gym": vevent("gym", "SUMMARY:Gym with Alexander", "ATTENDEE:mailto:bob@example.org"),
}


class ParseSpy:
    """Records every text handed to the iCalendar parser, in a file: `daemon --once` syncs each
    calendar in a forked child (`nudger.sync.fence`), whose memory the test never sees."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        handle, name = tempfile.mkstemp(prefix="nudger-parse-spy-")
        os.close(handle)
        self.record = Path(name)
        weakref.finalize(self, self.record.unlink, missing_ok=True)
        real = ical.parse

        def spy(texts: Any) -> ical.Parsed:
            texts = list(texts)
            with self.record.open("a", encoding="utf-8") as out:
                for _, text in texts:
                    out.write(to_unicode(text).replace("\0", "") + "\0")
            return real(texts)

        monkeypatch.setattr(ical, "parse", spy)

    @property
    def texts(self) -> list[str]:
        return [text for text in self.record.read_text(encoding="utf-8").split("\0") if text]

    def read(self, word: str) -> bool:
        return any(word in text for text in self.texts)


def found(changes: Changes, rules: Rules) -> set[EventInstance]:
    """The instances detection would use: those involving a tracked person."""
    return {i for r in changes.changed for i in r.instances if involved(i, rules)}


# --- the filter keeps every text in which detection finds someone -------------------------


@pytest.mark.parametrize(
    ("person", "line"),
    [
        (ALEX, "ORGANIZER:MAILTO:ALEX@EXAMPLE.ORG"),
        (ALEX, "ATTENDEE:mailto:alex@exam\r\n ple.org"),
        (ALEX, "SUMMARY:Dinner with AL\n\n EX"),  # icalendar unfolds a run of line breaks too
        (JO, "SUMMARY:Coffee with smith\\, JO"),
        (Tracked("O'Neil", frozenset(), ("O'Neil",)), "SUMMARY:Drinks with O\\'Neil"),
        (
            Tracked("J", frozenset({"a;b:c@example.org"}), ()),
            "ORGANIZER:mailto:a\\;b\\:c@example.org",  # icalendar unescapes every value
        ),
        (Tracked("James", frozenset(), ("James",)), "SUMMARY:Tea with JAMEſ"),  # ſ matches s
        (Tracked("Kai", frozenset(), ("Kai",)), "SUMMARY:Run with \u212aai"),  # Kelvin sign
        (  # str.lower() makes U+0130 two characters: "i" and a combining dot
            Tracked("Ipek", frozenset({"i\u0307pek@example.org"}), ()),
            "ATTENDEE:mailto:\u0130PEK@example.org",
        ),
        (Tracked("Back\\slash", frozenset(), ("Back\\slash",)), "SUMMARY:Back\\\\slash"),
    ],
)
def test_every_spelling_detection_reads_is_kept(person: Tracked, line: str) -> None:
    """Each line is one detection finds the person in (read as the CalDAV source reads it,
    after caldav's clean-up, which drops the backslash in O\\'Neil); the filter keeps it."""
    text = vcalendar(vevent("one", line))
    rules = Rules(me=frozenset({ME}), people=(person,))
    cleaned = vcal.fix(text)  # type: ignore[no-untyped-call]  # caldav leaves it untyped
    expanded = ical.instances(ical.parse([("t", cleaned)]), WINDOW, source="s", calendar="c")
    (instance,) = expanded.found["one"]
    assert involved(instance, rules), "the example must be one detection finds"
    assert ical.mentioning(mentions(rules))(text)


def test_a_text_that_mentions_nobody_is_not_kept() -> None:
    keep = ical.mentioning(mentions(RULES))
    assert not keep(vcalendar(UNRELATED["dentist"]))
    assert keep(vcalendar(UNRELATED["gym"])), "more than detection is fine: Alex(ander)"
    assert ical.mentioning(frozenset())("anything"), "no terms: no filter"


LETTERS = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))
CASES = st.sampled_from([str.upper, str.lower, str.swapcase, str.title, str])


@given(
    route=st.sampled_from(["SUMMARY", "ORGANIZER", "ATTENDEE"]),
    word=st.text(LETTERS, min_size=1, max_size=12).map(lambda w: " ".join(w.split())),
    title=st.tuples(st.text(LETTERS, max_size=40), st.text(LETTERS, max_size=40)),
    local=st.text(st.characters(codec="ascii", categories=("L", "N", "P")), min_size=1),
    case=CASES,
    folds=st.lists(st.integers(min_value=1, max_value=300), max_size=5),
)
def test_whatever_detection_finds_in_an_event_the_filter_keeps(
    route: str, word: str, title: tuple[str, str], local: str, case: Any, folds: list[int]
) -> None:
    """Events written by icalendar itself (its escaping, its folding) and folded further at
    random, naming the person by one route only, in any case: if detection finds the person,
    the filter keeps the text."""
    assume(word and "@" not in local)
    email = f"{local.lower()}@example.org"
    rules = Rules(me=frozenset({ME}), people=(Tracked("P", frozenset({email}), (word,)),))
    event = icalendar.Event()
    event.add("UID", "one")
    event.add("DTSTART", datetime(2027, 3, 17, 18, tzinfo=UTC))
    if route == "SUMMARY":
        event.add("SUMMARY", f"{title[0]} {case(word)} {title[1]}")
    else:
        event.add(route, icalendar.vCalAddress(case(f"mailto:{email}")))
    calendar = icalendar.Calendar()
    calendar.add_component(event)
    text = calendar.to_ical().decode()
    for at in sorted(folds, reverse=True):  # a fold may go between any two characters of a line
        if at < len(text) and text[at - 1] != "\n" and text[at] not in "\r\n":
            text = f"{text[:at]}\r\n {text[at:]}"
    expanded = ical.instances(ical.parse([("t", text)]), WINDOW, source="s", calendar="c")
    if any(involved(instance, rules) for instance in expanded.found.get("one", ())):
        assert ical.mentioning(mentions(rules))(text)


# --- an ics folder ------------------------------------------------------------------------


def write(folder: Path, name: str, *events: str) -> None:
    (folder / name).write_text(vcalendar(*events), encoding="utf-8", newline="")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "calendar"
    made.mkdir()
    for name, event in {**ROUTES, **UNRELATED}.items():
        write(made, f"{name}.ics", event)
    # a weekly series with Alex; the override moving its second date sits in another file and
    # names nobody (a client that drops attendees from an override): without it, the original
    # second date would look like a plan with Alex
    weekly = ("RRULE:FREQ=WEEKLY;COUNT=4", "SUMMARY:Weekly", "ATTENDEE:mailto:alex@example.org")
    write(made, "series.ics", vevent("series", *weekly, start="20270302T180000Z"))
    moved = ("RECURRENCE-ID:20270309T180000Z", "SUMMARY:Moved")
    write(made, "series-moved.ics", vevent("series", *moved, start="20270310T180000Z"))
    return made


def test_a_folder_reads_only_what_may_involve_someone_and_finds_the_same(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = IcsSource(IcsCalendar(name="local", type="ics", path=folder), timeout=5)
    everything = source.sync(None, WINDOW)
    spy = ParseSpy(monkeypatch)

    filtered = source.sync(None, replace(WINDOW, mentions=mentions(RULES)))

    assert found(filtered, RULES) == found(everything, RULES)
    assert {i.uid for i in found(filtered, RULES)} == {*ROUTES, "series"}
    series = sorted(i.start for i in found(filtered, RULES) if i.uid == "series")
    assert datetime(2027, 3, 9, 18, tzinfo=UTC) not in series and len(series) == 3
    assert spy.read("SUMMARY:Moved"), "the override in another file was read with its master"
    assert not spy.read("Dentist"), "a file that mentions nobody is not parsed"


# --- CalDAV, on Radicale and Xandikos ------------------------------------------------------


def caldav_source(server: Server, tmp_path: Path) -> CalDAVSource:
    fields: dict[str, Any] = {"name": "dav", "type": "caldav", "url": server.url}
    if server.password:
        command = [sys.executable, "-c", f"print({server.password!r})"]
        fields |= {"username": server.username, "password_command": command}
    return create(CalDAVCalendar.model_validate(fields), timeout=10, data_dir=tmp_path)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "log.sqlite3") as opened:
        yield opened


def sync(store: Store, server: Server, tmp_path: Path, rules: Rules = RULES) -> int:
    outcome = sync_source(store, "dav", caldav_source(server, tmp_path), rules, WINDOW, now=NOW)
    assert outcome.ok, outcome.message
    return outcome.new_facts


def facts(store: Store, kind: Kind) -> list[tuple[str, str, Who]]:
    entries = queries.entries(store.db, kinds=[kind])
    return sorted((str(e.details["uid"]), str(e.person), e.who) for e in entries)


def make_calendar(client: DAVClient, events: dict[str, str]) -> Any:
    calendar: Any = client.get_principal().make_calendar(name="Work", cal_id="work")
    for event in events.values():
        calendar.add_event(vcalendar(event))
    return calendar


def test_caldav_finds_every_route_and_parses_nothing_else(
    server: Server, client: DAVClient, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calendar = make_calendar(client, {**ROUTES, **UNRELATED})
    spy = ParseSpy(monkeypatch)

    sync(store, server, tmp_path)

    assert set(sync_state.resources(store.db, "dav")) == set(ROUTES)
    assert facts(store, Kind.PLAN) == [
        ("alias", "Joanna", Who.UNKNOWN),
        ("attendee", "Alex", Who.ME),
        ("name", "Alex", Who.UNKNOWN),
        ("organizer", "Alex", Who.THEM),
    ]
    assert spy.read("Review") and not spy.read("Dentist")

    event = calendar.get_event_by_uid("dentist")  # skipped once, read when it names someone
    with event.edit_icalendar_component() as component:
        component.add("ATTENDEE", "mailto:jo@example.org")
    event.save()
    assert sync(store, server, tmp_path) == 1
    assert ("dentist", "Joanna", Who.ME) in facts(store, Kind.PLAN)


def test_an_uninvite_cancels_the_plan_as_before(
    server: Server, client: DAVClient, store: Store, tmp_path: Path
) -> None:
    """Alex taken off my invitation: the event stays on the server but involves nobody now, so
    its stored plan is dropped and the instance counts as cancelled by me (as it did before
    sources skipped what mentions nobody: the object is still read, having held a plan)."""
    calendar = make_calendar(client, {"dentist": UNRELATED["dentist"]})
    attendee = "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alex@example.org"
    calendar.add_event(
        vcalendar(vevent("dinner", "SUMMARY:Dinner", f"ORGANIZER:mailto:{ME}", attendee))
    )
    sync(store, server, tmp_path)
    assert facts(store, Kind.PLAN) == [("dinner", "Alex", Who.ME)]

    event = calendar.get_event_by_uid("dinner")
    with event.edit_icalendar_component() as component:
        del component["ATTENDEE"]
    event.save()

    assert sync(store, server, tmp_path) == 1
    assert facts(store, Kind.CANCELLED) == [("dinner", "Alex", Who.ME)]
    assert sync_state.resources(store.db, "dav") == {}
    assert sync(store, server, tmp_path) == 0


def test_an_edit_that_cannot_be_read_keeps_the_plan_even_naming_nobody(
    server: Server, client: DAVClient, store: Store, tmp_path: Path
) -> None:
    """An object that held a plan is read whatever it says now: an edit whose series cannot be
    expanded is a problem to report, not an uninvite (it would cancel the plan)."""
    calendar = make_calendar(client, {})
    attendee = "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alex@example.org"
    calendar.add_event(vcalendar(vevent("dinner", "SUMMARY:Dinner", attendee)))
    sync(store, server, tmp_path)
    broken = vcalendar(vevent("dinner", "SUMMARY:Dinner", "RRULE:FREQ=DAILY;COUNT=-1"))
    href = str(calendar.get_event_by_uid("dinner").url)
    assert client.put(href, broken, {"Content-Type": "text/calendar"}).status in (201, 204)

    outcome = sync_source(store, "dav", caldav_source(server, tmp_path), RULES, WINDOW, now=NOW)

    assert (outcome.new_facts, len(outcome.problems)) == (0, 1)
    assert set(sync_state.resources(store.db, "dav")) == {"dinner"}


def test_a_new_address_or_alias_reads_the_calendar_again(
    server: Server, client: DAVClient, store: Store, tmp_path: Path
) -> None:
    make_calendar(
        client,
        {
            "climbing": vevent("climbing", "SUMMARY:Climbing with Lexi"),
            "work": vevent("work", "SUMMARY:Review", "ATTENDEE:mailto:lex@work.example"),
        },
    )
    sync(store, server, tmp_path)
    assert facts(store, Kind.PLAN) == []

    alex = replace(ALEX, emails=ALEX.emails | {"lex@work.example"}, words=("Alex", "Lexi"))
    assert sync(store, server, tmp_path, replace(RULES, people=(alex, JO))) == 2
    assert facts(store, Kind.PLAN) == [
        ("climbing", "Alex", Who.UNKNOWN),
        ("work", "Alex", Who.UNKNOWN),
    ]


def test_a_cursor_made_with_other_mentions_means_a_full_sync(
    server: Server, client: DAVClient, tmp_path: Path
) -> None:
    """The source itself, called with the cursor of a sync that skipped by other terms."""
    make_calendar(client, ROUTES)
    dav = caldav_source(server, tmp_path)
    first = dav.sync(None, replace(WINDOW, mentions=frozenset({"alex@example.org"})))
    assert {r.id for r in first.changed} == {"organizer", "attendee"}

    again = dav.sync(first.cursor, replace(WINDOW, mentions=mentions(RULES)))
    assert again.complete and {r.id for r in again.changed} == set(ROUTES)
