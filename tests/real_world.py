"""Calendars as other projects met them: a folder of real-world .ics files, assembled at run time.

Nothing of it is committed here. The files are the test calendars of other iCalendar projects,
copied into a folder of the caller's (a test's tmp_path, the bench's work folder) from where
they already are on this machine:

- **installed**: the test calendars shipped inside packages in this venv (icalendar's
  `tests/`, recurring-ical-events' `test/calendars/`). Always there: the offline test uses these.
- **mirrors**: git mirrors of other projects (ical.net, ical4j, libical, khal, Nextcloud
  Calendar, Radicale, vobject), read with `git show` from a folder holding `owner+name/repo`
  git directories (`--mirrors` of `bench.corpus`). Each is used when present, skipped when not.
- **written here**: a few calendars of this project's own (`WRITTEN`), naming the tracked
  person, so that relevance filtering keeps something when only a user's real person is
  tracked.

`MANIFEST.tsv` in the folder names, for every file, its corpus source, where it came from
(package and version, or repository and commit, and path) and the licence it is under. Copying
rather than committing keeps each project's files under its own terms (some are GPL or AGPL);
the folder is a test fixture made fresh each time, never redistributed.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Origin:
    """One project's test calendars: where they are, which of its files, under which licence."""

    name: str  # the corpus folder's name, one per project
    licence: str  # an SPDX expression, read from the project's licence file or metadata
    package: str = ""  # an installed distribution holding the files, or
    repo: str = ""  # a mirrored repository, owner/name
    folders: tuple[str, ...] = ()  # inside the package or repository
    # files under a folder whose name starts so are left out: bulk time zone data, not calendars
    exclude: str = "zoneinfo"


INSTALLED = (
    Origin("icalendar", "BSD-2-Clause", package="icalendar", folders=("icalendar/tests",)),
    Origin(
        "recurring-ical-events",
        "LGPL-3.0-or-later",
        package="recurring-ical-events",
        folders=("recurring_ical_events/test/calendars",),
    ),
)
MIRRORED = (
    Origin("ical.net", "MIT", repo="ical-org/ical.net", folders=("Ical.Net.Tests/Calendars",)),
    Origin("ical4j", "BSD-3-Clause", repo="ical4j/ical4j", folders=("src/test/resources",)),
    Origin(
        "libical",
        "MPL-2.0 OR LGPL-2.1-only",
        repo="libical/libical",
        folders=("test-data", "src/test", "src/Net-ICal-Libical/test-data"),
    ),
    Origin("khal", "MIT", repo="pimutils/khal", folders=("tests/ics",)),
    Origin(
        "nextcloud-calendar",
        "AGPL-3.0-or-later",
        repo="nextcloud/calendar",
        folders=("tests/assets/ics",),
    ),
    Origin(
        "radicale", "GPL-3.0-or-later", repo="Kozea/Radicale", folders=("radicale/tests/static",)
    ),
    Origin("vobject", "Apache-2.0", repo="py-vobject/vobject", folders=("test_files",)),
)

TRACKED = "alex@example.org"  # the person the written calendars invite (as tests/story.py)
ME = "sam@example.org"


@dataclass(frozen=True)
class Entry:
    """One file of the corpus: where it is in the folder and where it came from."""

    file: str  # relative to the folder
    source: str  # Origin.name
    came_from: str  # "package==version:path" or "owner/name@commit:path"
    licence: str


