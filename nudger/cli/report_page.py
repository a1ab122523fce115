"""One self-contained HTML page from `nudger.views.report_data`'s facts: charts, tables under them.

Pure: facts in, text out; no log, clock or file. The charts are pygal's static SVG, inlined,
with pygal's script (its tooltips, fetched from the web) left out, so the page needs no network,
no script and no other file: it can be mailed, archived or opened offline years later. A
Content-Security-Policy forbids every fetch and script as a second lock. Each chart has a title,
axis titles and a table with the same numbers under it, for screen readers and for copying.

Text from the user or their calendars (names, notes) is escaped here with `html.escape`, or by
pygal's XML writer inside a chart. pygal is imported only by this module, and this module only by
`nudger report`, so no other command pays for it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

import pygal
from pygal.style import Style

from nudger import __version__
from nudger.core.balance import PersonBalance, Sides, Thresholds
from nudger.core.model import Who
from nudger.core.text import printable
from nudger.views.report_data import MonthFacts, PersonFacts, Thanks, WaitOutcome

# Okabe-Ito colours, safe for the common colour-vision deficiencies, each at least 3:1 against
# white (WCAG's bar for graphics); the line styles and the tables carry the meaning as well.
ME = "#0072B2"
THEM = "#D55E00"
UNKNOWN = "#8C8C8C"
NEUTRAL = "#404040"
THRESHOLD_STRONG = "#1A1A1A"
THRESHOLD_MILD = "#6B6B6B"
WIDTH, HEIGHT = 800, 380
_SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Series:
    """One line or set of bars; a series without a title stays out of the legend."""

    title: str | None
    values: Sequence[float | None]
    color: str
    dashes: str | None = None  # an SVG dash array, for reference lines


@dataclass(frozen=True)
class Table:
    """A chart's numbers, and a sentence on what they count; the first cell of a row heads it."""

    about: str
    head: Sequence[str]
    rows: Sequence[Sequence[str]]
    foot: Sequence[Sequence[str]] = ()


