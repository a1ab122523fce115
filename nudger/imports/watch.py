"""The watched folder (`imports.folder`): a chat export or call log saved there is imported by the
daemon's next pass, once, as `nudger import FILE` would (no `--person`, no `--group`).

    python -m nudger.imports.watch --now ISO [--config FILE]

Why a process of its own, like a calendar's sync (`nudger.sync.worker`): a 200 MB export takes
a while and memory to read; in a child the daemon's loop never stalls on it and the memory goes
back to the system when the pass ends. The lines it prints (one per file) go to the journal.

A file is a version: its path, size and modification time. A version read once, imported or
failed, is recorded in the log (`import_file`) and never read again; a failed file is reported
once and tried again only when it changes. An imported file is recorded in the same transaction
as its facts, so a crash leaves both or neither. A failed file adds no facts, so its record is
a transaction of its own. A file modified in the last `SETTLE` may still be being written (a
download, a copy): it waits for a later pass.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import signal
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from nudger.config import file as config_file
from nudger.config import paths
from nudger.config.settings import Settings
from nudger.config.timezone import user_zone
from nudger.errors import NudgerError
from nudger.imports.chats import Outcome
from nudger.imports.run import Failure, import_files, setup_for, summary
from nudger.log import imports as import_log
from nudger.log.store import Store

log = logging.getLogger("nudger.imports")

FOLDER_NAME = "imports"  # in the data folder, when `imports.folder` is not set
SETTLE = timedelta(seconds=10)  # a file modified more recently may still be being written
PARTIAL = (".part", ".crdownload", ".tmp")  # what browsers and copies write before the file

Version = tuple[str, int, int]  # the digest of the path, the size, the mtime in ns


def folder_for(settings: Settings, data_dir: Path) -> tuple[Path, bool]:
    """The watched folder, and whether it is the default one (which nudger may create)."""
    if settings.imports.folder is None:
        return data_dir / FOLDER_NAME, True
    return settings.imports.folder.expanduser(), False


def version(path: Path) -> Version:
    """What identifies this file's content for the log. The path is kept as a digest: an
    export's name often names the chat ("WhatsApp Chat with Alex.txt"), and the log keeps no
    titles."""
    found = path.stat()
    digest = hashlib.sha256(str(path.absolute()).encode("utf-8", "surrogateescape")).hexdigest()
    return digest, found.st_size, found.st_mtime_ns


def new_files(folder: Path, seen: Iterable[Version], *, now: datetime) -> list[Path]:
    """The regular files directly in `folder` whose version was never read, by name: not
    hidden, not a partial download, not modified within `SETTLE` of `now`. A missing folder has
    none."""
    known = set(seen)
    settled_before = (now - SETTLE).timestamp() * 1e9
    try:
        entries = sorted(folder.iterdir())
    except FileNotFoundError:
        return []
    found: list[Path] = []
    for path in entries:
        if path.name.startswith(".") or path.name.endswith(PARTIAL) or not path.is_file():
            continue
        try:
            current = version(path)
        except OSError:  # gone since the listing
            continue
        if current not in known and current[2] <= settled_before:
            found.append(path)
    return found


def import_new(store: Store, settings: Settings, zone: tzinfo, now: datetime) -> list[str]:
    """Import each new file of the watched folder; the lines to log, one per file."""
    folder, default = folder_for(settings, paths.data_dir())
    if not folder.is_dir():
        if not default:
            return [missing(folder)]
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # empty: nothing to import yet
        return []
    setup = setup_for(settings, zone)
    lines: list[str] = []
    for path in new_files(folder, import_log.seen_files(store.db), now=now):
        current = version(path)

        def record(outcome: Outcome, current: Version = current) -> None:
            import_log.record_file(store.db, *current, _kept(outcome), now)

        try:
            (result,) = import_files(store, [path], setup, now=now, also=record)
        except OSError as error:  # unreadable (permissions, gone half-way): this file alone
            result = Failure(path, f"{path} could not be read: {error.strerror or error}", None)
        if isinstance(result, Failure):
            with store.transaction():
                said = result.message.splitlines()[0].replace(str(path), "the file")
                failed = "failed: " + said.replace(path.name, "the file")
                import_log.record_file(store.db, *current, failed, now)
            hint = f" ({result.hint})" if result.hint else ""
            lines.append(f"{path.name}: not imported: {' '.join(result.message.split())}{hint}")
        else:
            lines.append(summary(result))
    return lines


def missing(folder: Path) -> str:
    """The warning for a configured folder that is not there (a typo, an unmounted disk)."""
    return f"the watched folder {folder} does not exist: nothing imported (imports.folder)"


def _kept(outcome: Outcome) -> str:
    """What the log keeps of an import's outcome: counts only (the summary may name an
    untracked participant, and the log keeps nothing of them)."""
    added = sum(outcome.added.values())
    return (
        f"ok: {outcome.format}: added {added}, already known {outcome.known}, "
        f"skipped {outcome.skipped} lines"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """One pass: exit 0 when every new file was imported, 1 when one failed (reported), 2
    when the config is not valid."""
    parser = argparse.ArgumentParser(prog="python -m nudger.imports.watch")
    parser.add_argument("--now", required=True, type=datetime.fromisoformat)
    parser.add_argument("--config", type=Path)
    arguments = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as the sync worker: Ctrl-C ends it quietly
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        settings = config_file.load(arguments.config).settings
        with Store.open(paths.data_dir() / paths.LOG_FILE_NAME) as store:
            lines = import_new(store, settings, user_zone(settings.me.timezone), arguments.now)
    except NudgerError as error:
        log.error("imports: %s", error.message)
        return error.exit_code
    for line in lines:
        log.info("imports: %s", line)
    return 1 if any(": not imported: " in line for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
