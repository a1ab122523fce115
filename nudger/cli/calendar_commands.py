"""`nudger calendars add|list|remove|test` and `nudger auth`."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from nudger.cli.app import Session, app, print_json, session
from nudger.config import paths
from nudger.errors import EXIT_FAILURE, UsageError

if TYPE_CHECKING:
    from nudger.config.calendars import Calendar
    from nudger.log.sync_state import SourceState
    from nudger.ports import CalendarSource

calendars_app = typer.Typer(
    help="The calendars nudger reads plans from.",
    epilog="Examples: nudger calendars list · "
    "nudger calendars add home --type ics --path ~/calendars/home",
    no_args_is_help=True,
)
app.add_typer(calendars_app, name="calendars")


def source_factories(run: Session) -> list[tuple[str, Callable[[], CalendarSource]]]:
    """Each enabled calendar's name and a function creating its source (imported only then)."""
    from nudger.sync.calendars import factories

    return factories(run.settings, paths.data_dir())


def installed_types(incomplete: str) -> list[str]:
    """`--type` completes to the installed calendar types, a third party's among them."""
    from nudger import adapters

    return [kind for kind in adapters.available(adapters.CALENDARS) if kind.startswith(incomplete)]


@calendars_app.command(
    "add",
    epilog="Examples: nudger calendars add home --type ics --path ~/calendars/home · "
    "nudger calendars add work --type caldav --url https://dav.example.org/ --username sam "
    "--password-command 'pass show dav' · "
    "nudger calendars add shared --type ics --url https://example.org/a.ics --set interval=6h",
)
def calendars_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A short name for the source.")],
    kind: Annotated[
        str,
        typer.Option(
            "--type",
            "-t",
            help="ics, caldav, google, or an installed adapter's type.",
            autocompletion=installed_types,
        ),
    ],
    path: Annotated[
        Path | None, typer.Option(help="ics: an .ics file or a folder of them.")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="ics: an .ics address; caldav: the server.")
    ] = None,
    username: Annotated[str, typer.Option(help="caldav: the account name.")] = "",
    password_command: Annotated[
        str | None,
        typer.Option(help="caldav: a command printing the password, e.g. 'pass show dav'."),
    ] = None,
    password_env: Annotated[
        str, typer.Option(help="caldav: a variable holding the password.")
    ] = "",
    calendar: Annotated[
        list[str] | None,
        typer.Option(
            "--calendar", help="caldav: a calendar name; google: a calendar id (repeatable)."
        ),
    ] = None,
    client_secrets: Annotated[
        Path | None, typer.Option(help="google: the OAuth client file you downloaded.")
    ] = None,
    other_keys: Annotated[
        list[str] | None,
        typer.Option(
            "--set", metavar="KEY=VALUE", help="Any other key of the table, as TOML (repeatable)."
        ),
    ] = None,
) -> None:
    """Add a calendar source (checked before it is written)."""
    from nudger.config import calendar_tables

    table: dict[str, Any] = {"name": name, "type": kind}
    if kind == "ics":
        table |= _ics_keys(path, url)
    elif kind == "caldav":
        table |= _caldav_keys(url, username, password_command, password_env, calendar)
    elif kind == "google":
        table |= _google_keys(calendar, client_secrets)
    table |= _other_keys(other_keys or [])  # any type's other keys, a third party's included
    calendar_tables.add(session(ctx).config_path, table)
    typer.echo(f"Added calendar {name} ({kind}). Check it with: nudger calendars test {name}")


def _ics_keys(path: Path | None, url: str | None) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    if path is not None:
        if not path.expanduser().exists():  # a typo, or a disk not mounted: say so now
            raise UsageError(
                f"--path {path} does not exist",
                hint="create the folder (or check the path) and add the calendar again",
            )
        keys["path"] = str(path.expanduser().resolve())
    if url is not None:
        keys["url"] = url
    return keys


def _caldav_keys(
    url: str | None,
    username: str,
    password_command: str | None,
    password_env: str,
    calendars: list[str] | None,
) -> dict[str, Any]:
    keys: dict[str, Any] = {"url": url or "", "username": username}
    if password_command:
        keys["password_command"] = shlex.split(password_command)  # an argv list, never a shell
    if password_env:
        keys["password_env"] = password_env
    if calendars:
        keys["calendars"] = calendars
    return keys


def _google_keys(calendar_ids: list[str] | None, client_secrets: Path | None) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    if calendar_ids:
        keys["calendar_ids"] = calendar_ids
    if client_secrets is not None:
        keys["client_secrets"] = str(client_secrets.expanduser().resolve())
    return keys


