"""Writing a file only its owner may read, atomically: settings, grants and tokens; and making
the folders that hold them, which only their owner may open.

Created 0600 (never chmodded later, so it is never readable by others even for a moment) in a
0700 folder, fsynced, renamed over the old one, and the rename fsynced: a crash leaves the old
file or the new one, never half of either.
"""

from __future__ import annotations

import os
from pathlib import Path


def make_private_folder(path: Path) -> None:
    """Create `path` and every missing folder above it 0700. `mkdir(parents=True)` would give
    the folders above the default mode: `init` made the data folder 0755 that way while
    creating the calendar folder inside it. A folder that exists is left as it is."""
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)


def write_private(path: Path, text: str, *, durable: bool = True) -> None:
    """Replace `path` with `text` atomically, the file 0600 from its creation on (never
    chmodded later, so it is never readable by others even for a moment), a new folder 0700.

    `durable=False` skips the flushes to disk: still atomic for readers and against a killed
    process, for a file rewritten often whose loss in a power cut costs nothing (a heartbeat),
    so writing it does not wake the disk every minute."""
    make_private_folder(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)  # a leftover of a crash; O_EXCL below refuses symlinks
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            if durable:
                os.fsync(file.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if not durable:
        return
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a crash
    finally:
        os.close(folder)
