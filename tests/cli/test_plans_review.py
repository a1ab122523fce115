"""`nudger plans review` in a real terminal (tmux), through a pipe, and its key reading alone.

The terminal tests run nudger in a tmux pane of its own server (one socket per test, killed at
teardown) and read the screen with `capture-pane`, polling briefly instead of sleeping. tmux must
be installed (Debian package `tmux`; `.ci/run` installs it): without it these tests fail, they do
not skip. The plans come from an ICS folder synced with `nudger daemon --once`, like a user's.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nudger import clock
from nudger.cli.review import KeyAnswers, parse
from tests.conftest import RunCli
from tests.story import BERLIN, CONFIG

WITHIN = 15.0  # seconds to wait for the screen to show something; reached only when it fails
TITLES = ("Dinner with Alex", "Climbing with Alex", "Cinema with Alex\x1b]2;pwned\x07\x1b[2J")
# What a shell does with a job, minus the shell: runs nudger in a process group of its own in the
# terminal's foreground (so Ctrl-C and Ctrl-Z reach it alone, as they would from bash), then takes
# the terminal back and records nudger's exit code and `stty -a`, what the next program would find.
# All in one file, written whole: tmux may miss a quick pane's exit status (its utempter helper
# can swallow the SIGCHLD), and the pane's process group is not a shell's job.
AFTERWARDS = """
import json, os, signal, subprocess, sys

def foreground():
    os.setpgid(0, 0)
    os.tcsetpgrp(0, os.getpgrp())
    signal.signal(signal.SIGTTOU, signal.SIG_DFL)

signal.signal(signal.SIGTTOU, signal.SIG_IGN)
child = subprocess.Popen(sys.argv[2:], preexec_fn=foreground)
with open(sys.argv[1] + ".pid", "w") as out:
    out.write(str(child.pid))
code = child.wait()
os.tcsetpgrp(0, os.getpgrp())
modes = subprocess.run(["stty", "-a"], capture_output=True, text=True).stdout
with open(sys.argv[1] + ".part", "w") as out:
    json.dump({"code": code, "modes": modes.split()}, out)
os.replace(sys.argv[1] + ".part", sys.argv[1])
"""


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    start: datetime


@pytest.fixture
def plans(cli: RunCli, home: Path, write_config: Callable[[str], Path]) -> list[Plan]:
    """Three solo entries with Alex (whose idea? unknown), synced from a calendar folder."""
    folder = home / "calendar"
    folder.mkdir()
    write_config(CONFIG + f'\n[[calendars]]\nname = "local"\ntype = "ics"\npath = "{folder}"\n')
    today = clock.now().replace(hour=17, minute=0, second=0, microsecond=0)
    starts = [today - timedelta(days=10 - number) for number in range(len(TITLES))]
    for number, (title, start) in enumerate(zip(TITLES, starts, strict=True)):
        (folder / f"solo-{number}.ics").write_text(solo(f"solo-{number}", title, start))
    assert cli("daemon", "--once").code == 0
    listed = json.loads(cli("plans", "--unclassified", "--json").out)
    assert [row["summary"] for row in listed] == list(TITLES)
    return [
        Plan(row["id"], row["summary"], start) for row, start in zip(listed, starts, strict=True)
    ]


def solo(uid: str, title: str, start: datetime) -> str:
    stamp = "%Y%m%dT%H%M%SZ"
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//review//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTART:{start.astimezone(UTC):{stamp}}\r\n"
        f"DTEND:{(start + timedelta(hours=2)).astimezone(UTC):{stamp}}\r\n"
        f"SUMMARY:{title}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def initiators(cli: RunCli) -> dict[str, str]:
    result = cli("plans", "--json")
    assert result.code == 0, result.err
    return {row["id"]: row["initiator"] for row in json.loads(result.out)}


def marks(cli: RunCli) -> list[tuple[str, str]]:
    """The corrections in the log: (the plan's summary, whose idea)."""
    entries = json.loads(cli("history", "--kind", "plan", "--json").out)
    return [(e["details"]["summary"], e["who"]) for e in entries if e["source"] == "mark"]


class Pane:
    """One tmux pane running a program, on a tmux server of its own."""

    def __init__(self, tmux: str, server: str, config: Path) -> None:
        self.tmux = tmux
        self.server = server
        self.config = config
        self.socket: Path | None = None  # known once the server runs

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-L", self.server, "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            env=_tmux_environment(),
            check=True,
        )
        return done.stdout

    def start(self, *argv: str) -> None:
        passed = [f"{name}={os.environ[name]}" for name in _child_variables()]
        options = [item for pair in zip(["-e"] * len(passed), passed, strict=True) for item in pair]
        self.run("new-session", "-d", "-s", "review", "-x", "100", "-y", "30", *options, *argv)
        self.socket = Path(self.show("socket_path"))

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-J", "-t", "review")

    def show(self, name: str) -> str:
        return self.run("display-message", "-p", "-t", "review", f"#{{{name}}}").strip()

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "review", *keys)

    def send_line(self, text: str) -> None:
        """`text` and Enter in one write, as a terminal that sends whole lines does."""
        buffer = f"line-{uuid.uuid4().hex[:8]}"
        self.run("set-buffer", "-b", buffer, f"{text}\n")
        self.run("paste-buffer", "-d", "-b", buffer, "-t", "review")

    def wait_for(self, text: str) -> str:
        """The screen, once it shows `text`."""
        return self.wait_until(lambda: text in self.screen(), f"{text!r} on the screen")

    def wait_for_question(self, number: int, total: int = 3) -> str:
        """The screen, once it asks about plan `number` (its whole block, up to the prompt)."""
        marker = f"[{number}/{total}]"
        return self.wait_until(
            lambda: "q quit > " in self.screen().partition(marker)[2], f"question {number}"
        )

    def wait_until(self, ready: Callable[[], bool], what: str) -> str:
        deadline = time.monotonic() + WITHIN
        while not ready():
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {WITHIN}s; the screen:\n{self.screen()}")
            time.sleep(0.02)
        return self.screen()

    def terminal_modes(self) -> set[str]:
        """The pane's terminal settings as `stty -a` words (`-icanon` is off, `icanon` on)."""
        done = subprocess.run(
            ["stty", "-a", "-F", self.show("pane_tty")], capture_output=True, text=True, check=True
        )
        return set(done.stdout.split())


