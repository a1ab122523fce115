"""Turning query results into text people read at a glance (rich tables and colour).

Only imported when a human-readable table is printed, so `--json` never pays for rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from rich.console import Console
from rich.table import Table
from rich.text import Text

from nudger.config.settings_core import Person
from nudger.core.balance import Month, PersonBalance, Sides, leaning_words
from nudger.core.model import NEITHER, Entry, Kind, Who, plan_side
from nudger.core.rhythm import CONTACT_WORDS, Drift
from nudger.core.text import printable
from nudger.core.when import format_duration

SPARK = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 20
_VERDICT_STYLE = {
    "balanced": "green",
    "leaning": "yellow",
    "one-sided": "bold red",
    "not enough data": "dim",
}


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def sparkline(months: Sequence[Month]) -> str:
    """My share per month, one character each: low bars are them, high bars are me."""
    return "".join(
        "·" if m.share_me is None else SPARK[round(m.share_me * (len(SPARK) - 1))] for m in months
    )


def share_bar(initiations: Sides, width: int = BAR_WIDTH) -> Text:
    """█ for my initiations, ░ for theirs, to scale; empty when there are none."""
    if not initiations.known:
        return Text("·".ljust(width), style="dim")
    mine = round(width * initiations.me / initiations.known)
    return Text.assemble(("█" * mine, "cyan"), ("░" * (width - mine), "magenta"))


def _sides(sides: Sides, unknown: bool = True) -> str:
    text = f"you {sides.me} · them {sides.them}"
    return text + (f" · unknown {sides.unknown}" if unknown and sides.unknown else "")


def _day(moment: datetime | None, zone: tzinfo, now: datetime) -> str:
    if moment is None:
        return "never"
    # Calendar days in the user's zone: 24-hour spans gave the same date 37 and 38 days ago.
    days = (now.astimezone(zone).date() - moment.astimezone(zone).date()).days
    ago = "today" if days == 0 else ("yesterday" if days == 1 else f"{days} days ago")
    return f"{moment.astimezone(zone):%Y-%m-%d} ({ago})"


def _span(since: datetime, until: datetime, zone: tzinfo) -> str:
    """The window as the days it covers (`until` is exclusive)."""
    last = until - timedelta(seconds=1)
    return f"{since.astimezone(zone):%Y-%m-%d} → {last.astimezone(zone):%Y-%m-%d}"


def balances(reports: Sequence[PersonBalance], zone: tzinfo, now: datetime) -> None:
    console = _console()
    if not reports:
        console.print("Nobody is tracked yet. Start with: nudger people add NAME --kind partner")
        return
    for index, report in enumerate(reports):
        if index:
            console.print()
        _balance(console, report, zone, now)


def _balance(console: Console, report: PersonBalance, zone: tzinfo, now: datetime) -> None:
    header = Text.assemble(
        (report.person, "bold"),
        (f"  {report.kind}" if report.kind else "", "dim"),
        ("  (no longer tracked)" if not report.tracked else "", "dim italic"),
        (f"   {_span(report.since, report.until, zone)}", "dim"),
        (f"   only {', '.join(report.channels)}" if report.channels else "", "dim"),
    )
    console.print(header)
    share = "—" if report.share_me is None else f"{report.share_me:.0%}"
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    table.add_row(
        "initiations",
        Text.assemble(
            _sides(report.initiations),
            "   your share ",
            (share, "bold"),
            "   ",
            (report.verdict, _VERDICT_STYLE[report.verdict]),
            leaning_words(report.leaning_to),
        ),
    )
    table.add_row("", share_bar(report.initiations))
    for label, words in _channel_rows(report):
        table.add_row(label, Text(words))
    for label, words in _unknown_rows(report):
        table.add_row(label, Text(words))
    declined = f"declined {_sides(report.declines)}"
    table.add_row(
        "cancelled", f"{_sides(report.cancellations)}   {declined}   missed {report.missed}"
    )
    table.add_row("moved", _sides(report.rescheduled))
    if report.neither:
        plans = "1 plan was" if report.neither == 1 else f"{report.neither} plans were"
        table.add_row("neither", f"{plans} neither yours nor theirs (not counted)")
    if report.streak is not None:
        runner = "you" if report.streak.who is Who.ME else "they"
        count = report.streak.count
        what = "the last initiation" if count == 1 else f"the last {count} initiations"
        table.add_row("run", f"{runner} started {what}")
    table.add_row("they last", _day(report.last_initiated[Who.THEM], zone, now))
    table.add_row("you last", _day(report.last_initiated[Who.ME], zone, now))
    console.print(table)
    if report.trend:
        console.print(
            Text.assemble(
                ("  your share by month ", "dim"),
                (sparkline(report.trend), "cyan"),
                (f"  {report.trend[0].label} … {report.trend[-1].label}", "dim"),
            )
        )
        months = Table(box=None, padding=(0, 1), show_header=False)
        for month in report.trend:
            share_text = "" if month.share_me is None else f"{month.share_me:.0%}"
            months.add_row(
                f"  {month.label}",
                share_bar(month.initiations),
                f"{month.initiations.me}:{month.initiations.them}",
                share_text,
            )
        console.print(months)


def _channel_rows(report: PersonBalance) -> list[tuple[str, str]]:
    """The initiations by channel (me:them, and the unknown side when there is one), and what
    the verdict weighs when message starts are left out of it (balance.count_messages).
    "whatsapp 5:7 +1?" reads: you started 5, they 7, and 1 of unknown side."""
    rows = []
    if report.by_channel:
        split = "   ".join(
            f"{name} {sides.me}:{sides.them}" + (f" +{sides.unknown}?" if sides.unknown else "")
            for name, sides in report.by_channel.items()
        )
        rows.append(("by channel", split))
    if report.weighed is not None:
        weighed = _sides(report.weighed)
        rows.append(("weighed", f"{weighed} without message starts (balance.count_messages)"))
    return rows


def _unknown_rows(report: PersonBalance) -> list[tuple[str, str]]:
    """Why there is no verdict, and how many unknowns `plans review` could settle."""
    rows = [("why", report.verdict_reason)] if report.verdict_reason else []
    if report.reviewable:
        unknown = report.initiations.unknown
        rows.append(
            (
                "review",
                f"{report.reviewable} of the {unknown} unknown can be settled with: "
                "nudger plans review",
            )
        )
    return rows


def history(entries: Sequence[Entry], zone: tzinfo, *, matched: int) -> None:
    """The entries as a table; its note is what was typed, else a calendar plan's title. When a
    limit cut the list, a last line says how many matched."""
    console = _console()
    if not entries:
        console.print("Nothing logged matches.")
        return
    table = Table(box=None, header_style="bold")
    for column in ("#", "when", "person", "kind", "by", "source", "note"):
        table.add_column(column, no_wrap=column != "note")
    for entry in entries:
        note = _note(entry)
        table.add_row(
            str(entry.id),
            f"{entry.at.astimezone(zone):%Y-%m-%d %H:%M}",
            Text(printable(entry.person or "")),
            entry.kind,
            {"me": "you", "them": "them", "unknown": "?", NEITHER: NEITHER}[plan_side(entry)],
            entry.source,
            Text(printable(note)),
        )
    console.print(table)
    if matched > len(entries):
        console.print(f"The newest {len(entries)} of {matched}; --limit {matched} shows them all.")


def _note(entry: Entry) -> str:
    """What was typed, else a calendar plan's title, with what makes the entry special: a
    removal of unknown cause, a retraction and why, an entry a later one corrected."""
    details = entry.details
    note = str(details.get("text") or details.get("note") or details.get("summary") or "")
    if details.get("removed"):
        note += " (gone from the calendar; who removed it is unknown)"
    if entry.kind == Kind.RETRACTED:
        note += f" (taken back: {details.get('reason', 'corrected')})"
    if entry.superseded:
        note += " (corrected later: no longer counts)"
    return note


def people(shown: Sequence[Person], drifts: Sequence[Drift]) -> None:
    """The people, each with their contact rhythm and where they stand against it."""
    console = _console()
    if not shown:
        console.print("Nobody is tracked yet. Add someone: nudger people add NAME --kind partner")
        return
    table = Table(box=None, header_style="bold")
    emails = any(person.emails for person in shown)  # a column only where someone has one
    for column in ("name", "kind", "rhythm", "last contact", "since", "due", "status"):
        table.add_column(column)
    if emails:
        table.add_column("emails")
    for person, drift in zip(shown, drifts, strict=True):
        table.add_row(
            Text(person.name),
            person.kind,
            *_drift_cells(drift),
            "tracked" if person.tracked else f"removed {person.removed}",
            *([Text(", ".join(person.emails))] if emails else []),
        )
    console.print(table)


def drift(overdue: Sequence[Drift], unknown: Sequence[Drift], any_rhythm: bool) -> None:
    """Who is overdue for contact, most overdue first, and whom no logged contact lets judge."""
    console = _console()
    if not any_rhythm:
        console.print(
            "Nobody has a contact rhythm yet. Give someone one: nudger people set NAME --every 2w"
        )
        return
    if overdue:
        table = Table(box=None, header_style="bold")
        for column in ("name", "rhythm", "last contact", "since", "due"):
            table.add_column(column)
        for item in overdue:
            table.add_row(Text(item.person), *_drift_cells(item))
        console.print(table)
    else:
        console.print("Nobody is overdue: everyone with a rhythm had contact within it.")
    if unknown:
        names = ", ".join(d.person for d in unknown)
        console.print(Text(f"No contact logged yet with {names}: how long it has been is unknown."))


def _drift_cells(item: Drift) -> list[Text | str]:
    last = item.last
    if last is None:
        contact, since = "none logged", "—"
    else:
        by = {Who.ME: "you", Who.THEM: item.person}.get(last.who, "unknown")
        contact, since = (
            f"{CONTACT_WORDS.get(last.kind, last.kind)}, by {by}",
            f"{item.days_since}d",
        )
    rhythm = "—" if item.every is None else format_duration(item.every)
    status = item.status() or "—"
    style = "bold red" if item.overdue else "yellow" if item.due else ""
    return [rhythm, Text(contact), since, Text(status, style=style)]
