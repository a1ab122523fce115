"""A new user's first hour, typed into a shell in a real terminal (tmux), read off the screen.

`nudger init` answering its question for my address, a person, a folder of calendar files as a
calendar app writes them (Alex's invitations, mine, one Alex declined, one Alex cancelled, an
entry that only names Alex), then `doctor`, a sync, `plans review` answering the one plan no
calendar can tell, `balance` and `report`. Each step's key sentence must be on the screen, and
nothing a person would not understand: no traceback, no Python or library warning, no
"unexpected", no internal ids (a plan's UID, a nudge's long id), no repr of a Python value
(`None`, `{...}`, `['...']`).

The shell runs in a tmux pane of its own server (the helper of tests/cli/test_plans_review.py);
its prompt shows each command's number and exit code (`7:0 $`), which is how the test knows a
command ended, and how it ended.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from nudger import clock
from tests.cli.test_plans_review import Pane, pane  # noqa: F401 (the tmux pane fixture)
from tests.story import ALEX, BERLIN, ME

PROMPT = re.compile(r"^(\d+):(\d+) \$(?: |$)", re.MULTILINE)  # PS1 below: command number, last exit
# What a person reads that has brackets: review's "[1/1]", and a list setting as `config set`
# shows it (the form it is typed in).
BRACKETS_ALLOWED = {"[1/1]", "[]", f'["{ME}"]'}
NOT_FOR_PEOPLE = (
    "Traceback",
    "Warning",
    "warning:",
    "unexpected",
    "None",
    "Error",
    "object at 0x",
    "PosixPath",
    "datetime.",
    "{",
    "}",
    "@calendar.example",  # the UIDs of the events below
    "who_suggested:",
    "checkin:",
    "calendar:local:",
)


def event(
    uid: str,
    summary: str,
    start: datetime,
    *,
    organizer: str | None = None,
    guest: str | None = None,
    reply: str = "ACCEPTED",
    cancelled: bool = False,
) -> bytes:
    """One event as a calendar app exports it: local time with its zone, who organized it and
    who was invited with their answer, when it was created."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Example Calendar//Desktop 4.2//EN")
    calendar.add("version", "2.0")
    entry = icalendar.Event()
    entry.add("uid", f"{uid}@calendar.example")
    entry.add("summary", summary)
    entry.add("dtstart", start)
    entry.add("dtend", start + timedelta(hours=2))
    entry.add("dtstamp", start - timedelta(days=9))
    entry.add("created", start - timedelta(days=10))
    if organizer:
        name = "Alex" if organizer == ALEX else "Sam"
        entry.add("organizer", f"mailto:{organizer}", parameters={"CN": name})
    if guest:
        name = "Alex" if guest == ALEX else "Sam"
        entry.add("attendee", f"mailto:{guest}", parameters={"CN": name, "PARTSTAT": reply})
    if cancelled:
        entry.add("status", "CANCELLED")
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data


def a_months_calendar(folder: Path) -> None:
    """Three weeks back and a few days ahead, at local evening hours in Berlin."""
    today = clock.now().astimezone(BERLIN).replace(hour=0, minute=0, second=0, microsecond=0)

    def day(offset: int, hour: int) -> datetime:
        return (today + timedelta(days=offset)).replace(hour=hour)

    files = {
        "dinner": event("dinner", "Dinner at Luigi's", day(-20, 19), organizer=ALEX, guest=ME),
        "climbing": event("climbing", "Climbing", day(-12, 18), organizer=ME, guest=ALEX),
        "brunch": event(
            "brunch", "Brunch", day(-8, 11), organizer=ME, guest=ALEX, reply="DECLINED"
        ),
        "cinema": event("cinema", "Cinema with Alex", day(-5, 20)),  # whose idea? unknown
        "concert": event(
            "concert", "Concert", day(-3, 20), organizer=ALEX, guest=ME, cancelled=True
        ),
        "hike": event("hike", "Hike", day(4, 9), organizer=ALEX, guest=ME),
    }
    for name, text in files.items():
        (folder / f"{name}.ics").write_bytes(text)


