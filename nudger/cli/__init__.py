"""The `nudger` command line: a thin layer over the core, one module per group of commands.

typer turns every registered command into a click command at each start, so `main` registers
only the module the invoked command lives in (all of them for help, completion or a typo):
the commands people run most start as fast as a one-command app.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

import typer

from nudger.cli.app import app, silence_stdout
from nudger.errors import EXIT_FAILURE

COMMAND_MODULES = {
    "init": "config_commands",
    "config": "config_commands",
    "people": "people_commands",
    "log": "log_commands",
    "balance": "query_commands",
    "history": "query_commands",
    "drift": "query_commands",
    "calendars": "calendar_commands",
    "daemon": "daemon_commands",
    "status": "daemon_commands",
    "nudges": "daemon_commands",
    "done": "daemon_commands",
    "skip": "daemon_commands",
    "snooze": "daemon_commands",
    "answer": "daemon_commands",
    "wait": "daemon_commands",
    "plans": "plan_commands",
    "auth": "calendar_commands",
    "service": "service_commands",
    "doctor": "doctor_commands",
    "export": "data_commands",
    "forget": "data_commands",
    "report": "report_commands",
    "notify": "notify_commands",
    "import": "import_commands",
}
_ROOT_OPTIONS_WITH_VALUE = ("--config", "-c")


def load_commands(command: str | None = None) -> typer.Typer:
    """The app with the module of `command` registered, or every module when it is None."""
    module = COMMAND_MODULES.get(command or "")
    names = [module] if module else sorted(set(COMMAND_MODULES.values()))
    for name in names:
        importlib.import_module(f"nudger.cli.{name}")
    return app


def invoked_command(args: Sequence[str]) -> str | None:
    """The command word in `args` (after the root options), or None for help and completion."""
    if any(name.endswith("_COMPLETE") for name in os.environ):
        return None
    skip_value = False
    for arg in args:
        if skip_value:
            skip_value = False
        elif arg in _ROOT_OPTIONS_WITH_VALUE:
            skip_value = True
        elif not arg.startswith("-"):
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: runs the app and returns its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = load_commands(invoked_command(args))
    code = 0
    try:
        command(args=args, prog_name="nudger")
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    try:  # what is still buffered goes now, where a closed pipe can be answered quietly
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        return EXIT_FAILURE
    return code
