"""How the calendar adapters say a problem: one `nudger.ports.Problem` each, in words.

A user reads these lines to fix a file, so they name the file (or href), the event by its title
and start (never by a UID a client made up, nor a Python list of them), what was done, and why
in words: an exception's type or repr (`KeyError: 'DTSTART'`, a bare `MemoryError`) says
nothing to a user, and a library's warning printed raw (its path, its source line) says less.
So `reason` turns an error into a sentence and `warnings_into` turns the Python warnings raised
while one file or series is read into problems of that file, instead of letting them reach the
terminal. It does not decide what is read (the callers do, and say it with `Done`), except
that `beyond` tells them a failure that is no problem at all.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from nudger.ports import Done, Problem

_BROKEN = re.compile(r"Cannot access '[^']*' on broken property '(?P<name>[^']*)'")
_GUESSED = re.compile(
    r"Timezone '(?P<tzid>[^']*)' is a globally unique TZID; guessing it means '(?P<zone>[^']*)'"
)


def reason(error: BaseException) -> str:
    """Why something could not be read, in words (at most 200 characters, one line)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if isinstance(error, KeyError):
        return f"it has no {str(error.args[0]).strip() if error.args else 'required property'}"
    if isinstance(error, MemoryError):
        return "reading it needs more memory than a sync may take"
    if isinstance(error, OverflowError):
        return "a date or duration in it is beyond what can be read"
    if found := _BROKEN.match(text):  # icalendar's BrokenCalendarProperty, read as a value
        cause = " ".join(str(error.__cause__ or "").split())[:120]
        return f"its {found['name']} cannot be read" + (f" ({cause})" if cause else "")
    if isinstance(error, RecursionError):
        return "it is nested too deeply to be read"
    return (text or f"an error inside the calendar library ({type(error).__name__})")[:200]


def event_name(event: Any) -> str:
    """An event as a problem names it: its title (or that it has none) and its start date,
    when one can be read (`event 'Lunch' on 2026-05-01`)."""
    title = " ".join(str(event.get("SUMMARY", "")).split())[:80]
    named = f"event '{title}'" if title else "an event without a title"  # printed as text
    try:
        start = event.get("DTSTART")
        moment = getattr(start, "dt", None)
    except Exception:  # a broken DTSTART: the event is still named by its title
        moment = None
    return f"{named} on {moment:%Y-%m-%d}" if isinstance(moment, date) else named


@contextmanager
def warnings_into(problems: list[Problem], where: str, event: str = "") -> Iterator[None]:
    """Collect the Python warnings raised inside (a library's, such as icalendar's
    GloballyUniqueTZIDGuessed) as problems of `where`, once each, instead of printing them.
    `warnings.catch_warnings` changes process-wide state: a sync reads its files in one thread
    (the daemon's syncs run in child processes), so that is safe here."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    said: set[str] = set()
    for warning in caught:
        text = _warned(warning.message)
        if text not in said:
            said.add(text)
            problems.append(Problem(where, text, Done.KEPT, event))


def _warned(message: Warning | str) -> str:
    """A warning as a problem's reason: what was guessed, or the warning's own first line."""
    text = " ".join(str(message).split())
    if found := _GUESSED.search(text):
        return f"its time zone {found['tzid']!r} was read as {found['zone']}"
    return f"the calendar library warned: {text[:200]}"


def once(problems: list[Problem]) -> list[Problem]:
    """Each problem once, each file's together (in the order met within it): events that a
    file names alike (no title, no readable start) and that went wrong alike are one line with
    their count, not one each (a Thunderbird test file has 84 such)."""
    counted: dict[Problem, int] = {}
    for problem in sorted(problems, key=lambda problem: problem.where):
        counted[problem] = counted.get(problem, 0) + 1
    return [problem if n == 1 else _times(problem, n) for problem, n in counted.items()]


def _times(problem: Problem, count: int) -> Problem:
    if problem.event:
        return replace(problem, event=f"{problem.event}, {count} times")
    return replace(problem, reason=f"{problem.reason} ({count} times)")


def beyond(error: Exception, entries: Sequence[tuple[str, Any]], start: date, end: date) -> bool:
    """Whether a series failed only for lying past what dates can hold, wholly outside the
    window (a single event in the year 9999 with a length): it has no instance to read there,
    so that is no problem worth a word, and it is read as having none."""
    if not isinstance(error, OverflowError):
        return False
    for _, event in entries:
        moment = getattr(event.get("DTSTART"), "dt", None)
        if any(key in event for key in ("RRULE", "RDATE")) or not isinstance(moment, date):
            return False
        day = moment.date() if isinstance(moment, datetime) else moment
        if start - timedelta(days=2) <= day <= end + timedelta(days=2):
            return False
    return True
