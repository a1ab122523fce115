"""The nudge as a value: what it is about, when it is due, its text and buttons, and its JSON.

A nudge's id is its kind, person and occurrence, so planning the same inputs twice gives the
same ids; the log keeps a nudge as this JSON (in its delivery entries), so the keys and the
`NudgeKind` values are stored and must never change. No rule lives here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class NudgeKind(StrEnum):
    """What a nudge is about. The values appear in ids and in the log: never rename one."""

    CHECKIN = "checkin"
    GRATITUDE = "gratitude"
    GRATITUDE_AFTER_DATE = "gratitude_after_date"
    CONVERSATION = "conversation"
    BEFORE_DATE = "before_date"
    BALANCE_ALERT = "balance_alert"
    THEY_INITIATED = "they_initiated"
    WAIT_REPORT = "wait_report"
    MISSED_FOLLOW_UP = "missed_follow_up"
    WHO_SUGGESTED = "who_suggested"
    REACH_OUT = "reach_out"

    @property
    def label(self) -> str:
        """The kind in words, for lists people read (the value stays in ids and JSON)."""
        return _LABELS[self]


_LABELS = {
    NudgeKind.CHECKIN: "check-in",
    NudgeKind.GRATITUDE: "gratitude",
    NudgeKind.GRATITUDE_AFTER_DATE: "thanks after a date",
    NudgeKind.CONVERSATION: "monthly talk",
    NudgeKind.BEFORE_DATE: "coming up",
    NudgeKind.BALANCE_ALERT: "balance",
    NudgeKind.THEY_INITIATED: "they reached out",
    NudgeKind.WAIT_REPORT: "wait over",
    NudgeKind.MISSED_FOLLOW_UP: "missed plan",
    NudgeKind.WHO_SUGGESTED: "whose idea",
    NudgeKind.REACH_OUT: "keep in touch",
}


# The nudges about one plan (its reminder, "who suggested it?", the follow-up of a missed one):
# a snoozed one comes back only while the plan still asks for it, in its words of then, so a
# plan moved, cancelled or answered meanwhile withdraws it (`nudger.core.deliveries.pending`).
ABOUT_A_PLAN = frozenset(
    {NudgeKind.BEFORE_DATE, NudgeKind.WHO_SUGGESTED, NudgeKind.MISSED_FOLLOW_UP}
)
# The nudges a snooze brings back only while the plan still has them: those about a plan, and
# a reach-out (contact logged meanwhile, a wait or a plan ahead withdraws it).
STILL_PLANNED = ABOUT_A_PLAN | {NudgeKind.REACH_OUT}

# The buttons of the everyday nudges (check-in, gratitude, the monthly conversation).
DAILY_ACTIONS = ("done", "snooze", "skip")


@dataclass(frozen=True, slots=True)
class Nudge:
    """One notification to deliver once, between `due` and `latest` (UTC)."""

    id: str
    kind: NudgeKind
    person: str | None
    due: datetime
    latest: datetime
    title: str
    body: str
    actions: tuple[str, ...]
    occurrence: str = ""  # what the nudge is about within its kind: a date, a week, a log key

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "person": self.person,
            "due": self.due.isoformat(),
            "latest": self.latest.isoformat(),
            "title": self.title,
            "body": self.body,
            "actions": list(self.actions),
            "occurrence": self.occurrence,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Nudge:
        return cls(
            id=str(data["id"]),
            kind=NudgeKind(data["kind"]),
            person=data.get("person"),
            due=datetime.fromisoformat(data["due"]),
            latest=datetime.fromisoformat(data["latest"]),
            title=str(data["title"]),
            body=str(data["body"]),
            actions=tuple(data["actions"]),
            occurrence=str(data.get("occurrence", "")),
        )


def make_nudge(
    kind: NudgeKind,
    person: str | None,
    occurrence: str,
    due: datetime,
    latest: datetime,
    title: str,
    body: str,
    actions: tuple[str, ...],
) -> Nudge:
    """A nudge whose id is its kind, person and occurrence: the same inputs, the same id."""
    parts = [kind.value, *([person] if person else []), occurrence]
    return Nudge(
        ":".join(parts), kind, person, due.astimezone(UTC), latest, title, body, actions, occurrence
    )


def short_id(nudge_id: str) -> str:
    """A short, stable handle for a nudge, easier to type than its full id: what `nudger
    nudges` lists and every command that answers a nudge takes."""
    return hashlib.sha1(nudge_id.encode(), usedforsecurity=False).hexdigest()[:6]
