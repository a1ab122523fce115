"""`nudger doctor`: check the setup, one line per check, with the fix for each failure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from nudger.cli.app import app, print_json, session
from nudger.config import paths
from nudger.errors import EXIT_FAILURE

if TYPE_CHECKING:
    from nudger.ops.doctor import Check

MARKS = {"ok": ("✓", "green"), "failed": ("✗", "red"), "not applicable": ("·", None)}


@app.command(epilog="Examples: nudger doctor · nudger doctor --json")
def doctor(
    ctx: typer.Context,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print JSON: an object a check (name, ok, status, detail, fix); ok is null "
            "where a check does not apply.",
        ),
    ] = False,
) -> None:
    """Check the config, the log, each calendar, notifications, the service and the time zone."""
    from nudger.ops.doctor import failures, run_checks

    checks = run_checks(session(ctx).config_option, paths.data_dir())
    if as_json:
        print_json([check.to_json() for check in checks])
    else:
        for check in checks:
            _show(check)
    if failures(checks):
        raise typer.Exit(EXIT_FAILURE)


def _show(check: Check) -> None:
    from nudger.core.text import printable  # a calendar's check quotes its files and server

    mark, colour = MARKS[check.status.value]
    first, *more = check.detail.splitlines() or [""]
    typer.secho(f"{mark} {check.name}: {printable(first)}", fg=colour)
    for line in more:
        typer.echo(f"    {printable(line.strip())}")
    if check.fix:
        typer.echo(f"    {'fix' if check.ok is False else 'hint'}: {printable(check.fix)}")