def page(
    people: Sequence[PersonFacts],
    *,
    since: datetime,
    until: datetime,
    thresholds: Thresholds,
    zone: tzinfo,
    generated: datetime,
) -> str:
    """The whole page for these people over [since, until)."""
    names = ", ".join(printable(p.balance.person) for p in people) or "nobody tracked"
    span = _span(since, until, zone)
    sections = "\n".join(
        _person(number, facts, zone, thresholds) for number, facts in enumerate(people, 1)
    )
    if not people:
        sections = "<p>Nobody is tracked yet. Start with: nudger people add NAME</p>"
    contents = "".join(
        f'<li><a href="#person-{number}">{_text(p.balance.person)}</a></li>'
        for number, p in enumerate(people, 1)
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>nudger report: {html.escape(names)}, {span}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>Who carries the load?</h1>
<p>{span} ({html.escape(_zone_name(zone))}), made {_local(generated, zone, "%Y-%m-%d %H:%M")}.
{_thresholds_sentence(thresholds)}</p>
<nav aria-label="People"><ul>{contents}</ul></nav>
</header>
<main>
{sections}
</main>
<footer><p>Made by nudger {html.escape(__version__)} from your own log. This page loads nothing
from the network and runs no script.</p></footer>
</body>
</html>
"""


# --- one person --------------------------------------------------------------------------------


def _person(number: int, facts: PersonFacts, zone: tzinfo, thresholds: Thresholds) -> str:
    report = facts.balance
    anchor = f"person-{number}"
    kind = f" <small>{_text(report.kind)}</small>" if report.kind else ""
    untracked = " <small>(no longer tracked)</small>" if not report.tracked else ""
    parts = [
        f'<section id="{anchor}" data-person="{_text(report.person)}" '
        f'aria-labelledby="{anchor}-name">',
        f'<h2 id="{anchor}-name">{_text(report.person)}{kind}{untracked}</h2>',
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
        ("Verdict", f'<span class="verdict">{html.escape(report.verdict)}</span>'),
        ("Your share", html.escape(_percent(report.share_me))),
        ("Initiations", html.escape(_sides_text(report.initiations))),
    ]
    if report.streak is not None:
        runner = "you" if report.streak.who is Who.ME else "they"
        rows.append(("Current run", f"{runner} started the last {report.streak.count}"))
    for who, label in ((Who.THEM, "They last started something"), (Who.ME, "You last did")):
        moment = report.last_initiated.get(who)
        rows.append((label, "never" if moment is None else _local(moment, zone, "%Y-%m-%d")))
    items = "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>" for name, value in rows)
    return f'<dl class="summary">{items}</dl>'


def _initiations(anchor: str, facts: PersonFacts) -> str:
    name = facts.balance.person
    months = facts.months
    initiations = [m.balance.initiations for m in months]
    return _figure(
        anchor,
        "initiations",
        "bar",
        f"Who started things with {name}, by month",
        ("Month", "Initiations"),
        [m.label for m in months],
        _side_series(initiations),
        Table(
            f"What each side started ({', '.join(facts.balance.by_kind)}), month by month.",
            ("Month", "You", "Them", "Unknown", "Total"),
            [_side_row(m.label, sides) for m, sides in zip(months, initiations, strict=True)],
            [_side_row("Whole window", facts.balance.initiations)],
        ),
    )


def _kinds(anchor: str, report: PersonBalance) -> str:
    kinds = list(report.by_kind)
    return _figure(
        anchor,
        "kinds",
        "bar",
        f"What each of you starts with {report.person}, by kind",
        ("Kind", "Initiations"),
        kinds,
        _side_series(list(report.by_kind.values())),
        Table(
            "Initiations over the whole window, by kind.",
            ("Kind", "You", "Them", "Unknown", "Total"),
            [_side_row(kind, sides) for kind, sides in report.by_kind.items()],
            [_side_row("Total", report.initiations)],
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
    return _figure(
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
            [_share_row(m.label, m.balance) for m in months],
            [_share_row("Whole window", report)],
        ),
    )


def _outcomes(anchor: str, report: PersonBalance) -> str:
    labels = ["Cancelled", "Declined"]
    pairs = [report.cancellations, report.declines]
    return _figure(
        anchor,
        "outcomes",
        "bar",
        f"Plans with {report.person} cancelled or declined, by side",
        ("What happened", "Plans"),
        labels,
        _side_series(pairs),
        Table(
            "Cancellations and declines over the whole window, by who called the plan off.",
            ("What happened", "By you", "By them", "Unknown", "Total"),
            [_side_row(label, sides) for label, sides in zip(labels, pairs, strict=True)],
        ),
    )


def _missed(anchor: str, facts: PersonFacts) -> str:
    months = facts.months
    return _figure(
        anchor,
        "missed",
        "bar",
        f"Missed plans with {facts.balance.person}, by month",
        ("Month", "Missed plans"),
        [m.label for m in months],
        [Series("Missed plans", [_bar(m.balance.missed) for m in months], NEUTRAL)],
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
    figure = _by_side_per_month(
        anchor,
        "gratitude",
        facts.months,
        lambda m: m.gratitude,
        f"Gratitude moments with {facts.balance.person}, by who said thanks",
        ("Gratitude moments", "Gratitude moments each month, by who said thanks."),
    )
    return figure + _thanks(facts.thanks, zone)


def _thanks(thanks: Sequence[Thanks], zone: tzinfo) -> str:
    if not thanks:
        return ""
    items = "".join(
        f"<li><time>{_local(t.at, zone, '%Y-%m-%d')}</time> "
        f"{'you' if t.who is Who.ME else 'they'}: {_text(t.note)}</li>"
        for t in thanks
    )
    return f'<h3>The latest thanks, with their notes</h3><ul class="thanks">{items}</ul>'


def _waits(anchor: str, facts: PersonFacts, zone: tzinfo) -> str:
    name = facts.balance.person
    waits = facts.waits
    if not waits:
        return (
            f'<h3>"Ball in their court" waits</h3><p class="empty" data-table="waits">No wait with '
            f"{_text(name)} in this window (start one with: nudger wait NAME).</p>"
        )
    return _figure(
        anchor,
        "waits",
        "bar",
        f"What {name} started during each wait",
        ("Wait, by the day it started", "Their initiations"),
        [_local(w.start, zone, "%Y-%m-%d") for w in waits],
        [Series(f"Started by {name}", [_bar(w.their_initiations) for w in waits], THEM)],
        Table(
            'Each "ball in their court" wait: when it started and ended, and whether they '
            "reached out during it.",
            ("Started", "Planned until", "Ended", "Their initiations", "Outcome"),
            [_wait_row(w, zone) for w in waits],
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
    return _figure(
        anchor,
        key,
        "bar",
        title,
        ("Month", words[0]),
        [m.label for m in months],
        _side_series(counted),
        Table(
            words[1],
            ("Month", "You", "Them", "Unknown", "Total"),
            [_side_row(m.label, s) for m, s in zip(months, counted, strict=True)],
            [_side_row("Whole window", total)],
        ),
    )


# --- figures, charts and tables ----------------------------------------------------------------


def _figure(
    anchor: str,
    key: str,
    shape: str,
    title: str,
    axes: tuple[str, str],
    labels: Sequence[str],
    series: Sequence[Series],
    table: Table,
) -> str:
    """A chart, what it counts, and its table; the chart is described by the table for screen
    readers, and the table is captioned with the chart's title."""
    table_id = f"{anchor}-{key}-table"
    svg = chart(shape, printable(title), axes, labels, series, described_by=table_id)
    return (
        f'<figure data-chart="{key}">\n{svg}\n'
        f"<figcaption>{_text(table.about)}</figcaption>\n"
        f"{_table(key, table_id, title, table)}\n</figure>"
    )


def chart(
    shape: str,
    title: str,
    axes: tuple[str, str],
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    described_by: str,
) -> str:
    """One static SVG chart ("bar" or "line") with its title, axis titles and legend."""
    values = [v for s in series for v in s.values if v is not None]
    config: dict[str, Any] = {
        "style": _style([s.color for s in series]),
        "title": title,
        "x_title": axes[0],
        "y_title": axes[1],
        "width": WIDTH,
        "height": HEIGHT,
        "js": [],
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": max(1, sum(s.title is not None for s in series)),
        "truncate_label": -1,
        "truncate_legend": -1,
        "x_label_rotation": 40 if len(labels) > 8 else 0,
        "no_data_text": "Nothing logged",
    }
    if shape == "line":
        config |= {
            "range": (0, 100),
            "y_labels": [0, 25, 50, 75, 100],
            "allow_interruptions": True,
            "value_formatter": lambda value: f"{value:.0f}%",
        }
        graph = pygal.Line(**config)
    else:
        config["y_labels"] = _count_ticks(max(values, default=0))
        graph = pygal.Bar(**config)
    graph.add_xml_filter(_static(described_by))
    graph.x_labels = list(labels)
    for one in series:
        options: dict[str, Any] = {}
        if one.dashes:
            options = {"stroke_style": {"width": 2, "dasharray": one.dashes}, "show_dots": False}
        elif shape == "line":
            options = {"stroke_style": {"width": 3}, "dots_size": 4}
        graph.add(one.title, list(one.values), **options)
    return str(graph.render(is_unicode=True))


def _style(colors: Sequence[str]) -> Any:
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1a1a1a",
        foreground_strong="#000000",
        foreground_subtle="#595959",
        font_family="inherit",  # the page's font: one declaration, not one per chart
        title_font_size=18,
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=14,
        no_data_font_size=24,
        opacity="1",
        opacity_hover="1",
        stroke_opacity="1",
        stroke_opacity_hover="1",
        # Faint, solid guides, so that only the thresholds are drawn as dashed lines.
        guide_stroke_color="#d9d9d9",
        major_guide_stroke_color="#d9d9d9",
        guide_stroke_dasharray="none",
        major_guide_stroke_dasharray="none",
        colors=tuple(colors),
    )