def _child_variables() -> list[str]:
    """The home fixture's environment, handed to the program in the pane."""
    named = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "TZ", "PATH")
    return [n for n in os.environ if n in named or n.startswith("NUDGER_")]


def _tmux_environment() -> dict[str, str]:
    return {n: v for n, v in os.environ.items() if n not in ("TMUX", "TMUX_PANE")}


@pytest.fixture
def pane(tmp_path: Path, home: Path) -> Iterator[Pane]:
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.fail("tmux is missing: install the Debian package `tmux`", pytrace=False)
    config = tmp_path / "tmux.conf"
    config.write_text("set -g remain-on-exit on\nset -g status off\n")
    started = Pane(tmux, f"nudger-test-{uuid.uuid4().hex[:12]}", config)
    yield started
    subprocess.run(
        [tmux, "-L", started.server, "kill-server"], capture_output=True, env=_tmux_environment()
    )
    if started.socket is not None:
        started.socket.unlink(missing_ok=True)  # the server leaves it behind


@dataclass(frozen=True)
class Ended:
    code: int
    modes: set[str]  # the terminal's settings afterwards, as `stty -a` words


def review_in(pane: Pane, tmp_path: Path, *args: str) -> Callable[[], Ended]:
    """Starts `nudger plans review ARGS` in the pane; returns how to wait for its end."""
    report = tmp_path / "ended.json"
    nudger = [sys.executable, "-m", "nudger", "plans", "review", *args]
    pane.start(sys.executable, "-c", AFTERWARDS, str(report), *nudger)

    def ended() -> Ended:
        pane.wait_until(report.exists, "exit")
        found = json.loads(report.read_text())
        return Ended(found["code"], set(found["modes"]))

    return ended


def test_single_keys_and_a_typed_word_answer_and_the_log_keeps_each(
    cli: RunCli, pane: Pane, plans: list[Plan], tmp_path: Path
) -> None:
    ended = review_in(pane, tmp_path)
    first = pane.wait_for_question(1)
    local = plans[0].start.astimezone(BERLIN)
    assert f"{local:%a %Y-%m-%d %H:%M} · with Alex · past" in first
    assert pane.terminal_modes() >= {"-icanon", "-echo"}  # keys come one by one, unechoed
    pane.keys("m")
    pane.wait_for_question(2)
    pane.send_line("them")
    third = pane.wait_for_question(3)
    # The calendar's escape sequences are shown as text, never run by the terminal.
    assert "Cinema with Alex?]2;pwned??[2J" in third
    assert pane.show("pane_title") != "pwned"
    pane.keys("s")
    end = pane.wait_for("Marked 2 of 3 plans (you 1, them 1); skipped 1.")
    assert ended().code == 0
    assert "[1/3] Dinner with Alex" in end  # the screen was not cleared
    assert initiators(cli) == {plans[0].id: "me", plans[1].id: "them", plans[2].id: "unknown"}
    assert marks(cli) == [("Dinner with Alex", "me"), ("Climbing with Alex", "them")]
    assert cli("daemon", "--once").code == 0  # the answers outlive a sync
    assert initiators(cli)[plans[1].id] == "them"


