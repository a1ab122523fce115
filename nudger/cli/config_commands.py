"""`nudger init` and `nudger config show|get|set|path`: preferences from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from nudger.cli.app import app, print_json, session
from nudger.config import paths

config_app = typer.Typer(
    help="Read and change settings; every change is checked before it is written.",
    epilog="Examples: nudger config show · nudger config set checkin.time 21:00",
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")

MY_ADDRESSES = (
    "Your e-mail addresses, the ones your invitations come from (comma-separated; Enter to skip): "
)


@app.command(epilog="Example: nudger init --name Sam --email sam@example.org")
def init(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="How nudger addresses you.")] = None,
    email: Annotated[
        list[str] | None,
        typer.Option(
            "--email",
            help="Your address (repeatable): invitations from it are yours. Asked for in a "
            "terminal when not given.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create a starter config and the data folder; an existing config is never overwritten."""
    from nudger.config import starter
    from nudger.private_file import make_private_folder

    run = session(ctx)
    config, folder = run.config_path, paths.data_dir() / "calendar"
    emails = starter.my_addresses(email or [])
    if config.exists():
        _keep(config, emails)
    else:
        _write_starter(config, name, emails or _asked_addresses(), folder)
    make_private_folder(folder)
    with run.store() as store:
        typer.echo(f"The log is at {store.path}; .ics files go in {folder}")
    typer.echo(
        "Next: nudger people add NAME --kind partner, then nudger log ... and nudger balance"
    )


def _write_starter(config: Path, name: str | None, emails: list[str], folder: Path) -> None:
    import getpass

    from nudger.config.file import parse_document, validate
    from nudger.config.starter import starter_text
    from nudger.private_file import write_private

    text = starter_text(name or getpass.getuser(), emails, folder)
    validate(parse_document(text, config), config)
    write_private(config, text)
    typer.echo(f"Wrote a starter config to {config}")
    if not emails:
        typer.echo(
            "Your addresses are not set, so plans you organize count as unknown; set them with: "
            "nudger config set me.emails you@example.org"
        )


def _keep(config: Path, emails: list[str]) -> None:
    """An existing config stays; only addresses given with --email are added to me.emails."""
    from nudger.config.starter import add_my_addresses

    added = add_my_addresses(config, emails) if emails else []
    if added:
        typer.echo(f"Config already exists at {config}; added to me.emails: {', '.join(added)}")
    else:
        typer.echo(f"Config already exists at {config}; left as it is.")


def _asked_addresses() -> list[str]:
    """My addresses, asked for when a person is at the terminal (never from a pipe or a
    script, which get the starter without them); asked again after a typo."""
    import sys

    from nudger.config.starter import my_addresses
    from nudger.errors import UsageError

    while sys.stdin.isatty():
        try:
            answer = input(MY_ADDRESSES)
        except EOFError:
            typer.echo()
            return []
        try:
            return my_addresses([answer], given_as="")
        except UsageError as error:
            typer.echo(f"{error.message.strip()}; try again.")
    return []


@config_app.command("path", epilog='Example: $EDITOR "$(nudger config path)"')
def config_path(ctx: typer.Context) -> None:
    """Print where the config file is (it may not exist yet)."""
    typer.echo(str(session(ctx).config_path))


@config_app.command("show", epilog="Example: nudger config show --json")
def config_show(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print every effective setting: defaults, the file and NUDGER_* overrides together."""
    run = session(ctx)
    values = run.settings.model_dump(mode="json", exclude_none=True)
    if json_output:
        print_json(values)
        return
    import tomlkit

    state = "" if run.loaded.exists else " (does not exist: all defaults)"
    typer.echo(f"# effective settings from {run.loaded.path}{state}")
    typer.echo(tomlkit.dumps(values).rstrip())


@config_app.command("get", epilog="Example: nudger config get balance.one_sided")
def config_get(
    ctx: typer.Context,
    key: Annotated[
        str, typer.Argument(help="A dotted key such as checkin.time or people.Alex.kind.")
    ],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the effective value of one setting."""
    from nudger.config.edit import parse_key, value_at

    values = session(ctx).settings.model_dump(mode="json")
    value = value_at(values, parse_key(key, values))
    if json_output or isinstance(value, dict | list):
        print_json(value)
    else:
        typer.echo(_plain(value))


@config_app.command("set", epilog="Example: nudger config set checkin.time 21:00")
def config_set(
    ctx: typer.Context,
    key: Annotated[
        str, typer.Argument(help="A dotted key such as checkin.time or people.Alex.kind.")
    ],
    value: Annotated[
        str,
        typer.Argument(help='The value, as TOML if it parses (15, true, ["a", "b"]), else text.'),
    ],
) -> None:
    """Change one setting in the config file, after checking the whole result."""
    from nudger.config.edit import set_value

    change = set_value(session(ctx).config_path, key, value)
    old = _plain(change.old) + (" (default)" if change.old_was_default else "")
    typer.echo(f"{change.key}: {old} → {_plain(change.new)}")


def _plain(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
