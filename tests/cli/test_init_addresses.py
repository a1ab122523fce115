"""`nudger init` learns my addresses: from --email, or asked in a terminal, never from a pipe."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from tests.conftest import RunCli


def emails_in(config_path: Path) -> list[str]:
    return list(tomllib.loads(config_path.read_text(encoding="utf-8"))["me"]["emails"])


def test_init_takes_my_addresses_as_the_settings_spell_them(cli: RunCli, config_path: Path) -> None:
    done = cli("init", "--email", "Sam@Example.org", "--email", "MAILTO:sam@work.example.org")
    assert done.code == 0, done.err
    assert emails_in(config_path) == ["sam@example.org", "sam@work.example.org"]
    assert "not set" not in done.out
    assert cli("config", "get", "me.emails").out.strip() == (
        '["sam@example.org", "sam@work.example.org"]'
    )


def test_without_a_terminal_init_asks_nothing_and_says_how_to_set_them(
    cli: RunCli, config_path: Path
) -> None:
    done = cli("init")  # stdin is not a terminal here: a script must never hang on a prompt
    assert done.code == 0, done.err
    assert emails_in(config_path) == []
    assert "nudger config set me.emails you@example.org" in done.out


def test_a_bad_address_is_named_and_nothing_is_written(cli: RunCli, config_path: Path) -> None:
    done = cli("init", "--email", "sam@example.org", "--email", "sam(at)example.org")
    assert done.code == 2
    assert "--email sam(at)example.org: use an e-mail address" in done.err
    assert "Traceback" not in done.err
    assert not config_path.exists()


def test_init_again_with_an_address_adds_it_and_keeps_the_rest(
    cli: RunCli, config_path: Path
) -> None:
    assert cli("init", "--email", "sam@example.org").code == 0
    written = config_path.read_text(encoding="utf-8")
    again = cli("init", "--email", "sam@work.example.org", "--email", "SAM@example.org")
    assert again.code == 0, again.err
    assert "added to me.emails: sam@work.example.org" in again.out
    assert emails_in(config_path) == ["sam@example.org", "sam@work.example.org"]
    assert config_path.read_text(encoding="utf-8").count("# ") == written.count("# ")
    same = cli("init", "--email", "sam@example.org")
    assert "left as it is" in same.out


class Screen:
    """What a terminal shows, read as it comes; `expect` consumes it up to a text."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.unread = ""

    def expect(self, wanted: str, within: float = 15.0) -> None:
        deadline = time.monotonic() + within
        while wanted not in self.unread:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"never showed {wanted!r}; showed {self.unread!r}"
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                chunk = os.read(self.master, 4096)
                assert chunk, f"the terminal closed; it showed {self.unread!r}"
                self.unread += chunk.decode(errors="replace")
        self.unread = self.unread.split(wanted, 1)[1]


def test_in_a_terminal_init_asks_and_asks_again_after_a_typo(config_path: Path) -> None:
    master, terminal = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "nudger", "init", "--name", "Sam"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    screen = Screen(master)
    try:
        screen.expect("Enter to skip): ")
        os.write(master, b"sam@example\n")
        screen.expect("sam@example: use an e-mail address such as alex@example.org; try again.")
        screen.expect("Enter to skip): ")
        os.write(master, b"Sam@Example.org, sam@work.example.org\n")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    assert emails_in(config_path) == ["sam@example.org", "sam@work.example.org"]
