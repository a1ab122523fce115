"""`nudger people add|list|remove`: who you track."""

from __future__ import annotations

from typing import Annotated

import typer

from nudger.cli.app import app, print_json, session
from nudger.config.settings_core import PersonKind

people_app = typer.Typer(
    help="The people you track.",
    epilog="Examples: nudger people add Alex --email alex@example.org --kind partner · "
    "nudger people list",
    no_args_is_help=True,
)
app.add_typer(people_app, name="people")


@people_app.command(
    "add", epilog="Example: nudger people add Alex --email alex@example.org --kind partner"
)
def people_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The name you will use for them.")],
    email: Annotated[
        list[str] | None, typer.Option("--email", "-e", help="An address of theirs (repeatable).")
    ] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option("--alias", "-a", help="Another name for them in event titles (repeatable)."),
    ] = None,
    kind: Annotated[
        PersonKind | None,
        typer.Option("--kind", "-k", help="partner, dating, friend or family (default: friend)."),
    ] = None,
) -> None:
    """Start tracking someone (or track them again after `people remove`)."""
    from nudger.config import people

    person, back = people.add(
        session(ctx).config_path, name, emails=email or [], aliases=alias or [], kind=kind
    )
    verb = "Tracking again" if back else "Now tracking"
    typer.echo(f"{verb} {person.name} ({person.kind}).")


@people_app.command("list", epilog="Example: nudger people list --all --json")
def people_list(
    ctx: typer.Context,
    show_all: Annotated[
        bool, typer.Option("--all", help="Include people you no longer track.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the people you track."""
    shown = [p for p in session(ctx).query_settings.people if show_all or p.tracked]
    if json_output:
        print_json([{**p.model_dump(mode="json"), "tracked": p.tracked} for p in shown])
        return
    from nudger.cli import render

    render.people(shown)


@people_app.command("remove", epilog="Example: nudger people remove Alex")
def people_remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Their name or an alias.")],
) -> None:
    """Stop tracking someone. Their history stays in the log and in `balance NAME`."""
    from nudger.config import people

    run = session(ctx)
    person = people.remove(run.config_path, name, run.now.astimezone(run.zone).date())
    typer.echo(f"No longer tracking {person.name}; their history is kept.")
