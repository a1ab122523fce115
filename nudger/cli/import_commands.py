"""`nudger import FILE...`: chat exports and call logs into the log (`nudger.imports`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nudger.cli.app import app, session
from nudger.errors import EXIT_USAGE

if TYPE_CHECKING:
    from nudger.imports.chats import Outcome


@app.command(
    "import",
    epilog="Examples: nudger import ~/Downloads/WhatsApp-Chat-Alex.txt · "
    "nudger import result.json --dry-run · nudger import calls.xml --person Alex",
)
def import_exports(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Exports to read.", show_default=False)],
    person: Annotated[
        str | None, typer.Option("--person", "-p", help="Who a one-to-one chat is with.")
    ] = None,
    format_name: Annotated[
        str | None, typer.Option("--format", "-f", help="The format, when detection fails.")
    ] = None,
    group: Annotated[bool, typer.Option("--group", help="Count group chats too.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show, write nothing.")] = False,
) -> None:
    """Import chat exports and call logs: who starts the conversations, who calls."""
    from nudger.imports.run import Failure, import_files, setup_for

    run = session(ctx)
    setup = setup_for(run.settings, run.zone, person=person, format_name=format_name, group=group)
    with run.store_for_reading() if dry_run else run.store() as store:
        results = import_files(store, files, setup, now=run.now, dry_run=dry_run)
    for result in results:
        if isinstance(result, Failure):
            typer.echo(f"nudger: {result.message} ({result.hint})", err=True)
        else:
            _show(result, dry_run)
    if any(isinstance(result, Failure) for result in results):
        raise typer.Exit(EXIT_USAGE)


def _show(outcome: Outcome, dry_run: bool) -> None:
    from nudger.imports.run import months, summary

    typer.echo(summary(outcome, dry_run=dry_run))
    if dry_run:
        for month, person, side, kind, channel, count in months(outcome):
            typer.echo(f"  {month}  {person}  {side}  {kind}  {channel}  {count}")
