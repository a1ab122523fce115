"""Initiation balance: who initiates, who cancels, and how it trends. Pure.

Takes counts already read from the log, the window and the thresholds, and returns a value the
CLI renders or prints as JSON. A proposal counts as an initiation whatever happens to it later;
cancellations and declines are counted on their own, by side. `share_me` ignores initiations of
unknown side: they are shown, not guessed, and while they outnumber the known ones no verdict is
given, since the share of the few that are known says little about the rest.

Initiations are split by channel as well as by kind (`by_channel`): the channel an import or
`log --channel` wrote, "calendar" for what a calendar showed, "unknown" for what was logged by
hand without one. With `count_messages` off, message starts are counted and shown but left out
of the share and the verdict, so a chatty friendship does not drown the plans.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Literal

from nudger.core.model import Kind, Who
from nudger.core.when import local_midnight

Verdict = Literal["balanced", "leaning", "one-sided", "not enough data"]


@dataclass(frozen=True)
class Sides:
    """A count split by side."""

    me: int = 0
    them: int = 0
    unknown: int = 0

    @property
    def known(self) -> int:
        return self.me + self.them

    def plus(self, who: Who, count: int) -> Sides:
        return Sides(
            me=self.me + count * (who is Who.ME),
            them=self.them + count * (who is Who.THEM),
            unknown=self.unknown + count * (who is Who.UNKNOWN),
        )

    def to_json(self) -> dict[str, int]:
        return {"me": self.me, "them": self.them, "unknown": self.unknown}


@dataclass(frozen=True)
class Thresholds:
    """The `[balance]` settings the verdict needs."""

    leaning: float
    one_sided: float
    min_count: int


@dataclass(frozen=True)
class BalanceRules:
    """The `[balance]` settings counting needs, as values: which kinds are initiations, where
    the verdict tips, and how many months the trend shows."""

    kinds: tuple[str, ...]
    thresholds: Thresholds
    trend_months: int
    count_messages: bool = True  # whether message starts weigh in the share and the verdict


@dataclass(frozen=True)
class BalanceQuestion:
    """What one balance asks: a person (their kind, whether they are tracked), the window
    [since, until), the rules it is counted by, and the zone its months are the calendar
    months of. `balance`, `report` and the views they call pass this one value along."""

    person: str
    kind: str | None
    tracked: bool
    since: datetime
    until: datetime
    rules: BalanceRules
    zone: tzinfo
    channels: tuple[str, ...] = ()  # only these channels are counted; none: every channel


@dataclass(frozen=True)
class Streak:
    """The current run: `who` made the last `count` initiations of known side."""

    who: Who
    count: int


@dataclass(frozen=True)
class Month:
    """Initiations in one calendar month of the user's zone."""

    label: str  # "2026-06"
    initiations: Sides

    @property
    def share_me(self) -> float | None:
        return share_me(self.initiations)


