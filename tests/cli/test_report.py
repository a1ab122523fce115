"""`nudger report`: the page's tables say what `balance --json` says, and the page is safe offline.

The log is built with known facts (by the Store API, as a calendar sync and the CLI write it), the
page is parsed with the standard library's HTML parser, and each table is compared with the same
window's `balance --json`, and with the facts themselves.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from nudger.config.settings_core import Balance
from nudger.core.answers import ended_wait, started_wait
from nudger.core.model import NewEntry, Who
from nudger.log.queries import Count
from nudger.log.store import Store
from nudger.views.report_data import report_months, wait_outcomes
from tests.conftest import RunCli

HOSTILE = "<script>alert(1)</script>"
NOTE = '<script>alert("note")</script> for the soup'
TITLE = "<script>alert('plan')</script> & drinks"  # a plan's title, as a calendar may hold it
WINDOW = ("--since", "2026-01-01", "--until", "2026-06-30")
CONFIG = f"""\
[me]
name = "Sam"
timezone = "Europe/Berlin"

[[people]]
name = "Alex"
kind = "partner"

[[people]]
name = "Robin"
kind = "friend"

[[people]]
name = "{HOSTILE}"
kind = "friend"

[[people]]
name = "Kim"
kind = "family"
"""
# (UTC time, person, kind, who, text): Alex's month by month, two entries just outside the
# window (23:30 and 00:30 in Berlin), Robin with a plan nobody claimed, Kim with nothing at all.
# The text is a plan fact's title (as a calendar gives it), a lapsed loose plan's words, or a
# note.
FACTS: list[tuple[str, str, str, str, str | None]] = [
    ("2025-12-31T22:30", "Alex", "plan", "me", None),  # 2025-12-31 23:30 local: before
    ("2026-01-10T10:00", "Alex", "plan", "me", "Dinner & a film"),
    ("2026-01-12T10:00", "Alex", "message", "them", None),
    ("2026-01-20T10:00", "Alex", "call", "me", None),
    ("2026-02-03T10:00", "Alex", "message", "me", None),
    ("2026-02-05T10:00", "Alex", "message", "me", None),
    ("2026-03-02T10:00", "Alex", "checkin", "me", None),
    ("2026-03-03T10:00", "Alex", "checkin", "them", None),
    ("2026-03-04T10:00", "Alex", "gratitude", "them", NOTE),
    ("2026-03-05T10:00", "Alex", "message", "them", None),  # during the first wait
    ("2026-03-20T10:00", "Alex", "call", "them", None),  # after it
    ("2026-04-02T10:00", "Alex", "cancelled", "me", "Climbing"),
    ("2026-04-03T10:00", "Alex", "declined", "them", "Brunch"),
    ("2026-04-05T10:00", "Alex", "plan", "them", None),
    ("2026-04-10T10:00", "Alex", "missed", "unknown", "Climbing"),
    ("2026-04-20T10:00", "Alex", "loose.expired", "unknown", "we should go hiking"),
    ("2026-05-06T10:00", "Alex", "gratitude", "me", "for the flowers"),
    ("2026-05-07T10:00", "Alex", "checkin", "me", None),
    ("2026-05-20T10:00", "Alex", "rescheduled", "me", TITLE),
    ("2026-06-01T10:00", "Alex", "cancelled", "them", None),
    ("2026-06-02T10:00", "Alex", "plan", "me", None),
    ("2026-06-03T10:00", "Alex", "plan", "me", None),
    ("2026-06-30T22:30", "Alex", "plan", "me", None),  # 2026-07-01 00:30 local: after
    ("2026-02-11T10:00", "Robin", "plan", "unknown", "Board games"),
    ("2026-05-11T10:00", "Robin", "message", "them", None),
    ("2026-05-12T10:00", HOSTILE, "message", "me", None),
    ("2026-05-13T10:00", HOSTILE, "gratitude", "them", NOTE),
]
# The bars each of Alex's charts must draw: one per non-zero cell of its table.
ALEX_BARS = {
    "initiations": 9,
    "kinds": 8,
    "outcomes": 3,
    "missed": 1,
    "checkins": 3,
    "gratitude": 2,
    "waits": 1,
}
ALEX_SHARE_POINTS = 6  # every month has initiations of known side


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


CALENDAR_FACTS = ("cancelled", "declined", "rescheduled", "missed")


def details(kind: str, text: str | None) -> dict[str, str]:
    """Where each kind keeps its text: a title, the words of a loose plan, or a note."""
    if not text:
        return {}
    key = {"loose.expired": "text", "plan": "summary"}.get(kind, "note")
    return {"summary" if kind in CALENDAR_FACTS else key: text}


def build_log(log_path: Path) -> None:
    """FACTS, a plan of unknown side marked as theirs later, and two waits with Alex: one that
    ran its course (they wrote during it), one ended early (they did not)."""
    entries = [
        NewEntry(
            at=at(moment),
            kind=kind,
            who=Who(who),
            source="calendar:test" if kind in CALENDAR_FACTS else "manual",
            key=f"test:{number}",
            person=person,
            details=details(kind, text),
        )
        for number, (moment, person, kind, who, text) in enumerate(FACTS)
    ]
    museum = {"summary": "Museum", "uid": "museum@test", "start": "2026-02-21T14:00:00+01:00"}
    unknown_plan = NewEntry(
        at=at("2026-02-10T10:00"),
        kind="plan",
        who=Who.UNKNOWN,
        source="calendar:test",
        key="test:february-plan",
        person="Alex",
        details=museum,
    )
    marked = NewEntry(
        at=unknown_plan.at,
        kind="plan",
        who=Who.THEM,
        source="mark",
        key="mark:february-plan",
        person="Alex",
        details={**museum, "was": "unknown"},
        supersedes=unknown_plan.key,
    )
    waits = [
        started_wait("Alex", at("2026-03-01T10:00"), 14, "first"),
        started_wait("Alex", at("2026-05-01T10:00"), 14, "second"),
        ended_wait("Alex", at("2026-05-05T10:00"), "second-ended"),
    ]
    with Store.open(log_path) as store:
        store.append_many(
            [*entries, unknown_plan, marked, *waits], now=datetime(2026, 11, 1, tzinfo=UTC)
        )


@pytest.fixture
def known_log(write_config: Callable[[str], Path], log_path: Path) -> Path:
    write_config(CONFIG)
    build_log(log_path)
    return log_path


@dataclass
class Table:
    head: list[list[str]] = field(default_factory=list)
    body: list[list[str]] = field(default_factory=list)
    foot: list[list[str]] = field(default_factory=list)


class TableReader(HTMLParser):
    """Every data table of the page, by (person, table): its rows as the cells' text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[tuple[str, str], Table] = {}
        self.person = ""
        self.table: Table | None = None
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self.person = found.get("data-person") or ""
        elif tag == "table":
            self.table = self.tables.setdefault((self.person, str(found["data-table"])), Table())
        elif tag in ("thead", "tbody", "tfoot") and self.table is not None:
            self.rows = getattr(self.table, tag.removeprefix("t"))
        elif tag == "tr" and self.table is not None:
            self.rows.append([])
        elif tag in ("th", "td") and self.table is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def read_tables(page: str) -> dict[tuple[str, str], Table]:
    reader = TableReader()
    reader.feed(page)
    reader.close()
    return reader.tables


