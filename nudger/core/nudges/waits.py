"""The "ball in their court" waits, as spans of time read from the log.

A `wait.started` entry's details hold `{"until": ISO date-time}`; a `wait.ended` entry closes
the person's open wait early. The planner holds nudges during a wait and reports at its end, the
report page draws the same spans and `nudger wait` asks whether one is running, so all of them
read the spans from here. Entries that a later entry corrects (`superseded`) are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from nudger.core.model import Entry, Kind
from nudger.core.nudges.local_time import instant


@dataclass(frozen=True)
class WaitSpan:
    """One wait with a person, from when it started to when it ended."""

    person: str
    start: datetime
    end: datetime  # `until`, or when a wait.ended entry closed it, whichever is first

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def waits(entries: Sequence[Entry]) -> tuple[WaitSpan, ...]:
    """Each started wait, closed at its `until` or by the first wait.ended entry after it."""
    current = sorted((e for e in entries if not e.superseded), key=lambda e: e.at)
    found = []
    for started in current:
        until = instant(started.details.get("until"))
        if started.kind != Kind.WAIT_STARTED or started.person is None or until is None:
            continue
        ended = next(
            (
                e.at
                for e in current
                if e.kind == Kind.WAIT_ENDED
                and e.person == started.person
                and started.at <= e.at < until
            ),
            until,
        )
        found.append(WaitSpan(started.person, started.at, ended))
    return tuple(found)


def wait_until(entries: Sequence[Entry], person: str, now: datetime) -> datetime | None:
    """When the wait with `person` that covers `now` ends, or None when none does."""
    ends = [w.end for w in waits(entries) if w.person == person and w.covers(now)]
    return max(ends, default=None)
