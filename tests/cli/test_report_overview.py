"""`nudger report`'s first screen and each person's plans: the overview's rows in the order of
what needs attention, what each row says, the line naming what is absent, and the timeline's
table of plan facts, read from the page as a user (or a screen reader) reads its tables.

The log is `tests.cli.test_report`'s known facts; the page is parsed with its table reader.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape
from pathlib import Path

from nudger.cli.report_page import person_anchors
from nudger.core.model import NewEntry, Who
from nudger.log.store import Store
from tests.cli.test_report import HOSTILE, TITLE, WINDOW, at, known_log, read_tables, report
from tests.conftest import RunCli

__all__ = ["known_log"]  # the fixture, used by name

MARCH = ("--since", "2026-03-01", "--until", "2026-03-31")  # Alex's one-sided month


def overview(page: str) -> list[list[str]]:
    return read_tables(page)["", "overview"].body


def absent(page: str, name: str) -> str:
    start = page.index(f'data-person="{name}" aria-labelledby')
    line = page.index('<p class="absent">', start)
    return unescape(page[line + len('<p class="absent">') : page.index("</p>", line)])


def test_the_overview_lists_everyone_by_what_needs_attention(cli: RunCli, known_log: Path) -> None:
    rows = overview(report(cli, *WINDOW))

    spark = "Your share by month: 2026-01 —, 2026-02 —, 2026-03 —, 2026-04 —, 2026-05 0%, 2026-06 —"
    assert rows[0] == [
        "Robin",
        "not enough data",
        "you start 0%",
        spark,
        "0",
        "1",
        "1",
        "11 May 2026a message, by Robin",
        "—",  # no contact rhythm
        "—",
        "1 plan",  # a plan nobody claimed: what `plans review` asks
        # logged by hand, so of no channel; a calendar plan would say "calendar"
        "plans 0:0 +1? · messages 0:1 · calls 0:0unknown 0:1 +1?",
    ]
    assert [row[0] for row in rows] == ["Robin", HOSTILE, "Kim", "Alex"]
    assert rows[1][7] == f"13 May 2026thanks, by {HOSTILE}"
    nothing = "plans 0:0 · messages 0:0 · calls 0:0"
    assert rows[2][1:] == [
        "not enough data",
        "—",
        "—",
        "0",
        "0",
        "0",
        "never",
        "—",
        "—",
        "—",
        nothing,
    ]
    assert rows[3][1:3] == ["balanced", "you start 57%"]
    assert rows[3][4:] == [
        "8",
        "6",
        "0",
        "7 May 2026a check-in, by you",
        "—",
        "—",
        "—",
        "plans 3:2 · messages 2:2 · calls 1:1unknown 8:6",  # all logged by hand
    ]


def test_the_rhythm_column_says_who_was_overdue_when_the_window_ended(
    cli: RunCli, known_log: Path
) -> None:
    assert cli("people", "set", "Robin", "--every", "2w").code == 0
    assert cli("config", "set", "rhythm.default_every.partner", "1w").code == 0
    rows = {row[0]: row for row in overview(report(cli, *WINDOW))}
    # Robin's last contact was on 11 May: due on 25 May, 36 days overdue on 30 June.
    assert rows["Robin"][8] == "overdue 36devery 2w"
    assert rows["Alex"][8] == "overdue 47devery 1w"  # a check-in on 7 May; the partner default
    assert rows["Kim"][8] == "—"  # family: no rhythm
    assert rows[HOSTILE][8] == "—"  # a friend with no rhythm of their own, and none by default


def test_a_one_sided_person_comes_first_and_says_towards_whom(cli: RunCli, known_log: Path) -> None:
    rows = overview(report(cli, *MARCH))
    assert [row[0] for row in rows] == ["Alex", HOSTILE, "Kim", "Robin"]
    assert rows[0][1:3] == ["one-sided they start more", "you start 25%"]


def test_a_wait_still_running_at_the_end_of_the_window_is_shown(
    cli: RunCli, known_log: Path
) -> None:
    rows = overview(report(cli, "--since", "2026-03-01", "--until", "2026-03-10"))
    alex = next(row for row in rows if row[0] == "Alex")
    assert alex[9] == "until 15 Mar 2026"


def test_a_plan_that_happened_is_a_contact_made_by_whoever_proposed_it(
    cli: RunCli, known_log: Path
) -> None:
    picnic = {"uid": "picnic@test", "summary": "Picnic"}
    proposed = NewEntry(
        at("2026-05-01T09:00"), "plan", Who.THEM, "calendar:t", "k:1", "Kim", picnic
    )
    met = NewEntry(
        at("2026-05-20T16:00"), "happened", Who.UNKNOWN, "calendar:t", "k:2", "Kim", picnic
    )
    with Store.open(known_log) as store:
        store.append_many([proposed, met], now=datetime(2026, 11, 1, tzinfo=UTC))
    rows = overview(report(cli, *WINDOW))
    assert next(row for row in rows if row[0] == "Kim")[7] == "20 May 2026a plan, by Kim"


def test_each_person_is_told_what_the_window_holds_none_of(cli: RunCli, known_log: Path) -> None:
    page = report(cli, *WINDOW)
    assert absent(page, "Kim") == "Nothing logged with Kim in this window."
    assert absent(page, "Alex") == "No loose plans logged in this window."
    assert absent(page, "Robin") == (
        "No loose plans, calls, check-ins, gratitude, cancellations or declines, missed plans "
        'or "ball in their court" waits logged in this window.'
    )
    tables = {table for person, table in read_tables(page) if person == "Robin"}
    assert tables == {"timeline", "initiations", "kinds", "share"}


def test_the_timeline_table_lists_each_plan_fact_with_its_title(
    cli: RunCli, known_log: Path
) -> None:
    page = report(cli, *WINDOW)
    timeline = read_tables(page)["Alex", "timeline"]

    assert timeline.head == [["Date", "What", "Side", "Plan", "Planned for"]]
    assert timeline.body == [
        ["10 Jan 2026", "proposed", "you", "Dinner & a film", ""],
        ["10 Feb 2026", "proposed", "Alex", "Museum", "21 Feb 2026"],  # marked as theirs
        ["2 Apr 2026", "cancelled", "you", "Climbing", ""],
        ["3 Apr 2026", "declined", "Alex", "Brunch", ""],
        ["5 Apr 2026", "proposed", "Alex", "(no title)", ""],
        ["10 Apr 2026", "missed", "unknown side", "Climbing", ""],
        ["20 Apr 2026", "missed (never scheduled)", "unknown side", "we should go hiking", ""],
        ["20 May 2026", "moved", "you", TITLE, ""],
        ["1 Jun 2026", "cancelled", "Alex", "(no title)", ""],
        ["2 Jun 2026", "proposed", "you", "(no title)", ""],
        ["3 Jun 2026", "proposed", "you", "(no title)", ""],
    ]
    escaped = "&lt;script&gt;alert(&#x27;plan&#x27;)&lt;/script&gt; &amp; drinks"
    assert page.count(escaped) == 2  # the mark's hover title and the table's cell
    assert TITLE not in page


def test_one_person_asked_for_gets_one_row(cli: RunCli, known_log: Path) -> None:
    rows = overview(report(cli, "Alex", *WINDOW))
    assert [row[0] for row in rows] == ["Alex"]


def test_every_name_gets_a_safe_anchor_of_its_own() -> None:
    names = ["Zoë", "李", "Zoe", HOSTILE, "Jo Ann", "jo-ann"]
    assert person_anchors(names) == [
        "person-zoe",
        "person-2",  # no letter to keep: its place in the list
        "person-zoe-2",
        "person-script-alert-1-script",
        "person-jo-ann",
        "person-jo-ann-2",
    ]


def test_messages_and_calls_stand_beside_plans_by_channel(cli: RunCli, known_log: Path) -> None:
    dinner = {"uid": "dinner@test", "summary": "Dinner", "calendar": "home"}
    entries = [
        NewEntry(at("2026-05-02T19:00"), "plan", Who.ME, "calendar:t", "c:1", "Kim", dinner),
        NewEntry(
            at("2026-05-03T09:00"),
            "message",
            Who.THEM,
            "import:whatsapp",
            "i:1",
            "Kim",
            {"channel": "whatsapp"},
        ),
        NewEntry(
            at("2026-05-04T09:00"),
            "message",
            Who.ME,
            "import:whatsapp",
            "i:2",
            "Kim",
            {"channel": "whatsapp"},
        ),
        NewEntry(
            at("2026-05-05T18:00"),
            "call",
            Who.THEM,
            "import:sms-backup",
            "i:3",
            "Kim",
            {"channel": "phone", "call": "missed"},
        ),
    ]
    with Store.open(known_log) as store:
        store.append_many(entries, now=datetime(2026, 11, 1, tzinfo=UTC))
    kim = next(row for row in overview(report(cli, *WINDOW)) if row[0] == "Kim")
    assert kim[4:7] == ["2", "2", "0"]
    assert kim[11] == "plans 1:0 · messages 1:1 · calls 0:1calendar 1:0 · phone 0:1 · whatsapp 1:1"