def test_neither_of_us_settles_a_plan_so_it_is_not_asked_again_nor_counted_as_unknown(
    cli: RunCli, pane: Pane, plans: list[Plan], tmp_path: Path
) -> None:
    ended = review_in(pane, tmp_path)
    assert "n neither of us" in pane.wait_for_question(1)
    pane.keys("n")
    assert "marked as neither yours nor theirs" in pane.wait_for_question(2)
    pane.keys("q")
    pane.wait_for("Marked 1 of 3 plans (you 0, them 0, neither 1); 2 left for next time.")
    assert ended().code == 0
    assert initiators(cli) == {
        plans[0].id: "neither",
        plans[1].id: "unknown",
        plans[2].id: "unknown",
    }
    assert marks(cli) == [("Dinner with Alex", "unknown")]  # the log's side stays unknown
    left = json.loads(cli("plans", "--unclassified", "--json").out)
    assert [row["id"] for row in left] == [plans[1].id, plans[2].id]
    (balance,) = json.loads(cli("balance", "--json").out)
    assert (balance["initiations"]["unknown"], balance["neither"]) == (2, 1)
    assert cli("daemon", "--once").code == 0  # the answer outlives a sync
    assert initiators(cli)[plans[0].id] == "neither"


def test_quitting_half_way_keeps_what_was_answered(
    cli: RunCli, pane: Pane, plans: list[Plan], tmp_path: Path
) -> None:
    ended = review_in(pane, tmp_path)
    pane.wait_for_question(1)
    pane.keys("t")
    pane.wait_for_question(2)
    pane.keys("q")
    pane.wait_for("Marked 1 of 3 plans (you 0, them 1); 2 left for next time.")
    after = ended()
    assert after.code == 0
    assert {"icanon", "echo"} <= after.modes
    assert marks(cli) == [("Dinner with Alex", "them")]
    left = json.loads(cli("plans", "--unclassified", "--json").out)
    assert [row["id"] for row in left] == [plans[1].id, plans[2].id]


def test_ctrl_c_keeps_the_answers_and_leaves_the_terminal_sane(
    cli: RunCli, pane: Pane, plans: list[Plan], tmp_path: Path
) -> None:
    ended = review_in(pane, tmp_path)
    pane.wait_for_question(1)
    pane.keys("m")
    pane.wait_for_question(2)
    pane.keys("C-c")
    screen = pane.wait_for("nudger: interrupted")
    assert "Marked 1 of 3 plans (you 1, them 0); 2 left for next time." in screen
    after = ended()
    assert after.code == 130
    assert {"icanon", "echo"} <= after.modes
    assert not {"-icanon", "-echo"} & after.modes
    assert marks(cli) == [("Dinner with Alex", "me")]


def test_ctrl_z_hands_the_terminal_back_until_it_resumes(
    cli: RunCli, pane: Pane, plans: list[Plan], tmp_path: Path
) -> None:
    ended = review_in(pane, tmp_path)
    pane.wait_for_question(1)
    pane.keys("C-z")
    pane.wait_until(lambda: {"icanon", "echo"} <= pane.terminal_modes(), "cooked mode")
    started = tmp_path / "ended.json.pid"
    pane.wait_until(lambda: started.exists() and started.read_text() != "", "nudger's pid")
    nudger = int(started.read_text())
    os.killpg(nudger, signal.SIGCONT)  # what `fg` sends; no shell here to do it
    pane.wait_until(lambda: {"-icanon", "-echo"} <= pane.terminal_modes(), "single keys again")
    pane.keys("t")
    pane.wait_for_question(2)
    pane.keys("q")
    assert ended().code == 0
    assert marks(cli) == [("Dinner with Alex", "them")]