def _static(described_by: str) -> Callable[[Any], Any]:
    """An SVG filter for pygal: drop the script, comments and tooltip parts a static page never
    uses, and present the chart as one image described by its table."""

    def strip(root: Any) -> Any:
        for parent in list(root.iter()):  # a copy: removing would end a live walk
            for child in list(parent):
                if _unwanted(child):
                    parent.remove(child)
        root.set("role", "img")
        root.set("aria-describedby", described_by)
        return root

    return strip


def _unwanted(element: Any) -> bool:
    tag = element.tag
    if not isinstance(tag, str):  # a comment or a processing instruction
        return True
    name = tag.removeprefix(_SVG)  # pygal writes plain names; a parsed tree has namespaces
    css = element.get("class") or ""
    return (
        name == "script"
        or (name == "desc" and css != "value")  # where a tooltip would go
        or (name == "g" and "tooltip-overlay" in css.split())
    )


def _count_ticks(largest: float) -> list[int]:
    """Whole-number ticks (steps of 1, 2, 5, 10, 20, 50 ...) from 0 past the largest count."""
    step = 1
    while largest / step > 8:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    top = -(-int(largest) // step) * step or step
    return list(range(0, top + 1, step))


def _table(key: str, table_id: str, title: str, table: Table) -> str:
    head = "".join(f'<th scope="col">{_text(cell)}</th>' for cell in table.head)
    body = "".join(_row(row) for row in table.rows)
    foot = "".join(_row(row) for row in table.foot)
    return (
        f'<table id="{table_id}" data-table="{key}">'
        f"<caption>{_text(title)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
        + (f"<tfoot>{foot}</tfoot>" if foot else "")
        + "</table>"
    )


def _row(cells: Sequence[str]) -> str:
    first, *rest = cells
    data = "".join(f"<td>{_text(cell)}</td>" for cell in rest)
    return f'<tr><th scope="row">{_text(first)}</th>{data}</tr>'


# --- words and numbers -------------------------------------------------------------------------


def _side_series(counts: Sequence[Sides]) -> list[Series]:
    """You and them always; unknown only when some side is unknown."""
    series = [
        Series("You", [_bar(s.me) for s in counts], ME),
        Series("Them", [_bar(s.them) for s in counts], THEM),
    ]
    if any(s.unknown for s in counts):
        series.append(Series("Unknown", [_bar(s.unknown) for s in counts], UNKNOWN))
    return series


def _bar(count: int) -> int | None:
    """No bar for zero: a chart then draws exactly one bar per non-zero cell of its table."""
    return count or None


def _side_row(label: str, sides: Sides) -> tuple[str, ...]:
    return (
        label,
        str(sides.me),
        str(sides.them),
        str(sides.unknown),
        str(sides.known + sides.unknown),
    )


def _share_row(label: str, balance: PersonBalance) -> tuple[str, ...]:
    sides = balance.initiations
    return (label, str(sides.me), str(sides.them), _percent(balance.share_me), balance.verdict)


def _wait_row(wait: WaitOutcome, zone: tzinfo) -> tuple[str, ...]:
    reached = wait.their_initiations > 0
    if wait.running:
        ended, outcome = "still running", "they reached out" if reached else "waiting"
    else:
        ended = _local(wait.end, zone, "%Y-%m-%d") + (" (ended early)" if wait.ended_early else "")
        outcome = "they reached out" if reached else "they did not reach out"
    return (
        _local(wait.start, zone, "%Y-%m-%d"),
        _local(wait.planned_until, zone, "%Y-%m-%d"),
        ended,
        str(wait.their_initiations),
        outcome,
    )


def _thresholds_sentence(thresholds: Thresholds) -> str:
    leaning, one_sided = round(100 * thresholds.leaning), round(100 * thresholds.one_sided)
    return (
        f"Balance thresholds: leaning once one side starts {leaning}% of the initiations, "
        f"one-sided from {one_sided}% (either side); fewer than {thresholds.min_count} "
        "initiations are not enough data."
    )


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def _sides_text(sides: Sides) -> str:
    return f"you {sides.me} · them {sides.them} · unknown {sides.unknown}"


def _span(since: datetime, until: datetime, zone: tzinfo) -> str:
    last = until - timedelta(seconds=1)
    return f"{_local(since, zone, '%Y-%m-%d')} to {_local(last, zone, '%Y-%m-%d')}"


def _local(moment: datetime, zone: tzinfo, pattern: str) -> str:
    return moment.astimezone(zone).strftime(pattern)


def _zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)


