"""The report in a real browser: headless Chromium opens the file with the network off, draws
every chart with the bars the known facts call for, and fetches nothing.

Chromium is driven through its DevTools protocol over `--remote-debugging-pipe` (JSON messages
ending in a NUL byte; commands on the child's fd 3, answers and events on its fd 4), so the test
needs nothing beyond the standard library. Its Network domain reports every request the page
makes, whether or not it could succeed; a control page with two remote images shows that it
would see one. Debian's `chromium` package is required: without it this test fails, it does not
skip (`.ci/run` installs it when missing).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_report import ALEX_BARS, ALEX_SHARE_POINTS, CONFIG, WINDOW, build_log
from tests.conftest import RunCli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TIMEOUT = 10.0  # seconds for any one answer; the whole test takes about two
NETWORK_OFF = (
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves
    "--proxy-server=127.0.0.1:9",  # and every address goes to a port nothing listens on
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
)
ME_FILL = "rgb(0, 114, 178)"  # nudger.cli.report_charts.ME
THEM_FILL = "rgb(213, 94, 0)"  # nudger.cli.report_charts.THEM

# What every chart of every person looks like once laid out, read in the page.
MEASURE = """
(() => {
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const fills = (svg, n) => [...svg.querySelectorAll(`.serie-${n} .bar rect.rect`)]
    .map((rect) => getComputedStyle(rect).fill);
  return [...document.querySelectorAll('section[data-person]')].map((section) => ({
    person: section.dataset.person,
    charts: Object.fromEntries([...section.querySelectorAll('figure[data-chart]')].map((fig) => {
      const svg = fig.querySelector('svg');
      const box = svg.getBoundingClientRect();
      return [fig.dataset.chart, {
        width: box.width,
        height: box.height,
        title: [...svg.querySelectorAll('.plot_title')].map((t) => t.textContent).join(' '),
        axes: [...svg.querySelectorAll('.titles .title:not(.plot_title)')]
          .map((t) => t.textContent),
        bars: [...svg.querySelectorAll('.bar rect.rect')].filter(shown).length,
        points: [...svg.querySelectorAll('.serie-0 circle.dot')].filter(shown).length,
        // A level line has no height: its box is as wide as the plot and flat.
        references: [...svg.querySelectorAll('.series:not(.serie-0) path.line')]
          .filter((line) => line.getBoundingClientRect().width > 0)
          .map((line) => getComputedStyle(line).strokeDasharray),
        mine: fills(svg, 0),
        theirs: fills(svg, 1),
        table_rows: fig.querySelectorAll('table tbody tr').length,
      }];
    })),
  }));
})()
"""


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
            "--window-size=1000,800",
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


@pytest.fixture
def known_log(write_config: Callable[[str], Path], log_path: Path) -> Path:
    write_config(CONFIG)
    build_log(log_path)
    return log_path


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[DevTools]:
    assert Path(CHROMIUM).exists(), (
        "Chromium is missing: install Debian's package (apt-get install chromium); "
        ".ci/run installs it when missing"
    )
    devtools = DevTools(tmp_path / "chromium-profile", tmp_path / "chromium.log")
    try:
        yield devtools
    finally:
        devtools.close()


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


def test_every_chart_renders_offline_without_a_request(
    cli: RunCli, known_log: Path, tmp_path: Path, browser: DevTools
) -> None:
    page = tmp_path / "report.html"
    assert cli("report", *WINDOW, "--out", str(page)).code == 0

    session = open_page(browser, page.as_uri())
    measured = browser.call("Runtime.evaluate", session, expression=MEASURE, returnByValue=True)
    people = {p["person"]: p["charts"] for p in measured["result"]["value"]}
    screenshot = browser.call(
        "Page.captureScreenshot", session, format="png", captureBeyondViewport=True
    )
    shot = tmp_path / "report.png"
    shot.write_bytes(base64.b64decode(screenshot["data"]))

    assert requested(browser) == [page.as_uri()]  # the page itself, nothing else
    problems = [e["entry"]["text"] for e in browser.seen("Log.entryAdded")]
    assert problems == []  # no blocked fetch, no refused style
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 50_000

    alex = people["Alex"]
    assert set(alex) == {*ALEX_BARS, "share"}
    for chart, drawn in alex.items():
        assert drawn["width"] > 300 and drawn["height"] > 100, chart
        assert drawn["title"] and len(drawn["axes"]) == 2, chart
        assert drawn["table_rows"] > 0, chart
    assert {chart: alex[chart]["bars"] for chart in ALEX_BARS} == ALEX_BARS
    assert alex["share"]["points"] == ALEX_SHARE_POINTS
    # leaning and one-sided, on either side of 50%, each dashed its own way
    assert sorted(alex["share"]["references"]) == ["10px, 5px"] * 2 + ["3px, 4px"] * 2
    assert set(alex["initiations"]["mine"]) == {ME_FILL}
    assert set(alex["initiations"]["theirs"]) == {THEM_FILL}
    assert alex["initiations"]["axes"] == ["Month", "Initiations"]
    assert alex["share"]["title"] == "Your share of initiations with Alex, by month"
    # Kim has no entries: every chart is drawn, empty, and there is no wait to chart.
    assert sum(chart["bars"] for chart in people["Kim"].values()) == 0
    assert "waits" not in people["Kim"]
    assert set(people) == {"Alex", "Robin", "<script>alert(1)</script>", "Kim"}


def test_the_request_witness_sees_a_remote_image(tmp_path: Path, browser: DevTools) -> None:
    """The control for the test above: a page that does reach out is caught doing it."""
    control = tmp_path / "control.html"
    control.write_text(
        '<img src="http://198.51.100.7/a.png"><div style="background:url(https://example.org/b.png)">'
    )
    open_page(browser, control.as_uri())
    assert set(requested(browser)) >= {"http://198.51.100.7/a.png", "https://example.org/b.png"}
