"""`nudger export` and `nudger forget`: the whole log taken out, or one person erased from it."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from nudger.cli.app import app, session
from nudger.errors import EXIT_FAILURE, UsageError

if TYPE_CHECKING:
    from nudger.log.export import Footprint
    from nudger.views.forgetting import Forgetting


@app.command(
    epilog="Examples: nudger export --out nudger.json · nudger export --format csv > log.csv · "
    "nudger export | jq '.[] | select(.person == \"Alex\")'"
)
def export(
    ctx: typer.Context,
    kind: Annotated[
        Literal["json", "csv"],
        typer.Option(
            "--format",
            "-f",
            help="json: an array of entries as history --json prints them, one a line; "
            "csv: a header, then a row an entry, details as JSON text.",
        ),
    ] = "json",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write this file (readable only by you); default (or -) stdout.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the whole log, every entry, as JSON or CSV."""
    from nudger.log import export as exporting

    run = session(ctx)
    with run.store_for_reading() as store:
        if out is None or str(out) == "-":
            exporting.write(store.db, kind, sys.stdout)
            sys.stdout.flush()  # a closed pipe surfaces here, inside the error handler
            return
        with exporting.private_output(out.expanduser()) as file:
            count = exporting.write(store.db, kind, file)
    typer.echo(f"Wrote {count} entries to {out} (readable only by you).", err=True)


@app.command(epilog="Examples: nudger forget Alex · nudger forget Alex --yes (no question asked)")
def forget(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Their name or an alias.")],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask first (for scripts).")
    ] = False,
) -> None:
    """Delete everything the log holds about someone, for good, and stop tracking them."""
    from nudger.config import people
    from nudger.log import export as exporting
    from nudger.views.forgetting import forgetting

    run = session(ctx)
    with run.store_for_reading() as store:
        found = forgetting(store.db, run.query_settings.people, person)
    name = found.subject.name
    tracked = found.configured is not None and found.configured.tracked
    if found.footprint.empty:
        typer.echo(f"Nothing to forget: the log holds nothing about {name}.")
        return
    if not yes:
        _confirm(name, exporting.describe(found.footprint), tracked)
    if tracked:
        people.remove(run.config_path, name, run.now.astimezone(run.zone).date())
    with run.store() as store:
        gone = exporting.forget(store, found.subject, found.others)
    typer.echo(f"Forgot {name}: deleted {exporting.describe(gone)}.")
    _print_what_stays(name, gone, found, run.config_path)


def _print_what_stays(name: str, gone: Footprint, found: Forgetting, config_path: Path) -> None:
    """What `forget` could not delete: plans shared with people still tracked, copies outside
    the log, and the person's [[people]] table."""
    if gone.shared_plans:
        plans = "plan" if gone.shared_plans == 1 else "plans"
        typer.echo(
            f"Kept {gone.shared_plans} stored calendar {plans} {name} shares with people you "
            "still track: they are those people's plans too."
        )
    typer.echo(
        "Copies outside the log stay: earlier exports, backups, and the nudges the journal "
        "kept (journalctl --user -u nudger)."
    )
    if found.configured is not None:
        stopped = "No longer tracking them; their" if found.configured.tracked else "Their"
        typer.echo(
            f"{stopped} [[people]] table stays in {config_path}, marked removed, with their "
            "name and addresses: delete it there to drop those too "
            f"(nudger people add {shlex.quote(name)} would start afresh)."
        )


def _confirm(name: str, what: str, tracked: bool) -> None:
    """Ask on the terminal; with none to ask on (a script, a pipe), refuse rather than guess."""
    if not sys.stdin.isatty():
        raise UsageError(
            "forget deletes for good, so it asks first, and there is no terminal to ask on",
            hint=f"to go ahead without asking: nudger forget {shlex.quote(name)} --yes",
        )
    stop = ", and stop tracking them (as nudger people remove does)" if tracked else ""
    if not typer.confirm(f"Delete {what} about {name} for good{stop}?", default=False):
        typer.echo("Nothing deleted.")
        raise typer.Exit(EXIT_FAILURE)
