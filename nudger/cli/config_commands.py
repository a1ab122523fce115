"""`nudger init` and `nudger config show|get|set|path`: preferences from the command line."""

from __future__ import annotations

import json
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

STARTER = """\
# nudger's settings. Every setting, with its default and what it does, is listed in
# config.example.toml; change one with `nudger config set KEY VALUE` (it checks the value and
# keeps these comments) or edit this file.

[me]
name = {name}
emails = []            # your addresses, so nudger knows which invitations are yours
timezone = "system"    # or an IANA zone name such as "Europe/Berlin"

# Add the people you track with: nudger people add NAME --email ADDRESS --kind partner

# The embedded default source: a folder of .ics files (the vdir layout that vdirsyncer and khal
# write). Put .ics files in it, or sync a calendar into it.
[[calendars]]
name = "local"
type = "ics"
path = {folder}
"""


@app.command(epilog="Example: nudger init --name Sam")
def init(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="How nudger addresses you.")] = None,
) -> None:
    """Create a starter config and the data folder; an existing config is never overwritten."""
    import getpass

    from nudger.config.file import parse_document, validate
    from nudger.private_file import make_private_folder, write_private

    run = session(ctx)
    config = run.config_path
    folder = paths.data_dir() / "calendar"
    if config.exists():
        typer.echo(f"Config already exists at {config}; left as it is.")
    else:
        text = STARTER.format(
            name=json.dumps(name or getpass.getuser()), folder=json.dumps(str(folder))
        )
        validate(parse_document(text, config), config)
        write_private(config, text)
        typer.echo(f"Wrote a starter config to {config}")
    make_private_folder(folder)
    with run.store() as store:
        typer.echo(f"The log is at {store.path}; .ics files go in {folder}")
    typer.echo(
        "Next: nudger people add NAME --kind partner, then nudger log ... and nudger balance"
    )


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