def balance(cli: RunCli, *args: str) -> dict[str, dict[str, Any]]:
    result = cli("balance", "--json", *args)
    assert result.code == 0, result.err
    return {row["person"]: row for row in json.loads(result.out)}


def report(cli: RunCli, *args: str) -> str:
    result = cli("report", "--out", "-", *args)
    assert result.code == 0, result.err
    return result.out


def sides(counts: dict[str, int]) -> list[str]:
    return [
        str(counts["me"]),
        str(counts["them"]),
        str(counts["unknown"]),
        str(sum(counts.values())),
    ]


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def total(counts: dict[str, int]) -> int:
    return sum(counts.values())


def charts_with_data(row: dict[str, Any]) -> set[str]:
    """The tables `balance --json` says have something in them: the others are left out."""
    kinds = [kind for kind, counts in row["by_kind"].items() if total(counts)]
    wanted = {
        "initiations": total(row["initiations"]) > 0,
        "kinds": len(kinds) > 1,  # one kind alone is the initiations chart again
        "share": row["share_me"] is not None,
        "outcomes": total(row["cancellations"]) + total(row["declines"]) > 0,
        "missed": row["missed"] > 0,
        "checkins": total(row["by_kind"]["checkin"]) > 0,
    }
    return {table for table, shown in wanted.items() if shown}


