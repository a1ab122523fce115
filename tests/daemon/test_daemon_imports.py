"""The daemon reads the watched folder: an export saved there before it starts is imported by
its first pass, in a child process whose line reaches the journal (stderr)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nudger import clock
from nudger.daemon.loop import Daemon
from tests.daemon_harness import eventually, run_daemon
from tests.imports.test_import_formats import CONFIG, chat
from tests.integrations.imports import samples


def messages(log_path: Path) -> int:
    if not log_path.exists():
        return 0
    with sqlite3.connect(log_path) as db:
        return int(db.execute("SELECT count(*) FROM entry WHERE kind = 'message'").fetchone()[0])


def _next_pass(daemon: Daemon) -> datetime:
    job = daemon.scheduler.get_job("imports")
    return datetime.min.replace(tzinfo=UTC) if job is None else job.next_run_time


def test_the_first_pass_imports_what_the_folder_holds(
    write_config: Callable[[str], Path],
    home: Path,
    log_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    write_config(CONFIG)
    folder = home / ".local" / "share" / "nudger" / "imports"
    path = samples.whatsapp_export(folder, chat(me="Sam"), title="Alex")
    past = clock.now().timestamp() - 60
    os.utime(path, (past, past))

    async def scenario(daemon: Daemon) -> None:
        await eventually(lambda: messages(log_path) == 3, within=20)
        # Then the next pass, imports.every (5 min) later.
        await eventually(lambda: _next_pass(daemon) > clock.now() + timedelta(minutes=4), 10)

    run_daemon(scenario)
    err = capfd.readouterr().err
    assert f"imports: {path.name} (whatsapp): added 3 (me 1, them 2; whatsapp 3)" in err
