"""Where nudger keeps its configuration and its data.

Config: `--config`, else `$NUDGER_CONFIG`, else `$XDG_CONFIG_HOME/nudger/config.toml`.
Data (the log): `$NUDGER_DATA_DIR`, else `$XDG_DATA_HOME/nudger/`.
Resolution only: this module creates nothing, so read-only commands leave no trace.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "nudger"
CONFIG_ENV = "NUDGER_CONFIG"
DATA_DIR_ENV = "NUDGER_DATA_DIR"
OVERRIDE_PREFIX = "NUDGER_"  # NUDGER_SECTION__KEY overrides a setting (but for the two above)
LOG_FILE_NAME = "log.sqlite3"


def default_config_path() -> Path:
    """The config file used when neither `--config` nor `$NUDGER_CONFIG` is given."""
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def config_path(explicit: Path | None = None) -> tuple[Path, bool]:
    """The config file to use and whether the user named it (a named file must exist)."""
    if explicit is not None:
        return explicit.expanduser(), True
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env).expanduser(), True
    return default_config_path(), False


def data_dir() -> Path:
    """The folder holding the log and other state."""
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return platformdirs.user_data_path(APP_NAME)


def log_path() -> Path:
    """The SQLite log."""
    return data_dir() / LOG_FILE_NAME
