"""What a file gets wrong costs only what it got wrong (issue 15, Builds 4 and 6), read from real
files by the ics source as a sync does: broken metadata is dropped with one warning and the
event kept; a DATE with a TZID is all-day; an end before the start, or a negative DURATION, is
reported and the event read at its DTSTART with no length (never moved)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from integrations.calendars.ics import IcsSource
from nudger.config.calendars import IcsCalendar
from nudger.core.events import EventInstance
from nudger.ports import Changes, Done, Problem, Window

BERLIN = ZoneInfo("Europe/Berlin")
WINDOW = Window(datetime(2027, 3, 1, tzinfo=BERLIN), datetime(2027, 4, 1, tzinfo=BERLIN), BERLIN)
START = datetime(2027, 3, 22, 18, tzinfo=UTC)
END = START + timedelta(hours=2)


def event(*lines: str, times: tuple[str, ...] | None = None) -> str:
    """One "Dinner with Alex" at 18:00-20:00 UTC on 22 March, with `lines` added; `times`
    replaces its DTSTART and DTEND lines."""
    body = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//nudger tests//mend//EN",
        "BEGIN:VEVENT",
        "UID:dinner",
        "SUMMARY:Dinner with Alex",
        *(times or ("DTSTART:20270322T180000Z", "DTEND:20270322T200000Z")),
        "CREATED:20270101T090000Z",
        "LAST-MODIFIED:20270102T090000Z",
        "SEQUENCE:3",
        *lines,
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(line for line in body if line)


def read(tmp_path: Path, text: str) -> Changes:
    """What the ics source returns for a folder holding `text` as its one file."""
    folder = tmp_path / "calendar"
    folder.mkdir()
    (folder / "dinner.ics").write_text(text)
    config = IcsCalendar.model_validate({"name": "local", "type": "ics", "path": str(folder)})
    changes = IcsSource(config, timeout=5).sync(None, WINDOW)
    assert changes.complete and changes.unreadable == ()
    return changes


def synced(tmp_path: Path, text: str) -> tuple[Changes, EventInstance]:
    changes = read(tmp_path, text)
    ((dinner,),) = [resource.instances for resource in changes.changed]
    return changes, dinner


def replaced(name: str, value: str) -> str:
    """The event with its `name` property set to `value` (a bad one)."""
    lines = event().split("\r\n")
    return "\r\n".join(f"{name}:{value}" if line.startswith(f"{name}:") else line for line in lines)


CREATED = datetime(2027, 1, 1, 9, tzinfo=UTC)
CHANGED = datetime(2027, 1, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "property_", "created", "updated", "sequence"),
    [
        (replaced("CREATED", "00001231T000000Z"), "CREATED", None, CHANGED, 3),  # Google's
        (replaced("LAST-MODIFIED", "20271399T000000Z"), "LAST-MODIFIED", CREATED, None, 3),
        (
            event("DTSTAMP:garbage").replace("LAST-MODIFIED:20270102T090000Z\r\n", ""),
            "DTSTAMP",
            CREATED,
            None,
            3,
        ),
        (replaced("SEQUENCE", "two"), "SEQUENCE", CREATED, CHANGED, 0),
        (replaced("SEQUENCE", "1.5"), "SEQUENCE", CREATED, CHANGED, 0),
        (event("SEQUENCE:4"), "SEQUENCE", CREATED, CHANGED, 0),  # twice: which is meant?
    ],
    ids=["created", "last-modified", "dtstamp", "sequence-word", "sequence-fraction", "twice"],
)
def test_broken_metadata_costs_only_that_property(
    tmp_path: Path,
    text: str,
    property_: str,
    created: datetime | None,
    updated: datetime | None,
    sequence: int,
) -> None:
    changes, dinner = synced(tmp_path, text)
    assert (dinner.summary, dinner.start, dinner.end) == ("Dinner with Alex", START, END)
    assert (dinner.created, dinner.updated, dinner.sequence) == (created, updated, sequence)
    (problem,) = changes.problems
    assert isinstance(problem, Problem) and problem.done == Done.KEPT
    assert "dinner.ics: event 'Dinner with Alex' on 2027-03-22" in str(problem)
    assert f"its {property_} " in str(problem) and "so it was ignored" in str(problem)


def test_sound_metadata_is_read_without_a_word(tmp_path: Path) -> None:
    changes, dinner = synced(tmp_path, event())
    assert (dinner.created, dinner.updated, dinner.sequence) == (CREATED, CHANGED, 3)
    assert changes.problems == ()


EVENING = "DTSTART:20270322T180000Z"


@pytest.mark.parametrize(
    ("times", "said"),
    [
        ((EVENING, "DTEND:20270322T160000Z"), "it ends before it starts"),
        ((EVENING, "DURATION:-PT2H"), "its DURATION is negative"),
        (("DTSTART;TZID=Europe/Berlin:20270322T190000", "DTEND:20270322T170000Z"), "ends before"),
        ((EVENING, "DTEND:tomorrow"), "its DTEND cannot be read"),
        ((EVENING, "DURATION:two hours"), "its DURATION cannot be read"),
    ],
    ids=[
        "dtend-before",
        "negative-duration",
        "dtend-before-across-zones",
        "dtend-broken",
        "duration-broken",
    ],
)
def test_an_end_before_the_start_is_reported_and_read_as_no_length(
    tmp_path: Path, times: tuple[str, ...], said: str
) -> None:
    changes, dinner = synced(tmp_path, event(times=times))
    assert (dinner.start, dinner.end, dinner.all_day) == (START, START, False)  # never moved
    (problem,) = changes.problems
    assert isinstance(problem, Problem) and problem.done == Done.KEPT
    assert "dinner.ics: event 'Dinner with Alex'" in str(problem) and said in str(problem)
    assert "read as starting at DTSTART, no length" in str(problem)


def test_an_end_before_the_start_holds_for_every_instance_of_a_series(tmp_path: Path) -> None:
    times = (EVENING, "DTEND:20270322T170000Z", "RRULE:FREQ=WEEKLY;COUNT=2")
    changes = read(tmp_path, event(times=times))
    (series,) = changes.changed
    assert [(i.start, i.end) for i in series.instances] == [
        (START, START),
        (START + timedelta(weeks=1), START + timedelta(weeks=1)),
    ]
    assert len(changes.problems) == 1  # one word for the series, not one per instance


def test_an_end_equal_to_the_start_is_a_sound_shape(tmp_path: Path) -> None:
    changes, dinner = synced(tmp_path, event(times=(EVENING, "DTEND:20270322T180000Z")))
    assert (dinner.start, dinner.end, changes.problems) == (START, START, ())


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Auckland"])
def test_a_date_with_a_tzid_is_an_all_day_event(tmp_path: Path, zone: str) -> None:
    times = (f"DTSTART;VALUE=DATE;TZID={zone}:20270322", f"DTEND;VALUE=DATE;TZID={zone}:20270323")
    changes, dinner = synced(tmp_path, event(times=times))
    day = datetime(2027, 3, 22, tzinfo=BERLIN).astimezone(UTC)  # the day where I am
    assert (dinner.all_day, dinner.start, dinner.end) == (True, day, day + timedelta(days=1))
    assert changes.problems == ()


def test_an_event_without_a_readable_start_costs_no_other_event_of_its_file(
    tmp_path: Path,
) -> None:
    broken = (
        event()
        .replace("UID:dinner", "UID:broken")
        .replace("DTSTART:20270322T180000Z", "DTSTART:garbage")
    )
    vevent = broken[broken.index("BEGIN:VEVENT") : broken.index("END:VCALENDAR")]
    both = event().replace("END:VCALENDAR", vevent + "END:VCALENDAR")
    folder = tmp_path / "calendar"
    folder.mkdir()
    (folder / "dinner.ics").write_text(both)
    config = IcsCalendar.model_validate({"name": "local", "type": "ics", "path": str(folder)})
    changes = IcsSource(config, timeout=5).sync(None, WINDOW)
    assert [resource.id for resource in changes.changed] == ["dinner"]
    assert changes.unreadable == ("broken",)  # what the log knew of it stands
    (problem,) = changes.problems
    assert problem == Problem(
        str(folder / "dinner.ics"),
        "its DTSTART cannot be read (Expected time, got: garbage)",
        Done.SKIPPED,
        "event 'Dinner with Alex'",
    )
