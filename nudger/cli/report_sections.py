"""One person's part of the report: the summary, then each chart with its table.

Pure: facts in, HTML out. The charts come from `report_charts`, the tables and words from
`report_tables`; what this module decides is which numbers each figure shows and how it is
titled.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
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
from nudger.cli.report_tables import Table, local, percent, share_row, side_row, text, wait_row
from nudger.core.balance import PersonBalance, Sides, Thresholds, leaning_words
from nudger.core.model import Who
from nudger.views.report_data import MonthFacts, PersonFacts, Thanks


def person_section(number: int, facts: PersonFacts, zone: tzinfo, thresholds: Thresholds) -> str:
    report = facts.balance
    anchor = f"person-{number}"
    kind = f" <small>{text(report.kind)}</small>" if report.kind else ""
    untracked = " <small>(no longer tracked)</small>" if not report.tracked else ""
    parts = [
        f'<section id="{anchor}" data-person="{text(report.person)}" '
        f'aria-labelledby="{anchor}-name">',
        f'<h2 id="{anchor}-name">{text(report.person)}{kind}{untracked}</h2>',
        _summary(report, zone),
        _initiations(anchor, facts),
        _kinds(anchor, report),
        _share(anchor, facts, thresholds),
        _outcomes(anchor, report),
        _missed(anchor, facts),
        _checkins(anchor, facts),
        _gratitude(anchor, facts, zone),
        _waits(anchor, facts, zone),
        "</section>",
    ]
    return "\n".join(parts)


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


def _kinds(anchor: str, report: PersonBalance) -> str:
    kinds = list(report.by_kind)
    return figure(
        anchor,
        "kinds",
        "bar",
        f"What each of you starts with {report.person}, by kind",
        ("Kind", "Initiations"),
        kinds,
        side_series(list(report.by_kind.values())),
        Table(
            "Initiations over the whole window, by kind.",
            ("Kind", "You", "Them", "Unknown", "Total"),
            [side_row(kind, sides) for kind, sides in report.by_kind.items()],
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


def _outcomes(anchor: str, report: PersonBalance) -> str:
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


def _gratitude(anchor: str, facts: PersonFacts, zone: tzinfo) -> str:
    counted = _by_side_per_month(
        anchor,
        "gratitude",
        facts.months,
        lambda m: m.gratitude,
        f"Gratitude moments with {facts.balance.person}, by who said thanks",
        ("Gratitude moments", "Gratitude moments each month, by who said thanks."),
    )
    return counted + _thanks(facts.thanks, zone)


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
    if not waits:
        return (
            f'<h3>"Ball in their court" waits</h3><p class="empty" data-table="waits">No wait with '
            f"{text(name)} in this window (start one with: nudger wait NAME).</p>"
        )
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
