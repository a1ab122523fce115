"""One person's plans on a line through the window: a mark for each plan fact, by date.

Pure: marks in, HTML out. The SVG is drawn here from the numbers (no pygal, no script): one lane
a kind of fact (plans, cancellations, declines, moves, missed plans), each mark placed at its
date and coloured by its side, with a shape of its kind so that it reads without colour too.
Each mark has a `<title>` (the plan's title and date, shown on hover), and the same facts are a
table folded under the drawing. Plan titles come from calendars: everything is escaped (`text`).
Colours are the page's CSS variables, so the dark scheme and print restyle the drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo

from nudger.cli.report_tables import Table, day, folded, side_words, table_html, text
from nudger.core.model import Who
from nudger.core.when import local_midnight
from nudger.views.report_plans import PlanMark

WIDTH = 800
LEFT, RIGHT = 104, 14  # the lanes' labels on the left; room for a mark on the right edge
LANE, TOP, AXIS = 30, 6, 26
# The lanes in their order: each one's label, what happened to the plan, and what one is called.
LANES: dict[str, tuple[str, str, str]] = {
    "plan": ("Plans", "proposed", "plan"),
    "cancelled": ("Cancelled", "cancelled", "cancellation"),
    "declined": ("Declined", "declined", "decline"),
    "rescheduled": ("Moved", "moved", "move"),
    "missed": ("Missed", "missed", "missed plan"),
}
SIDE_NAMES = {Who.ME: "you", Who.THEM: "them", Who.UNKNOWN: "unknown side"}


def timeline(
    anchor: str,
    name: str,
    marks: Sequence[PlanMark],
    since: datetime,
    until: datetime,
    zone: tzinfo,
) -> str:
    """The figure: the drawing, its legend, and its table folded under it ("" with no marks)."""
    if not marks:
        return ""
    table_id = f"{anchor}-timeline-table"
    title = f"Plans with {name}, by date"
    counts = ", ".join(
        f"{count} {noun}{'s' * (count != 1)}"
        for kind, (_, _, noun) in LANES.items()
        if (count := sum(m.mark == kind for m in marks))
    )
    table = Table(
        f"Each plan fact in the window ({counts}), dated as the log counts it: a plan when it was "
        "proposed, a cancellation, decline or move when it was made.",
        ("Date", "What", "Side", "Plan", "Planned for"),
        [_row(m, name, zone) for m in marks],
    )
    return (
        f'<figure data-chart="timeline" class="timeline">\n'
        f"<h3>{text(title)}</h3>\n"
        f"{_drawing(marks, name, since, until, zone, described_by=table_id)}\n"
        f"{_legend(marks)}\n"
        f"<figcaption>{text(table.about)}</figcaption>\n"
        f"{folded(table_html('timeline', table_id, title, table), 'The plans, as a table')}\n"
        "</figure>"
    )


def _drawing(
    marks: Sequence[PlanMark],
    name: str,
    since: datetime,
    until: datetime,
    zone: tzinfo,
    *,
    described_by: str,
) -> str:
    lanes = [kind for kind in LANES if any(m.mark == kind for m in marks)]
    height = TOP + LANE * len(lanes) + AXIS
    span = (until - since).total_seconds()

    def x(moment: datetime) -> float:
        share = min(max((moment - since).total_seconds() / span, 0.0), 1.0)
        return LEFT + share * (WIDTH - LEFT - RIGHT)

    parts = []
    for number, kind in enumerate(lanes):
        y = TOP + LANE * number + LANE / 2
        parts.append(
            f'<text class="lane" x="{LEFT - 10}" y="{y + 4:.0f}" text-anchor="end">'
            f"{LANES[kind][0]}</text>"
            f'<line class="guide" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.0f}" y2="{y:.0f}"/>'
        )
    parts += _months(since, until, zone, x, height - AXIS)
    for mark in marks:
        y = TOP + LANE * lanes.index(mark.mark) + LANE / 2
        parts.append(
            f'<g class="mark side-{mark.who.value}" data-kind="{mark.mark}" '
            f'data-who="{mark.who.value}"><title>{text(_hover(mark, name, zone))}</title>'
            f"{shape(mark.mark, x(mark.at), y)}</g>"
        )
    return (
        f'<svg class="plot" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-label="Plans with {text(name)}, by date" '
        f'aria-describedby="{described_by}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(parts)
        + "</svg>"
    )


def shape(kind: str, x: float, y: float) -> str:
    """The mark of a kind at (x, y): a dot, a cross, a triangle, a diamond or an open square."""
    if kind == "cancelled":
        return (
            f'<path class="cross" d="M{x - 5:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 5:.1f}'
            f'M{x - 5:.1f} {y + 5:.1f}L{x + 5:.1f} {y - 5:.1f}"/>'
        )
    if kind == "declined":
        return f'<path d="M{x - 6:.1f} {y - 4:.1f}H{x + 6:.1f}L{x:.1f} {y + 6:.1f}Z"/>'
    if kind == "rescheduled":
        return (
            f'<path d="M{x:.1f} {y - 6:.1f}L{x + 6:.1f} {y:.1f}L{x:.1f} {y + 6:.1f}'
            f'L{x - 6:.1f} {y:.1f}Z"/>'
        )
    if kind == "missed":
        return f'<rect class="open" x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5"/>'


def _months(
    since: datetime, until: datetime, zone: tzinfo, x: Callable[[datetime], float], axis: float
) -> list[str]:
    """A tick at the first of each month inside the window, labelled; at most about twelve
    labels, so a long window's axis stays readable."""
    first = since.astimezone(zone).date().replace(day=1)
    starts: list[tuple[date, datetime]] = []
    year, month = first.year, first.month
    while (start := local_midnight(date(year, month, 1), zone)) < until:
        if start >= since:
            starts.append((date(year, month, 1), start))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    every = max(1, -(-len(starts) // 12))
    ticks = []
    for number, (month_day, start) in enumerate(starts):
        where = x(start)
        ticks.append(
            f'<line class="tick" x1="{where:.1f}" x2="{where:.1f}" y1="{TOP}" y2="{axis + 4}"/>'
        )
        if number % every == 0:
            label = month_day.strftime("%b %Y" if month_day.month == 1 or not number else "%b")
            ticks.append(
                f'<text class="month" x="{where:.1f}" y="{axis + 18}" text-anchor="middle">'
                f"{label}</text>"
            )
    return ticks


def _legend(marks: Sequence[PlanMark]) -> str:
    """What each colour and each shape means, for the sides and kinds the drawing shows."""
    items = [
        f'<li><svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">'
        f'<g class="side-{who.value}">{shape("plan", 8, 8)}</g></svg>{SIDE_NAMES[who]}</li>'
        for who in (Who.ME, Who.THEM, Who.UNKNOWN)
        if any(m.who is who for m in marks)
    ]
    items += [
        f'<li><svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">'
        f'<g class="kind">{shape(kind, 8, 8)}</g></svg>{LANES[kind][1]}</li>'
        for kind in LANES
        if any(m.mark == kind for m in marks)
    ]
    return f'<ul class="legend">{"".join(items)}</ul>'


def _hover(mark: PlanMark, name: str, zone: tzinfo) -> str:
    what = "never scheduled" if mark.loose else LANES[mark.mark][1]
    title = mark.title or "(no title)"
    planned = f", planned for {day(mark.start, zone)}" if mark.start else ""
    return f"{title}: {what} {day(mark.at, zone)} by {side_words(mark.who, name)}{planned}"


def _row(mark: PlanMark, name: str, zone: tzinfo) -> tuple[str, ...]:
    what = "missed (never scheduled)" if mark.loose else LANES[mark.mark][1]
    return (
        day(mark.at, zone),
        what,
        side_words(mark.who, name),
        mark.title or "(no title)",
        day(mark.start, zone) if mark.start else "",
    )
