"""Errors a user can act on, each carrying its exit code.

The CLI's single handler turns these into one readable message (plus a hint) and the exit code;
anything that is not a `NudgerError` is a bug or a runtime failure and gets exit 1.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class NudgerError(Exception):
    """A failure with a message meant for the user, and optionally the remedy."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(NudgerError):
    """Bad input on the command line: a value the user can correct."""

    exit_code = EXIT_USAGE


class ConfigError(NudgerError):
    """The configuration file or a NUDGER_* override is invalid; names the file and the key."""

    exit_code = EXIT_USAGE


class UnknownPersonError(UsageError):
    """A name that matches nobody tracked; the message lists the close names."""


class StoreError(NudgerError):
    """The log cannot be opened or written (permissions, a full disk, a newer schema)."""
