"""The report in a real browser: headless Chromium opens the file with the network off, in a
1280x800 window, and the page shows what the known facts call for, fetching nothing.

The overview's rows (one per person, in the order of what needs attention) are on the first
screen; each chart has something to draw (a kind with no data has none); each person's timeline
has a mark for each plan fact, of its kind and side; the dark scheme and print are restyled,
and print unfolds every table. Screenshots of each are saved under tmp_path, and copied into
the folder `NUDGER_SCREENSHOTS` names when it is set, to look at by eye.

Chromium is driven through its DevTools protocol (`tests.devtools`), standard library only; its
Network domain reports every request the page makes, whether or not it could succeed, and a
control page with two remote images shows that it would see one. Debian's `chromium` package
is required: without it this test fails, it does not skip (`.ci/run` installs it when missing).
"""

from __future__ import annotations

import base64
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_report import (
    ALEX_BARS,
    ALEX_SHARE_POINTS,
    CONFIG,
    HOSTILE,
    TITLE,
    WINDOW,
    build_log,
)
from tests.conftest import RunCli
from tests.devtools import CHROMIUM, DevTools, open_page, requested

# Read at import: the autouse `home` fixture clears every NUDGER_* variable before a test runs.
SCREENSHOTS = os.environ.get("NUDGER_SCREENSHOTS")
WIDTH, HEIGHT = 1280, 800
ME_FILL = "rgb(0, 114, 178)"  # --me in nudger.cli.report_style, nudger.cli.report_charts.ME
THEM_FILL = "rgb(213, 94, 0)"  # --them
UNKNOWN_FILL = "rgb(118, 118, 118)"  # --unknown
DARK_BACKGROUND = "rgb(22, 24, 27)"  # --bg in the dark scheme
# In the order of attention for WINDOW: Robin has a plan of unknown side to answer; the next two
# have not enough data (by name: "<" sorts before "K"); Alex's balance is balanced.
ORDER = ["Robin", HOSTILE, "Kim", "Alex"]
# The charts each person gets: only those with something to draw.
CHARTS = {
    "Alex": {*ALEX_BARS, "share", "timeline"},
    "Robin": {"initiations", "kinds", "share", "timeline"},
    HOSTILE: {"initiations", "share", "gratitude"},
    "Kim": set(),
}
# Alex's plan facts in WINDOW, by (mark, side): FACTS, the February plan marked as theirs.
ALEX_MARKS = {
    ("plan", "me"): 3,
    ("plan", "them"): 2,
    ("cancelled", "me"): 1,
    ("cancelled", "them"): 1,
    ("declined", "them"): 1,
    ("rescheduled", "me"): 1,
    ("missed", "unknown"): 2,  # a plan not replaced, a loose plan never scheduled
}

# What every person's part looks like once laid out, read in the page.
MEASURE = """
(() => {
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const fills = (svg, n) => [...svg.querySelectorAll(`.serie-${n} .bar rect.rect`)]
    .map((rect) => getComputedStyle(rect).fill);
  const charts = (section) => [...section.querySelectorAll('figure[data-chart]:not(.timeline)')]
    .map((fig) => {
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
    });
  const marks = (section) => [...section.querySelectorAll('.timeline g.mark')].map((g) => {
    const drawn = g.querySelector('circle, path, rect');
    const box = drawn.getBoundingClientRect();
    const style = getComputedStyle(drawn);
    return { kind: g.dataset.kind, who: g.dataset.who, shown: shown(drawn),
             x: box.left + box.width / 2, title: g.querySelector('title').textContent,
             color: ['cancelled', 'missed'].includes(g.dataset.kind) ? style.stroke : style.fill };
  });
  return {
    rows: [...document.querySelectorAll('table.overview tbody tr')].map((tr) => {
      const link = tr.querySelector('a[href^="#"]');
      return { person: tr.dataset.person, bottom: tr.getBoundingClientRect().bottom + scrollY,
               target: document.getElementById(link.getAttribute('href').slice(1))
                 ?.dataset.person ?? null };
    }),
    people: [...document.querySelectorAll('section[data-person]')].map((section) => ({
      person: section.dataset.person,
      charts: Object.fromEntries(charts(section)),
      timeline: section.querySelector('figure.timeline') !== null,
      marks: marks(section),
      absent: section.querySelector('.absent')?.textContent ?? null,
      timeline_rows: section.querySelectorAll('table[data-table="timeline"] tbody tr').length,
    })),
    // checkVisibility: false inside a closed <details> (its content is skipped, not laid out)
    tables_shown: [...document.querySelectorAll('table')]
      .filter((t) => t.checkVisibility() && shown(t)).length,
    tables: document.querySelectorAll('table').length,
    background: getComputedStyle(document.body).backgroundColor,
  };
})()
"""


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


