"""`nudger balance` and `nudger history`: reading the log.

These are the commands people run most, so their start-up path imports only what they use:
no calendar or notification library, no tomlkit, and rich only when a table is printed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from nudger.cli.app import Session, app, print_json, session
from nudger.errors import UsageError

if TYPE_CHECKING:
    import sqlite3

    from nudger.core.balance import BalanceQuestion

Since = Annotated[
    str | None,
    typer.Option(
        help="Start: a span back (90d, 12w, 6mo, 1y) or a date (2026-03-01).", show_default=False
    ),
]
Until = Annotated[
    str | None,
    typer.Option(
        help="End: a date (included) or a date and time; default now.", show_default=False
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
OnePerson = Annotated[
    str | None, typer.Argument(help="One person (name or alias); default everyone tracked.")
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
        raise UsageError(f"the window is empty: --since {since} is not before --until {until}")
    return start, end


@app.command(
    epilog="Examples: nudger balance · nudger balance Alex --since 6mo · nudger balance --json"
)
def balance(
    ctx: typer.Context,
    person: OnePerson = None,
    since: Since = None,
    until: Until = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Include people you no longer track.")
    ] = False,
    json_output: Json = False,
) -> None:
    """Who initiates, who cancels, and how it trends, per person."""
    from nudger.views.balance import balance_of

    run = session(ctx)
    start, end = query_window(run, since, until)
    with run.store_for_reading() as store:
        chosen = chosen_people(run, store.db, person, show_all=show_all)
        reports = [balance_of(store.db, asked) for asked in questions(run, chosen, start, end)]
    if json_output:
        print_json([report.to_json() for report in reports])
        return
    from nudger.cli import render

    render.balances(reports, run.zone, run.now)


def questions(
    run: Session, chosen: list[tuple[str, str | None, bool]], since: datetime, until: datetime
) -> list[BalanceQuestion]:
    """The balance question for each chosen person over [since, until), by the `[balance]`
    rules, in the user's zone: what `balance` and `report` both ask."""
    from nudger.core.balance import BalanceQuestion
    from nudger.views.balance import balance_rules

    rules = balance_rules(run.query_settings.balance)
    return [
        BalanceQuestion(name, kind, tracked, since, until, rules, run.zone)
        for name, kind, tracked in chosen
    ]


def chosen_people(
    run: Session, db: sqlite3.Connection, person: str | None, *, show_all: bool = False
) -> list[tuple[str, str | None, bool]]:
    """(name, kind, tracked) of the people a query shows: the one named, else everyone tracked
    (with `show_all`, also those no longer tracked and names only the log still holds)."""
    from nudger.log import queries

    logged = queries.logged_people(db)
    if person is not None:
        return [resolve_person(run, person, logged)]
    people = run.query_settings.people
    chosen: list[tuple[str, str | None, bool]] = [
        (p.name, p.kind, p.tracked) for p in people if show_all or p.tracked
    ]
    if show_all:
        configured = {p.name.casefold() for p in people}
        chosen += [(name, None, False) for name in logged if name.casefold() not in configured]
    return chosen


def resolve_person(run: Session, name: str, logged: list[str]) -> tuple[str, str | None, bool]:
    """A configured person (tracked or not), else someone the log still has entries for."""
    from nudger.config import people
    from nudger.errors import UnknownPersonError

    try:
        found = people.find(run.query_settings.people, name)
    except UnknownPersonError:
        match = next((n for n in logged if n.casefold() == name.casefold()), None)
        if match is None:
            raise people.unknown_person(
                name, [p.name for p in run.query_settings.people] + logged
            ) from None
        return match, None, False
    return found.name, found.kind, found.tracked


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
    from nudger.core.model import Kind
    from nudger.core.when import parse_since, parse_until
    from nudger.log import queries

    run = session(ctx)
    kinds = kind or []
    known_kinds = [k.value for k in Kind]
    for name in kinds:
        if name not in known_kinds:
            raise UsageError(
                f"--kind {name!r} is not a kind", hint=f"kinds: {', '.join(known_kinds)}"
            )
    start = None if since is None else parse_since(since, run.now, run.zone)
    end = None if until is None else parse_until(until, run.now, run.zone)
    with run.store_for_reading() as store:
        person_id = None
        if person is not None:
            name, _, _ = resolve_person(run, person, queries.logged_people(store.db))
            person_id = queries.person_id(store.db, name)
        nothing_logged = person is not None and person_id is None  # tracked, no entries yet
        shown = (
            []
            if nothing_logged
            else queries.entries(
                store.db,
                person=person_id,
                kinds=kinds,
                since=start,
                until=end,
                limit=limit if limit or json_output else 50,
            )
        )
    if json_output:
        print_json([entry.to_json() for entry in shown])
        return
    from nudger.cli import render

    render.history(shown, run.zone)