def _text(value: str) -> str:
    """User text as HTML: control characters shown as `?`, markup escaped."""
    return html.escape(printable(value), quote=True)


_CSS = """
:root { color-scheme: light; --me: #0072B2; --them: #D55E00; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem; }
h1 { margin-bottom: .25rem; }
h2 { border-top: 2px solid #1a1a1a; padding-top: 1rem; margin-top: 2.5rem; }
h2 small { font-weight: normal; color: #595959; font-size: 1rem; margin-left: .5rem; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
a { color: #0b5394; }
.summary { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: 0 0 1rem; }
.summary dt { font-size: .85rem; color: #595959; }
.summary dd { margin: 0; font-weight: 600; }
.verdict { border: 2px solid currentColor; border-radius: .25rem; padding: 0 .4rem; }
figure { margin: 2rem 0; break-inside: avoid; }
figure svg { display: block; width: 100%; max-width: 800px; height: auto; }
figcaption { font-size: .9rem; color: #595959; }
table { border-collapse: collapse; margin-top: .5rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-size: .9rem; color: #404040; padding-bottom: .25rem; }
th, td { border: 1px solid #bfbfbf; padding: .2rem .6rem; text-align: right; }
th[scope="row"], thead th:first-child { text-align: left; }
thead th { background: #f0f0f0; }
tfoot th, tfoot td { font-weight: 700; }
.thanks { padding-left: 1.25rem; }
footer { margin-top: 3rem; font-size: .85rem; color: #595959; }
@media print { h2 { break-before: page; } }
"""
