"""The log's entries indexed once per planning call, so a rule's cost follows what it asks about.

The rules ask, for each upcoming plan or each missed one, about one person's entries or one plan
occurrence's history. Answering each by a scan of the whole log made planning (and so `status`
and the daemon's replan) cost entries x plans: a minutely series left 45,000 facts and a
`status` of 70 s. Here each question is a dict look-up into lists built in one pass, kept in
the log's order (oldest first), so the answers are the same as the scans gave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from nudger.core.model import Entry, Kind, Who

_Scalar = str | int | float | bool | tuple[str, str] | None
PlanKey = tuple[str, _Scalar, _Scalar]  # (person casefolded, uid, occurrence)


def _part(value: object) -> _Scalar:
    """A details value as a dict key: scalars as they are (so equal values stay equal), any
    other JSON value (a list or an object) by its repr, which is equal when the value is, in a
    tuple so that it never equals a string that reads like it."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return ("json", repr(value))


def plan_key(person: str | None, details: Mapping[str, object]) -> PlanKey:
    """The key of a plan occurrence's history: whose it is, its UID and its occurrence."""
    return (
        (person or "").casefold(),
        _part(details.get("uid")),
        _part(details.get("occurrence")),
    )


@dataclass(frozen=True)
class PlanHistory:
    """A person's plan entries up to now, as the "coming up" reminder reads them."""

    first_by_uid: dict[object, Entry]  # the first plan entry logged for each UID
    run: tuple[Who, int]  # who started the latest plans of known side, and how many in a row


@dataclass
class LogIndex:
    """Entries by person and by plan occurrence, and what each person's plans say, from one pass."""

    now: datetime
    by_person: dict[str, list[Entry]] = field(default_factory=dict)
    by_plan: dict[PlanKey, list[Entry]] = field(default_factory=dict)
    last_plan_at: dict[str, datetime] = field(default_factory=dict)
    _histories: dict[str, PlanHistory] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: Sequence[Entry], now: datetime) -> LogIndex:
        """Index `entries` (current ones, oldest first)."""
        index = cls(now)
        for entry in entries:
            person = (entry.person or "").casefold()
            index.by_person.setdefault(person, []).append(entry)
            index.by_plan.setdefault(plan_key(entry.person, entry.details), []).append(entry)
            if entry.kind == Kind.PLAN:
                index.last_plan_at[person] = max(entry.at, index.last_plan_at.get(person, entry.at))
        return index

    def of(self, person: str) -> list[Entry]:
        """The person's entries (any case), oldest first; a new list the caller may change."""
        return list(self.by_person.get(person.casefold(), ()))

    def same_plan(self, person: str | None, details: Mapping[str, object]) -> list[Entry]:
        """The person's entries about the plan occurrence `details` names, oldest first."""
        return self.by_plan.get(plan_key(person, details), [])

    def plans_since(self, person: str, moment: datetime) -> bool:
        """Whether a plan with the person was logged after `moment`."""
        last = self.last_plan_at.get(person.casefold())
        return last is not None and last > moment

    def plan_history(self, person: str) -> PlanHistory:
        """The person's plan entries up to now, computed on first use and kept."""
        key = person.casefold()
        found = self._histories.get(key)
        if found is None:
            plans = [
                e for e in self.by_person.get(key, ()) if e.kind == Kind.PLAN and e.at <= self.now
            ]
            first: dict[object, Entry] = {}
            for entry in plans:
                first.setdefault(_part(entry.details.get("uid")), entry)
            found = PlanHistory(first, latest_run([e for e in plans if e.who is not Who.UNKNOWN]))
            self._histories[key] = found
        return found


def latest_run(known: Sequence[Entry]) -> tuple[Who, int]:
    """Who made the latest initiations of known side (oldest first), and how many in a row."""
    if not known:
        return Who.UNKNOWN, 0
    who, count = known[-1].who, 0
    for entry in reversed(known):
        if entry.who is not who:
            break
        count += 1
    return who, count
