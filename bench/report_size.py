"""How heavy `nudger report`'s page is for a year of five people, and how fast it is made and
shown: the page's bytes, the command's wall time, and Chromium's time to load it.

    python -m bench.report_size             # from the repo root; or python bench/report_size.py
    python -m bench.report_size --rounds 9 --seed 3

It builds the year `bench/report_speed.py` builds (for each of five people: about two plans a
week with their titles, some cancelled, declined, moved or missed; messages, calls, check-ins,
thanks, loose plans; three "ball in their court" waits) into a temporary log, runs
`nudger report --since 1y` as a new process (the first run is a warm-up and is dropped), then
opens the page in headless Chromium with the network off (`tests.devtools`) and times its load
(navigation to the load event, as the page's own Navigation Timing says, and as the wall clock
around it sees), and measures how tall it is at 1280 px wide. The bars: the page under 1 MB
and the median command under 1 s. Exits 0 when both hold, 1 otherwise. Without Chromium the
browser's figures are skipped, said so, and do not fail the run.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report_speed import BYTES_BAR, SECONDS_BAR, arguments, timed_report, verdict  # noqa: E402
from tests.devtools import CHROMIUM, DevTools, open_page, requested  # noqa: E402

TIMING = """
(() => {
  const [nav] = performance.getEntriesByType('navigation');
  return { load: nav.loadEventEnd - nav.startTime, height: document.documentElement.scrollHeight,
           marks: document.querySelectorAll('.timeline g.mark').length,
           charts: document.querySelectorAll('figure[data-chart]').length };
})()
"""


def browser_figures(page: Path, folder: Path, rounds: int) -> dict[str, float] | None:
    """Chromium's load of `page` (median of `rounds` fresh tabs), the page's height and what it
    draws; None without Chromium."""
    if not Path(CHROMIUM).exists():
        return None
    browser = DevTools(folder / "chromium-profile", folder / "chromium.log")
    try:
        loads, walls = [], []
        figures: dict[str, float] = {}
        for _ in range(rounds):
            started = time.perf_counter()
            session = open_page(browser, page.as_uri())
            walls.append(time.perf_counter() - started)
            answer = browser.call(
                "Runtime.evaluate", session, expression=TIMING, returnByValue=True
            )
            figures = dict(answer["result"]["value"])
            loads.append(figures["load"] / 1000)
        if set(requested(browser)) != {page.as_uri()}:
            sys.exit(f"the page made requests: {requested(browser)}")
    finally:
        browser.close()
    return figures | {"load": statistics.median(loads), "wall": statistics.median(walls)}


def main() -> None:
    parsed = arguments(__doc__, 6)
    with timed_report(parsed.seed, parsed.rounds) as (page, times):
        size = page.stat().st_size
        shown = browser_figures(page, page.parent, parsed.rounds - 1)
    median = statistics.median(times)
    small, fast = size < BYTES_BAR, median < SECONDS_BAR
    print(f"size: {size:,} bytes, {size / 1024:.0f} KB (bar < 1 MB)  {verdict(small)}")
    print(
        f"nudger report: median {median:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s "
        f"({len(times)} runs; bar < {SECONDS_BAR:.0f} s)  {verdict(fast)}"
    )
    if shown is None:
        print(f"chromium: {CHROMIUM} not found, its figures skipped")
    else:
        print(
            f"chromium: load {shown['load']:.3f} s (navigation to load event), "
            f"{shown['wall']:.3f} s around it; page {shown['height']:,.0f} px tall at 1280 px, "
            f"{shown['charts']:.0f} figures, {shown['marks']:.0f} timeline marks"
        )
    sys.exit(0 if small and fast else 1)


if __name__ == "__main__":
    main()