@dataclass(frozen=True)
class PersonBalance:
    person: str
    kind: str | None
    tracked: bool
    since: datetime
    until: datetime
    initiations: Sides
    share_me: float | None
    verdict: Verdict
    cancellations: Sides
    declines: Sides
    missed: int
    by_kind: dict[str, Sides]
    streak: Streak | None
    last_initiated: dict[Who, datetime | None]
    trend: list[Month] = field(default_factory=list)
    rescheduled: Sides = field(default_factory=Sides)  # moves, by the side that moved
    neither: int = 0  # plans settled as neither side's: no initiation, nor an open unknown
    verdict_reason: str | None = None  # why "not enough data", in words
    reviewable: int = 0  # unknown plans `nudger plans review` could settle (set by the views)
    by_channel: dict[str, Sides] = field(default_factory=dict)
    weighed: Sides | None = None  # the initiations the verdict weighs, when not all of them
    channels: tuple[str, ...] = ()  # the channels asked for; none: every channel

    @property
    def leaning_to(self) -> Who | None:
        """Whose side starts more, where the verdict leans at all (leaning or one-sided): the
        verdict is symmetric, so it does not say by itself."""
        if self.verdict not in ("leaning", "one-sided") or self.share_me is None:
            return None
        return Who.ME if self.share_me > 0.5 else Who.THEM

    def to_json(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "kind": self.kind,
            "tracked": self.tracked,
            "since": self.since.isoformat(timespec="seconds"),
            "until": self.until.isoformat(timespec="seconds"),
            "initiations": self.initiations.to_json(),
            "share_me": None if self.share_me is None else round(self.share_me, 4),
            "verdict": self.verdict,
            "verdict_reason": self.verdict_reason,
            "reviewable": self.reviewable,
            "leaning_to": None if self.leaning_to is None else self.leaning_to.value,
            "cancellations": self.cancellations.to_json(),
            "declines": self.declines.to_json(),
            "missed": self.missed,
            "by_kind": {kind: sides.to_json() for kind, sides in self.by_kind.items()},
            "by_channel": {name: sides.to_json() for name, sides in self.by_channel.items()},
            "channels": list(self.channels) or None,
            "weighed": (self.weighed or self.initiations).to_json(),
            "streak": None
            if self.streak is None
            else {"who": self.streak.who.value, "count": self.streak.count},
            "last_initiated": {
                who.value: None if moment is None else moment.isoformat()
                for who, moment in self.last_initiated.items()
            },
            "trend": [
                {
                    "month": month.label,
                    **month.initiations.to_json(),
                    "share_me": None if month.share_me is None else round(month.share_me, 4),
                }
                for month in self.trend
            ],
            "rescheduled": self.rescheduled.to_json(),
            "neither": self.neither,
        }


def share_me(initiations: Sides) -> float | None:
    """My part of the initiations whose side is known; None when there are none."""
    return initiations.me / initiations.known if initiations.known else None


def verdict(initiations: Sides, thresholds: Thresholds) -> Verdict:
    """Symmetric: carrying the load alone is one-sided whichever side carries it. Not enough
    data below `min_count` known initiations, or while the unknown ones outnumber them."""
    share = share_me(initiations)
    if share is None or initiations.known < thresholds.min_count:
        return "not enough data"
    if initiations.unknown > initiations.known:
        return "not enough data"
    lopsided = max(share, 1 - share)
    if lopsided >= thresholds.one_sided:
        return "one-sided"
    if lopsided >= thresholds.leaning:
        return "leaning"
    return "balanced"