def _other_keys(settings: list[str]) -> dict[str, Any]:
    """`--set KEY=VALUE` pairs, each value read as TOML where it parses, else as text."""
    from nudger.config import edit as config_edit

    keys: dict[str, Any] = {}
    for setting in settings:
        key, equals, raw = setting.partition("=")
        if not equals or not key.strip():
            raise UsageError(
                f"--set {setting!r}: use KEY=VALUE", hint="such as --set enabled=false"
            )
        keys[key.strip()] = config_edit.parse_value(raw)
    return keys


@calendars_app.command("list", epilog="Example: nudger calendars list --json")
def calendars_list(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the calendar sources and how their last sync went."""
    from nudger.core.text import printable
    from nudger.log.sync_state import source_states

    run = session(ctx)
    with run.store_for_reading() as store:
        states = source_states(store.db)
    rows = [_calendar_row(config, states.get(config.name)) for config in run.settings.calendars]
    if json_output:
        print_json(rows)
        return
    if not rows:
        typer.echo("No calendars yet. Add one: nudger calendars add NAME --type ics --path FOLDER")
    for row in rows:
        state = states.get(str(row["name"]))
        status = "never synced" if state is None else state.describe(run.zone)
        paused = "" if row["enabled"] else " (paused)"
        where = printable(str(row["where"]))
        typer.echo(f"{row['name']}  {row['type']}  {where}{paused}\n    {printable(status)}")


def _calendar_row(config: Calendar, state: SourceState | None) -> dict[str, Any]:
    """A calendar source as `calendars list --json` prints it: where it reads, how it synced."""
    from nudger.config.calendars import GoogleCalendar

    where = str(getattr(config, "path", None) or getattr(config, "url", None) or "")
    if isinstance(config, GoogleCalendar):
        where = ", ".join(config.calendar_ids)
    return {
        "name": config.name,
        "type": config.type,
        "where": where,
        "enabled": config.enabled,
        "last_sync": None if state is None else state.to_json(),
    }


@calendars_app.command("remove", epilog="Example: nudger calendars remove work")
def calendars_remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The source's name.")]
) -> None:
    """Stop reading a calendar. The facts it gave stay in the log."""
    from nudger.config import calendar_tables
    from nudger.log.sync_state import forget_source

    run = session(ctx)
    names = [c.name for c in run.settings.calendars]
    match = calendar_tables.remove(run.config_path, name, names)
    with run.store() as store:
        forget_source(store, match)
    typer.echo(f"Removed calendar {match}; what it logged stays.")


@calendars_app.command("test", epilog="Example: nudger calendars test work")
def calendars_test(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="One source; default all.")] = None,
) -> None:
    """Connect to each calendar source and list what it finds, or say what is wrong."""
    from nudger.core.text import printable  # file names, titles, a server's words
    from nudger.ops.calendar_checks import probe_calendar

    run = session(ctx)
    factories = source_factories(run)
    if name is not None:
        factories = [(n, f) for n, f in factories if n.casefold() == name.casefold()]
        if not factories:
            raise UsageError(f"no enabled calendar named {name!r}")
    failed = 0
    for source_name, make in factories:
        probe = probe_calendar(source_name, make)  # shared with `nudger doctor`
        if not probe.ok:
            failed += 1
            typer.secho(f"✗ {source_name}: {printable(probe.message)}", fg="red")
            if probe.remedy:
                typer.echo(f"    {printable(probe.remedy)}")
            continue
        typer.secho(f"✓ {source_name}", fg="green")
        for line in probe.lines:
            typer.echo(f"    {printable(line)}")
    if failed:
        raise typer.Exit(EXIT_FAILURE)


auth_app = typer.Typer(
    help="Grant nudger read access to a calendar account.",
    epilog="Examples: nudger auth google · nudger auth google --no-browser",
    no_args_is_help=True,
)
app.add_typer(auth_app, name="auth")


@auth_app.command(
    "google", epilog="Examples: nudger auth google · nudger auth google work --no-browser"
)
def auth_google(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Which Google calendar source; default the only one.")
    ] = None,
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open the consent page here.")
    ] = True,
    port: Annotated[int, typer.Option(help="The local port for Google's answer.")] = 0,
) -> None:
    """Sign in to Google once; the grant is kept 0600 and renewed as it expires."""
    from nudger import adapters

    run = session(ctx)
    google = [c for c in run.settings.calendars if c.type == "google"]
    chosen = [c for c in google if name is None or c.name.casefold() == name.casefold()]
    if len(chosen) != 1:
        names = ", ".join(c.name for c in google) or "none"
        raise UsageError(
            "say which Google calendar" if len(chosen) > 1 else "no such Google calendar source",
            hint=f"Google calendars: {names}; add one with: nudger calendars add NAME "
            "--type google --client-secrets FILE",
        )
    authorize = adapters.authorizer("google")
    saved = authorize(chosen[0], data_dir=paths.data_dir(), open_browser=browser, port=port)
    typer.echo(f"Saved the grant to {saved}, readable only by you. Check: nudger calendars test")
