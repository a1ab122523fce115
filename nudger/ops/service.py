"""Installing the daemon as a systemd user service: the unit file and the `systemctl --user` calls.

Owns the shipped unit template (`systemd/nudger.service` in a checkout, `nudger/nudger.service`
in a wheel), rendering it for the nudger that runs (only ExecStart changes), the user unit folder,
and whether a user manager runs to take it. Commands go to systemctl as argv lists, never through
a shell. Prints nothing: `install` and `uninstall` return what they did, the CLI says it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from nudger.errors import NudgerError

UNIT_NAME = "nudger.service"
# The folder the unit's sandbox lets the daemon write (ReadWritePaths=-%h/.local/share/nudger).
UNIT_DATA_FOLDER = Path(".local", "share", "nudger")
SYSTEMCTL_TIMEOUT_SECONDS = 60  # `enable --now` waits for READY=1 (TimeoutStartSec=60s)
_CHECKOUT_TEMPLATE = Path(__file__).parents[2] / "systemd" / UNIT_NAME
_PROGRESS = ("Created symlink ", "Removed ")


class ServiceError(NudgerError):
    """systemctl refused or failed, or the unit could not be written; exit 1."""


@dataclass
class Outcome:
    """What `install` or `uninstall` did, one sentence a step, and what is left to the user."""

    done: list[str] = field(default_factory=list)
    commands_to_run: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def unit_template() -> str:
    """The shipped unit: packaged inside the wheel, or the checkout's `systemd/` folder."""
    packaged = resources.files("nudger").joinpath(UNIT_NAME)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    if _CHECKOUT_TEMPLATE.is_file():
        return _CHECKOUT_TEMPLATE.read_text(encoding="utf-8")
    raise ServiceError(
        f"the unit template {UNIT_NAME} is missing from this installation",
        hint="reinstall nudger (pip install --force-reinstall nudger)",
    )


def running_nudger(argv0: str | None = None, python: str | None = None) -> list[str]:
    """The command that starts the nudger now running: its console script when that is how it
    was started (a venv's `bin/nudger` works without activating the venv), else `python -m
    nudger` with this interpreter. Paths are absolute but symlinks are kept: a venv's python is
    a symlink that must stay one for the venv to be used."""
    script = Path(sys.argv[0] if argv0 is None else argv0)
    if script.name == "nudger" and script.is_file() and os.access(script, os.X_OK):
        return [_absolute(script)]
    interpreter = sys.executable if python is None else python
    if not interpreter:
        raise ServiceError(
            "cannot tell which Python runs nudger", hint="run the nudger script itself"
        )
    return [_absolute(interpreter), "-m", "nudger"]


def _absolute(path: str | Path) -> str:
    # Normalized (systemd refuses "..") but not resolved: Path.resolve() would follow a venv's
    # python symlink out of the venv, and past a link (pipx) that is the name the user keeps.
    return os.path.abspath(path)  # noqa: PTH100


def daemon_command(nudger: Sequence[str], config: Path | None = None) -> list[str]:
    """The daemon's command line: `nudger [--config FILE] daemon`. A config file the user named
    (`--config`, `$NUDGER_CONFIG`) goes on the line, as the service sees none of this shell's
    variables."""
    options = [] if config is None else ["--config", _absolute(config)]
    return [*nudger, *options, "daemon"]


def exec_line(command: Sequence[str]) -> str:
    """`command` as the value of an ExecStart= line, which systemd splits back into exactly
    these words: a word holding whitespace, a quote or a backslash is double-quoted; `%` starts
    a specifier everywhere, `$` a variable only in the arguments (not in the program)."""
    program, *arguments = command
    for word in command:
        if any(character in word for character in "\n\r\0"):
            raise ServiceError(
                f"cannot put {word!r} in a unit file: it holds a line break",
                hint="install nudger under a path without one",
            )
    if not string_is_safe(program):
        raise ServiceError(
            f"systemd refuses to start a program whose path holds a quote or a backslash: "
            f"{program}",
            hint="install nudger under a path without them (pipx puts it in ~/.local/bin)",
        )
    words = [_quoted(program.replace("%", "%%"), program)]
    for argument in arguments:
        escaped = argument.replace("\\", "\\\\").replace('"', '\\"')
        words.append(_quoted(escaped.replace("%", "%%").replace("$", "$$"), argument))
    return " ".join(words)


def string_is_safe(path: str) -> bool:
    """systemd's own test for the program of an ExecStart= line (it refuses the unit, fatally,
    otherwise): no quote, no backslash, no control character."""
    return not any(character in "\"'\\\x7f" or ord(character) < 0x20 for character in path)


def _quoted(escaped: str, original: str) -> str:
    """`escaped` as one word: in double quotes when the original holds whitespace, a quote or a
    backslash (or is empty), bare otherwise."""
    bare = original and not any(c.isspace() or c in "'\"\\" for c in original)
    return escaped if bare else f'"{escaped}"'


def render_unit(template: str, command: Sequence[str]) -> str:
    """`template` with its one ExecStart= line running `command`; every other line kept."""
    lines = template.splitlines(keepends=True)
    starts = [index for index, line in enumerate(lines) if line.startswith("ExecStart=")]
    if len(starts) != 1:
        raise ServiceError(f"the unit template has {len(starts)} ExecStart= lines, not one")
    lines[starts[0]] = f"ExecStart={exec_line(command)}\n"
    return "".join(lines)


