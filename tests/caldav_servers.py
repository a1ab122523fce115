"""Real CalDAV servers for tests: Radicale (with htpasswd auth) and Xandikos (no auth).

The CalDAV source is only worth what it does against real servers, whose quirks differ (an
expired sync token is a 403 on Radicale and a 412 on Xandikos; Radicale delays a failed login
by a second), so these fixtures start the real programs on a free local port, each with its own
storage folder, and stop them afterwards. Import the fixtures into a test module by name.

Radicale runs from this venv. Xandikos pins versions that clash with ours, so it runs from its
own venv: `$XANDIKOS_BIN`, else `<repo>/.venv-xandikos/bin/xandikos` (which `.ci/run` creates).
A missing Xandikos fails the tests that need it rather than skipping them, so a half-tested
adapter never passes as tested.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from caldav.davclient import DAVClient

ROOT = Path(__file__).parent.parent
USERNAME = "alice"
PASSWORD = "secret"  # noqa: S105 - a throwaway account of a throwaway test server
READY_WITHIN = 15.0  # seconds; both servers are ready in well under one on an idle machine
INSTALL_XANDIKOS = (
    "Xandikos is needed for these tests and runs from its own venv: "
    "python3 -m venv .venv-xandikos && .venv-xandikos/bin/pip install 'xandikos>=0.4.10,<0.5' "
    "(or point XANDIKOS_BIN at a xandikos executable)"
)

_REQUEST = {  # how each server logs a request it received
    "radicale": re.compile(r"\] (\w+) request for '([^']*)'"),
    "xandikos": re.compile(r'"(\w+) (\S+) HTTP/[\d.]+"'),
}


@dataclass(frozen=True)
class Server:
    """A running server: where to reach it, whom to log in as, and where its log goes."""

    kind: str
    port: int
    username: str
    password: str | None
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """The address a user would configure (the server root)."""
        return f"http://127.0.0.1:{self.port}/"

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    def mark(self) -> int:
        """How many log lines hold everything the server did so far. Xandikos logs a request
        only after answering it, so under load the last answered request may be logged after
        the next one: two marker requests are sent in turn and each awaited in the log, and the
        second one's line is the mark (by then the requests answered before the first are
        logged)."""
        self._marker()
        return self._marker()

    def _marker(self) -> int:
        # inside the account: Radicale delays a 403 (another owner's path) by a second
        marker = f"/{self.username or 'user'}/nudger-test-mark-{uuid.uuid4().hex}"
        _request(self.port, "GET", marker, _credentials(self.username, self.password))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            lines = self.log_lines()
            if found := [i for i, line in enumerate(lines) if marker in line]:
                return found[0]
            time.sleep(0.02)
        pytest.fail(f"the {self.kind} log never showed the request for {marker}")

    def requests_since(self, mark: int) -> list[str]:
        """The requests logged after `mark`, as "METHOD path" (markers left out)."""
        lines = self.log_lines()[mark : self.mark()]
        found = [" ".join(m.groups()) for line in lines if (m := _REQUEST[self.kind].search(line))]
        return [request for request in found if "/nudger-test-mark-" not in request]


def _credentials(username: str, password: str | None) -> dict[str, str]:
    """Basic credentials as a header: Radicale delays every 401 by a second, anonymous ones too."""
    if password is None:
        return {}
    return {
        "Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    }


def _request(port: int, method: str, path: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def free_port() -> int:
    """A port nothing listens on right now (the kernel's pick; closed again at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_ready(server: Server) -> None:
    """Poll `PROPFIND /` (Depth 0) until any answer below 500; fail fast if the server died."""
    headers = {"Depth": "0", **_credentials(server.username, server.password)}
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log.read_text(encoding="utf-8", errors="replace")[-2000:]
            pytest.fail(f"{server.kind} exited with status {server.process.returncode}:\n{tail}")
        try:
            if _request(server.port, "PROPFIND", "/", headers) < 500:
                return
        except OSError:
            pass
        time.sleep(0.05)
    _stop(server)
    pytest.fail(f"{server.kind} did not answer within {READY_WITHIN} s; see {server.log}")


def _serve(kind: str, argv: list[str], port: int, folder: Path, password: str | None) -> Server:
    log = folder / f"{kind}.log"
    with log.open("wb") as sink:
        # unbuffered: the tests count requests in the log right after making them
        environment = os.environ | {"PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, env=environment)
    server = Server(kind, port, USERNAME if password is not None else "", password, log, process)
    _wait_until_ready(server)
    return server


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def start_radicale(folder: Path) -> Server:
    """Radicale 3 with htpasswd auth (plain, tests only) and one user, alice/secret."""
    port = free_port()
    (folder / "users").write_text(f"{USERNAME}:{PASSWORD}\n", encoding="utf-8")
    config = folder / "radicale.conf"
    config.write_text(
        f"""\
[server]
hosts = 127.0.0.1:{port}
[auth]
type = htpasswd
htpasswd_filename = {folder / "users"}
htpasswd_encryption = plain
[rights]
type = owner_only
[storage]
filesystem_folder = {folder / "collections"}
[web]
type = none
[logging]
level = info
""",
        encoding="utf-8",
    )
    argv = [sys.executable, "-m", "radicale", "--config", str(config)]
    return _serve("radicale", argv, port, folder, PASSWORD)


def xandikos_executable() -> Path:
    """Where Xandikos is installed, or a test failure saying how to install it."""
    configured = os.environ.get("XANDIKOS_BIN")
    candidate = Path(configured) if configured else ROOT / ".venv-xandikos" / "bin" / "xandikos"
    if not (candidate.is_file() and os.access(candidate, os.X_OK)):
        pytest.fail(f"no Xandikos at {candidate}. {INSTALL_XANDIKOS}", pytrace=False)
    return candidate


def start_xandikos(folder: Path) -> Server:
    """Xandikos without auth over plain HTTP (its --htpasswd requires HTTPS); principal /user/."""
    executable = xandikos_executable()
    port = free_port()
    argv = [
        str(executable),
        "serve",
        "-d",
        str(folder / "data"),
        "--autocreate",
        "-l",
        "127.0.0.1",
        "-p",
        str(port),
        "--current-user-principal",
        "/user/",
        "--no-detect-systemd",
        "--state-dir",
        str(folder / "state"),
    ]
    return _serve("xandikos", argv, port, folder, None)


@contextmanager
def serving(kind: str, folder: Path) -> Iterator[Server]:
    """A Radicale or Xandikos running while the block runs: for fixtures of a wider scope than
    one test (the calendar contract suite shares one server, a calendar per test)."""
    server = start_radicale(folder) if kind == "radicale" else start_xandikos(folder)
    try:
        yield server
    finally:
        _stop(server)


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Server]:
    folder = tmp_path / "radicale"
    folder.mkdir()
    server = start_radicale(folder)
    try:
        yield server
    finally:
        _stop(server)


@pytest.fixture
def xandikos(tmp_path: Path) -> Iterator[Server]:
    folder = tmp_path / "xandikos"
    folder.mkdir()
    server = start_xandikos(folder)
    try:
        yield server
    finally:
        _stop(server)


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest) -> Server:
    found: Server = request.getfixturevalue(request.param)
    return found


@pytest.fixture
def client(server: Server) -> Iterator[DAVClient]:
    """The test's own caldav client, to put data on the server the way any client would."""
    auth: dict[str, Any] = {}
    if server.password:
        auth = {"username": server.username, "password": server.password, "auth_type": "basic"}
    with DAVClient(url=server.url, timeout=10, **auth) as made:
        yield made
