"""One calendar's sync in a process of its own, started by the daemon for each scheduled sync.

    python -m nudger.sync.worker NAME --now ISO [--config FILE]

Why a process: parsing a calendar of thousands of events takes a hundred megabytes or more, and
CPython keeps what it once took; the CalDAV and Google libraries alone weigh tens of megabytes.
In a child, all of it is returned to the system when the sync ends, so the long-running daemon
stays small and never imports a calendar library at all. A hung or crashing adapter cannot take
the daemon with it either: the daemon kills a sync that overruns, and the sync's transaction makes
that safe. The outcome goes where every sync's goes, the log's sync state; the exit code says
0 synced, 1 failed (recorded), 2 the config is not valid.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from nudger.config import file as config_file
from nudger.config import paths
from nudger.config.core_values import rules_from
from nudger.config.timezone import user_zone
from nudger.errors import NudgerError
from nudger.log.store import Store
from nudger.sync import fence, log_lines
from nudger.sync.calendars import Trust, factories, sync_all, window_for

log = logging.getLogger("nudger.sync")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nudger.sync.worker")
    parser.add_argument("source")
    parser.add_argument("--now", required=True, type=datetime.fromisoformat)
    parser.add_argument("--config", type=Path)
    arguments = parser.parse_args(argv)
    # Ctrl-C in the daemon's terminal reaches this process too: end as SIGTERM ends it, at
    # once and without a traceback. Nothing half-done stays: SQLite rolls back what the sync
    # had not committed (each source's facts and state are one transaction).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    log_lines.set_up(logging.INFO)
    try:
        settings = config_file.load(arguments.config).settings
        zone = user_zone(settings.me.timezone)
        data_dir = paths.data_dir()
        chosen = [f for f in factories(settings, data_dir) if f[0] == arguments.source]
        fence.limit_memory(settings.sync.max_memory_per_source)  # the daemon kills overruns
        with Store.open(data_dir / paths.LOG_FILE_NAME) as store:
            outcomes = sync_all(
                store,
                chosen,
                rules_from(settings),
                window_for(settings, arguments.now, zone),
                now=arguments.now,
                loose_expire_after=settings.plans.loose_expire_after,
                trust=Trust(settings.sync.max_vanished_share),
            )
    except NudgerError as error:
        log.error("%s: %s", arguments.source, error.message)
        return error.exit_code
    for outcome in outcomes:
        log.info("%s: %s", outcome.source, outcome.message)
    return 0 if all(outcome.ok for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
