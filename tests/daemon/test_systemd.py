"""The shipped user unit passes systemd's own linter, and sd_notify reaches a real socket.

`systemd-analyze verify` exits 0 for unknown keys and bad values (it only prints "…ignoring" on
stderr), so the lint fails on ANY output, and a deliberately broken copy proves that the check
can fail. systemd-analyze must be installed (Debian package `systemd`): without it these tests
fail, they do not skip.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from nudger.daemon import systemd
from nudger.ops import service

UNIT = Path(__file__).parents[2] / "systemd" / "nudger.service"


@pytest.fixture
def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        pytest.fail("systemd-analyze is missing: install the Debian package `systemd`")
    return found


@pytest.fixture
def runtime_dir(tmp_path: Path) -> Path:
    """`verify --user` wants an $XDG_RUNTIME_DIR; an empty one reaches no real manager."""
    folder = tmp_path / "runtime"
    folder.mkdir(mode=0o700)
    return folder


def lint(analyze: str, runtime: Path, unit: Path, *, user: bool) -> tuple[int, str]:
    """`systemd-analyze verify [--user] UNIT`: its exit code and everything it printed."""
    environment = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
    environment.pop("DBUS_SESSION_BUS_ADDRESS", None)
    argv = [analyze, "verify", *(["--user"] if user else []), str(unit)]
    done = subprocess.run(argv, capture_output=True, text=True, env=environment, check=False)
    return done.returncode, (done.stdout + done.stderr).strip()


def with_line(text: str, pattern: str, replacement: str) -> str:
    changed, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, pattern
    return changed


def write_unit(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "nudger.service"  # verify needs the real name: the suffix picks the type
    path.write_text(text, encoding="utf-8")
    return path


def lintable(text: str) -> str:
    """The unit with ExecStart swapped for a binary that exists (verify rejects a missing one)."""
    return with_line(text, r"^ExecStart=.*$", "ExecStart=/bin/true daemon")


# --- the unit passes the linter, and the linter can fail ------------------------------------


@pytest.mark.parametrize("user", [True, False], ids=["--user", "system"])
def test_the_shipped_unit_verifies_without_a_word(
    systemd_analyze: str, runtime_dir: Path, tmp_path: Path, user: bool
) -> None:
    unit = write_unit(tmp_path / "unit", lintable(UNIT.read_text(encoding="utf-8")))
    assert lint(systemd_analyze, runtime_dir, unit, user=user) == (0, "")


@pytest.mark.parametrize(
    ("pattern", "broken", "complaint"),
    [
        (r"^Type=notify$", "Type=notfy", "notfy"),
        (r"^WatchdogSec=.*$", "WatchdogSec=sixty", "sixty"),
        (r"^ProtectHome=.*$", "ProtectHome=readonly", "readonly"),
        (r"^NotifyAccess=main$", "NotifyAccess=main\nBogusKey=1", "BogusKey"),
        (r"^ExecStart=.*$", "ExecStart=/nonexistent/nudger daemon", "nudger"),
    ],
)
def test_the_lint_rejects_a_broken_copy(
    systemd_analyze: str,
    runtime_dir: Path,
    tmp_path: Path,
    pattern: str,
    broken: str,
    complaint: str,
) -> None:
    text = with_line(lintable(UNIT.read_text(encoding="utf-8")), pattern, broken)
    unit = write_unit(tmp_path / "unit", text)
    _, output = lint(systemd_analyze, runtime_dir, unit, user=True)
    assert complaint in output  # exit 0 or not, the output alone fails the lint


def test_the_unit_install_writes_verifies_as_written(
    systemd_analyze: str, runtime_dir: Path, tmp_path: Path
) -> None:
    """Rendered for a nudger under an awkward path (a space, %, $), the unit names that very
    file: verify checks that ExecStart's program exists."""
    folder = tmp_path / "odd dir %h $HOME"
    folder.mkdir()
    nudger = folder / "nudger"
    nudger.write_text("#!/bin/sh\n", encoding="utf-8")
    nudger.chmod(0o755)
    template = UNIT.read_text(encoding="utf-8")
    rendered = service.render_unit(template, [str(nudger), "--config", "/a b/100%.toml", "daemon"])
    unit = write_unit(tmp_path / "unit", rendered)
    assert lint(systemd_analyze, runtime_dir, unit, user=True) == (0, "")
    # The same path written naively names another program, and the lint notices.
    naive = with_line(template, r"^ExecStart=.*$", f"ExecStart={nudger} daemon")
    code, output = lint(
        systemd_analyze, runtime_dir, write_unit(tmp_path / "naive", naive), user=True
    )
    assert code != 0
    assert "is not executable" in output