def test_every_table_says_what_balance_json_says(cli: RunCli, known_log: Path) -> None:
    expected = balance(cli, *WINDOW)
    tables = read_tables(report(cli, *WINDOW))

    assert {person for person, _ in tables} == {"", "Alex", "Robin", HOSTILE}  # "": overview
    for name, row in expected.items():
        months = row["trend"]  # the window is the balance trend's six months exactly
        shown = {table for person, table in tables if person == name}
        assert shown & CHECKED == charts_with_data(row), name
        if "initiations" in shown:
            initiations = tables[name, "initiations"]
            assert initiations.foot == [["Whole window", *sides(row["initiations"])]], name
            assert [r[:4] for r in initiations.body] == [
                [m["month"], str(m["me"]), str(m["them"]), str(m["unknown"])] for m in months
            ]
        if "kinds" in shown:
            assert tables[name, "kinds"].body == [
                [kind, *sides(counts)] for kind, counts in row["by_kind"].items() if total(counts)
            ]
        if "share" in shown:
            share = tables[name, "share"]
            assert share.foot == [
                [
                    "Whole window",
                    str(row["initiations"]["me"]),
                    str(row["initiations"]["them"]),
                    percent(row["share_me"]),
                    row["verdict"],
                ]
            ]
            assert [r[3] for r in share.body] == [percent(m["share_me"]) for m in months]
        if "outcomes" in shown:
            assert tables[name, "outcomes"].body == [
                ["Cancelled", *sides(row["cancellations"])],
                ["Declined", *sides(row["declines"])],
            ]
        if "missed" in shown:
            assert tables[name, "missed"].foot == [["Whole window", str(row["missed"])]]
        if "checkins" in shown:
            checkins = row["by_kind"]["checkin"]
            assert tables[name, "checkins"].foot == [["Whole window", *sides(checkins)]]
    assert len(charts_with_data(expected["Alex"])) == len(CHECKED)  # each branch above ran


CHECKED = {"initiations", "kinds", "share", "outcomes", "missed", "checkins"}


def test_each_verdict_says_whose_side_it_leans_to(cli: RunCli, known_log: Path) -> None:
    """ "leaning" alone did not say towards whom; the page says it as balance --json does."""
    march = ("--since", "2026-03-01", "--until", "2026-03-31")  # Alex's one-sided month
    page = report(cli, *march)
    words = {"me": " (you start more)", "them": " (they start more)", None: ""}
    rows = balance(cli, *march)
    assert rows["Alex"]["leaning_to"] == "them"
    for name, row in rows.items():
        verdict = f'<span class="verdict">{row["verdict"]}</span>{words[row["leaning_to"]]}<'
        assert verdict in page, name


