"""The root command, its shared options, the per-run session and the one error handler.

Commands stay thin: they parse, call one function, render. Whatever goes wrong reaches
`NudgerGroup.invoke`, which prints one sentence (and the remedy) and picks the exit code: 2 for a
user's mistake, 1 for a runtime failure. A traceback is shown only with `-v`.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import MutableMapping
from datetime import datetime, tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from nudger import __version__, clock
from nudger.cli import help_types
from nudger.config import paths
from nudger.errors import EXIT_FAILURE, NudgerError

if TYPE_CHECKING:
    from nudger.config.file import LoadedSettings
    from nudger.config.settings import Settings
    from nudger.config.settings_core import QuerySettings
    from nudger.log.store import Store

EXIT_INTERRUPTED = 130

help_types.apply()  # flags show no `<bool>` in any command's --help


def _stamp(path: Path) -> tuple[int, int] | None:
    """What tells an edited file from the same one: its modification time and size."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class Session:
    """What one run of the CLI shares between its parts; everything is loaded on first use."""

    def __init__(self, config_option: Path | None = None, verbose: bool = False) -> None:
        self.config_option = config_option
        self.verbose = verbose
        self.wrote = False  # the log was opened for writing: a running daemon should replan
        self.config_stamp = _stamp(self.config_path)

    @cached_property
    def loaded(self) -> LoadedSettings[Settings]:
        from nudger.config import file as config_file

        return config_file.load(self.config_option)

    @property
    def settings(self) -> Settings:
        """Every setting, the whole file validated."""
        return self.loaded.settings

    @cached_property
    def query_settings(self) -> QuerySettings:
        """The sections query commands read, validated alone so they start quickly."""
        from nudger.config import file as config_file

        return config_file.load_for_queries(self.config_option).settings

    @property
    def config_path(self) -> Path:
        return paths.config_path(self.config_option)[0]

    @cached_property
    def zone(self) -> tzinfo:
        from nudger.config.timezone import user_zone

        me = self.loaded.settings.me if "loaded" in vars(self) else self.query_settings.me
        return user_zone(me.timezone)

    @cached_property
    def now(self) -> datetime:
        """One instant for the whole run, so every part of a command agrees on it."""
        return clock.now()

    def changed_anything(self) -> bool:
        """Whether this run wrote the log or edited the config file, which a running daemon
        should hear about now rather than at its next tick."""
        return self.wrote or _stamp(self.config_path) != self.config_stamp

    def store(self) -> Store:
        from nudger.log.store import Store

        self.wrote = True
        return Store.open(paths.log_path())

    def store_for_reading(self) -> Store:
        from nudger.log.store import Store

        return Store.open_for_reading(paths.log_path())


def silence_stdout() -> None:
    """After the reader closed the pipe (`nudger plans | head`), send what is left of stdout
    nowhere, so Python does not complain when it flushes at exit (the `signal` docs' recipe)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def reader_went_away() -> NoReturn:
    """A closed pipe is a quiet exit with 1, as rich makes it for its tables."""
    silence_stdout()
    raise typer.Exit(EXIT_FAILURE)


class NudgerGroup(TyperGroup):
    """The root group: runs every command inside the one error handler."""

    def invoke(self, ctx: Any) -> Any:
        try:
            result = super().invoke(ctx)
        except NudgerError as error:
            _fail(ctx, error.message, error.hint, error.exit_code)
        except KeyboardInterrupt:
            _fail(ctx, "interrupted", None, EXIT_INTERRUPTED)
        except BrokenPipeError:
            reader_went_away()
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except Exception as error:
            if type(error).__module__.startswith("typer"):
                raise  # usage errors and exits: typer prints and exits on its own
            _fail(
                ctx,
                f"unexpected {type(error).__name__}: {error}",
                "run again with -v to see where it happened",
                EXIT_FAILURE,
            )
        if isinstance(ctx.obj, Session) and ctx.obj.changed_anything():
            from nudger.daemon import wake

            wake.poke(paths.data_dir())  # a running daemon replans (and re-reads the config) now
        return result

    # --- completion wiring ----------------------------------------------------------------------

    def _main_shell_completion(
        self,
        ctx_args: MutableMapping[str, Any],
        prog_name: str,
        complete_var: str | None = None,
    ) -> None:
        """When a shell asks for completions, first give the arguments that take people,
        calendars or nudge ids their completers (`nudger.cli.completion`); otherwise nothing."""
        variable = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        if os.environ.get(variable):
            from nudger.cli.completion import attach

            attach(self)
        super()._main_shell_completion(ctx_args, prog_name, complete_var)


def _fail(ctx: Any, message: str, hint: str | None, code: int) -> NoReturn:
    session = ctx.obj if isinstance(ctx.obj, Session) else None
    if session is not None and session.verbose:
        traceback.print_exc()
    typer.secho(f"nudger: {message}", err=True, fg="red")
    if hint:
        typer.echo(f"  {hint}", err=True)
    raise typer.Exit(code)


app = typer.Typer(
    cls=NudgerGroup,
    name="nudger",
    help="Notice one-sided plans with the people you track, and nudge at the right moments.",
    epilog="Examples: nudger init · nudger people add Alex --kind partner · nudger balance "
    "(docs: README.md)",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"nudger {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="The config file (default: $NUDGER_CONFIG, else ~/.config/nudger/config.toml).",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show tracebacks and more detail.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Notice one-sided plans with the people you track, and nudge at the right moments."""
    ctx.obj = Session(config_option=config, verbose=verbose)


def session(ctx: typer.Context) -> Session:
    """The run's session, from any command's context."""
    found = ctx.find_object(Session)
    if found is None:  # a command invoked without the root callback (never from the CLI)
        found = Session()
        ctx.obj = found
    return found


def print_json(data: Any) -> None:
    import json

    # Compact: it is for scripts (pipe it through jq to read it), and the C encoder is faster.
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