def test_an_answer_given_elsewhere_meanwhile_stays(
    cli: RunCli, pane: Pane, plans: list[Plan], tmp_path: Path
) -> None:
    review_in(pane, tmp_path)
    pane.wait_for_question(1)
    assert cli("plans", "mark", plans[0].id, "--by", "them").code == 0
    pane.keys("m")
    pane.wait_for("answered elsewhere meanwhile: it stays marked as theirs")
    pane.keys("q")
    pane.wait_for("Marked 0 of 3 plans")
    assert marks(cli) == [("Dinner with Alex", "them")]


def test_without_a_terminal_it_reads_one_answer_a_line(
    cli: RunCli, plans: list[Plan], home: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nudger", "plans", "review"],
        input="me\nmaybe\nT\n",  # "maybe" is asked again; the end of input quits at the third
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "type m, t, n, s or q" in done.stdout
    assert "Marked 2 of 3 plans (you 1, them 1); 1 left for next time." in done.stdout
    assert [plan.id in done.stdout for plan in plans] == [True, True, True]
    assert "\x1b" not in done.stdout
    assert marks(cli) == [("Dinner with Alex", "me"), ("Climbing with Alex", "them")]


def test_one_person_only(
    cli: RunCli, plans: list[Plan], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lunch = solo("lunch-bo", "Lunch with Bo", plans[0].start + timedelta(hours=1))
    (home / "calendar" / "lunch.ics").write_text(lunch)
    assert cli("people", "add", "Bo", "--email", "bo@example.org").code == 0
    assert cli("daemon", "--once").code == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("s\ns\ns\n"))
    alex = cli("plans", "review", "alex")
    assert alex.code == 0, alex.err
    assert "Marked 0 of 3 plans (you 0, them 0); skipped 3." in alex.out
    assert "Lunch with Bo" not in alex.out
    monkeypatch.setattr(sys, "stdin", io.StringIO("t\n"))
    bo = cli("plans", "review", "Bo")
    assert "[1/1] Lunch with Bo" in bo.out
    assert marks(cli) == [("Lunch with Bo", "them")]


def test_nothing_to_review_says_so(cli: RunCli, plans: list[Plan]) -> None:
    for plan in plans:
        assert cli("plans", "mark", plan.id, "--by", "me").code == 0
    result = cli("plans", "review")
    assert (result.code, result.out) == (0, "No plan's initiator is unknown.\n")


# The key reading alone: chunks as a terminal in cbreak mode delivers them.


def answers_from(*chunks: str) -> tuple[KeyAnswers, list[str]]:
    shown: list[str] = []
    queue = list(chunks)
    return KeyAnswers(lambda: queue.pop(0) if queue else "", shown.append), shown


def test_a_single_key_answers_at_once() -> None:
    keys, shown = answers_from("m", "T", "s", "Q")
    assert [keys.next() for _ in range(4)] == ["me", "them", "skip", "quit"]
    assert shown == ["me\n", "them\n", "skip\n", "quit\n"]


def test_a_terminal_sending_lines_gets_words() -> None:
    keys, _ = answers_from("them\r", "m\n", "me\r\nskip\r\n", "quit\n")
    assert [keys.next() for _ in range(5)] == ["them", "me", "me", "skip", "quit"]


def test_keys_after_a_wrong_first_one_never_answer_the_next_plan() -> None:
    keys, shown = answers_from("x", "m", "\x7f", "\x7f", "t")
    assert keys.next() == "them"  # "xm", erased, then a single key again
    assert "".join(shown) == "xm\b \b\b \bthem\n"
    keys, _ = answers_from("x", "m", "\x7f", "\r", "t")
    assert [keys.next(), keys.next()] == [None, "them"]  # the word "x" is no answer
    keys, _ = answers_from("t", "h", "e", "m", "\r", "m")
    assert [keys.next(), keys.next(), keys.next()] == ["them", None, "me"]  # "hem" is no answer


def test_escape_sequences_and_the_end_of_input() -> None:
    keys, shown = answers_from("\x1b[A", "\x1b]2;x\x07", "s", "\x04")
    assert [keys.next(), keys.next()] == ["skip", "quit"]
    keys, _ = answers_from()
    assert keys.next() == "quit"
    assert "\x1b" not in "".join(shown)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("m", "me"),
        (" Me \n", "me"),
        ("THEM", "them"),
        ("n", "neither"),
        ("Neither", "neither"),
        ("s", "skip"),
        ("quit", "quit"),
        ("", None),
    ],
)
def test_parse(text: str, answer: str | None) -> None:
    assert parse(text) == answer
