"""Headless Chromium driven over its DevTools protocol, with the standard library only.

The protocol runs over `--remote-debugging-pipe` (JSON messages ending in a NUL byte; commands
on the child's fd 3, answers and events on its fd 4). The network is off: no name resolves and
every address goes to a port nothing listens on, so a page that tries to fetch something is
seen trying (its Network domain reports every request) and gets nothing. The report's browser
test and `bench/report_size.py` use it; Debian's `chromium` package provides the browser.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import time
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TIMEOUT = 10.0  # seconds for any one answer
NETWORK_OFF = (
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves
    "--proxy-server=127.0.0.1:9",  # and every address goes to a port nothing listens on
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
)


class DevTools:
    """A Chromium started for one test, and the DevTools protocol over its pipe."""

    def __init__(self, profile: Path, log: Path) -> None:
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()
        output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        argv = [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "--window-size=1280,800",
            *NETWORK_OFF,
            "about:blank",
        ]
        # posix_spawn puts the pipe ends on fds 3 and 4 in the child without running Python
        # code between fork and exec (as preexec_fn would, unsafe beside other threads).
        for descriptor in (commands_read, answers_write):
            os.set_inheritable(descriptor, True)
        self.pid = os.posix_spawn(
            CHROMIUM,
            argv,
            dict(os.environ),
            file_actions=[
                (os.POSIX_SPAWN_DUP2, commands_read, 3),
                (os.POSIX_SPAWN_DUP2, answers_write, 4),
                (os.POSIX_SPAWN_DUP2, output, 1),
                (os.POSIX_SPAWN_DUP2, output, 2),
            ],
        )
        for descriptor in (commands_read, answers_write, output):
            os.close(descriptor)
        self._buffer = b""
        self._last_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        number = self._last_id
        answer = self._next(lambda m: m.get("id") == number)
        assert "error" not in answer, f"{method}: {answer['error']}"
        return dict(answer["result"])

    def wait_for(self, event: str) -> dict[str, Any]:
        return self._next(lambda m: m.get("method") == event)

    def seen(self, event: str) -> list[dict[str, Any]]:
        return [dict(m["params"]) for m in self.events if m.get("method") == event]

    def _next(self, wanted: Any) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                self.events.append(message)
                if wanted(message):
                    return dict(message)
            ready, _, _ = select.select([self._answers], [], [], deadline - time.monotonic())
            assert ready, "Chromium did not answer in time"
            chunk = os.read(self._answers, 1 << 20)
            assert chunk, "Chromium closed the pipe"
            self._buffer += chunk

    def close(self) -> None:
        """Ask the browser to quit; kill it (only this one, by its id) if it does not."""
        with contextlib.suppress(AssertionError, OSError):
            self.call("Browser.close")
        deadline = time.monotonic() + 5
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        os.close(self._commands)
        os.close(self._answers)


def open_page(browser: DevTools, url: str) -> str:
    """A new tab showing `url`, loaded, with its network and log events being recorded."""
    target = browser.call("Target.createTarget", url="about:blank")["targetId"]
    session = str(browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"])
    for domain in ("Network", "Page", "Log"):
        browser.call(f"{domain}.enable", session)
    browser.call("Page.navigate", session, url=url)
    browser.wait_for("Page.loadEventFired")
    return session


def requested(browser: DevTools) -> list[str]:
    return [event["request"]["url"] for event in browser.seen("Network.requestWillBeSent")]
