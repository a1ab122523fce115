"""`nudger service install|uninstall` into a temporary home, with and without a user manager.

A real `systemd --user` cannot run here cheaply (PID 1 is not systemd: it needs a private mount
namespace, a tmpfs /run and root), so "a user manager runs" is a fake `systemctl` first on PATH
that records its argv and answers like the real one. "No user manager" uses the real systemctl
with an empty $XDG_RUNTIME_DIR and no bus address, which can reach no manager, so no test ever
touches the developer's own session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from nudger.ops import service
from tests.conftest import RunCli

TEMPLATE = (Path(__file__).parents[2] / "systemd" / "nudger.service").read_text(encoding="utf-8")
FAKE_SYSTEMCTL = """#!/bin/sh
# Records its arguments, one call a line, tab-separated; answers like systemctl.
for word in "$@"; do printf '%s\\t' "$word"; done >> "$FAKE_SYSTEMCTL_LOG"
echo >> "$FAKE_SYSTEMCTL_LOG"
if [ "$2" = show-environment ]; then
    if [ -n "$FAKE_SYSTEMCTL_NO_MANAGER" ]; then
        echo "Failed to connect to bus: No medium found" >&2
        exit 1
    fi
    echo "HOME=$HOME"
    exit 0
fi
if [ -n "$FAKE_SYSTEMCTL_FAIL" ] && [ "$2" = "$FAKE_SYSTEMCTL_FAIL" ]; then
    printf '%s\\n' "$FAKE_SYSTEMCTL_MESSAGE" >&2
    exit 1
