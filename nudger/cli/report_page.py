"""One self-contained HTML page from `nudger.views.report_data`'s facts: charts, tables under them.

Pure: facts in, text out; no log, clock or file. The charts are pygal's static SVG, inlined
(`report_charts`), so the page needs no network, no script and no other file: it can be mailed,
archived or opened offline years later. A Content-Security-Policy forbids every fetch and script
as a second lock. Each chart has a title, axis titles and a table with the same numbers under it
(`report_tables`), for screen readers and for copying; one person's charts and tables are
`report_sections`. This module is the page around them: head, contents, thresholds, style.

Text from the user or their calendars (names, notes) is escaped with `html.escape`, or by
pygal's XML writer inside a chart. pygal is imported only through this module, and this module
only by `nudger report`, so no other command pays for it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from nudger import __version__
from nudger.cli.report_sections import person_section
from nudger.cli.report_tables import local, text
from nudger.core.balance import Thresholds
from nudger.core.text import printable
from nudger.views.report_data import PersonFacts


def page(
    people: Sequence[PersonFacts],
    *,
    since: datetime,
    until: datetime,
    thresholds: Thresholds,
    zone: tzinfo,
    generated: datetime,
) -> str:
    """The whole page for these people over [since, until)."""
    names = ", ".join(printable(p.balance.person) for p in people) or "nobody tracked"
    span = _span(since, until, zone)
    sections = "\n".join(
        person_section(number, facts, zone, thresholds) for number, facts in enumerate(people, 1)
    )
    if not people:
        sections = "<p>Nobody is tracked yet. Start with: nudger people add NAME</p>"
    contents = "".join(
        f'<li><a href="#person-{number}">{text(p.balance.person)}</a></li>'
        for number, p in enumerate(people, 1)
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>nudger report: {html.escape(names)}, {span}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>Who carries the load?</h1>
<p>{span} ({html.escape(_zone_name(zone))}), made {local(generated, zone, "%Y-%m-%d %H:%M")}.
{_thresholds_sentence(thresholds)}</p>
<nav aria-label="People"><ul>{contents}</ul></nav>
</header>
<main>
{sections}
</main>
<footer><p>Made by nudger {html.escape(__version__)} from your own log. This page loads nothing
from the network and runs no script.</p></footer>
</body>
</html>
"""


def _thresholds_sentence(thresholds: Thresholds) -> str:
    leaning, one_sided = round(100 * thresholds.leaning), round(100 * thresholds.one_sided)
    return (
        f"Balance thresholds: leaning once one side starts {leaning}% of the initiations, "
        f"one-sided from {one_sided}% (either side); fewer than {thresholds.min_count} "
        "initiations are not enough data."
    )


def _span(since: datetime, until: datetime, zone: tzinfo) -> str:
    last = until - timedelta(seconds=1)
    return f"{local(since, zone, '%Y-%m-%d')} to {local(last, zone, '%Y-%m-%d')}"


def _zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)


_CSS = """
:root { color-scheme: light; --me: #0072B2; --them: #D55E00; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem; }
h1 { margin-bottom: .25rem; }
h2 { border-top: 2px solid #1a1a1a; padding-top: 1rem; margin-top: 2.5rem; }
h2 small { font-weight: normal; color: #595959; font-size: 1rem; margin-left: .5rem; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
a { color: #0b5394; }
.summary { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: 0 0 1rem; }
.summary dt { font-size: .85rem; color: #595959; }
.summary dd { margin: 0; font-weight: 600; }
.verdict { border: 2px solid currentColor; border-radius: .25rem; padding: 0 .4rem; }
figure { margin: 2rem 0; break-inside: avoid; }
figure svg { display: block; width: 100%; max-width: 800px; height: auto; }
figcaption { font-size: .9rem; color: #595959; }
table { border-collapse: collapse; margin-top: .5rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-size: .9rem; color: #404040; padding-bottom: .25rem; }
th, td { border: 1px solid #bfbfbf; padding: .2rem .6rem; text-align: right; }
th[scope="row"], thead th:first-child { text-align: left; }
thead th { background: #f0f0f0; }
tfoot th, tfoot td { font-weight: 700; }
.thanks { padding-left: 1.25rem; }
footer { margin-top: 3rem; font-size: .85rem; color: #595959; }
@media print { h2 { break-before: page; } }
"""
