"""The report's charts: pygal's static SVG, each with its table under it as one figure.

pygal's script (its tooltips, fetched from the web) is left out and the tooltip parts stripped,
so a chart needs no network and no script; each is one image described by its table, for screen
readers. Text inside a chart is escaped by pygal's XML writer. This is the only module that
imports pygal, and only `nudger report` imports it (through `report_page`), so no other command
pays for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pygal
from pygal.style import Style

from nudger.cli.report_tables import Table, folded, table_html, text
from nudger.core.balance import Sides
from nudger.core.text import printable

# Okabe-Ito colours, safe for the common colour-vision deficiencies, each at least 3:1 against
# white (WCAG's bar for graphics); the line styles and the tables carry the meaning as well.
ME = "#0072B2"
THEM = "#D55E00"
UNKNOWN = "#8C8C8C"
NEUTRAL = "#404040"
THRESHOLD_STRONG = "#1A1A1A"
THRESHOLD_MILD = "#6B6B6B"
WIDTH, HEIGHT = 800, 380
_SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Series:
    """One line or set of bars; a series without a title stays out of the legend."""

    title: str | None
    values: Sequence[float | None]
    color: str
    dashes: str | None = None  # an SVG dash array, for reference lines


def figure(
    anchor: str,
    key: str,
    shape: str,
    title: str,
    axes: tuple[str, str],
    labels: Sequence[str],
    series: Sequence[Series],
    table: Table,
) -> str:
    """A chart, what it counts, and its table folded under it; the chart is described by the
    table for screen readers, and the table is captioned with the chart's title."""
    table_id = f"{anchor}-{key}-table"
    svg = chart(shape, printable(title), axes, labels, series, described_by=table_id)
    return (
        f'<figure data-chart="{key}">\n{svg}\n'
        f"<figcaption>{text(table.about)}</figcaption>\n"
        f"{folded(table_html(key, table_id, title, table))}\n</figure>"
    )


def chart(
    shape: str,
    title: str,
    axes: tuple[str, str],
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    described_by: str,
) -> str:
    """One static SVG chart ("bar" or "line") with its title, axis titles and legend."""
    values = [v for s in series for v in s.values if v is not None]
    config: dict[str, Any] = {
        "style": _style([s.color for s in series]),
        "title": title,
        "x_title": axes[0],
        "y_title": axes[1],
        "width": WIDTH,
        "height": HEIGHT,
        "js": [],
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": max(1, sum(s.title is not None for s in series)),
        "truncate_label": -1,
        "truncate_legend": -1,
        "x_label_rotation": 40 if len(labels) > 8 else 0,
        "no_data_text": "Nothing logged",
    }
    if shape == "line":
        config |= {
            "range": (0, 100),
            "y_labels": [0, 25, 50, 75, 100],
            "allow_interruptions": True,
            "value_formatter": lambda value: f"{value:.0f}%",
        }
        graph = pygal.Line(**config)
    else:
        config["y_labels"] = _count_ticks(max(values, default=0))
        graph = pygal.Bar(**config)
    graph.add_xml_filter(_static(described_by))
    # pygal names each chart by a random UUID, repeated in every rule of the chart's own style
    # sheet; the table's id is unique in the page too, shorter, and the same on every run.
    graph.uuid = described_by.removesuffix("-table")
    graph.x_labels = list(labels)
    for one in series:
        options: dict[str, Any] = {}
        if one.dashes:
            options = {"stroke_style": {"width": 2, "dasharray": one.dashes}, "show_dots": False}
        elif shape == "line":
            options = {"stroke_style": {"width": 3}, "dots_size": 4}
        graph.add(one.title, list(one.values), **options)
    return str(graph.render(is_unicode=True))


def _style(colors: Sequence[str]) -> Any:
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1a1a1a",
        foreground_strong="#000000",
        foreground_subtle="#595959",
        font_family="inherit",  # the page's font: one declaration, not one per chart
        # Large enough to read when two charts share a row and are drawn at about 3/4 size.
        title_font_size=18,
        label_font_size=16,
        major_label_font_size=16,
        legend_font_size=16,
        no_data_font_size=24,
        opacity="1",
        opacity_hover="1",
        stroke_opacity="1",
        stroke_opacity_hover="1",
        # Faint, solid guides, so that only the thresholds are drawn as dashed lines.
        guide_stroke_color="#d9d9d9",
        major_guide_stroke_color="#d9d9d9",
        guide_stroke_dasharray="none",
        major_guide_stroke_dasharray="none",
        colors=tuple(colors),
    )


def _static(described_by: str) -> Callable[[Any], Any]:
    """An SVG filter for pygal: drop the script, comments and tooltip parts a static page never
    uses, and present the chart as one image described by its table."""

    def strip(root: Any) -> Any:
        for parent in list(root.iter()):  # a copy: removing would end a live walk
            for child in list(parent):
                if _unwanted(child):
                    parent.remove(child)
        root.set("role", "img")
        root.set("aria-describedby", described_by)
        return root

    return strip


def _unwanted(element: Any) -> bool:
    tag = element.tag
    if not isinstance(tag, str):  # a comment or a processing instruction
        return True
    name = tag.removeprefix(_SVG)  # pygal writes plain names; a parsed tree has namespaces
    css = element.get("class") or ""
    return (
        name == "script"
        or (name == "desc" and css != "value")  # where a tooltip would go
        or (name == "g" and "tooltip-overlay" in css.split())
    )


def _count_ticks(largest: float) -> list[int]:
    """Whole-number ticks (steps of 1, 2, 5, 10, 20, 50 ...) from 0 past the largest count."""
    step = 1
    while largest / step > 8:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    top = -(-int(largest) // step) * step or step
    return list(range(0, top + 1, step))


def side_series(counts: Sequence[Sides]) -> list[Series]:
    """You and them always; unknown only when some side is unknown."""
    series = [
        Series("You", [bar(s.me) for s in counts], ME),
        Series("Them", [bar(s.them) for s in counts], THEM),
    ]
    if any(s.unknown for s in counts):
        series.append(Series("Unknown", [bar(s.unknown) for s in counts], UNKNOWN))
    return series


def bar(count: int) -> int | None:
    """No bar for zero: a chart then draws exactly one bar per non-zero cell of its table."""
    return count or None
