"""`doctor`'s checks of what the user sets up: the config file, the data folder, the time zone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from nudger.core.when import format_duration
from nudger.errors import ConfigError
from nudger.ops.check import Check, failed, passed

if TYPE_CHECKING:
    from nudger.config.settings import Settings

CONFIG_FIX = "edit the file, or change one value with: nudger config set KEY VALUE (checked first)"


# --- the config -------------------------------------------------------------------------------


def config_check(config_option: Path | None) -> tuple[Check, Settings | None]:
    """The whole file validated, as every command but the queries would; its error text as is."""
    from nudger.config import file as config_file

    try:
        loaded = config_file.load(config_option)
    except ConfigError as error:
        return failed("config", error.message, error.hint or CONFIG_FIX), None
    settings = loaded.settings
    if not loaded.exists:
        detail = f"no file at {loaded.path}: the defaults apply (nudger init writes a starter)"
        return passed("config", detail), settings
    tracked = sum(person.tracked for person in settings.people)
    detail = (
        f"{loaded.path} is valid ({_count(tracked, 'person tracked', 'people tracked')}, "
        f"{_count(len(settings.calendars), 'calendar', 'calendars')})"
    )
    return passed("config", detail), settings


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --- the data folder --------------------------------------------------------------------------


def data_folder_check(folder: Path) -> Check:
    existing = _nearest_existing(folder)
    return data_folder_verdict(
        folder,
        exists=existing == folder,
        is_folder=existing.is_dir(),
        writable=os.access(existing, os.W_OK | os.X_OK),
        nearest=existing,
    )


def data_folder_verdict(
    folder: Path, *, exists: bool, is_folder: bool, writable: bool, nearest: Path
) -> Check:
    moved = "or point NUDGER_DATA_DIR at a folder you can write"
    if not is_folder:
        return failed("data folder", f"{nearest} is not a folder", f"move that file away, {moved}")
    if not writable:
        return failed(
            "data folder",
            f"{nearest} is not writable by you",
            f"make it yours: chmod u+rwx {nearest} (or chown), {moved}",
        )
    if not exists:
        return passed("data folder", f"{folder} does not exist yet; it is created at first use")
    return passed("data folder", f"{folder} is writable")


def _nearest_existing(path: Path) -> Path:
    """`path`, or its nearest ancestor that exists (where a missing folder would be created)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


# --- the time zone ----------------------------------------------------------------------------


def timezone_check(configured: str) -> Check:
    from nudger.config.settings_core import SYSTEM_TIMEZONE

    if configured != SYSTEM_TIMEZONE:
        return timezone_verdict(configured, None, None)
    system, problem = _system_zone()
    return timezone_verdict(configured, system, problem)


def _system_zone() -> tuple[str | None, str | None]:
    """The machine's zone name, as nudger would find it (tzlocal), or why there is none."""
    import warnings
    from zoneinfo import ZoneInfo

    import tzlocal

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tzlocal warns, then falls back to UTC
            name: str | None = tzlocal.get_localzone_name()  # None when nothing names one
        if name is None:
            return None, "the system names no time zone (no TZ, /etc/timezone or /etc/localtime)"
        ZoneInfo(name)
    except Exception as error:  # tzlocal raises its own, zoneinfo its own, for a bad name
        return None, f"the system's time zone is not usable ({error})"
    return name, None


def timezone_verdict(configured: str, system: str | None, problem: str | None) -> Check:
    from nudger.config.settings_core import SYSTEM_TIMEZONE

    if configured != SYSTEM_TIMEZONE:
        return passed("time zone", f"{configured} (me.timezone)")
    if system is None:
        return failed(
            "time zone",
            f"{problem}; nudger falls back to UTC, so local times would be off",
            "name yours: nudger config set me.timezone Europe/Berlin (an IANA name), or set "
            "the system's: timedatectl set-timezone Europe/Berlin",
        )
    return passed("time zone", f"{system} (the system's; me.timezone = {SYSTEM_TIMEZONE!r})")


# --- the watched folder -----------------------------------------------------------------------


def imports_folder_check(settings: Settings) -> Check | None:
    """A configured `imports.folder` that is not there (a typo, an unmounted disk) imports
    nothing; said here as the daemon says it, once. None when there is nothing to check: the
    default folder (created by the daemon) or the folder turned off."""
    folder = settings.imports.folder
    if folder is None or not settings.imports.enabled:
        return None
    folder = folder.expanduser()
    if folder.is_dir():
        return passed(
            "watched folder", f"{folder} is read every {format_duration(settings.imports.every)}"
        )
    return failed(
        "watched folder",
        f"{folder} does not exist: nothing saved there can be imported",
        f"create it (mkdir -p {folder}), or change imports.folder",
    )
