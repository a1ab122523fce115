"""`split`: events cut from a text before parsing, read exactly as icalendar would read them.

Whatever `split` decides without parsing must be what the parse says: an event's UID (the
exact value, however written), whether an event mentions a term (the spellings
`ical.mentioning` finds), and a text it does not understand is left whole, never misread.
"""

from __future__ import annotations

import icalendar
import pytest

from integrations.calendars import ical, split

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//nudger tests//split//EN\r\n"


def vevent(*lines: str) -> str:
    return "\r\n".join(["BEGIN:VEVENT", "DTSTART:20270317T180000Z", *lines, "END:VEVENT\r\n"])


def calendar(*events: str) -> str:
    return HEAD + "".join(events) + "END:VCALENDAR\r\n"


def relevant(text: str | bytes, *terms: str, known: tuple[str, ...] = ()) -> split.Relevant:
    return split.relevant([("file.ics", text)], frozenset(terms), known=known)


@pytest.mark.parametrize(
    "line",
    [
        "UID:plain-1",
        "UID;X-A=1:with-param",
        'UID;X-A="a:b";X-B=c:quoted-colon',
        "UID:comma\\, semicolon\\; backslash\\\\",
        "UID:fol\r\n ded\r\n\tuid",
        "uid:lower-case-name",
        "UID:  padded  ",
        "UID:url:with:colons",
    ],
)
def test_a_uid_is_read_as_the_parser_reads_it(line: str) -> None:
    text = calendar(vevent(line, "SUMMARY:Dinner with Alex"))
    parsed = icalendar.Calendar.from_ical(text)
    (expected,) = [str(e["UID"]).strip() for e in parsed.walk("VEVENT")]

    found = relevant(text, "Alex")

    assert set(found.parsed.components) == found.mentioned == {expected}
    assert set(relevant(text, "Bob", known=(expected,)).parsed.components) == {expected}
    assert relevant(text, "Bob", known=(f"{expected}x",)).parsed.components == {}


def test_an_alarms_uid_is_not_the_events() -> None:
    """Apple gives each VALARM a UID of its own; the event's is the one at its own level."""
    alarm = "BEGIN:VALARM\r\nUID:alarm-uid\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM"
    text = calendar(vevent("SUMMARY:Dinner with Alex", alarm, "UID:event-uid"))
    assert relevant(text, "Alex").mentioned == {"event-uid"}
    assert set(relevant(text, "Bob", known=("event-uid",)).parsed.components) == {"event-uid"}
    assert relevant(text, "Bob", known=("alarm-uid",)).parsed.components == {}


@pytest.mark.parametrize(
    ("term", "line"),
    [
        ("Alex", "SUMMARY:Dinner with AL\r\n EX"),  # folded inside the name
        ("Alex", "SUMMARY:Dinner with AL\r\n\r\n EX"),  # a run of line breaks before a fold
        ("James", "SUMMARY:Tea with JAMEſ"),  # ſ is an s to a case-blind match
        ("Kai", "SUMMARY:Run with \u212aai"),  # the Kelvin sign is a K
        ("i\u0307pek@example.org", "ATTENDEE:mailto:\u0130PEK@example.org"),
        ("Smith, Jo", "SUMMARY:Coffee with smith\\, JO"),
        ("a;b:c@example.org", "ORGANIZER:mailto:a\\;b\\:c@example.org"),
    ],
)
def test_an_event_is_chosen_in_every_spelling_mentioning_finds(term: str, line: str) -> None:
    others = [vevent(f"UID:other-{n}", "SUMMARY:Dentist") for n in range(300)]
    text = calendar(*others[:200], vevent("UID:chosen", line), *others[200:])
    assert ical.mentioning({term})(vevent(line))
    found = relevant(text, term)
    assert set(found.parsed.components) == {"chosen"}


def test_every_event_of_a_chosen_uid_travels_with_it() -> None:
    master = vevent("UID:s", "SUMMARY:Walk with Alex", "RRULE:FREQ=WEEKLY;COUNT=3")
    moved = vevent("UID:s", "RECURRENCE-ID:20270324T180000Z", "SUMMARY:Moved")
    text = calendar(moved, vevent("UID:t", "SUMMARY:Gym"), master)
    (entries,) = relevant(text, "Alex").parsed.components.values()
    assert sorted(str(c["SUMMARY"]) for _, c in entries) == ["Moved", "Walk with Alex"]


@pytest.mark.parametrize(
    "text",
    [
        calendar(vevent("UID:a", "SUMMARY:Alex")) + calendar(vevent("UID:b", "SUMMARY:Bo")),
        vevent("UID:a", "SUMMARY:Alex"),  # a bare VEVENT, as some exports write
        HEAD + "BEG\r\n IN:VEVENT\r\n" + vevent("UID:a", "SUMMARY:Alex")[13:] + "END:VCALENDAR",
        calendar(vevent("UID:a", "SUMMARY:Alex")).replace("END:VEVENT", "END:VTODO"),
    ],
)
def test_a_text_split_does_not_understand_is_read_whole_as_before(text: str) -> None:
    assert split.relevant([("f", text)], {"Alex"}).parsed == ical.parse([("f", text)])


@pytest.mark.parametrize(
    "data",
    [
        calendar(vevent("UID:é", "SUMMARY:Dîner with Alex")).encode("cp1252"),
        calendar(vevent("UID:é", "SUMMARY:Dîner with Alex")).encode("utf-16"),
        calendar(vevent("UID:é", "SUMMARY:Dîner with Alex")).encode("utf-8-sig"),
        calendar(vevent("UID:é", "SUMMARY:Dîner with Alex")).replace("\r\n", "\r").encode(),
    ],
)
def test_other_encodings_and_line_ends_are_read_as_the_parser_reads_them(data: bytes) -> None:
    text = calendar(vevent("UID:x", "SUMMARY:Gym")).encode()
    found = split.relevant([("f", data), ("g", text)], {"Alex"})
    assert list(found.parsed.components) == ["é"]
    ((_, event),) = found.parsed.components["é"]
    assert str(event["SUMMARY"]) == "Dîner with Alex"