def test_the_tables_hold_the_known_facts(cli: RunCli, known_log: Path) -> None:
    tables = read_tables(report(cli, "Alex", *WINDOW))

    assert tables["Alex", "initiations"].body == [
        ["2026-01", "2", "1", "0", "3"],
        ["2026-02", "2", "1", "0", "3"],  # the unknown plan was marked as theirs
        ["2026-03", "1", "3", "0", "4"],
        ["2026-04", "0", "1", "0", "1"],
        ["2026-05", "1", "0", "0", "1"],
        ["2026-06", "2", "0", "0", "2"],
    ]
    assert tables["Alex", "share"].foot == [["Whole window", "8", "6", "57%", "balanced"]]
    assert tables["Alex", "share"].body[2] == ["2026-03", "1", "3", "25%", "one-sided"]
    assert tables["Alex", "missed"].foot == [["Whole window", "2"]]  # missed + loose expired
    assert tables["Alex", "gratitude"].foot == [["Whole window", "1", "1", "0", "2"]]
    assert tables["Alex", "waits"].body == [
        [
            "2026-03-01",
            "2026-03-15",
            "2026-03-15",
            "2",
            "they reached out",
        ],  # a check-in, a message
        ["2026-05-01", "2026-05-15", "2026-05-05 (ended early)", "0", "they did not reach out"],
    ]
    assert {person for person, _ in tables} == {"", "Alex"}  # "": the overview


def test_unknown_sides_get_a_bar_series_only_when_there_are_some(
    cli: RunCli, known_log: Path
) -> None:
    page = report(cli, *WINDOW)
    robin, alex = section(page, "Robin"), section(page, "Alex")
    assert ">Unknown</text>" in robin  # a legend entry
    assert ">Unknown</text>" not in alex
    assert read_tables(page)["Robin", "initiations"].foot == [["Whole window", "0", "1", "1", "2"]]


def section(page: str, name: str) -> str:
    """The HTML of one person's section."""
    start = page.index(f'<section id="person-{name.lower()}"')
    return page[start : page.index("</section>", start)]


def test_names_and_notes_are_escaped(cli: RunCli, known_log: Path) -> None:
    page = report(cli, *WINDOW)

    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the name, in headings and charts
    assert "&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt; for the soup" in page
    assert (HOSTILE, "initiations") in read_tables(page)  # the attribute reads back as the name


# A reference to anything outside the page: a src or href with a scheme or a host, a CSS import
# or url(); the only addresses allowed are the SVG namespaces, which are names, not requests.
EXTERNAL = re.compile(
    r"""\b(?:src|href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)|@import|url\s*\(""", re.I
)
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_the_page_references_nothing_outside_itself(cli: RunCli, known_log: Path) -> None:
    page = report(cli, *WINDOW)

    assert EXTERNAL.findall(page) == []
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= NAMESPACES
    assert re.findall(r"<(?:script|link|img|iframe|object|embed|base)\b", page, re.I) == []
    anchors = {"#person-alex", "#person-robin", "#person-kim", "#person-script-alert-1-script"}
    assert set(re.findall(r"""href="([^"]*)\"""", page)) == anchors
    assert "default-src 'none'" in page  # and the browser is told to fetch nothing anyway


def test_out_dash_prints_the_page_and_writes_no_file(
    cli: RunCli, known_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.iterdir())
    result = cli("report", "Alex", "--out", "-")
    assert result.code == 0, result.err
    assert result.out.startswith("<!doctype html>")
    assert result.out.rstrip().endswith("</html>")
    assert set(tmp_path.iterdir()) == before


