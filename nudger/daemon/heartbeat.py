"""The daemon's heartbeat file: what `status` and `doctor` show, and where the next start begins
looking for nudges that expired while no daemon ran.

Its own small module so that those two commands read it without importing the daemon (and
APScheduler with it). It holds no secret: a pid, times and the notifier in use.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from nudger.private_file import write_private

FILE_NAME = "daemon.json"


def write(data_dir: Path, state: dict[str, Any]) -> None:
    """Replace the heartbeat; not flushed to disk (see `write_private`'s `durable`)."""
    write_private(data_dir / FILE_NAME, json.dumps(state, indent=1) + "\n", durable=False)


def read(data_dir: Path) -> dict[str, Any] | None:
    """The last heartbeat the daemon wrote, or None."""
    try:
        state = json.loads((data_dir / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def last_alive(data_dir: Path) -> datetime | None:
    """When the daemon last said it was alive, or None."""
    state = read(data_dir)
    try:
        return datetime.fromisoformat(state["alive"]) if state else None
    except (KeyError, TypeError, ValueError):
        return None
