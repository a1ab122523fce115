"""The report's first screen: one row per person, in the order of what needs attention.

Pure: facts in, HTML out. Each row holds the verdict and whose side it leans to, my share, its
trend by month (a sparkline drawn here from the numbers: a few lines of SVG, no pygal), the
initiations by side, the last contact and who made it, where they stand against their contact
rhythm ("overdue 5d"), a "ball in their court" wait still running, the plans whose side is
unknown (what `plans review` asks), and plans, messages and calls side by side with the split
by channel, so a chat's count is seen beside the calendar's. The order is
`nudger.views.report_overview`'s; each row links to the person's section.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import tzinfo

from nudger.cli.report_tables import day, percent, side_words, text
from nudger.core.balance import Sides, leaning_words
from nudger.core.rhythm import CONTACT_WORDS
from nudger.core.when import format_duration
from nudger.views.report_data import MonthFacts, PersonFacts
from nudger.views.report_overview import ORDER_WORDS

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 96, 26, 3


def overview(people: Sequence[tuple[str, PersonFacts]], zone: tzinfo) -> str:
    """The table of everyone, `people` as (anchor, facts) in the order they are listed."""
    head = "".join(
        f'<th scope="col">{name}</th>'
        for name in (
            "Person",
            "Verdict",
            "Your share",
            "By month",
            "You",
            "Them",
            "Unknown",
            "Last contact",
            "Rhythm",
            "Waiting",
            "To answer",
            "Plans · messages · calls",
        )
    )
    rows = "".join(_row(anchor, facts, zone) for anchor, facts in people)
    return (
        '<section class="overview" aria-labelledby="overview-title">'
        '<h2 id="overview-title">Everyone at a glance</h2>'
        f'<table class="overview" data-table="overview"><caption>Sorted by what needs attention: '
        f"{ORDER_WORDS}.</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        '<p class="note">You, Them, Unknown: who started what counts as an initiation. Last '
        "contact: the latest plan that happened, message, call, check-in or thanks before the "
        "window ends, however long ago. Rhythm: how long since then against how often you want "
        "to be in touch (<code>nudger people set NAME --every 2w</code>), as "
        '<code>nudger drift</code> says it. Waiting: a "ball in their court" wait still running. '
        "To answer: plans whose side the calendar could not tell; say whose idea each was with "
        "<code>nudger plans review</code>. Plans · messages · calls: who started each, "
        "you:them (+N? of unknown side), then the same by channel (<code>calendar</code> for "
        "what a calendar showed, <code>unknown</code> for what was logged by hand without "
        "one).</p>"
        "</section>"
    )


def _row(anchor: str, facts: PersonFacts, zone: tzinfo) -> str:
    report = facts.balance
    name = report.person
    direction = leaning_words(report.leaning_to).strip(" ()")
    verdict = f'<span class="verdict">{html.escape(report.verdict)}</span>' + (
        f" <small>{direction}</small>" if direction else ""
    )
    share = "—" if report.share_me is None else f"you start {percent(report.share_me)}"
    sides = report.initiations
    running = [w for w in facts.waits if w.running]
    waiting = f"until {day(running[-1].planned_until, zone)}" if running else "—"
    unknown = facts.unknown_plans
    answer = f"{unknown} plan{'s' * (unknown != 1)}" if unknown else "—"
    cells = [
        verdict,
        html.escape(share),
        sparkline(facts.months),
        str(sides.me),
        str(sides.them),
        str(sides.unknown),
        _contact(facts, zone),
        _rhythm(facts),
        html.escape(waiting),
        html.escape(answer),
        _started(facts),
    ]
    data = "".join(f"<td>{cell}</td>" for cell in cells)
    return (
        f'<tr data-person="{text(name)}" data-verdict="{html.escape(report.verdict)}">'
        f'<th scope="row"><a href="#{anchor}">{text(name)}</a></th>{data}</tr>'
    )


# The kinds the column sets side by side, in the words it uses; a kind the balance does not
# count (not in balance.kinds) is "—", never 0:0.
_STARTED = (("plan", "plans"), ("message", "messages"), ("call", "calls"))


def _started(facts: PersonFacts) -> str:
    """Plans, messages and calls by side, and the initiations by channel below them."""
    report = facts.balance
    kinds = " · ".join(
        f"{words} {_pair(report.by_kind[kind])}" if kind in report.by_kind else f"{words} —"
        for kind, words in _STARTED
    )
    channels = " · ".join(f"{name} {_pair(sides)}" for name, sides in report.by_channel.items())
    return html.escape(kinds) + (f"<br><small>{text(channels)}</small>" if channels else "")


def _pair(sides: Sides) -> str:
    return f"{sides.me}:{sides.them}" + (f" +{sides.unknown}?" if sides.unknown else "")


def _contact(facts: PersonFacts, zone: tzinfo) -> str:
    last = facts.last_contact
    if last is None:
        return "never"
    what = CONTACT_WORDS.get(last.kind, last.kind)
    by = side_words(last.who, facts.balance.person)
    return f"{html.escape(day(last.at, zone))}<br><small>{text(what)}, by {text(by)}</small>"


def _rhythm(facts: PersonFacts) -> str:
    found = facts.drift
    if found is None or found.every is None:
        return "—"
    status = html.escape(found.status())
    every = html.escape(format_duration(found.every))
    marked = f"<strong>{status}</strong>" if found.overdue else status
    return f'<span data-drift="{found.overdue}">{marked}</span><br><small>every {every}</small>'


def sparkline(months: Sequence[MonthFacts]) -> str:
    """My share month by month as a small line (50% dashed); a month with no initiation of
    known side is a gap, and a month on its own between gaps a dot. "—" with no such month."""
    shares = [m.balance.share_me for m in months]
    if all(s is None for s in shares):
        return "—"
    inner_w = SPARK_WIDTH - 2 * SPARK_PAD
    inner_h = SPARK_HEIGHT - 2 * SPARK_PAD
    step = inner_w / max(len(shares) - 1, 1)

    def point(index: int, share: float) -> str:
        x = SPARK_PAD + (index * step if len(shares) > 1 else inner_w / 2)
        return f"{x:.1f},{SPARK_PAD + (1 - share) * inner_h:.1f}"

    runs: list[list[str]] = [[]]
    for index, share in enumerate(shares):
        if share is None:
            runs.append([])
        else:
            runs[-1].append(point(index, share))
    lines = "".join(
        f'<polyline points="{" ".join(run)}"/>' if len(run) > 1 else _dot(run[0])
        for run in runs
        if run
    )
    words = ", ".join(f"{m.label} {percent(s)}" for m, s in zip(months, shares, strict=True))
    middle = SPARK_PAD + inner_h / 2
    return (
        f'<svg class="spark" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" width="{SPARK_WIDTH}" '
        f'height="{SPARK_HEIGHT}" role="img" aria-label="Your share by month: {words}">'
        f"<title>Your share by month: {words}</title>"
        f'<line class="half" x1="0" x2="{SPARK_WIDTH}" y1="{middle}" y2="{middle}"/>'
        f"{lines}</svg>"
    )


def _dot(at: str) -> str:
    x, y = at.split(",")
    return f'<circle cx="{x}" cy="{y}" r="2.2"/>'
