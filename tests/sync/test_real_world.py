"""Calendars as other projects' test suites have them, synced as a user would (issue 15).

The corpus is the part of `tests.real_world` installed with this venv (icalendar's and
recurring-ical-events' test calendars: about 260 files, broken ones among them) and three
calendars of our own with Alex, copied into the test's folder. `nudger daemon --once` runs as a
subprocess, the way a timer runs it, so what it prints is all a user sees (Python's own
warnings included), with a person tracked by the words and addresses those files use most and
a window reaching back to their dates, so nearly every file is parsed and every series
expanded. The bench (`bench/corpus.py`) measures the same folder with the other projects'
files added.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from integrations.calendars import ics
from nudger import clock
from nudger.config.calendars import IcsCalendar
from nudger.ports import Problem, Window
from tests.real_world import INSTALLED, ME, TRACKED, assemble

SOURCES = [origin.name for origin in INSTALLED] + ["written-here"]
# The commonest addresses and title words of these files; 3650d, the most sync.past allows.
CONFIG = f"""\
[me]
name = "Sam"
emails = ["{ME}"]
timezone = "Europe/Berlin"

[sync]
past = "3650d"
future = "90d"

[[people]]
name = "Alex"
kind = "partner"
emails = ["{TRACKED}"]

[[people]]
name = "Wide"
kind = "friend"
emails = ["a@example.com", "b@example.com", "jsmith@host.com"]
aliases = ["meeting", "event", "test", "review", "conference"]
"""


@dataclass(frozen=True)
class Synced:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.out + self.err).splitlines() if line.strip()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    entries = assemble(folder)
    assert len(entries) > 200  # the packages still ship their test calendars
    return folder


@pytest.fixture(scope="module")
def nudger(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Synced]:
    """Run `nudger ARGS...` as a subprocess on a config with one [[calendars]] table per
    source folder of the corpus, in a data folder of its own."""
    home = tmp_path_factory.mktemp("home")
    config = home / "config.toml"
    tables = "".join(
        f'\n[[calendars]]\nname = "{name}"\ntype = "ics"\npath = "{corpus / name}"\n'
        for name in SOURCES
    )
    config.write_text(CONFIG + tables, encoding="utf-8")
    child = {k: v for k, v in os.environ.items() if not k.startswith("NUDGER_")}
    child |= {"NUDGER_CONFIG": str(config), "NUDGER_DATA_DIR": str(home / "data")}
    child |= {"HOME": str(home), "TZ": "UTC", "COLUMNS": "200"}

    def run(*args: str) -> Synced:
        done = subprocess.run(
            [str(Path(sys.executable).with_name("nudger")), *args],
            env=child,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return Synced(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture(scope="module")
def synced(nudger: Callable[..., Synced]) -> Synced:
    return nudger("daemon", "--once")


def test_the_corpus_syncs_with_no_traceback_and_every_source_synced(synced: Synced) -> None:
    assert "Traceback" not in synced.out + synced.err
    assert "unexpected" not in (synced.out + synced.err).lower()
    assert synced.code == 0
    marks = [line for line in synced.out.splitlines() if line.startswith(("✓", "✗"))]
    assert [line.split(":")[0] for line in marks] == [f"✓ {name}" for name in sorted(SOURCES)]
    facts = {line.split(":")[0][2:]: int(line.split(": ")[1].split()[0]) for line in marks}
    assert facts["written-here"] > 0  # Alex's plans are recorded among all that noise
    assert facts["recurring-ical-events"] > 0  # and the widely tracked person's


DONE = ("skipped", "kept", "capped", "not read")
SHOWN = re.compile(rf"^    ({'|'.join(DONE)}): (/\S+\.ics): ")


def test_the_broken_files_are_reported_and_counted(synced: Synced) -> None:
    """The corpus has files no reader can take (bare components, broken dates): each source
    line counts them by what was done, and the list under it says what was done with each,
    naming its file, capped with a count of the rest ("… and N more", once per source)."""
    counted = {
        line.split(":")[0][2:]: sum(int(n) for n in re.findall(r"(\d+) [a-z ]+?(?:,|$)", tail))
        for line in synced.out.splitlines()
        if line.startswith("✓") and (tail := line.partition("; problems: ")[2])
    }
    assert counted.keys() >= {"icalendar", "recurring-ical-events"}
    lines = synced.err.splitlines()
    shown = [line for line in lines if line.startswith("    ") and "    … and " not in line]
    assert shown and all(SHOWN.match(line) for line in shown), shown
    more = [line for line in lines if line.startswith("    … and ")]
    assert len(more) == len(set(more))  # each names its source
    rest = sum(int(n) for n in re.findall(r"… and (\d+) more problems of ", synced.err))
    assert len(shown) + rest == sum(counted.values())
    assert len(shown) <= 5 * len(counted)  # five lines a source at most
    assert [line for line, n in Counter(synced.lines).items() if n > 1] == []


def test_calendars_test_reads_the_corpus_as_sync_does(nudger: Callable[..., Synced]) -> None:
    tested = nudger("calendars", "test")
    assert "Traceback" not in tested.out + tested.err
    assert "unexpected" not in (tested.out + tested.err).lower()
    assert tested.code == 0
    assert [line for line in tested.out.splitlines() if line.startswith(("✓", "✗"))] == [
        f"✓ {name}" for name in sorted(SOURCES)
    ]


def _problems(corpus: Path, name: str) -> tuple[Problem | str, ...]:
    zone = ZoneInfo("Europe/Berlin")
    end = clock.now().astimezone(zone)
    window = Window(end - timedelta(days=10000), end + timedelta(days=90), zone)
    source = ics.create(
        IcsCalendar(name=name, type="ics", path=corpus / name), timeout=5, data_dir=corpus
    )
    return source.sync(None, window).problems


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", [origin.name for origin in INSTALLED])
def test_every_problem_is_reported_once(corpus: Path, name: str) -> None:
    """The whole list a sync reports (the CLI shows five of it): no line twice."""
    problems = _problems(corpus, name)
    assert problems
    assert [line for line, n in Counter(problems).items() if n > 1] == []


def test_no_raw_python_warning_reaches_the_user(synced: Synced) -> None:
    """icalendar's GloballyUniqueTZIDGuessed warnings reached the terminal raw, with the
    library's path and source line (issue 15 item 9): they are problems of their file now."""
    raw = [line for line in synced.lines if re.search(r"\.py:\d+: \w+", line)]
    assert raw == []
