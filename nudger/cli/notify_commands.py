"""`nudger notify test [CHANNEL]`: one test message on each channel, and what became of it."""

from __future__ import annotations

from typing import Annotated

import typer

from nudger.cli.app import app, print_json, session
from nudger.errors import EXIT_FAILURE

notify_app = typer.Typer(
    help="The places nudges are sent to: the backend and notifications.channels.",
    epilog="Examples: nudger notify test · nudger notify test phone",
    no_args_is_help=True,
)
app.add_typer(notify_app, name="notify")


@notify_app.command(epilog="Examples: nudger notify test · nudger notify test phone --json")
def test(
    ctx: typer.Context,
    channel: Annotated[
        str | None, typer.Argument(help="Only this channel (the backend's name, or a channel's).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON: channel, type, ok, problem.")
    ] = False,
) -> None:
    """Send one test message through each channel and say what happened; exit 1 if one failed."""
    from nudger.core.text import printable
    from nudger.ops.channels import send_test_messages

    outcomes = send_test_messages(session(ctx).settings, channel)
    if as_json:
        print_json([outcome.to_json() for outcome in outcomes])
    for outcome in [] if as_json else outcomes:
        said = "sent" if outcome.problem is None else f"failed: {printable(outcome.problem)}"
        mark, colour = ("✓", "green") if outcome.problem is None else ("✗", "red")
        typer.secho(f"{mark} {outcome.channel} ({outcome.kind}): {said}", fg=colour)
    if any(outcome.problem is not None for outcome in outcomes):
        raise typer.Exit(EXIT_FAILURE)
