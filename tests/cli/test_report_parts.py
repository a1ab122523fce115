"""The report's parts on their own: a table escapes what users wrote, a chart is one static
image described by its table, and the tables need no pygal (only the charts import it)."""

from __future__ import annotations

import subprocess
import sys

from nudger.cli.report_charts import ME, Series, chart
from nudger.cli.report_tables import Table, table_html


def test_a_table_escapes_user_text_and_heads_each_row() -> None:
    table = Table("about", ("Month", "You"), [("<b>Alex</b>", "3")], [("Total", "3")])
    made = table_html("kinds", "p-1-kinds-table", 'Dinners & "drinks"', table)
    assert "<b>Alex</b>" not in made and "&lt;b&gt;Alex&lt;/b&gt;" in made
    assert '<th scope="row">&lt;b&gt;Alex&lt;/b&gt;</th><td>3</td>' in made
    assert "<caption>Dinners &amp; &quot;drinks&quot;</caption>" in made
    assert "<tfoot>" in made


def test_a_chart_is_a_static_image_described_by_its_table() -> None:
    svg = chart(
        "bar", "Who started things", ("Month", "Initiations"), ["2026-01"],
        [Series("You", [3], ME)], described_by="p-1-initiations-table",
    )  # fmt: skip
    assert 'role="img"' in svg and 'aria-describedby="p-1-initiations-table"' in svg
    assert "<script" not in svg


def test_the_tables_do_not_bring_pygal() -> None:
    probe = "import sys, nudger.cli.report_tables; print('pygal' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