def test_by_default_it_writes_a_private_file_here_and_says_which(
    cli: RunCli, known_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("report")
    assert result.code == 0, result.err
    written = tmp_path / "nudger-report.html"
    assert str(written) in result.out
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def day_words(iso: str, zone: str = "Europe/Berlin") -> str:
    moment = datetime.fromisoformat(iso).astimezone(ZoneInfo(zone))
    return f"{moment.day} {moment:%b %Y}"


def test_report_and_balance_look_back_over_the_same_window_by_default(
    cli: RunCli, known_log: Path
) -> None:
    """`report` used a year while `balance` used `balance.window`: two verdicts for one name."""
    page = report(cli, "--until", "2026-06-30")
    row = balance(cli, "--until", "2026-06-30")["Alex"]
    last = (datetime.fromisoformat(row["until"]) - timedelta(seconds=1)).isoformat()
    window = Balance().window
    assert window == timedelta(days=90)
    assert (
        f"From {day_words(row['since'])} to {day_words(last)}: the last 90 days, the "
        "<code>balance.window</code> setting that <code>nudger balance</code> uses too"
    ) in page
    assert read_tables(page)["Alex", "initiations"].foot == [
        ["Whole window", *sides(row["initiations"])]
    ]
    assert "balance.window" not in report(cli, *WINDOW)  # a window asked for is not the default
    for command in ("balance", "report"):
        words = " ".join(cli(command, "--help").out.replace("│", " ").split())
        assert "Default: the balance.window setting (90 days unless you set it)" in words


def test_the_thresholds_are_said_in_words_as_the_settings_set_them(
    cli: RunCli, write_config: Callable[[str], Path], log_path: Path
) -> None:
    write_config(CONFIG + "\n[balance]\none_sided = 0.8\nleaning = 0.65\nmin_count = 6\n")
    build_log(log_path)
    page = report(cli, *WINDOW)
    assert (
        "From 1 Jan 2026 to 30 Jun 2026. Times are\nEurope/Berlin" in page
        and "One-sided when one side starts 80% or more of at least 6 initiations whose side is "
        "known; leaning from 65%; balanced below that; fewer than 6 is not enough data. "
        "Initiations are plans, loose plans, messages, calls and check-ins."
        in page
    )


def test_open_hands_the_file_to_the_browser_module(
    cli: RunCli, known_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("webbrowser.open", fake_open)
    target = tmp_path / "out" / "alex.html"
    target.parent.mkdir()
    result = cli("report", "Alex", "--out", str(target), "--open")
    assert result.code == 0, result.err
    assert opened == [target.as_uri()]
    assert cli("report", "--out", "-", "--open").code == 2


def test_out_in_a_folder_that_does_not_exist_is_refused(
    cli: RunCli, known_log: Path, tmp_path: Path
) -> None:
    """It used to make the folders, so a typo'd path quietly put the page somewhere new."""
    target = tmp_path / "nowhere" / "deeper" / "r.html"
    result = cli("report", "--out", str(target))
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        f"nudger: --out {target}: the folder {target.parent} does not exist",
        "  create it first, or name a file in a folder that exists",
    ]
    assert not (tmp_path / "nowhere").exists()


def test_an_unknown_person_is_refused_with_close_names(cli: RunCli, known_log: Path) -> None:
    result = cli("report", "Alx", "--out", "-")
    assert result.code == 2
    assert result.out == ""
    assert "nobody named 'Alx' is tracked" in result.err
    assert "did you mean Alex" in result.err
    assert "Traceback" not in result.err


def test_help_has_an_example(cli: RunCli) -> None:
    result = cli("report", "--help")
    assert result.code == 0
    assert "Examples: nudger report" in result.out


def test_months_are_clipped_to_the_window_and_add_up_to_it() -> None:
    zone = ZoneInfo("Europe/Berlin")
    since, until = at("2026-03-15T09:00"), at("2026-05-10T09:00")  # across the DST change
    months = report_months(since, until, zone)
    assert [label for label, _, _ in months] == ["2026-03", "2026-04", "2026-05"]
    assert months[0][1] == since
    assert months[-1][2] == until
    assert all(months[n][2] == months[n + 1][1] for n in range(len(months) - 1))
    assert months[1][1] == at("2026-03-31T22:00")  # local midnight, summer time


def test_a_wait_still_running_at_the_end_of_the_window_says_so() -> None:
    start, planned = at("2026-06-20T10:00"), at("2026-07-04T10:00")
    [wait] = wait_outcomes(
        [(start, planned, planned)],
        [
            [
                Count("message", Who.THEM, 2),
                Count("message", Who.ME, 5),
                Count("gratitude", Who.THEM, 1),
            ]
        ],
        ["plan", "message"],
        until=at("2026-06-30T22:00"),
    )
    assert wait.running
    assert wait.their_initiations == 2  # their messages; my messages and their thanks are not
    assert not wait.ended_early
