"""`nudger balance`, `nudger history` and `nudger drift`: reading the log.

These are the commands people run most, so their start-up path imports only what they use:
no calendar or notification library, no tomlkit, and rich only when a table is printed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from nudger.cli.app import Session, app, print_json, session
from nudger.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nudger.core.balance import BalanceQuestion, PersonBalance
    from nudger.log.store import Store
    from nudger.views.people import Chosen

Since = Annotated[
    str | None,
    typer.Option(
        help="Start: a span back (90d, 6mo), yesterday, a date (2026-03-01): any --at form.",
        show_default=False,
    ),
]
# `balance` and `report` look back over the same window by default, and say so.
WindowSince = Annotated[
    str | None,
    typer.Option(
        help="Start: a span back (90d, 6mo), yesterday, a date (2026-03-01): any --at form. "
        "Default: the balance.window setting (90 days unless you set it), for balance and report.",
        show_default=False,
    ),
]
Until = Annotated[
    str | None,
    typer.Option(
        help="End: a date or yesterday (included), or a date and time; default now.",
        show_default=False,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
OnePerson = Annotated[
    str | None, typer.Argument(help="One person (name or alias); default everyone tracked.")
]
Kinds = Annotated[
    list[str] | None,
    typer.Option(
        "--kind", "-k", help="Only initiations of this kind (repeatable, or a comma list)."
    ),
]
Channels = Annotated[
    list[str] | None,
    typer.Option(
        "--channel",
        "-c",
        help="Only this channel: whatsapp, telegram, signal, sms, phone, calendar, unknown "
        "(logged by hand without one), or one a CSV import named (repeatable, or a comma list).",
    ),
]


def query_window(run: Session, since: str | None, until: str | None) -> tuple[datetime, datetime]:
    from nudger.core.when import parse_since, parse_until

    end = run.now if until is None else parse_until(until, run.now, run.zone)
    start = (
        end - run.query_settings.balance.window
        if since is None
        else parse_since(since, run.now, run.zone)
    )
    if start >= end:
        later = "now" if until is None else f"--until {until}"
        raise UsageError(
            f"the window is empty: --since {since} is not before {later}",
            hint="give --since an earlier date, or --until a later one",
        )
    return start, end


@app.command(
    epilog="Examples: nudger balance · nudger balance Alex --since 6mo · nudger balance --json"
    " · nudger balance --channel whatsapp,sms · nudger balance --kind plan"
)
def balance(
    ctx: typer.Context,
    person: OnePerson = None,
    since: WindowSince = None,
    until: Until = None,
    kind: Kinds = None,
    channel: Channels = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Include people you no longer track.")
    ] = False,
    json_output: Json = False,
) -> None:
    """Who initiates, who cancels, and how it trends, per person (and by channel)."""
    from nudger.cli import balance_filters as filters
    from nudger.views.balance import balance_of
    from nudger.views.people import chosen_people

    run = session(ctx)
    start, end = query_window(run, since, until)
    kinds = filters.checked_kinds(filters.split(kind), run.query_settings.balance.kinds)
    with run.store_for_reading() as store:
        channels = filters.checked_channels(store.db, filters.split(channel))
        chosen = chosen_people(store.db, run.query_settings.people, person, show_all=show_all)
        asked = questions(run, chosen, start, end, kinds=kinds, channels=channels)
        reports = settleable(run, store, [balance_of(store.db, one) for one in asked])
    if json_output:
        print_json([report.to_json() for report in reports])
        return
    from nudger.cli import render

    render.balances(reports, run.zone, run.now)


def questions(
    run: Session,
    chosen: Sequence[Chosen],
    since: datetime,
    until: datetime,
    *,
    kinds: tuple[str, ...] = (),
    channels: tuple[str, ...] = (),
) -> list[BalanceQuestion]:
    """The balance question for each chosen person over [since, until), by the `[balance]`
    rules (only `kinds` of its initiations, and only `channels`, when given), in the user's
    zone: what `balance` and `report` both ask."""
    from dataclasses import replace

    from nudger.core.balance import BalanceQuestion
    from nudger.views.balance import balance_rules

    rules = balance_rules(run.query_settings.balance)
    if kinds:
        rules = replace(rules, kinds=kinds)
    return [
        BalanceQuestion(who.name, who.kind, who.tracked, since, until, rules, run.zone, channels)
        for who in chosen
    ]


def settleable(run: Session, store: Store, reports: list[PersonBalance]) -> list[PersonBalance]:
    """The balances with how many of their unknown plans `plans review` could settle; that
    reads the sync state and detection, so only when some balance has unknowns at all."""
    if not any(report.initiations.unknown for report in reports):
        return reports
    from nudger.log import queries

    windows = {(report.since, report.until) for report in reports}
    if not any(queries.any_unknown_calendar_plan(store.db, *window) for window in windows):
        return reports  # the unknowns were logged by hand: no review can settle them
    from nudger.views.unsettled import with_reviewable

    return with_reviewable(store, run.query_settings.people, reports)


@app.command(epilog="Examples: nudger history Alex --since 30d · nudger history --kind call --json")
def history(
    ctx: typer.Context,
    person: Annotated[str | None, typer.Argument(help="One person (name or alias).")] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", "-k", help="Only this kind (repeatable).")
    ] = None,
    since: Since = None,
    until: Until = None,
    limit: Annotated[
        int | None,
        typer.Option(help="Show the newest N (default 50 in the table, all with --json).", min=1),
    ] = None,
    json_output: Json = False,
) -> None:
    """The log's entries, oldest first."""
    from nudger.core.when import parse_since, parse_until
    from nudger.views.history import history as entries

    run = session(ctx)
    kinds = _known_kinds(kind or [])
    start = None if since is None else parse_since(since, run.now, run.zone)
    end = None if until is None else parse_until(until, run.now, run.zone)
    newest = limit if limit or json_output else 50
    with run.store_for_reading() as store:
        shown = entries(
            store.db,
            run.query_settings.people,
            person,
            kinds=kinds,
            since=start,
            until=end,
            limit=newest,
        )
    if json_output:
        print_json([entry.to_json() for entry in shown.entries])
        return
    from nudger.cli import render

    render.history(shown.entries, run.zone, matched=shown.matched)