def unit_folder() -> Path:
    """Where the user's own units live: `$XDG_CONFIG_HOME/systemd/user`, else
    `~/.config/systemd/user` (a relative XDG_CONFIG_HOME is ignored, as the XDG spec says)."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    config = Path(base) if Path(base).is_absolute() else Path.home() / ".config"
    return config / "systemd" / "user"


def systemctl_argv(*arguments: str) -> list[str]:
    """A `systemctl --user …` command line, as shown to the user and as run."""
    return ["systemctl", "--user", *arguments]


def user_manager_running() -> bool:
    """Whether a systemd user manager answers here: `systemctl --user show-environment` reaches
    it over the same channel (`$XDG_RUNTIME_DIR/systemd/private` or the bus) that `enable` will
    use. False without systemctl, without a manager, or when it does not answer in time."""
    if shutil.which("systemctl") is None:
        return False
    try:
        answered = subprocess.run(
            systemctl_argv("show-environment"),
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return answered.returncode == 0


def run_systemctl(*arguments: str) -> None:
    """Run `systemctl --user ARGUMENTS`, or raise ServiceError carrying its message."""
    argv = systemctl_argv(*arguments)
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=SYSTEMCTL_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise ServiceError(
            f"{shlex.join(argv)} did not finish in {SYSTEMCTL_TIMEOUT_SECONDS} s",
            hint=f"see: systemctl --user status {UNIT_NAME}",
        ) from error
    except OSError as error:
        raise ServiceError(f"cannot run systemctl: {error.strerror or error}") from error
    if done.returncode != 0:
        said = " ".join(
            line.strip()
            for line in (done.stderr or done.stdout).splitlines()
            if not line.startswith(_PROGRESS)  # what it did before failing, not why it failed
        )
        raise ServiceError(
            f"{shlex.join(argv)} failed (exit {done.returncode}): {said or 'no message'}",
            hint=f"see: systemctl --user status {UNIT_NAME}; journalctl --user -u nudger",
        )


def install(command: Sequence[str], data_folder: Path) -> Outcome:
    """Write the unit running `command`, create `data_folder` (the sandbox opens it only if it
    exists), and where a user manager runs, reload it and enable and start the service; where
    none runs, list the commands for later. Installing again replaces the unit and restarts a
    running service whose unit changed."""
    from nudger.private_file import make_private_folder, write_private

    text = render_unit(unit_template(), command)
    path = unit_folder() / UNIT_NAME
    previous = path.read_text(encoding="utf-8") if path.is_file() else None
    outcome = Outcome()
    try:
        write_private(path, text)
        if not data_folder.is_dir():
            make_private_folder(data_folder)
            outcome.done.append(f"Created {data_folder}, where the service keeps the log.")
    except OSError as error:
        raise ServiceError(f"cannot write {error.filename}: {error.strerror}") from error
    verb = "Wrote" if previous is None else ("Kept" if previous == text else "Replaced")
    outcome.done.insert(0, f"{verb} {path}")
    if data_folder.absolute() != Path.home() / UNIT_DATA_FOLDER:
        outcome.notes.append(
            f"The log is at {data_folder}, but the service may write only to "
            f"~/{UNIT_DATA_FOLDER.as_posix()} and does not see this shell's NUDGER_DATA_DIR or "
            f"XDG_DATA_HOME. Add both with: systemctl --user edit {UNIT_NAME}, then "
            f"[Service] ReadWritePaths={data_folder} and Environment=NUDGER_DATA_DIR={data_folder}"
        )
    steps = [["daemon-reload"], ["enable", "--now", UNIT_NAME]]
    if previous is not None and previous != text:
        steps.insert(1, ["try-restart", UNIT_NAME])  # restarts it only if it runs
    if not user_manager_running():
        outcome.commands_to_run.extend(
            systemctl_argv(*step) for step in steps if step[0] != "try-restart"
        )
        return outcome
    for step in steps:
        run_systemctl(*step)
        outcome.done.append(f"Ran {shlex.join(systemctl_argv(*step))}")
    return outcome


def uninstall() -> Outcome:
    """Stop and disable the service where a user manager runs, remove the unit (and, with no
    manager, the links `enable` made), reload. Nothing to do when it is not installed."""
    folder = unit_folder()
    path = folder / UNIT_NAME
    if not path.exists() and not path.is_symlink():
        return Outcome(
            done=[f"{UNIT_NAME} is not installed ({path} does not exist); nothing to do."]
        )
    outcome = Outcome()
    manager = user_manager_running()
    if manager:
        run_systemctl("disable", "--now", UNIT_NAME)
        outcome.done.append(f"Ran {shlex.join(systemctl_argv('disable', '--now', UNIT_NAME))}")
    try:
        if not manager:
            # What `disable` would remove: the links that enabled it (WantedBy=).
            for link in sorted(folder.glob(f"*.wants/{UNIT_NAME}")):
                if link.is_symlink():
                    link.unlink()
                    outcome.done.append(f"Removed {link}")
        path.unlink()
    except OSError as error:
        raise ServiceError(f"cannot remove {error.filename}: {error.strerror}") from error
    outcome.done.append(f"Removed {path}")
    if manager:
        run_systemctl("daemon-reload")
        outcome.done.append(f"Ran {shlex.join(systemctl_argv('daemon-reload'))}")
    return outcome
