"""The daemon's child processes: a sync (`nudger.sync.worker`) or a pass over the watched folder
(`nudger.imports.watch`) runs in one, so the loop where notification buttons are heard never
stalls and the memory a big calendar or export takes goes back to the system afterwards.

Each child gets the daemon's clock and config and the log's folder, and is killed when the
daemon stops or, with a limit, when it overruns: what it had not committed is rolled back by
SQLite, so killing it is always safe.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from nudger.config import paths


@dataclass
class Children:
    """The children under way, started with one config and log folder."""

    config: Path | None
    data_dir: Path
    running: set[asyncio.subprocess.Process] = field(default_factory=set)

    async def run(
        self,
        module: str,
        arguments: Sequence[str],
        *,
        now: datetime,
        limit: timedelta | None = None,
    ) -> tuple[int, bool]:
        """Run `python -m module ARGUMENTS --now NOW [--config FILE]` to its end; returns its
        exit code and whether it overran `limit` (and was killed)."""
        argv = [*arguments, "--now", now.isoformat()]
        if self.config is not None:
            argv += ["--config", str(self.config)]
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            env={**os.environ, paths.DATA_DIR_ENV: str(self.data_dir)},
        )
        self.running.add(child)
        overran = False
        try:
            seconds = None if limit is None else limit.total_seconds()
            code = await asyncio.wait_for(child.wait(), seconds)
        except TimeoutError:
            child.kill()
            code, overran = await child.wait(), True
        except asyncio.CancelledError:
            if child.returncode is None:
                child.kill()
            raise
        finally:
            self.running.discard(child)
        return code, overran

    def kill(self) -> None:
        """Kill every child under way (the daemon stops)."""
        for child in self.running:
            child.kill()