@pytest.mark.parametrize("character", ["'", '"', "\\"])
def test_a_program_path_systemd_refuses_is_refused_before_writing(
    systemd_analyze: str, runtime_dir: Path, tmp_path: Path, character: str
) -> None:
    """systemd rejects a quote or backslash in the program's path however it is quoted (its
    `string_is_safe`), so the install refuses it instead of writing a unit that never loads."""
    folder = tmp_path / f"it{character}s"
    folder.mkdir()
    nudger = folder / "nudger"
    nudger.write_text("#!/bin/sh\n", encoding="utf-8")
    nudger.chmod(0o755)
    escaped = str(nudger).replace("\\", "\\\\").replace('"', '\\"')
    text = with_line(UNIT.read_text(encoding="utf-8"), r"^ExecStart=.*$", "ExecStart=X daemon")
    unit = write_unit(tmp_path / "unit", text.replace("ExecStart=X", f'ExecStart="{escaped}"'))
    code, output = lint(systemd_analyze, runtime_dir, unit, user=True)
    assert (code, "contains special characters" in output) == (1, True)
    with pytest.raises(service.ServiceError, match="quote or a backslash"):
        service.exec_line([str(nudger), "daemon"])


def test_the_python_dash_m_form_verifies(
    systemd_analyze: str, runtime_dir: Path, tmp_path: Path
) -> None:
    command = service.daemon_command(service.running_nudger("/x/__main__.py", sys.executable))
    rendered = service.render_unit(UNIT.read_text(encoding="utf-8"), command)
    unit = write_unit(tmp_path / "unit", rendered)
    assert lint(systemd_analyze, runtime_dir, unit, user=True) == (0, "")