def assemble(folder: Path, *, mirrors: Path | None = None, written: bool = True) -> list[Entry]:
    """Copy the corpus into `folder` (one subfolder per source) and write its MANIFEST.tsv.
    Sources absent from this machine are left out; the manifest says what is in."""
    entries: list[Entry] = []
    for origin in INSTALLED:
        entries += _installed(origin, folder / origin.name)
    if mirrors is not None:
        for origin in MIRRORED:
            git_dir = mirrors / origin.repo.replace("/", "+") / "repo"
            if git_dir.is_dir():
                entries += _mirrored(origin, git_dir, folder / origin.name)
    if written:
        entries += _written(folder / "written-here")
    rows = [f"{e.file}\t{e.source}\t{e.came_from}\t{e.licence}" for e in entries]
    (folder / "MANIFEST.tsv").write_text(
        "file\tsource\tfrom\tlicence\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return entries


def _is_calendar(path: str, origin: Origin) -> bool:
    parts = path.split("/")
    return path.lower().endswith(".ics") and not any(p.startswith(origin.exclude) for p in parts)


def _installed(origin: Origin, target: Path) -> list[Entry]:
    distribution = importlib.metadata.distribution(origin.package)
    version = distribution.version
    entries = []
    for listed in distribution.files or ():
        path = str(listed)
        if not any(path.startswith(f"{folder}/") for folder in origin.folders):
            continue
        if not _is_calendar(path, origin):
            continue
        relative = _relative(path, origin.folders)
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(Path(str(distribution.locate_file(listed))).read_bytes())
        entries.append(
            Entry(
                f"{origin.name}/{relative}",
                origin.name,
                f"{origin.package}=={version}:{path}",
                origin.licence,
            )
        )
    return entries


def _mirrored(origin: Origin, git_dir: Path, target: Path) -> list[Entry]:
    def git(*args: str) -> bytes:
        return subprocess.run(
            ["git", "--git-dir", str(git_dir), *args],
            check=True,
            capture_output=True,
        ).stdout

    commit = git("rev-parse", "HEAD").decode().strip()
    listed = git("ls-tree", "-r", "-z", "HEAD", "--", *origin.folders).split(b"\0")
    entries = []
    for row in listed:
        if not row:
            continue
        meta, _, raw_path = row.partition(b"\t")
        path = raw_path.decode("utf-8", "surrogateescape")
        if meta.split()[1] != b"blob" or not _is_calendar(path, origin):
            continue
        relative = _relative(path, origin.folders)
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(git("cat-file", "blob", meta.split()[2].decode()))
        entries.append(
            Entry(
                f"{origin.name}/{relative}",
                origin.name,
                f"{origin.repo}@{commit}:{path}",
                origin.licence,
            )
        )
    return entries


def _relative(path: str, folders: tuple[str, ...]) -> str:
    """The path below its origin folder, prefixed by that folder's last part when an origin
    has several (so two folders' files of the same name stay apart)."""
    for folder in folders:
        if path.startswith(f"{folder}/"):
            rest = path[len(folder) + 1 :]
            return rest if len(folders) == 1 else f"{folder.replace('/', '_')}/{rest}"
    raise ValueError(path)


# This project's own calendars (its licence): plans with the tracked person, shaped like the
# invitations real clients send, dated relative to nothing (weekly from 2020, so any window
# holds some of them), so a user's sync of the corpus has plans to record.
WRITTEN = {
    "weekly-dinner.ics": f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//nudger//corpus//EN
BEGIN:VEVENT
UID:corpus-weekly-dinner@nudger
DTSTAMP:20200101T000000Z
DTSTART;TZID=Europe/Berlin:20200106T190000
DTEND;TZID=Europe/Berlin:20200106T210000
RRULE:FREQ=WEEKLY;BYDAY=MO
SUMMARY:Dinner with Alex
ORGANIZER;CN=Alex:mailto:{TRACKED}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}
END:VEVENT
END:VCALENDAR
""",
    "monthly-hike.ics": f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//nudger//corpus//EN
BEGIN:VEVENT
UID:corpus-monthly-hike@nudger
DTSTAMP:20200101T000000Z
DTSTART:20200104T090000Z
DURATION:PT5H
RRULE:FREQ=MONTHLY;BYDAY=1SA
EXDATE:20200201T090000Z
SUMMARY:Hike
ORGANIZER:mailto:{ME}
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{TRACKED}
END:VEVENT
END:VCALENDAR
""",
    "yearly-anniversary.ics": """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//nudger//corpus//EN
BEGIN:VEVENT
UID:corpus-anniversary@nudger
DTSTAMP:20200101T000000Z
DTSTART;VALUE=DATE:20200314
DTEND;VALUE=DATE:20200315
RRULE:FREQ=YEARLY
SUMMARY:Anniversary with Alex
END:VEVENT
END:VCALENDAR
""",
}


def _written(target: Path) -> list[Entry]:
    target.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, text in WRITTEN.items():
        (target / name).write_bytes(text.replace("\n", "\r\n").encode())
        entries.append(
            Entry(f"written-here/{name}", "written-here", f"tests/real_world.py:{name}", "nudger's")
        )
    return entries
