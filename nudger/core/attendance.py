"""Who answered what on an invitation, per person: the answers `nudger plans` shows on each
person's row, and what became of a plan for that person.

Pure: an instance, the addresses of whoever is asked about, `now`. A plan with two people has
one answer each, and one guest's decline is not another's: the row of the person who accepted
never says "declined" because someone else did.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from nudger.core.detect import Rules, Tracked
from nudger.core.events import EventInstance, Participation, Status

PlanStatus = Literal["cancelled", "declined", "upcoming", "past"]
# One attendee's own answer; "organizer" for whoever sent the invitation and gave none.
Answer = Literal["organizer", "accepted", "declined", "tentative", "delegated", "no answer"]

_ANSWERS: dict[Participation, Answer] = {
    Participation.DECLINED: "declined",
    Participation.ACCEPTED: "accepted",
    Participation.TENTATIVE: "tentative",
    Participation.DELEGATED: "delegated",
}  # in this order: one address's decline is the person's decline, as detection counts it


def answer_of(
    instance: EventInstance, addresses: frozenset[str], *, me: bool = False
) -> Answer | None:
    """The answer of whoever holds `addresses` (with `me`, also the attendee or organizer the
    source says is the calendar's owner): their PARTSTAT; "organizer" for the one who sent
    the invitation and gave no answer of their own; "no answer" for a guest who has not
    replied; None when the invitation does not list them (named in the title only)."""
    own = {
        a.participation for a in instance.attendees if a.email in addresses or (me and a.is_self)
    }
    for participation, answer in _ANSWERS.items():
        if participation in own:
            return answer
    if instance.organizer in addresses or (me and instance.organizer_is_self):
        return "organizer"
    return "no answer" if own else None


def outcome(instance: EventInstance, person: str, rules: Rules, now: datetime) -> PlanStatus:
    """What became of a plan's instance for one person: cancelled, declined (by them or by
    me: either way it is not going ahead between us), or else upcoming or past. Another
    guest's decline is theirs alone."""
    if instance.status is Status.CANCELLED:
        return "cancelled"
    if "declined" in (
        answer_of(instance, addresses(rules, person)),
        answer_of(instance, rules.me, me=True),
    ):
        return "declined"
    return "upcoming" if instance.start >= now else "past"


def addresses(rules: Rules, person: str) -> frozenset[str]:
    """The addresses of the tracked person of that name (none for someone no longer tracked)."""
    tracked: Tracked | None = next((p for p in rules.people if p.name == person), None)
    return frozenset() if tracked is None else tracked.emails
