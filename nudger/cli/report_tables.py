"""The report's tables and the words in them: every number a chart draws, as text a screen
reader reads and a user can copy.

Text from the user or their calendars (names, notes) is escaped here (`text`), wherever the page
shows it outside a chart.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from nudger.core.balance import PersonBalance, Sides
from nudger.core.model import Who
from nudger.core.text import printable
from nudger.views.report_data import WaitOutcome

# The log's kinds as the page names them, in the plural ("no messages ...").
KIND_WORDS = {
    "plan": "plans",
    "loose": "loose plans",
    "message": "messages",
    "call": "calls",
    "checkin": "check-ins",
    "gratitude": "gratitude",
}


@dataclass(frozen=True)
class Table:
    """A chart's numbers, and a sentence on what they count; the first cell of a row heads it."""

    about: str
    head: Sequence[str]
    rows: Sequence[Sequence[str]]
    foot: Sequence[Sequence[str]] = ()


def table_html(key: str, table_id: str, title: str, table: Table) -> str:
    head = "".join(f'<th scope="col">{text(cell)}</th>' for cell in table.head)
    body = "".join(_row(row) for row in table.rows)
    foot = "".join(_row(row) for row in table.foot)
    return (
        f'<table id="{table_id}" data-table="{key}">'
        f"<caption>{text(title)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
        + (f"<tfoot>{foot}</tfoot>" if foot else "")
        + "</table>"
    )


def _row(cells: Sequence[str]) -> str:
    first, *rest = cells
    data = "".join(f"<td>{text(cell)}</td>" for cell in rest)
    return f'<tr><th scope="row">{text(first)}</th>{data}</tr>'


def side_row(label: str, sides: Sides) -> tuple[str, ...]:
    return (
        label,
        str(sides.me),
        str(sides.them),
        str(sides.unknown),
        str(sides.known + sides.unknown),
    )


def share_row(label: str, balance: PersonBalance) -> tuple[str, ...]:
    sides = balance.initiations
    return (label, str(sides.me), str(sides.them), percent(balance.share_me), balance.verdict)


def wait_row(wait: WaitOutcome, zone: tzinfo) -> tuple[str, ...]:
    reached = wait.their_initiations > 0
    if wait.running:
        ended, outcome = "still running", "they reached out" if reached else "waiting"
    else:
        ended = local(wait.end, zone, "%Y-%m-%d") + (" (ended early)" if wait.ended_early else "")
        outcome = "they reached out" if reached else "they did not reach out"
    return (
        local(wait.start, zone, "%Y-%m-%d"),
        local(wait.planned_until, zone, "%Y-%m-%d"),
        ended,
        str(wait.their_initiations),
        outcome,
    )


def folded(table: str, label: str = "The numbers, as a table") -> str:
    """A table folded under its chart: in the page for screen readers and for reading without
    the chart, out of the way until opened (and always shown in print, by the page's style)."""
    return f"<details><summary>{text(label)}</summary>{table}</details>"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def local(moment: datetime, zone: tzinfo, pattern: str) -> str:
    return moment.astimezone(zone).strftime(pattern)


def day(moment: datetime, zone: tzinfo) -> str:
    """A day in words, "3 Dec 2026"; a time without a zone (an all-day or floating plan) is
    read as it stands, not moved to the user's zone."""
    shown = moment.astimezone(zone) if moment.tzinfo is not None else moment
    return f"{shown.day} {shown:%b %Y}"


def side_words(who: Who, name: str) -> str:
    """Who did something, as the page says it: "you", the person's name, or "unknown side"."""
    return {Who.ME: "you", Who.THEM: name}.get(who, "unknown side")


def text(value: str) -> str:
    """User text as HTML: control characters shown as `?`, markup escaped."""
    return html.escape(printable(value), quote=True)
