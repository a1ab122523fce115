"""One self-contained HTML page from `nudger.views.report_data`'s facts: the window and the
verdict's thresholds in words, an overview of everyone, then each person's timeline and charts.

Pure: facts in, text out; no log, clock or file. The charts are pygal's static SVG, inlined
(`report_charts`), the timeline and the sparklines small SVGs drawn from the numbers
(`report_timeline`, `report_overview`), so the page needs no network, no script and no other
file: it can be mailed, archived or opened offline years later. A Content-Security-Policy
forbids every fetch and script as a second lock. Each chart has a title, axis titles and a table
with the same numbers folded under it (`report_tables`), for screen readers and for copying;
one person's part is `report_sections`, the style sheet (light, dark, print) `report_style`.
This module is the page around them: head, header, order, anchors.

Text from the user or their calendars (names, notes, plan titles) is escaped with `html.escape`,
or by pygal's XML writer inside a chart. pygal is imported only through this module, and this
module only by `nudger report`, so no other command pays for it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from nudger import __version__
from nudger.cli.report_overview import overview
from nudger.cli.report_sections import person_section
from nudger.cli.report_style import CSS
from nudger.cli.report_tables import KIND_WORDS, day, local
from nudger.core.balance import BalanceRules
from nudger.core.text import printable
from nudger.views.report_data import PersonFacts
from nudger.views.report_overview import by_attention


def page(
    people: Sequence[PersonFacts],
    *,
    since: datetime,
    until: datetime,
    rules: BalanceRules,
    zone: tzinfo,
    generated: datetime,
    default_window: timedelta | None = None,
) -> str:
    """The whole page for these people over [since, until): the window and the rules in words,
    the overview, then each person's section, both in the order of what needs attention.
    `default_window` is the `balance.window` setting when no --since was given, so the page
    says where its window came from."""
    names = ", ".join(printable(p.balance.person) for p in people) or "nobody tracked"
    ordered = by_attention(people)
    anchors = person_anchors([p.balance.person for p in ordered])
    listed = list(zip(anchors, ordered, strict=True))
    sections = "\n".join(
        person_section(anchor, facts, zone, rules.thresholds) for anchor, facts in listed
    )
    first = (
        overview(listed, zone)
        if people
        else "<p>Nobody is tracked yet. Start with: nudger people add NAME</p>"
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>nudger report: {html.escape(names)}, {_span(since, until, zone)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>Who carries the load?</h1>
<p class="window">{_window_sentence(since, until, zone, default_window)} Times are
{html.escape(_zone_name(zone))}; made {local(generated, zone, "%Y-%m-%d %H:%M")}.</p>
<p class="rules">{html.escape(rules_sentence(rules))}</p>
</header>
<main>
{first}
{sections}
</main>
<footer><p>Made by nudger {html.escape(__version__)} from your own log. This page loads nothing
from the network and runs no script.</p></footer>
</body>
</html>
"""


def person_anchors(names: Sequence[str]) -> list[str]:
    """An id for each person's section, `person-` and the name's letters and digits (accents
    dropped), safe in a URL fragment and an HTML id for any name; a name with none of them gets
    its place in the list, and a clash a number."""
    anchors: list[str] = []
    for number, name in enumerate(names, 1):
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", plain.casefold()).strip("-") or str(number)
        anchor, again = f"person-{slug}", 2
        while anchor in anchors:
            anchor, again = f"person-{slug}-{again}", again + 1
        anchors.append(anchor)
    return anchors


def rules_sentence(rules: BalanceRules) -> str:
    """The verdict's thresholds in words, as `[balance]` sets them."""
    thresholds = rules.thresholds
    leaning, one_sided = round(100 * thresholds.leaning), round(100 * thresholds.one_sided)
    count = thresholds.min_count
    kinds = _either([KIND_WORDS.get(k, k) for k in rules.kinds], "and")
    return (
        f"One-sided when one side starts {one_sided}% or more of at least {count} initiations "
        f"whose side is known; leaning from {leaning}%; balanced below that; fewer than {count} "
        f"is not enough data. Initiations are {kinds}."
    )


def _window_sentence(
    since: datetime, until: datetime, zone: tzinfo, default_window: timedelta | None
) -> str:
    last = until - timedelta(seconds=1)
    words = f"From {day(since, zone)} to {day(last, zone)}"
    if default_window is None:
        return f"{words}."
    return (
        f"{words}: the last {_duration(default_window)}, the <code>balance.window</code> "
        "setting that <code>nudger balance</code> uses too (pick another with --since)."
    )


def _duration(span: timedelta) -> str:
    if span % timedelta(days=1):
        hours = round(span / timedelta(hours=1))
        return f"{hours} hour{'s' * (hours != 1)}"
    return f"{span.days} day{'s' * (span.days != 1)}"


def _either(words: Sequence[str], joiner: str) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def _span(since: datetime, until: datetime, zone: tzinfo) -> str:
    last = until - timedelta(seconds=1)
    return f"{local(since, zone, '%Y-%m-%d')} to {local(last, zone, '%Y-%m-%d')}"


def _zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)
