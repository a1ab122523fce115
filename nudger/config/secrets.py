"""Reading a secret the config refers to: a command that prints it, an environment variable,
or the system keyring. The config never holds the secret itself.

One reader for every secret nudger needs (a CalDAV password, a notification channel's URL,
which carries its token), so they are found, and fail, the same way. A failure's message names
the setting, the command or the variable, never what was read.
"""

from __future__ import annotations

import importlib
import os
import subprocess
from dataclasses import dataclass

from nudger.errors import NudgerError

SERVICE = "nudger"  # the keyring service every secret is stored under


class SecretError(NudgerError):
    """The secret could not be read; `retry` says whether trying again later may help (a
    keyring that is locked now) or not (a command that fails, a variable that is unset)."""

    def __init__(self, message: str, *, retry: bool, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry = retry


@dataclass(frozen=True, slots=True)
class SecretSource:
    """Where a secret is read from, and the names of the settings that say so (`what` is
    `password` or `url`: the keys are `{what}_command` and `{what}_env`, for the messages)."""

    what: str
    command: tuple[str, ...] = ()
    env: str = ""
    keyring_user: str | None = None  # None: the keyring is not asked

    @property
    def configured(self) -> bool:
        return bool(self.command or self.env or self.keyring_user is not None)


def read(source: SecretSource, timeout: float) -> str | None:
    """The secret, from the command, else the environment variable, else the keyring; None
    when none of them is configured. Raises `SecretError`, whose message never holds it."""
    if source.command:
        return _from_command(source, timeout)
    if name := source.env:
        if value := os.environ.get(name):
            return value
        raise SecretError(f"the environment variable {name} is not set", retry=False)
    if source.keyring_user is None:
        return None
    return _from_keyring(source.keyring_user, source.what)


def _from_command(source: SecretSource, timeout: float) -> str:
    def failed(problem: str) -> SecretError:
        return SecretError(
            f"{source.what}_command {source.command[0]} failed ({problem})", retry=False
        )

    try:
        done = subprocess.run(list(source.command), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise failed(f"no answer within {timeout:g} s") from None
    except OSError as failure:
        raise failed(str(failure.strerror)) from None
    if done.returncode:
        raise failed(f"exit status {done.returncode}")
    if first := next(iter(done.stdout.splitlines()), "").strip():
        return first
    raise failed("no output")


def _from_keyring(user: str, what: str) -> str:
    try:
        value = importlib.import_module("keyring").get_password(SERVICE, user)
    except ImportError:
        missing = "keyring = true needs the keyring package: pip install keyring"
        raise SecretError(missing, retry=False) from None
    except Exception as failure:  # every keyring backend raises its own errors
        raise SecretError(f"the keyring failed ({type(failure).__name__})", retry=True) from None
    if not value:
        no = f'the keyring has no {what} for {user!r} (service "{SERVICE}")'
        raise SecretError(no, retry=False, hint=f"keyring set {SERVICE} {user}")
    return str(value)
