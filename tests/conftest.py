"""Every test gets its own home, config and data folder, and a way to run the real CLI."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from nudger.cli import main

# Real servers as fixtures any test module can ask for by name: the CalDAV servers (Radicale,
# Xandikos), and a private D-Bus session bus with a notification server on it.
pytest_plugins = ["tests.caldav_servers", "tests.dbus_session", "tests.http_recorder"]

# Property tests explore new inputs on every local run; CI replays a fixed set so that a red run
# is reproducible (`--hypothesis-profile=deep` explores much further, for a session of fuzzing).
for _name, _examples, _fixed in (("dev", 150, False), ("ci", 150, True), ("deep", 5000, False)):
    hypothesis_settings.register_profile(
        _name,
        max_examples=_examples,
        derandomize=_fixed,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


@dataclass(frozen=True)
class Run:
    """What one CLI invocation did."""

    code: int
    out: str
    err: str


RunCli = Callable[..., Run]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh home with XDG folders inside it, and no NUDGER_* variable from the outside."""
    for name in list(os.environ):
        if name.upper().startswith("NUDGER_") or name.endswith("_COMPLETE"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("COLUMNS", "120")
    yield home


@pytest.fixture
def config_path(home: Path) -> Path:
    return home / ".config" / "nudger" / "config.toml"


@pytest.fixture
def log_path(home: Path) -> Path:
    return home / ".local" / "share" / "nudger" / "log.sqlite3"


@pytest.fixture
def write_config(config_path: Path) -> Callable[[str], Path]:
    """Write the default config file from a (dedented) TOML text."""

    def write(text: str) -> Path:
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(textwrap.dedent(text), encoding="utf-8")
        return config_path

    return write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run `nudger ARGS...` in this process through the console script's entry point."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse, and remember, every DNS lookup or connection to a host that is not this one."""
    refused: list[str] = []
    connect, connect_ex, getaddrinfo = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def local(host: Any) -> bool:
        text = host.decode() if isinstance(host, bytes) else host
        if text is None or text == "localhost":
            return True
        try:
            return ipaddress.ip_address(text.split("%")[0]).is_loopback
        except ValueError:
            return False

    def check(address: Any) -> None:
        if isinstance(address, tuple) and not local(address[0]):
            refused.append(str(address[0]))
            raise OSError(errno.ENETUNREACH, f"test guard: {address[0]} is not this machine")

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        check((host,))
        return getaddrinfo(host, *args, **kwargs)

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        check(address)
        connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
        check(address)
        return connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield refused
    assert refused == [], f"tried to leave the machine: {refused}"
