"""Which reader reads a file: the one `--format` names, else the one whose `sniff` recognizes
its first bytes. An unknown format, or none recognizing the file, is a user's mistake (exit 2)
that lists the formats that work."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from nudger.errors import UsageError
from nudger.ports import ExportReader

HEAD_BYTES = 64 * 1024


def choose(path: Path, wanted: str | None, readers: Mapping[str, ExportReader]) -> ExportReader:
    """The reader for `path`."""
    formats = ", ".join(sorted(readers)) or "none is installed"
    if wanted is not None:
        if wanted not in readers:
            raise UsageError(f"--format {wanted!r} is no format nudger reads", hint=formats)
        return readers[wanted]
    try:
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from error
    found = [reader for name, reader in sorted(readers.items()) if reader.sniff(path, head)]
    if not found:
        raise UsageError(
            f"{path} is in no format nudger reads",
            hint=f"formats that work: {formats} (--format F forces one)",
        )
    if len(found) > 1:
        names = ", ".join(reader.name for reader in found)
        raise UsageError(
            f"{path} looks like several formats ({names})", hint="say which: --format F"
        )
    return found[0]