def show_report(cli: RunCli, browser: DevTools, tmp_path: Path) -> tuple[Path, str]:
    """The report for WINDOW written to a file and opened in a 1280x800 window."""
    page = tmp_path / "report.html"
    assert cli("report", *WINDOW, "--out", str(page)).code == 0
    session = open_page(browser, page.as_uri())
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=WIDTH,
        height=HEIGHT,
        deviceScaleFactor=1,
        mobile=False,
    )
    return page, session


def measure(browser: DevTools, session: str) -> dict[str, Any]:
    answer = browser.call("Runtime.evaluate", session, expression=MEASURE, returnByValue=True)
    return dict(answer["result"]["value"])


def screenshot(browser: DevTools, session: str, folder: Path, name: str, *, whole: bool) -> Path:
    """A PNG of the first screen (or the whole page) under `folder`, and in NUDGER_SCREENSHOTS."""
    shot = browser.call(
        "Page.captureScreenshot", session, format="png", captureBeyondViewport=whole
    )
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(base64.b64decode(shot["data"]))
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(SCREENSHOTS) / name)
    assert path.read_bytes().startswith(b"\x89PNG")
    return path


def test_the_overview_comes_first_and_every_chart_has_data(
    cli: RunCli, known_log: Path, tmp_path: Path, browser: DevTools
) -> None:
    page, session = show_report(cli, browser, tmp_path)
    measured = measure(browser, session)
    shots = tmp_path / "screenshots"
    first = screenshot(browser, session, shots, "report-first-screen.png", whole=False)
    whole = screenshot(browser, session, shots, "report-whole.png", whole=True)

    assert requested(browser) == [page.as_uri()]  # the page itself, nothing else
    problems = [e["entry"]["text"] for e in browser.seen("Log.entryAdded")]
    assert problems == []  # no blocked fetch, no refused style
    assert first.stat().st_size > 30_000 and whole.stat().st_size > first.stat().st_size

    rows = measured["rows"]
    assert [row["person"] for row in rows] == ORDER
    assert all(row["bottom"] <= HEIGHT for row in rows), rows  # seen without scrolling
    assert [row["target"] for row in rows] == ORDER  # each links to that person's section
    people = {p["person"]: p for p in measured["people"]}
    assert [p["person"] for p in measured["people"]] == ORDER  # the sections in the same order

    for name, wanted in CHARTS.items():
        person = people[name]
        assert {*person["charts"], *(["timeline"] if person["timeline"] else [])} == wanted, name
        for chart, drawn in person["charts"].items():  # no chart of nothing
            assert drawn["bars"] + drawn["points"] > 0, (name, chart)
            assert drawn["width"] > 300 and drawn["height"] > 100, (name, chart)
            assert drawn["title"] and len(drawn["axes"]) == 2, (name, chart)
    assert people["Kim"]["absent"] == "Nothing logged with Kim in this window."
    assert people["Kim"]["marks"] == []
    assert "cancellations or declines" in people["Robin"]["absent"]
    assert measured["tables_shown"] == 1  # the overview; every other table is folded

    alex = people["Alex"]["charts"]
    assert {chart: alex[chart]["bars"] for chart in ALEX_BARS} == ALEX_BARS
    assert alex["share"]["points"] == ALEX_SHARE_POINTS
    # leaning and one-sided, on either side of 50%, each dashed its own way
    assert sorted(alex["share"]["references"]) == ["10px, 5px"] * 2 + ["3px, 4px"] * 2
    assert set(alex["initiations"]["mine"]) == {ME_FILL}
    assert set(alex["initiations"]["theirs"]) == {THEM_FILL}
    assert alex["initiations"]["axes"] == ["Month", "Initiations"]
    assert alex["share"]["title"] == "Your share of initiations with Alex, by month"