def _known_kinds(kinds: list[str]) -> list[str]:
    """The kinds asked for, each checked against the log's kinds."""
    from nudger.core.model import Kind

    known_kinds = [k.value for k in Kind]
    for name in kinds:
        if name not in known_kinds:
            raise UsageError(
                f"--kind {name!r} is not a kind", hint=f"kinds: {', '.join(known_kinds)}"
            )
    return kinds


@app.command(epilog="Examples: nudger drift · nudger drift --since 30d · nudger drift --json")
def drift(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            help="Only those who came due on or after this: a span back (30d), a date.",
            show_default=False,
        ),
    ] = None,
    json_output: Json = False,
) -> None:
    """Who is overdue for contact by their rhythm (`people set NAME --every 2w`), most first."""
    from nudger.core.rhythm import most_overdue
    from nudger.views.drift import drifts

    run = session(ctx)
    tracked = [p for p in run.query_settings.people if p.tracked]
    with run.store_for_reading() as store:
        found = drifts(store.db, tracked, run.query_settings.rhythm, now=run.now, zone=run.zone)
    overdue = [d for d in most_overdue(found) if _due_since(run, d.due_date, since)]
    if json_output:
        print_json([d.to_json() for d in overdue])
        return
    from nudger.cli import render

    unknown = [d for d in found if d.every is not None and d.last is None]
    render.drift(overdue, unknown, any(d.every is not None for d in found))


def _due_since(run: Session, due: date | None, since: str | None) -> bool:
    """Whether a person came due on or after `--since` (always, without it)."""
    if since is None:
        return True
    from nudger.core.when import parse_since

    return (
        due is not None and due >= parse_since(since, run.now, run.zone).astimezone(run.zone).date()
    )
