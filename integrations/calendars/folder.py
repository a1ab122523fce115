"""What an ics folder holds, for sync and `nudger calendars test` alike: which files it lists
(and whether that listing is complete), their bytes, and one event per UID across them.

A folder is never read as emptier than it is: a subfolder or file that cannot be read is
reported and leaves the listing incomplete (so nothing missing from it counts as removed), file
names are matched case-blind (`FILE.ICS`), and symlinked folders are followed, each real folder
once (a link back up the tree is a loop, not more files).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from integrations.calendars import ical
from integrations.calendars.problems import event_name
from nudger.config.sizes import format_size
from nudger.ports import Done, Problem, SourceError


@dataclass(frozen=True, slots=True)
class Listing:
    """The .ics files found, what could not be read, and whether nothing else may be there."""

    files: list[Path]
    texts: list[tuple[str, bytes]]
    problems: list[Problem]

    @property
    def complete(self) -> bool:
        return not self.problems


def files(path: Path, name: str) -> tuple[list[Path], list[Problem]]:
    """The .ics files of a file, a vdir collection or a folder of collections, and the
    folders that could not be listed."""
    if path.is_file():
        return [path], []
    if not path.is_dir():
        raise SourceError(
            f"{path} does not exist",
            retry=False,  # the setting is wrong, or the folder not made yet: waiting cannot help
            remedy=f"create it, or fix the path with: nudger config set calendars.{name}.path ...",
        )
    found: list[Path] = []
    problems: list[Problem] = []
    _walk(path, set(), found, problems)
    return sorted(found), problems


def read(path: Path, name: str) -> Listing:
    """The files and their bytes; one that cannot be read is a problem, not an empty file."""
    return read_files(*files(path, name))


def read_files(
    found: list[Path], problems: list[Problem], *, max_size: int | None = None
) -> Listing:
    """The bytes of files listed by `files` (with the problems of that listing). A file larger
    than `max_size` is not read, so one runaway export costs neither the memory of the sync nor
    the other files' events; like any unread file it leaves the listing incomplete."""
    problems = list(problems)
    texts = []
    for file in found:
        try:
            if max_size is not None and (size := file.stat().st_size) > max_size:
                problems.append(_too_large(file, size, max_size))
                continue
            texts.append((str(file), file.read_bytes()))
        except OSError as error:
            problems.append(_unreadable(file, error))
    return Listing(found, texts, problems)


def _too_large(path: Path, size: int, max_size: int) -> Problem:
    why = f"it holds {size / 10**6:.0f}MB, more than {format_size(max_size)} (sync.max_file_size)"
    return Problem(str(path), why, Done.NOT_READ)


def _unreadable(path: Path, error: OSError, then: str = "") -> Problem:
    return Problem(str(path), f"cannot be read ({error.strerror or error}){then}", Done.NOT_READ)


def _walk(
    folder: Path, seen: set[tuple[int, int]], found: list[Path], problems: list[Problem]
) -> None:
    try:
        status = folder.stat()
        if (status.st_dev, status.st_ino) in seen:
            return  # a link to a folder already read (a loop, or one linked twice)
        seen.add((status.st_dev, status.st_ino))
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        problems.append(_unreadable(folder, error, ", so its files are not known"))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_dir():  # follows a symlink
                _walk(path, seen, found, problems)
            elif entry.name.lower().endswith(".ics"):
                if not entry.is_file():
                    raise FileNotFoundError(2, "a link to nothing")
                found.append(path)
        except OSError as error:
            problems.append(_unreadable(path, error))


def one_master_each(parsed: ical.Parsed) -> tuple[ical.Parsed, list[str]]:
    """Each UID with one master event: a UID whose master sits in two files (a copied invite,
    an export beside the vdir) is read once. When the copies say the same (apart from the stamps
    a client rewrites), the first is read quietly; when one has a higher SEQUENCE, or the same and
    a later stamp, it is the newer version and is read; when nothing tells which is right, the
    UID is named as unreadable, so what the log knew of it stands. Either way the duplicate is
    reported once. Overrides (RECURRENCE-ID) are kept with their master, from any file."""
    components: dict[str, list[tuple[str, Any]]] = {}
    problems: list[Problem] = []
    doubtful: list[str] = []
    for uid, entries in parsed.components.items():
        masters = [entry for entry in entries if "RECURRENCE-ID" not in entry[1]]
        origins = sorted({origin for origin, _ in masters})
        named = event_name(masters[0][1]) if masters else ""
        if len(masters) < 2:
            components[uid] = entries
            continue
        contents = {ical.content(component) for _, component in masters}
        ranked = sorted(masters, key=lambda entry: _version(entry[1]), reverse=True)
        if len(contents) == 1 or _version(ranked[0][1]) > _version(ranked[1][1]):
            kept = masters[0] if len(contents) == 1 else ranked[0]
            overrides = [entry for entry in entries if "RECURRENCE-ID" in entry[1]]
            components[uid] = [kept, *overrides]
            if len(contents) > 1:
                others = _listed([origin for origin in origins if origin != kept[0]])
                why = f"older versions of it are in {others}: this newest one was read"
                problems.append(Problem(kept[0], why, Done.KEPT, event_name(kept[1])))
            continue
        why = (
            f"its UID is also in {_listed(origins[1:])} for another event, and nothing says "
            "which is right: neither was read (what was logged of it stands)"
        )
        problems.append(Problem(origins[0], why, Done.SKIPPED, named))
        doubtful.append(uid)
    return replace(parsed, components=components, problems=parsed.problems + problems), doubtful


def _version(component: Any) -> tuple[int, str]:
    """How new a version of an event is: its SEQUENCE, then its last stamp (UTC text, which
    sorts as time does; an unreadable one sorts first)."""
    try:
        sequence = int(component.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        sequence = 0
    stamp = component.get("LAST-MODIFIED") or component.get("DTSTAMP")
    return sequence, stamp.to_ical().decode() if hasattr(stamp, "to_ical") else ""


def _listed(origins: list[str]) -> str:
    """The other files holding a UID (none: the same file holds it twice)."""
    if not origins:
        return "this same file"
    return ", ".join(origins[:-1]) + f" and {origins[-1]}" if len(origins) > 1 else origins[0]
