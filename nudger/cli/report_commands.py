"""`nudger report`: the balance as a self-contained HTML page of charts and tables.

The window and the person are read exactly as `nudger balance` reads them (its own helpers, its
default window: the `balance.window` setting), so the page and `balance --json` count the same
entries. pygal is imported with
`nudger.cli.report_page`, inside the command, so no other command pays for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nudger.cli.app import Session, app, session
from nudger.cli.query_commands import (
    OnePerson,
    Until,
    WindowSince,
    query_window,
    questions,
    settleable,
)
from nudger.errors import NudgerError, UsageError

if TYPE_CHECKING:
    from datetime import datetime

    from nudger.log.store import Store
    from nudger.views.report_data import PersonFacts

DEFAULT_OUT = Path("nudger-report.html")
STDOUT = "-"


@app.command(
    epilog="Examples: nudger report · nudger report Alex --since 6mo --open · "
    "nudger report --out - > balance.html"
)
def report(
    ctx: typer.Context,
    person: OnePerson = None,
    since: WindowSince = None,
    until: Until = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            help=f"The HTML file to write (default ./{DEFAULT_OUT}); - prints it.",
            show_default=False,
        ),
    ] = None,
    open_page: Annotated[
        bool, typer.Option("--open", help="Open the page in your web browser.")
    ] = False,
) -> None:
    """An HTML page with charts of who initiates, cancels and says thanks, per person."""
    run = session(ctx)
    if open_page and out == STDOUT:
        raise UsageError("--open needs a file to open", hint="drop --out - or name a file")
    text = _page(run, person, since, until)
    if out == STDOUT:
        typer.echo(text, nl=False)
        return
    _write(Path(out) if out else DEFAULT_OUT, text, open_page)


def _page(run: Session, person: str | None, since: str | None, until: str | None) -> str:
    """The page for the chosen people over the window, counted as `balance` counts (and over
    its default window, the `balance.window` setting, when no --since is given)."""
    from nudger.cli.report_page import page
    from nudger.views.balance import balance_rules
    from nudger.views.people import chosen_people
    from nudger.views.report_data import person_facts

    start, end = query_window(run, since, until)
    with run.store_for_reading() as store:
        chosen = chosen_people(store.db, run.query_settings.people, person)
        asked = questions(run, chosen, start, end)
        facts = _settleable(run, store, [person_facts(store.db, question) for question in asked])
        facts = _with_drift(run, store, facts, end)
    settings = run.query_settings.balance
    return page(
        facts,
        since=start,
        until=end,
        rules=balance_rules(settings),
        zone=run.zone,
        generated=run.now,
        default_window=settings.window if since is None else None,
    )


def _with_drift(
    run: Session, store: Store, facts: list[PersonFacts], until: datetime
) -> list[PersonFacts]:
    """Each configured person's facts with where they stand against their contact rhythm when
    the window ends, as `nudger drift` would have said then."""
    from dataclasses import replace
    from datetime import timedelta

    from nudger.views.drift import drifts

    settings = run.query_settings
    people = {p.name: p for p in settings.people}
    found = [people.get(f.balance.person) for f in facts]
    known = [p for p in found if p is not None]
    last = until - timedelta(microseconds=1)  # the window's end is its first instant after
    by_name = {
        d.person: d for d in drifts(store.db, known, settings.rhythm, now=last, zone=run.zone)
    }
    return [replace(f, drift=by_name.get(f.balance.person)) for f in facts]


def _settleable(run: Session, store: Store, facts: list[PersonFacts]) -> list[PersonFacts]:
    """Each person's facts with how many unknown plans `plans review` could settle, as
    `balance` says it (`settleable`)."""
    from dataclasses import replace

    balances = settleable(run, store, [f.balance for f in facts])
    return [replace(f, balance=b) for f, b in zip(facts, balances, strict=True)]


def _write(path: Path, text: str, open_page: bool) -> None:
    """Write the page (0600: it is about your relationships) and say where; open it if asked."""
    import webbrowser

    from nudger.private_file import write_private

    target = path.expanduser().resolve()
    if target.is_dir():
        raise UsageError(f"--out {path} is a folder", hint=f"name a file, such as {DEFAULT_OUT}")
    if not target.parent.is_dir():  # a typo'd folder is not made: the page would be lost there
        raise UsageError(
            f"--out {path}: the folder {target.parent} does not exist",
            hint="create it first, or name a file in a folder that exists",
        )
    try:
        write_private(target, text)
    except OSError as error:
        raise NudgerError(f"cannot write {target}: {error.strerror}") from None
    size = len(text.encode()) / 1024
    typer.echo(f"Wrote the report to {target} ({size:.0f} KB).")
    if open_page and not webbrowser.open(target.as_uri()):
        typer.echo("No web browser was found; open the file yourself.", err=True)