class Shell:
    """A shell in the pane, typed into as a person would."""

    def __init__(self, terminal: Pane) -> None:
        self.pane = terminal
        self.typed = 0

    def history(self) -> str:
        """Everything the terminal showed, scrolled away or not."""
        return self.pane.run("capture-pane", "-p", "-J", "-S", "-", "-t", "review")

    def wait_for_prompt(self) -> int:
        """The exit code of the last command, once the prompt after it is shown."""
        number = self.typed + 1
        self.pane.wait_until(
            lambda: any(int(m[1]) == number for m in PROMPT.finditer(self.history())),
            f"prompt {number}",
        )
        found = [m for m in PROMPT.finditer(self.history()) if int(m[1]) == number]
        return int(found[0][2])

    def type(self, line: str) -> None:
        self.pane.send_line(line)
        self.typed += 1

    def run(self, line: str) -> tuple[int, str]:
        """Type `line`; its exit code and what it printed."""
        self.type(line)
        code = self.wait_for_prompt()
        return code, self.output(self.typed)

    def output(self, number: int) -> str:
        """What command `number` printed: from the line after it was typed to the next prompt."""
        text = self.history()
        prompts = {int(m[1]): m for m in PROMPT.finditer(text)}
        return text[text.index("\n", prompts[number].end()) + 1 : prompts[number + 1].start()]


@pytest.fixture
def shell(pane: Pane, home: Path, monkeypatch: pytest.MonkeyPatch) -> Shell:  # noqa: F811
    # The venv's `nudger` on the PATH, as after `. .venv/bin/activate`; a machine in Berlin.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:/usr/bin:/bin")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    pane.start("env", r"PS1=\#:$? $ ", "bash", "--norc", "--noprofile")
    started = Shell(pane)
    started.wait_for_prompt()  # the first prompt, "1:0 $"
    assert started.run("cd")[0] == 0  # home, where `report` writes its page
    return started


def test_a_new_users_first_hour(shell: Shell, home: Path) -> None:
    def step(line: str, code: int = 0) -> str:
        ended, output = shell.run(line)
        assert ended == code, f"{line} ended {ended}:\n{output}"
        return output

    shell.type("nudger init")  # it asks for my addresses, as it does in a terminal
    shell.pane.wait_until(lambda: "Your e-mail addresses" in shell.history(), "the question")
    shell.pane.send_line(ME)
    assert shell.wait_for_prompt() == 0
    assert "Wrote a starter config to" in shell.output(shell.typed)
    assert f'["{ME}"]' in step("nudger config get me.emails")
    assert "Now tracking Alex (partner)." in step(
        f"nudger people add Alex --email {ALEX} --kind partner"
    )
    a_months_calendar(home / ".local/share/nudger/calendar")  # the folder `init` configured

    doctor = step("nudger doctor", code=1)  # no desktop session or daemon in this terminal
    assert "✓ config:" in doctor and "1 person tracked, 1 calendar" in doctor
    assert "6 .ics files, 6 events" in doctor
    assert "✗ daemon: not running" in doctor and "fix: start it: nudger daemon" in doctor

    assert "✓ local: " in step("nudger daemon --once")

    shell.type("nudger plans review")
    shell.pane.wait_until(lambda: "whose idea?" in shell.history(), "the question")
    asked = shell.history()
    assert "1 plan with an unknown initiator" in asked and "[1/1] Cinema with Alex" in asked
    shell.pane.keys("t")
    assert shell.wait_for_prompt() == 0
    assert "Marked 1 of 1 plan (you 0, them 1)." in shell.output(shell.typed)

    balance = step("nudger balance")
    assert "you 2 · them 4" in balance and "your share 33%" in balance
    assert "(they start more)" in balance
    assert "they started the last 3 initiations" in balance

    report = step("nudger report")
    assert f"Wrote the report to {home / 'nudger-report.html'}" in report
    assert (home / "nudger-report.html").is_file()

    screen = shell.history()
    for words in NOT_FOR_PEOPLE:
        assert words not in screen, f"{words!r} on the screen:\n{screen}"
    brackets = set(re.findall(r"\[[^\]\n]*\]", screen))
    assert brackets <= BRACKETS_ALLOWED, f"{brackets - BRACKETS_ALLOWED}:\n{screen}"