fi
"""


@pytest.fixture(autouse=True)
def no_real_user_manager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)


@dataclass
class FakeSystemctl:
    log: Path
    monkeypatch: pytest.MonkeyPatch

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [line.rstrip("\t").split("\t") for line in lines]

    def no_manager(self) -> None:
        self.monkeypatch.setenv("FAKE_SYSTEMCTL_NO_MANAGER", "1")

    def fail(self, verb: str, message: str) -> None:
        self.monkeypatch.setenv("FAKE_SYSTEMCTL_FAIL", verb)
        self.monkeypatch.setenv("FAKE_SYSTEMCTL_MESSAGE", message)


@pytest.fixture
def systemctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeSystemctl:
    """A fake systemctl first on PATH, as if a user manager ran."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    script = folder / "systemctl"
    script.write_text(FAKE_SYSTEMCTL, encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    log = tmp_path / "systemctl.log"
    monkeypatch.setenv("FAKE_SYSTEMCTL_LOG", str(log))
    for name in ("FAKE_SYSTEMCTL_NO_MANAGER", "FAKE_SYSTEMCTL_FAIL"):
        monkeypatch.delenv(name, raising=False)
    return FakeSystemctl(log, monkeypatch)


@pytest.fixture
def unit_path(home: Path) -> Path:
    return home / ".config" / "systemd" / "user" / "nudger.service"


def running_command() -> str:
    """ExecStart for the CLI run in this process: pytest is not a `nudger` script, so the
    running interpreter with `-m nudger`."""
    return service.exec_line([sys.executable, "-m", "nudger", "daemon"])


def without_exec_start(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("ExecStart=")]


SHOW = ["--user", "show-environment"]
RELOAD = ["--user", "daemon-reload"]
ENABLE = ["--user", "enable", "--now", "nudger.service"]
LATER = "  systemctl --user daemon-reload\n  systemctl --user enable --now nudger.service\n"


# --- install ------------------------------------------------------------------------------


def test_install_without_a_user_manager_writes_the_unit_and_prints_the_commands(
    cli: RunCli, systemctl: FakeSystemctl, unit_path: Path, home: Path
) -> None:
    systemctl.no_manager()
    result = cli("service", "install")
    assert result.code == 0, result.err
    text = unit_path.read_text(encoding="utf-8")
    assert f"ExecStart={running_command()}\n" in text
    assert without_exec_start(text) == without_exec_start(TEMPLATE)  # the rest as shipped
    assert result.out.endswith("run:\n" + LATER)
    assert f"Wrote {unit_path}\n" in result.out
    assert systemctl.calls() == [SHOW]  # asked, and changed nothing
    data = home / ".local" / "share" / "nudger"  # the one folder the sandbox lets it write
    assert data.is_dir()
    assert data.stat().st_mode & 0o777 == 0o700


def test_install_where_no_systemctl_exists_prints_the_commands(
    cli: RunCli, unit_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = cli("service", "install")
    assert result.code == 0, result.err
    assert unit_path.is_file()
    assert result.out.endswith(LATER)


def test_the_real_systemctl_finds_no_manager_here(cli: RunCli, unit_path: Path) -> None:
    """The detection against the real systemctl (Debian package `systemd`): with no runtime
    folder to reach a manager through, it says so and the install prints the commands."""
    if shutil.which("systemctl") is None:
        pytest.fail("systemctl is missing: install the Debian package `systemd`")
    assert service.user_manager_running() is False
    result = cli("service", "install")
    assert result.code == 0, result.err
    assert result.out.endswith(LATER)


def test_install_with_a_user_manager_reloads_enables_and_starts(
    cli: RunCli, systemctl: FakeSystemctl, unit_path: Path
) -> None:
    result = cli("service", "install")
    assert result.code == 0, result.err
    assert systemctl.calls() == [SHOW, RELOAD, ENABLE]
    assert result.out == (
        f"Wrote {unit_path}\n"
        f"Created {unit_path.parents[3] / '.local' / 'share' / 'nudger'}, "
        "where the service keeps the log.\n"
        "Ran systemctl --user daemon-reload\n"
        "Ran systemctl --user enable --now nudger.service\n"
        "nudger.service is enabled and started. Logs: journalctl --user -u nudger\n"
    )
    assert f"ExecStart={running_command()}\n" in unit_path.read_text(encoding="utf-8")


def test_installing_again_restarts_a_running_service_only_when_its_unit_changed(
    cli: RunCli, systemctl: FakeSystemctl, unit_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("service", "install").code == 0
    same = cli("service", "install")
    assert same.code == 0
    assert same.out.startswith(f"Kept {unit_path}\n")
    assert systemctl.calls() == [SHOW, RELOAD, ENABLE] * 2

    systemctl.log.unlink()
    moved = unit_path.parent / "moved" / "nudger"  # nudger now runs from another venv
    moved.parent.mkdir()
    moved.write_text("#!/bin/sh\n", encoding="utf-8")
    moved.chmod(0o755)
    monkeypatch.setattr(sys, "argv", [str(moved), "service", "install"])
    changed = cli("service", "install")
    assert changed.code == 0, changed.err
    assert changed.out.startswith(f"Replaced {unit_path}\n")
    assert systemctl.calls() == [SHOW, RELOAD, ["--user", "try-restart", "nudger.service"], ENABLE]
    assert f"ExecStart={moved} daemon\n" in unit_path.read_text(encoding="utf-8")


def test_a_failing_systemctl_is_exit_1_with_its_message(
    cli: RunCli, systemctl: FakeSystemctl, unit_path: Path
) -> None:
    systemctl.fail("enable", "Failed to enable unit: Unit file nudger.service is masked.")
    result = cli("service", "install")
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "nudger: systemctl --user enable --now nudger.service failed (exit 1): "
        "Failed to enable unit: Unit file nudger.service is masked."
    )
    assert "Traceback" not in result.err
    assert unit_path.is_file()  # written before: fix the cause, run install again


def test_install_print_shows_the_unit_and_changes_nothing(
    cli: RunCli, systemctl: FakeSystemctl, unit_path: Path, home: Path
) -> None:
    result = cli("service", "install", "--print")
    assert result.code == 0, result.err
    assert result.out == service.render_unit(TEMPLATE, [sys.executable, "-m", "nudger", "daemon"])
    assert not unit_path.exists()
    assert not (home / ".local" / "share" / "nudger").exists()
    assert systemctl.calls() == []


def test_a_config_file_named_at_install_goes_on_the_daemon_line(
    cli: RunCli, write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = write_config('[me]\nname = "Sam"\n').rename(tmp_path / "my config.toml")
    result = cli("--config", str(config), "service", "install", "--print")
    assert result.code == 0, result.err
    line = service.exec_line([sys.executable, "-m", "nudger", "--config", str(config), "daemon"])
    assert f"ExecStart={line}\n" in result.out


def test_a_named_config_file_that_does_not_exist_is_refused(
    cli: RunCli, systemctl: FakeSystemctl, unit_path: Path, tmp_path: Path
) -> None:
    result = cli("--config", str(tmp_path / "missing.toml"), "service", "install")
    assert result.code == 2
    assert f"the config file {tmp_path / 'missing.toml'} does not exist" in result.err
    assert not unit_path.exists()
    assert systemctl.calls() == []


def test_a_data_folder_the_sandbox_does_not_open_is_pointed_out(
    cli: RunCli, systemctl: FakeSystemctl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NUDGER_DATA_DIR", str(tmp_path / "elsewhere"))
    result = cli("service", "install")
    assert result.code == 0, result.err
    assert f"The log is at {tmp_path / 'elsewhere'}" in result.err
    assert f"ReadWritePaths={tmp_path / 'elsewhere'}" in result.err


def test_the_console_script_installs_itself(
    systemctl: FakeSystemctl, home: Path, unit_path: Path
) -> None:
    """The real `nudger` script of this venv, run as a user would: ExecStart is that script."""
    script = Path(sys.executable).parent / "nudger"
    assert script.is_file(), "the venv has no nudger script: pip install -e ."
    done = subprocess.run(
        [str(script), "service", "install"],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr
    assert f"ExecStart={script} daemon\n" in unit_path.read_text(encoding="utf-8")
    assert systemctl.calls() == [SHOW, RELOAD, ENABLE]


# --- uninstall ----------------------------------------------------------------------------


def test_uninstall_with_a_user_manager_disables_removes_and_reloads(
    cli: RunCli, systemctl: FakeSystemctl, unit_path: Path
) -> None:
    assert cli("service", "install").code == 0
    systemctl.log.unlink()
    result = cli("service", "uninstall")
    assert result.code == 0, result.err
    assert systemctl.calls() == [SHOW, ["--user", "disable", "--now", "nudger.service"], RELOAD]
    assert result.out == (
        "Ran systemctl --user disable --now nudger.service\n"
        f"Removed {unit_path}\n"
        "Ran systemctl --user daemon-reload\n"
    )
    assert not unit_path.exists()


def test_uninstall_twice_is_nothing_to_do(
    cli: RunCli, systemctl: FakeSystemctl, unit_path: Path
) -> None:
    assert cli("service", "install").code == 0
    assert cli("service", "uninstall").code == 0
    systemctl.log.unlink()
    again = cli("service", "uninstall")
    assert again.code == 0
    assert again.out == (
        f"nudger.service is not installed ({unit_path} does not exist); nothing to do.\n"
    )
    assert systemctl.calls() == []


def test_uninstall_without_a_user_manager_removes_the_unit_and_its_enable_links(
    cli: RunCli, systemctl: FakeSystemctl, unit_path: Path
) -> None:
    systemctl.no_manager()
    assert cli("service", "install").code == 0
    wants = unit_path.parent / "graphical-session.target.wants"  # what `enable` had made
    wants.mkdir()
    (wants / "nudger.service").symlink_to(unit_path)
    result = cli("service", "uninstall")
    assert result.code == 0, result.err
    assert result.out == f"Removed {wants / 'nudger.service'}\nRemoved {unit_path}\n"
    assert not unit_path.exists()
    assert not (wants / "nudger.service").is_symlink()


def test_a_failing_disable_leaves_the_unit_in_place(
    cli: RunCli, systemctl: FakeSystemctl, unit_path: Path
) -> None:
    assert cli("service", "install").code == 0
    systemctl.fail("disable", "Failed to disable unit: Access denied")
    result = cli("service", "uninstall")
    assert result.code == 1
    assert "Failed to disable unit: Access denied" in result.err
    assert unit_path.is_file()  # so that uninstall can be run again


# --- the pieces -------------------------------------------------------------------------------


def test_the_running_nudger_is_its_script_when_started_as_one(tmp_path: Path) -> None:
    script = tmp_path / "venv" / "bin" / "nudger"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)
    assert service.running_nudger(str(script), "/usr/bin/python3") == [str(script)]
    link = tmp_path / "nudger"  # pipx-style link: kept, not resolved
    link.symlink_to(script)
    assert service.running_nudger(str(link), "/usr/bin/python3") == [str(link)]


def test_the_running_nudger_is_python_dash_m_otherwise(tmp_path: Path) -> None:
    main = tmp_path / "nudger" / "__main__.py"
    assert service.running_nudger(str(main), "/venv/bin/python") == [
        "/venv/bin/python",
        "-m",
        "nudger",
    ]
    not_executable = tmp_path / "nudger"
    not_executable.write_text("", encoding="utf-8")
    assert service.running_nudger(str(not_executable), "/venv/bin/python")[1:] == ["-m", "nudger"]


@pytest.mark.parametrize(
    ("command", "line"),
    [
        (["/venv/bin/nudger", "daemon"], "/venv/bin/nudger daemon"),
        (["/my venv/bin/nudger", "daemon"], '"/my venv/bin/nudger" daemon'),
        # % is a specifier everywhere; $ a variable only in the arguments, not in the program.
        (["/100%/$x/nudger", "daemon"], "/100%%/$x/nudger daemon"),
        (
            ["/p", "--config", '/a b/$HOME/100%/it\'s/"q"/back\\slash.toml'],
            '/p --config "/a b/$$HOME/100%%/it\'s/\\"q\\"/back\\\\slash.toml"',
        ),
        (["/p", ""], '/p ""'),
    ],
)
def test_exec_line_quotes_as_systemd_splits(command: list[str], line: str) -> None:
    """Each line was read back by a real systemd 252 user manager (`ExecStart=` of a script
    printing its argv) and gave exactly `command`."""
    assert service.exec_line(command) == line


@pytest.mark.parametrize("bad", ["/a\nb/nudger", "/p\0"])
def test_exec_line_refuses_a_line_break(bad: str) -> None:
    with pytest.raises(service.ServiceError):
        service.exec_line([bad, "daemon"])


def test_the_unit_folder_follows_xdg_config_home(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "conf"))
    assert service.unit_folder() == tmp_path / "conf" / "systemd" / "user"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/conf")  # ignored, as the spec says
    assert service.unit_folder() == home / ".config" / "systemd" / "user"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert service.unit_folder() == home / ".config" / "systemd" / "user"