def verdict_reason(
    initiations: Sides, thresholds: Thresholds, *, all_plans: bool = False
) -> str | None:
    """Why the verdict is "not enough data" (None when it is not), in words a user can act on:
    most often, that the calendar could not tell whose idea most plans were. `all_plans` says
    every initiation counted is a plan, so they can be called plans."""
    if verdict(initiations, thresholds) != "not enough data":
        return None
    total = initiations.known + initiations.unknown
    noun = "plan" if all_plans else "initiation"
    if initiations.unknown > initiations.known:
        verb = "has" if initiations.unknown == 1 else "have"
        return f"{initiations.unknown} of {_count(total, noun)} {verb} no known side"
    if total == 0:
        return "nothing was started in this window"
    return (
        f"only {_count(initiations.known, noun)} of known side; a verdict needs "
        f"{thresholds.min_count} (balance.min_count)"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def leaning_words(leaning_to: Who | None) -> str:
    """The direction of a verdict in words: " (you start more)", or nothing when it is even."""
    if leaning_to is None:
        return ""
    return " (you start more)" if leaning_to is Who.ME else " (they start more)"


def current_runner(
    last_me: datetime | None, last_them: datetime | None
) -> tuple[Who, datetime | None] | None:
    """Who is on a run, and since when: the side that initiated last has made every
    initiation after the other side's last one (None: the other side never initiated)."""
    if last_me is None and last_them is None:
        return None
    if last_them is None or (last_me is not None and last_me > last_them):
        return Who.ME, last_them
    return Who.THEM, last_me


def month_periods(
    until: datetime, months: int, zone: tzinfo
) -> list[tuple[str, datetime, datetime]]:
    """The last `months` calendar months of `zone` up to the one holding `until`, as UTC edges.

    The last period ends at `until`, so a month in progress counts only what has happened.
    """
    last = (until - timedelta(microseconds=1)).astimezone(zone).date()
    firsts = []
    year, month = last.year, last.month
    for _ in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    firsts.reverse()
    periods = []
    for index, first in enumerate(firsts):
        start = local_midnight(first, zone)
        end = local_midnight(firsts[index + 1], zone) if index + 1 < len(firsts) else until
        periods.append((first.strftime("%Y-%m"), start, end))
    return periods


def summarize(
    question: BalanceQuestion,
    counts: Iterable[tuple[str, Who, int]],
    *,
    streak_now: Streak | None = None,
    last_initiated: dict[Who, datetime | None] | None = None,
    months: Sequence[tuple[str, Iterable[tuple[Who, int]]]] = (),
    neither: int = 0,
    channel_counts: Iterable[tuple[str, Who, int]] = (),
) -> PersonBalance:
    """The answer to `question` from the counts of its window (kind, who, count) and its
    initiations' counts by channel (channel, who, count)."""
    initiations, cancellations, declines = Sides(), Sides(), Sides()
    rescheduled = Sides()  # `neither`: plans settled as neither side's, out of `counts` already
    by_kind = {kind_name: Sides() for kind_name in question.rules.kinds}
    missed = 0
    for entry_kind, who, count in counts:
        if entry_kind in by_kind:
            by_kind[entry_kind] = by_kind[entry_kind].plus(who, count)
            initiations = initiations.plus(who, count)
        elif entry_kind == Kind.CANCELLED:
            cancellations = cancellations.plus(who, count)
        elif entry_kind == Kind.DECLINED:
            declines = declines.plus(who, count)
        elif entry_kind in (Kind.MISSED, Kind.LOOSE_EXPIRED):
            missed += count
        elif entry_kind == Kind.RESCHEDULED:
            rescheduled = rescheduled.plus(who, count)
    trend = []
    for label, month_counts in months:
        sides = Sides()
        for who, count in month_counts:
            sides = sides.plus(who, count)
        trend.append(Month(label, sides))
    by_channel: dict[str, Sides] = {}
    for channel, who, count in channel_counts:
        by_channel[channel] = by_channel.get(channel, Sides()).plus(who, count)
    weighed = _weighed(initiations, by_kind, question.rules.count_messages)
    return PersonBalance(
        person=question.person,
        kind=question.kind,
        tracked=question.tracked,
        since=question.since,
        until=question.until,
        initiations=initiations,
        share_me=share_me(weighed),
        verdict=verdict(weighed, question.rules.thresholds),
        verdict_reason=verdict_reason(
            weighed,
            question.rules.thresholds,
            all_plans=weighed == by_kind.get(Kind.PLAN.value),
        ),
        cancellations=cancellations,
        declines=declines,
        missed=missed,
        by_kind=by_kind,
        streak=streak_now,
        last_initiated=last_initiated or {Who.ME: None, Who.THEM: None},
        trend=trend,
        rescheduled=rescheduled,
        neither=neither,
        by_channel=dict(sorted(by_channel.items())),
        weighed=None if weighed == initiations else weighed,
        channels=question.channels,
    )


def _weighed(initiations: Sides, by_kind: dict[str, Sides], count_messages: bool) -> Sides:
    """The initiations the share and the verdict weigh: all, or all but the message starts."""
    messages = by_kind.get(Kind.MESSAGE.value)
    if count_messages or messages is None:
        return initiations
    return Sides(
        me=initiations.me - messages.me,
        them=initiations.them - messages.them,
        unknown=initiations.unknown - messages.unknown,
    )