def test_the_timeline_marks_each_plan_fact_by_date_kind_and_side(
    cli: RunCli, known_log: Path, tmp_path: Path, browser: DevTools
) -> None:
    _, session = show_report(cli, browser, tmp_path)
    people = {p["person"]: p for p in measure(browser, session)["people"]}

    marks = people["Alex"]["marks"]
    assert Counter((m["kind"], m["who"]) for m in marks) == ALEX_MARKS
    assert all(m["shown"] for m in marks)
    assert people["Alex"]["timeline_rows"] == len(marks)
    colors = {"me": ME_FILL, "them": THEM_FILL, "unknown": UNKNOWN_FILL}
    assert all(m["color"] == colors[m["who"]] for m in marks), marks
    # Left to right in date order: the marks are listed oldest first.
    assert [m["x"] for m in marks] == sorted(m["x"] for m in marks)
    assert marks[0]["title"] == "Dinner & a film: proposed 10 Jan 2026 by you"
    moved = next(m for m in marks if m["kind"] == "rescheduled")
    assert moved["title"] == f"{TITLE}: moved 20 May 2026 by you"  # text, not markup
    museum = next(m for m in marks if m["title"].startswith("Museum"))
    assert museum["title"] == "Museum: proposed 10 Feb 2026 by Alex, planned for 21 Feb 2026"
    assert [m["kind"] for m in people["Robin"]["marks"]] == ["plan"]
    assert people[HOSTILE]["marks"] == []  # a message and thanks: no plan, no timeline


def test_dark_scheme_and_print_restyle_the_page(
    cli: RunCli, known_log: Path, tmp_path: Path, browser: DevTools
) -> None:
    page, session = show_report(cli, browser, tmp_path)
    shots = tmp_path / "screenshots"
    dark = [{"name": "prefers-color-scheme", "value": "dark"}]
    browser.call("Emulation.setEmulatedMedia", session, media="", features=dark)
    in_dark = measure(browser, session)
    screenshot(browser, session, shots, "report-dark-first-screen.png", whole=False)
    screenshot(browser, session, shots, "report-dark-whole.png", whole=True)
    browser.call("Emulation.setEmulatedMedia", session, media="print", features=dark)
    printed = measure(browser, session)
    screenshot(browser, session, shots, "report-print.png", whole=True)

    assert in_dark["background"] == DARK_BACKGROUND
    marks = {p["person"]: p["marks"] for p in in_dark["people"]}["Alex"]
    assert {m["color"] for m in marks if m["who"] == "me"} == {"rgb(86, 180, 233)"}  # lighter
    # Print is light whatever the scheme, and unfolds every table.
    assert printed["background"] == "rgb(255, 255, 255)"
    assert printed["tables_shown"] == printed["tables"] == 1 + sum(map(len, CHARTS.values()))
    assert requested(browser) == [page.as_uri()]


def test_the_request_witness_sees_a_remote_image(tmp_path: Path, browser: DevTools) -> None:
    """The control for the tests above: a page that does reach out is caught doing it."""
    control = tmp_path / "control.html"
    control.write_text(
        '<img src="http://198.51.100.7/a.png"><div style="background:url(https://example.org/b.png)">'
    )
    open_page(browser, control.as_uri())
    assert set(requested(browser)) >= {"http://198.51.100.7/a.png", "https://example.org/b.png"}
