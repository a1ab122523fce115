"""The README's promises hold: its quick start works as written, and CI runs its test command."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)


def test_the_readme_opens_with_the_install_and_the_test_command() -> None:
    install, test = code_blocks(README)[:2]
    assert "pip install ." in install
    assert "nudger init" in install
    assert "nudger daemon --once" in install  # the main job, on the local folder init made
    assert "pip install -e '.[test]'" in test
    assert "pytest" in test
    assert README.index(install) < README.index("## ")


def test_ci_runs_the_readme_test_command() -> None:
    test_command = code_blocks(README)[1].strip()
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_quick_start_works_as_written() -> None:
    """A new user follows the quick start: add a person, log five initiations, read the balance."""
    quick_start = README.split("## Quick start", 1)[1]
    (block,) = code_blocks(quick_start)[:1]
    outputs = []
    for line in block.strip().splitlines():
        argv = shlex.split(line.split("#", 1)[0])
        assert argv[0] == "nudger"
        done = subprocess.run(
            [sys.executable, "-m", "nudger", *argv[1:]], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (line, done.stderr)
        outputs.append(done.stdout)
    (alex,) = json.loads(next(out for out in outputs if out.startswith("[")))
    assert alex["person"] == "Alex"
    assert alex["initiations"] == {"me": 4, "them": 1, "unknown": 0}
    assert alex["verdict"] == "one-sided"


def nudger(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nudger", *argv], capture_output=True, text=True, check=False
    )


def test_the_main_job_runs_on_the_embedded_default() -> None:
    """The first command's nudger steps work in a new home: no account, no config by hand;
    and they set my addresses, without which every plan I organize would be of unknown side."""
    install = code_blocks(README)[0]
    steps = [part.strip() for part in install.split("&&") if "bin/nudger" in part]
    assert steps
    for step in steps:
        done = nudger(*shlex.split(step)[1:])
        assert done.returncode == 0, (step, done.stderr)
    (init,) = [shlex.split(step) for step in steps if shlex.split(step)[1] == "init"]
    given = [init[at + 1] for at, word in enumerate(init) if word == "--email"]
    assert given
    assert json.loads(nudger("config", "get", "me.emails").stdout) == given
