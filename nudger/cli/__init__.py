"""The `nudger` command line: a thin layer over the core, one module per group of commands."""

from __future__ import annotations

from nudger.cli import config_commands, log_commands, people_commands, query_commands
from nudger.cli.app import app

__all__ = ["app", "config_commands", "log_commands", "main", "people_commands", "query_commands"]


def main() -> int:
    """The console script: runs the app and returns its exit code."""
    try:
        app()
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0
