"""`nudger service install|uninstall`: run the daemon as a systemd user service."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Annotated

import typer

from nudger.cli.app import app, session
from nudger.config import paths
from nudger.errors import UsageError

if TYPE_CHECKING:
    from nudger.ops.service import Outcome

service_app = typer.Typer(
    help="Run the daemon in the background with systemd, from login to logout.",
    epilog="Examples: nudger service install · nudger service uninstall",
    no_args_is_help=True,
)
app.add_typer(service_app, name="service")


@service_app.command(
    "install", epilog="Examples: nudger service install · nudger service install --print"
)
def service_install(
    ctx: typer.Context,
    print_only: Annotated[
        bool, typer.Option("--print", help="Print the unit it would write, and change nothing.")
    ] = False,
) -> None:
    """Install the user unit for this nudger, then enable and start it where systemd runs."""
    from nudger.ops import service

    run = session(ctx)
    config, named = paths.config_path(run.config_option)
    if named and not config.is_file():
        raise UsageError(
            f"the config file {config} does not exist",
            hint=f"create it with: nudger --config {shlex.quote(str(config))} init",
        )
    command = service.daemon_command(service.running_nudger(), config if named else None)
    if print_only:
        typer.echo(service.render_unit(service.unit_template(), command), nl=False)
        return
    outcome = service.install(command, paths.data_dir())
    _say(outcome)
    if outcome.commands_to_run:
        typer.echo(
            "No systemd user manager answers here (systemctl --user cannot reach one), so "
            "nothing was started. Once one runs (in your desktop session), run:"
        )
        for argv in outcome.commands_to_run:
            typer.echo(f"  {shlex.join(argv)}")
    else:
        typer.echo(f"{service.UNIT_NAME} is enabled and started. Logs: journalctl --user -u nudger")


@service_app.command("uninstall", epilog="Example: nudger service uninstall")
def service_uninstall() -> None:
    """Stop and disable the service and remove its unit; the log and settings stay."""
    from nudger.ops import service

    _say(service.uninstall())


def _say(outcome: Outcome) -> None:
    for line in outcome.done:
        typer.echo(line)
    for note in outcome.notes:
        typer.secho(f"Note: {note}", err=True, fg="yellow")
