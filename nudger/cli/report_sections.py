"""One person's part of the report: the summary, what is absent, the timeline of plans, then
each chart that has data, with its table folded under it.

Pure: facts in, HTML out. The charts come from `report_charts`, the timeline from
`report_timeline`, the tables and words from `report_tables`; what this module decides is which
figures a person gets, which numbers each shows and how it is titled.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from datetime import tzinfo

from nudger.cli.report_charts import (
    ME,
    NEUTRAL,
    THEM,
    THRESHOLD_MILD,
    THRESHOLD_STRONG,
    Series,
    bar,
    figure,
    side_series,
)
from nudger.cli.report_tables import (
    KIND_WORDS,
    Table,
    local,
    percent,
    share_row,
    side_row,
    text,
    wait_row,
)
from nudger.cli.report_timeline import timeline
from nudger.core.balance import PersonBalance, Sides, Thresholds, leaning_words
from nudger.core.model import Kind, Who
from nudger.views.report_data import MonthFacts, PersonFacts, Thanks


def person_section(anchor: str, facts: PersonFacts, zone: tzinfo, thresholds: Thresholds) -> str:
    """The person's part: the summary, one line on what is absent, then the timeline of plans
    and each chart that has something to draw (a chart of nothing is left out)."""
    report = facts.balance
    kind = f" <small>{text(report.kind)}</small>" if report.kind else ""
    untracked = " <small>(no longer tracked)</small>" if not report.tracked else ""
    charts = [
        chart(anchor, facts)
        for chart, shown in (
            (_initiations, report.initiations.known + report.initiations.unknown > 0),
            (_kinds, len(_kinds_with_data(report)) > 1),
            (lambda a, f: _share(a, f, thresholds), report.share_me is not None),
            (_outcomes, _called_off(report) > 0),
            (_missed, report.missed > 0),
            (_checkins, _total(m.checkins for m in facts.months) > 0),
            (_gratitude, _total(m.gratitude for m in facts.months) > 0),
            (lambda a, f: _waits(a, f, zone), bool(facts.waits)),
        )
        if shown
    ]
    parts = [
        f'<section id="{anchor}" data-person="{text(report.person)}" '
        f'aria-labelledby="{anchor}-name">',
        f'<h2 id="{anchor}-name">{text(report.person)}{kind}{untracked}</h2>',
        _summary(report, zone),
        absent_line(facts),
        timeline(anchor, report.person, facts.marks, report.since, report.until, zone),
        '<div class="charts">\n' + "\n".join(charts) + "\n</div>" if charts else "",
        _thanks(facts.thanks, zone),
        "</section>",
    ]
    return "\n".join(part for part in parts if part)


def absent_line(facts: PersonFacts) -> str:
    """One sentence naming what the window holds none of, so that a missing chart is read as
    "nothing logged", not as a fault ("" when nothing is missing)."""
    report = facts.balance
    kinds = report.by_kind
    present = {
        "plans": bool(facts.marks) or _count(kinds.get(Kind.PLAN)) > 0,
        **{KIND_WORDS.get(k, k): _count(s) > 0 for k, s in kinds.items() if k != Kind.PLAN},
        "check-ins": _total(m.checkins for m in facts.months) > 0,
        "gratitude": _total(m.gratitude for m in facts.months) > 0,
        "cancellations or declines": _called_off(report) > 0,
        "missed plans": report.missed > 0,
        '"ball in their court" waits': bool(facts.waits),
    }
    if not any(present.values()):
        return f'<p class="absent">Nothing logged with {text(report.person)} in this window.</p>'
    missing = [words for words, found in present.items() if not found]
    if _count(report.initiations) and not report.initiations.known:
        missing.append("initiations whose side is known")
    if not missing:
        return ""
    return f'<p class="absent">No {text(_either(missing))} logged in this window.</p>'


def _either(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _count(sides: Sides | None) -> int:
    return 0 if sides is None else sides.known + sides.unknown


def _total(counted: Iterable[Sides]) -> int:
    return sum(_count(s) for s in counted)


def _called_off(report: PersonBalance) -> int:
    return _count(report.cancellations) + _count(report.declines)


def _kinds_with_data(report: PersonBalance) -> dict[str, Sides]:
    return {kind: sides for kind, sides in report.by_kind.items() if _count(sides)}


def _summary(report: PersonBalance, zone: tzinfo) -> str:
    rows = [
        (
            "Verdict",
            f'<span class="verdict">{html.escape(report.verdict)}</span>'
            + html.escape(leaning_words(report.leaning_to)),
        ),
        ("Your share", html.escape(percent(report.share_me))),
        ("Initiations", html.escape(_sides_text(report.initiations))),
    ]
    rows += _unknown_rows(report)
    if report.streak is not None:
        runner = "you" if report.streak.who is Who.ME else "they"
        rows.append(("Current run", f"{runner} started the last {report.streak.count}"))
    for who, label in ((Who.THEM, "They last started something"), (Who.ME, "You last did")):
        moment = report.last_initiated.get(who)
        rows.append((label, "never" if moment is None else local(moment, zone, "%Y-%m-%d")))
    items = "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>" for name, value in rows)
    return f'<dl class="summary">{items}</dl>'


def _unknown_rows(report: PersonBalance) -> list[tuple[str, str]]:
    """Why there is no verdict, and what `plans review` could settle: as `balance` says it."""
    rows = [("Why no verdict", html.escape(report.verdict_reason))] if report.verdict_reason else []
    if report.reviewable:
        rows.append(
            (
                "Unknown plans",
                f"{report.reviewable} of the {report.initiations.unknown} can be settled with "
                "<code>nudger plans review</code>",
            )
        )
    return rows


def _initiations(anchor: str, facts: PersonFacts) -> str:
    name = facts.balance.person
    months = facts.months
    initiations = [m.balance.initiations for m in months]
    return figure(
        anchor,
        "initiations",
        "bar",
        f"Who started things with {name}, by month",
        ("Month", "Initiations"),
        [m.label for m in months],
        side_series(initiations),
        Table(
            f"What each side started ({', '.join(facts.balance.by_kind)}), month by month.",
            ("Month", "You", "Them", "Unknown", "Total"),
            [side_row(m.label, sides) for m, sides in zip(months, initiations, strict=True)],
            [side_row("Whole window", facts.balance.initiations)],
        ),
    )


def _kinds(anchor: str, facts: PersonFacts) -> str:
    report = facts.balance
    counted = _kinds_with_data(report)
    return figure(
        anchor,
        "kinds",
        "bar",
        f"What each of you starts with {report.person}, by kind",
        ("Kind", "Initiations"),
        list(counted),
        side_series(list(counted.values())),
        Table(
            "Initiations over the whole window, by kind (the kinds with any).",
            ("Kind", "You", "Them", "Unknown", "Total"),
            [side_row(kind, sides) for kind, sides in counted.items()],
            [side_row("Total", report.initiations)],
        ),
    )


def _share(anchor: str, facts: PersonFacts, thresholds: Thresholds) -> str:
    report = facts.balance
    months = facts.months
    leaning, one_sided = 100 * thresholds.leaning, 100 * thresholds.one_sided
    shares = [None if m.balance.share_me is None else 100 * m.balance.share_me for m in months]
    flat = len(months)
    # The verdict is symmetric, so each threshold is drawn on both sides of 50%; the mirrored
    # line has no title and so no second legend entry.
    series = [
        Series("Your share", shares, ME),
        Series(
            f"one-sided ({one_sided:.0f}% or {100 - one_sided:.0f}%)",
            [one_sided] * flat,
            THRESHOLD_STRONG,
            "10,5",
        ),
        Series(
            f"leaning ({leaning:.0f}% or {100 - leaning:.0f}%)",
            [leaning] * flat,
            THRESHOLD_MILD,
            "3,4",
        ),
        Series(None, [100 - leaning] * flat, THRESHOLD_MILD, "3,4"),
        Series(None, [100 - one_sided] * flat, THRESHOLD_STRONG, "10,5"),
    ]
    return figure(
        anchor,
        "share",
        "line",
        f"Your share of initiations with {report.person}, by month",
        ("Month", "Your share (%)"),
        [m.label for m in months],
        series,
        Table(
            "Your share of the initiations whose side is known, by month, and the verdict "
            "the balance thresholds give.",
            ("Month", "You", "Them", "Your share", "Verdict"),
            [share_row(m.label, m.balance) for m in months],
            [share_row("Whole window", report)],
        ),
    )


def _outcomes(anchor: str, facts: PersonFacts) -> str:
    report = facts.balance
    labels = ["Cancelled", "Declined"]
    pairs = [report.cancellations, report.declines]
    return figure(
        anchor,
        "outcomes",
        "bar",
        f"Plans with {report.person} cancelled or declined, by side",
        ("What happened", "Plans"),
        labels,
        side_series(pairs),
        Table(
            "Cancellations and declines over the whole window, by who called the plan off.",
            ("What happened", "By you", "By them", "Unknown", "Total"),
            [side_row(label, sides) for label, sides in zip(labels, pairs, strict=True)],
        ),
    )


def _missed(anchor: str, facts: PersonFacts) -> str:
    months = facts.months
    return figure(
        anchor,
        "missed",
        "bar",
        f"Missed plans with {facts.balance.person}, by month",
        ("Month", "Missed plans"),
        [m.label for m in months],
        [Series("Missed plans", [bar(m.balance.missed) for m in months], NEUTRAL)],
        Table(
            "Plans that were called off and not replaced, and loose plans never scheduled.",
            ("Month", "Missed"),
            [(m.label, str(m.balance.missed)) for m in months],
            [("Whole window", str(facts.balance.missed))],
        ),
    )


def _checkins(anchor: str, facts: PersonFacts) -> str:
    return _by_side_per_month(
        anchor,
        "checkins",
        facts.months,
        lambda m: m.checkins,
        f"Check-ins with {facts.balance.person}, by who started them",
        ("Check-ins", "Check-ins kept each month, by who started them."),
    )


def _gratitude(anchor: str, facts: PersonFacts) -> str:
    return _by_side_per_month(
        anchor,
        "gratitude",
        facts.months,
        lambda m: m.gratitude,
        f"Gratitude moments with {facts.balance.person}, by who said thanks",
        ("Gratitude moments", "Gratitude moments each month, by who said thanks."),
    )


def _thanks(thanks: Sequence[Thanks], zone: tzinfo) -> str:
    if not thanks:
        return ""
    items = "".join(
        f"<li><time>{local(t.at, zone, '%Y-%m-%d')}</time> "
        f"{'you' if t.who is Who.ME else 'they'}: {text(t.note)}</li>"
        for t in thanks
    )
    return f'<h3>The latest thanks, with their notes</h3><ul class="thanks">{items}</ul>'


def _waits(anchor: str, facts: PersonFacts, zone: tzinfo) -> str:
    name = facts.balance.person
    waits = facts.waits
    return figure(
        anchor,
        "waits",
        "bar",
        f"What {name} started during each wait",
        ("Wait, by the day it started", "Their initiations"),
        [local(w.start, zone, "%Y-%m-%d") for w in waits],
        [Series(f"Started by {name}", [bar(w.their_initiations) for w in waits], THEM)],
        Table(
            'Each "ball in their court" wait: when it started and ended, and whether they '
            "reached out during it.",
            ("Started", "Planned until", "Ended", "Their initiations", "Outcome"),
            [wait_row(w, zone) for w in waits],
        ),
    )


def _by_side_per_month(
    anchor: str,
    key: str,
    months: Sequence[MonthFacts],
    pick: Callable[[MonthFacts], Sides],
    title: str,
    words: tuple[str, str],
) -> str:
    counted = [pick(m) for m in months]
    total = Sides(
        me=sum(s.me for s in counted),
        them=sum(s.them for s in counted),
        unknown=sum(s.unknown for s in counted),
    )
    return figure(
        anchor,
        key,
        "bar",
        title,
        ("Month", words[0]),
        [m.label for m in months],
        side_series(counted),
        Table(
            words[1],
            ("Month", "You", "Them", "Unknown", "Total"),
            [side_row(m.label, s) for m, s in zip(months, counted, strict=True)],
            [side_row("Whole window", total)],
        ),
    )


def _sides_text(sides: Sides) -> str:
    return f"you {sides.me} · them {sides.them} · unknown {sides.unknown}"