def settings_of(text: str) -> dict[str, list[str]]:
    """Every `Key=value` of the unit, each key with all its values in order."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def test_the_unit_keeps_what_the_daemon_and_the_desktop_rely_on() -> None:
    unit = settings_of(UNIT.read_text(encoding="utf-8"))
    assert unit["Type"] == ["notify"]
    assert unit["NotifyAccess"] == ["main"]
    assert unit["ExecStart"] == ["%h/.local/bin/nudger daemon"]
    assert unit["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["WatchdogSec"] == ["180s"]  # the daemon pings from its one-minute tick
    for key in ("After", "PartOf", "WantedBy"):
        assert unit[key] == ["graphical-session.target"]
    # Sandboxing in a user unit on systemd 252 needs a user namespace; "yes" would hide the bus.
    assert unit["PrivateUsers"] == ["yes"]
    assert unit["ProtectHome"] == ["read-only"]
    # A ReadWritePaths= folder that does not exist fails the start (226/NAMESPACE) without "-".
    assert all(path.startswith("-") for path in unit.get("ReadWritePaths", []))
    assert "-%h/.local/share/nudger" in unit["ReadWritePaths"]  # the log must stay writable


# --- sd_notify over a real datagram socket --------------------------------------------------


@pytest.fixture
def abstract_listener() -> Iterator[tuple[socket.socket, str]]:
    """A datagram socket in the abstract namespace, and its $NOTIFY_SOCKET spelling."""
    name = f"nudger-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind("\0" + name)
        listener.settimeout(5)
        yield listener, "@" + name


def test_notify_sends_one_datagram_to_an_abstract_socket(
    abstract_listener: tuple[socket.socket, str],
) -> None:
    listener, address = abstract_listener
    environ = {"NOTIFY_SOCKET": address}
    assert systemd.notify(systemd.READY, systemd.status("scheduler running"), environ=environ)
    assert systemd.notify(systemd.WATCHDOG, environ=environ)
    assert systemd.notify(systemd.RELOADING, environ=environ)
    assert systemd.notify(systemd.STOPPING, environ=environ)
    received = [listener.recv(4096) for _ in range(4)]
    assert received == [
        b"READY=1\nSTATUS=scheduler running",
        b"WATCHDOG=1",
        b"RELOADING=1",
        b"STOPPING=1",
    ]


def test_notify_reads_notify_socket_from_the_environment(
    abstract_listener: tuple[socket.socket, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    listener, address = abstract_listener
    monkeypatch.setenv("NOTIFY_SOCKET", address)
    assert systemd.notify("READY=1", "STATUS=up")
    assert listener.recv(4096) == b"READY=1\nSTATUS=up"


def test_notify_sends_to_a_socket_file(tmp_path: Path) -> None:
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(path))
        listener.settimeout(5)
        assert systemd.notify(systemd.READY, environ={"NOTIFY_SOCKET": str(path)})
        assert listener.recv(4096) == b"READY=1"


def test_outside_systemd_notify_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert systemd.notify(systemd.READY) is False
    assert systemd.notify(systemd.WATCHDOG, environ={"NOTIFY_SOCKET": ""}) is False
    assert systemd.notify(systemd.WATCHDOG, environ={"NOTIFY_SOCKET": "relative"}) is False


def test_a_vanished_socket_does_not_stop_the_daemon(tmp_path: Path) -> None:
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(path))
    assert systemd.notify(systemd.WATCHDOG, environ={"NOTIFY_SOCKET": str(path)}) is False
    path.unlink()
    assert systemd.notify(systemd.WATCHDOG, environ={"NOTIFY_SOCKET": str(path)}) is False
    nobody = f"@nudger-test-{uuid.uuid4().hex}"  # an abstract name no one listens on
    assert systemd.notify(systemd.STOPPING, environ={"NOTIFY_SOCKET": nobody}) is False


def test_a_manager_that_stops_reading_never_blocks_notify(
    abstract_listener: tuple[socket.socket, str],
) -> None:
    """The queue of a listener that never reads fills up; notify must then fail, not wait."""
    _, address = abstract_listener
    results: list[bool] = []

    def flood() -> None:
        for _ in range(100_000):
            results.append(systemd.notify(systemd.WATCHDOG, environ={"NOTIFY_SOCKET": address}))
            if not results[-1]:
                return

    sender = threading.Thread(target=flood, daemon=True)
    sender.start()
    sender.join(timeout=10)
    assert not sender.is_alive(), "notify blocked on a full socket"
    assert results[0] is True
    assert results[-1] is False


@pytest.mark.parametrize("message", ["READY", "=1", "STATUS=two\nlines", "READY=1\nSTOPPING=1"])
def test_a_malformed_message_is_a_bug_not_a_datagram(message: str) -> None:
    with pytest.raises(ValueError, match="KEY=value"):
        systemd.notify(message, environ={})


def test_status_keeps_a_message_on_one_line() -> None:
    assert systemd.status("syncing\n  work\tcalendar ") == "STATUS=syncing work calendar"


@pytest.mark.parametrize(
    ("value", "address"),
    [
        (None, None),
        ("", None),
        ("@", None),
        ("@systemd/notify", "\0systemd/notify"),
        ("/run/user/1000/systemd/notify", "/run/user/1000/systemd/notify"),
        ("run/notify", None),
        ("vsock:2:1234", None),
    ],
)
def test_socket_address(value: str | None, address: str | None) -> None:
    assert systemd.socket_address(value) == address


# --- the watchdog interval ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"WATCHDOG_USEC": "180000000"}, timedelta(seconds=180)),
        ({"WATCHDOG_USEC": "180000000", "WATCHDOG_PID": "4242"}, timedelta(seconds=180)),
        ({"WATCHDOG_USEC": "180000000", "WATCHDOG_PID": "4243"}, None),  # meant for another
        ({"WATCHDOG_USEC": "180000000", "WATCHDOG_PID": "x"}, None),
        ({"WATCHDOG_USEC": "1500"}, timedelta(microseconds=1500)),
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "-5"}, None),
        ({"WATCHDOG_USEC": "sixty"}, None),
        ({"WATCHDOG_USEC": ""}, None),
        ({"WATCHDOG_PID": "4242"}, None),
    ],
)
def test_watchdog_timeout(environ: dict[str, str], expected: timedelta | None) -> None:
    assert systemd.watchdog_timeout(environ, pid=4242) == expected


def test_watchdog_timeout_defaults_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "4000000")
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert systemd.watchdog_timeout() == timedelta(seconds=4)
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid() + 1))
    assert systemd.watchdog_timeout() is None
