"""Calendars into the log through the ics source: the story, idempotence, changes, bad files."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events  # type: ignore[import-untyped]

from integrations.calendars.ics import IcsSource
from nudger import clock
from nudger.config.calendars import IcsCalendar
from nudger.core.events import Status
from nudger.ports import Changes, Done, Problem, SourceError, Window
from tests.conftest import RunCli
from tests.story import CONFIG, EXPECTED, story

TODAY = clock.now().date()  # the story ends the week before the real today: sync reads a year back
CORPORA = [
    Path(icalendar.__file__ or "").parent / "tests" / "calendars",
    Path(recurring_ical_events.__file__ or "").parent / "test" / "calendars",
]


def write_story(folder: Path) -> None:
    for name, text in story(TODAY).events.items():
        (folder / name).write_bytes(text)


def balance(cli: RunCli) -> dict[str, object]:
    told = story(TODAY)
    result = cli("balance", "Alex", "--json", "--since", told.since, "--until", told.until)
    assert result.code == 0, result.err
    (alex,) = json.loads(result.out)
    return dict(alex)


def entry_count(log_path: Path) -> int:
    with sqlite3.connect(log_path) as db:
        return int(db.execute("SELECT count(*) FROM entry").fetchone()[0])


def test_the_story_from_an_ics_folder(cli: RunCli, folder: Path, log_path: Path) -> None:
    write_story(folder)
    first = cli("daemon", "--once")
    assert first.code == 0, first.err
    assert "✓ local:" in first.out
    alex = balance(cli)
    assert {key: alex[key] for key in EXPECTED} == EXPECTED
    facts = entry_count(log_path)

    again = cli("daemon", "--once")
    assert again.code == 0
    assert "✓ local: 0 new facts" in again.out
    assert entry_count(log_path) == facts
    assert {key: balance(cli)[key] for key in EXPECTED} == EXPECTED


def test_a_change_adds_exactly_the_fact_that_changed(
    cli: RunCli, folder: Path, log_path: Path
) -> None:
    write_story(folder)
    assert cli("daemon", "--once").code == 0
    before = entry_count(log_path)
    series = (folder / "theirs-2.ics").read_text()
    (folder / "theirs-2.ics").write_text(
        series.replace("BEGIN:VEVENT", "BEGIN:VEVENT\nSTATUS:CANCELLED", 1)
    )
    result = cli("daemon", "--once")
    assert "✓ local: 1 new facts" in result.out, result.out
    assert entry_count(log_path) == before + 1
    assert balance(cli)["cancellations"] == {"me": 1, "them": 1, "unknown": 0}


def test_plans_lists_what_the_calendar_shows(cli: RunCli, folder: Path) -> None:
    write_story(folder)
    assert cli("daemon", "--once").code == 0
    rows = json.loads(cli("plans", "Alex", "--json").out)
    statuses = [row["status"] for row in rows]
    assert statuses.count("cancelled") == 1  # the EXDATE'd date was never a plan
    assert statuses.count("declined") == 2
    assert {row["initiator"] for row in rows} == {"me", "them"}
    assert json.loads(cli("plans", "--unclassified", "--json").out) == []
    assert json.loads(cli("plans", "--upcoming", "--json").out) == []


def test_a_solo_entry_is_unclassified_until_a_marker_says_whose(cli: RunCli, folder: Path) -> None:
    solo = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\nBEGIN:VEVENT\nUID:solo-{n}\n"
        "DTSTART:20260301T180000Z\nDTEND:20260301T200000Z\nSUMMARY:{title}\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    (folder / "a.ics").write_text(solo.format(n=1, title="Dinner with Alex"))
    (folder / "b.ics").write_text(solo.format(n=2, title="Alex's idea: climbing [them]"))
    assert cli("daemon", "--once").code == 0
    unclassified = json.loads(cli("plans", "--unclassified", "--json").out)
    assert [row["summary"] for row in unclassified] == ["Dinner with Alex"]
    result = cli("balance", "Alex", "--json", "--since", "2026-02-01", "--until", "2026-03-31")
    assert json.loads(result.out)[0]["initiations"] == {"me": 0, "them": 1, "unknown": 1}


def test_a_folder_that_does_not_exist_fails_that_source_only(
    cli: RunCli, folder: Path, write_config: Callable[[str], Path], home: Path
) -> None:
    write_story(folder)
    write_config(
        CONFIG
        + f'\n[[calendars]]\nname = "local"\ntype = "ics"\npath = "{folder}"\n'
        + f'\n[[calendars]]\nname = "gone"\ntype = "ics"\npath = "{home / "nowhere"}"\n'
    )
    result = cli("daemon", "--once")
    assert result.code == 2  # local synced; gone's setting is the user's to fix (tests/cli)
    assert "✓ local:" in result.out
    assert "✗ gone:" in result.out
    assert "does not exist" in result.out
    listed = json.loads(cli("calendars", "list", "--json").out)
    assert [(c["name"], c["last_sync"]["outcome"]) for c in listed] == [
        ("local", "ok"),
        ("gone", "failed"),
    ]
    (folder.parent / "nowhere").mkdir()
    assert cli("daemon", "--once").code == 0


@pytest.mark.filterwarnings("ignore:Timezone .* is a globally unique TZID")  # corpus files do it
@pytest.mark.parametrize("corpus", CORPORA, ids=["icalendar", "recurring-ical-events"])
def test_every_calendar_of_the_test_corpora_is_read_without_a_crash(corpus: Path) -> None:
    """Broken ones included: a bad event is skipped, named by file and UID; the rest is read."""
    files = sorted(corpus.glob("*.ics"))
    assert len(files) > 50
    window = Window(
        datetime(1990, 1, 1, tzinfo=UTC),
        datetime(2035, 1, 1, tzinfo=UTC),
        ZoneInfo("Europe/Berlin"),
    )
    read = skipped = 0
    for file in files:
        source = IcsSource(IcsCalendar(name="corpus", type="ics", path=file), timeout=5)
        changes = source.sync(None, window)
        read += sum(len(resource.instances) for resource in changes.changed)
        skipped += len(changes.problems)
        assert all(str(file) in str(problem) for problem in changes.problems)
    assert read > 1000
    assert skipped > 0


def test_an_exdate_is_no_instance_and_is_named_as_excluded(tmp_path: Path) -> None:
    told = story(date(2026, 11, 24))
    file = tmp_path / "weekly.ics"
    file.write_bytes(told.events["weekly-date.ics"])
    window = Window(
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
        ZoneInfo("Europe/Berlin"),
    )
    changes = IcsSource(IcsCalendar(name="t", type="ics", path=file), timeout=5).sync(None, window)
    (resource,) = changes.changed
    assert len(resource.instances) == 11
    assert all(i.status is Status.CONFIRMED for i in resource.instances)
    (struck,) = resource.excluded
    assert struck not in {i.occurrence for i in resource.instances}
    assert (
        datetime.strptime(struck, "%Y%m%dT%H%M%S%z").astimezone(ZoneInfo("Europe/Berlin")).weekday()
        == 4
    )
    moved = [i for i in resource.instances if i.recurrence_id != i.start]
    assert [i.summary for i in moved] == ["Friday date (moved)"]
    assert all(i.start - i.recurrence_id == timedelta(hours=22) for i in moved if i.recurrence_id)


def test_a_mark_settles_an_unknown_plan_and_survives_resync(cli: RunCli, folder: Path) -> None:
    (folder / "a.ics").write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\nBEGIN:VEVENT\nUID:solo-1\n"
        "DTSTART:20260301T180000Z\nDTEND:20260301T200000Z\nSUMMARY:Dinner with Alex\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    assert cli("daemon", "--once").code == 0
    (row,) = json.loads(cli("plans", "--unclassified", "--json").out)
    window = ("--since", "2026-02-01", "--until", "2026-03-31")
    marked = cli("plans", "mark", row["id"], "--by", "them")
    assert marked.code == 0, marked.err
    assert "as started by them" in marked.out
    assert json.loads(cli("plans", "--unclassified", "--json").out) == []
    (folder / "a.ics").touch()  # the file looks changed: sync derives the facts again
    assert cli("daemon", "--once").code == 0
    alex = json.loads(cli("balance", "Alex", "--json", *window).out)[0]
    assert alex["initiations"] == {"me": 0, "them": 1, "unknown": 0}
    assert cli("plans", "mark", row["id"], "--by", "me").code == 0  # changing one's mind
    alex = json.loads(cli("balance", "Alex", "--json", *window).out)[0]
    assert alex["initiations"] == {"me": 1, "them": 0, "unknown": 0}
    missing = cli("plans", "mark", "00000000", "--by", "me")
    assert missing.code == 2
    assert "no plan with the id" in missing.err


def test_calendars_add_test_list_remove(cli: RunCli, home: Path, config_path: Path) -> None:
    folder = home / "cal"
    folder.mkdir()
    for name, text in story(TODAY).events.items():
        (folder / name).write_bytes(text)
    added = cli("calendars", "add", "home", "--type", "ics", "--path", str(folder))
    assert added.code == 0, added.err
    again = cli("calendars", "add", "HOME", "--type", "ics", "--path", str(folder))
    assert (again.code, again.err.splitlines()[0]) == (2, "nudger: a calendar named 'HOME' exists")
    unset = cli("calendars", "add", "web", "--type", "ics", "--set", "interval")
    assert (unset.code, unset.err.splitlines()[0]) == (2, "nudger: --set 'interval': use KEY=VALUE")
    bad = cli("calendars", "add", "dav", "--type", "caldav", "--url", "ftp://x")
    assert bad.code == 2
    assert "use an http:// or https:// address" in bad.err
    tested = cli("calendars", "test", "home")
    assert tested.code == 0, tested.err
    assert "✓ home" in tested.out
    assert "12 .ics files, 12 events" in tested.out
    listed = json.loads(cli("calendars", "list", "--json").out)
    assert [(c["name"], c["type"], c["last_sync"]) for c in listed] == [("home", "ics", None)]
    unknown = cli("calendars", "remove", "work")
    assert (unknown.code, unknown.err) == (
        2,
        "nudger: no calendar named 'work'\n  calendars: home\n",
    )
    removed = cli("calendars", "remove", "HOME")
    assert removed.code == 0
    assert removed.out == "Removed calendar home; what it logged stays.\n"
    assert json.loads(cli("calendars", "list", "--json").out) == []


def test_once_says_each_failure_and_skipped_item_once_with_its_fix(
    folder: Path, write_config: Callable[[str], Path], home: Path
) -> None:
    """`daemon --once` printed the sync's own log lines too: every problem twice, and the
    "… and N more" cap did nothing. Run as a user runs it, in a process of its own."""
    import subprocess
    import sys

    for number in range(7):
        (folder / f"broken-{number}.ics").write_text(
            f"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:broken-{number}\r\nSUMMARY:Alex\r\n"
            "DTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            encoding="utf-8",
        )
    write_config(
        CONFIG
        + f'\n[[calendars]]\nname = "local"\ntype = "ics"\npath = "{folder}"\n'
        + f'\n[[calendars]]\nname = "gone"\ntype = "ics"\npath = "{home / "nowhere"}"\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "nudger", "daemon", "--once"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr  # gone's path is the user's to fix
    assert done.stdout.count("does not exist") == 1
    assert (
        "    create it, or fix the path with: nudger config set calendars.gone.path" in done.stdout
    )
    assert "does not exist" not in done.stderr
    skipped = [line for line in done.stderr.splitlines() if "broken-" in line]
    assert len(skipped) == 5 and all(line.startswith("    skipped: ") for line in skipped)
    assert "    … and 2 more problems of local" in done.stderr.splitlines()


def test_calendars_add_refuses_a_path_that_does_not_exist(cli: RunCli, home: Path) -> None:
    result = cli("calendars", "add", "home", "--type", "ics", "--path", str(home / "nowhere"))
    assert (result.code, result.err.splitlines()) == (
        2,
        [
            f"nudger: --path {home / 'nowhere'} does not exist",
            "  create the folder (or check the path) and add the calendar again",
        ],
    )
    assert json.loads(cli("calendars", "list", "--json").out) == []


def test_calendars_test_says_what_is_wrong(cli: RunCli, home: Path) -> None:
    folder = home / "nowhere"
    folder.mkdir()
    assert cli("calendars", "add", "gone", "--type", "ics", "--path", str(folder)).code == 0
    folder.rmdir()  # a disk unmounted, a folder moved: it was there when it was added
    result = cli("calendars", "test")
    assert result.code == 1
    assert f"✗ gone: {folder} does not exist\n" in result.out
    # The fix names this calendar, not a placeholder (it said calendars.NAME.path).
    assert "nudger config set calendars.gone.path ..." in result.out


def test_a_loose_plan_is_scheduled_by_a_calendar_plan_or_lapses(cli: RunCli, folder: Path) -> None:
    assert (
        cli(
            "log", "loose", "we should hike", "-p", "Alex", "--by", "them", "--at", "2026-02-20"
        ).code
        == 0
    )
    assert (
        cli("log", "loose", "coffee soon", "-p", "Alex", "--by", "me", "--at", "2026-03-10").code
        == 0
    )
    (folder / "hike.ics").write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\nBEGIN:VEVENT\nUID:hike\n"
        "DTSTART:20260307T090000Z\nDTEND:20260307T170000Z\nSUMMARY:Hike\nCREATED:20260225T100000Z\n"
        "ORGANIZER:mailto:alex@example.org\nATTENDEE;PARTSTAT=ACCEPTED:mailto:sam@example.org\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    assert cli("daemon", "--once").code == 0
    settled = json.loads(
        cli("history", "Alex", "--kind", "loose.scheduled", "--kind", "loose.expired", "--json").out
    )
    assert [(e["kind"], e["details"]["text"]) for e in settled] == [
        ("loose.scheduled", "we should hike"),
        ("loose.expired", "coffee soon"),
    ]
    result = cli("balance", "Alex", "--json", "--since", "2026-02-01", "--until", "2026-04-30")
    assert json.loads(result.out)[0]["missed"] == 1
    assert cli("daemon", "--once").out.count("0 new facts") == 1  # settled once, not again
    missed = json.loads(cli("plans", "--missed", "--json").out)
    assert [row["summary"] for row in missed] == ["coffee soon"]


def test_a_moved_single_event_is_rescheduled_not_cancelled(cli: RunCli, folder: Path) -> None:
    text = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\nBEGIN:VEVENT\nUID:picnic\n"
        "DTSTART:{start}\nDTEND:{end}\nSUMMARY:Picnic\nCREATED:20260201T100000Z\n"
        "ORGANIZER:mailto:alex@example.org\nATTENDEE;PARTSTAT=ACCEPTED:mailto:sam@example.org\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    (folder / "picnic.ics").write_text(
        text.format(start="20260307T110000Z", end="20260307T150000Z")
    )
    assert cli("daemon", "--once").code == 0
    (folder / "picnic.ics").write_text(
        text.format(start="20260308T110000Z", end="20260308T150000Z")
    )
    assert cli("daemon", "--once").code == 0
    facts = json.loads(cli("history", "Alex", "--json").out)
    assert sorted({e["kind"] for e in facts}) == ["happened", "plan", "rescheduled"]
    assert all(e["details"]["occurrence"] == "single" for e in facts)


def test_a_rule_that_never_advances_is_skipped_not_hung_on(tmp_path: Path) -> None:
    file = tmp_path / "endless.ics"
    file.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\n"
        "BEGIN:VEVENT\nUID:endless\nDTSTART:20260301T180000Z\nDTEND:20260301T190000Z\n"
        "RRULE:FREQ=DAILY;INTERVAL=0\nSUMMARY:Never\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:fine\nDTSTART:20260302T180000Z\nDTEND:20260302T190000Z\n"
        "SUMMARY:Fine\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    window = Window(
        datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), ZoneInfo("UTC")
    )
    changes = IcsSource(IcsCalendar(name="t", type="ics", path=file), timeout=5).sync(None, window)
    assert [resource.id for resource in changes.changed] == ["fine"]
    (problem,) = changes.problems
    said = f"{file}: event 'Never' on 2026-03-01: its RRULE has an INTERVAL below 1"
    assert (str(problem), Problem.of(problem).done) == (said, Done.SKIPPED)


class _CalendarServer:
    """A local web server for one .ics file that honours If-None-Match, as calendar hosts do."""

    def __init__(self, body: bytes) -> None:
        import http.server
        import threading

        self.body = body
        self.requests: list[dict[str, str]] = []
        self.status = 200
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                outer.requests.append(dict(self.headers))
                etag = f'"{hash(outer.body)}"'
                if outer.status != 200:
                    self.send_response(outer.status)
                    self.end_headers()
                elif self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                else:
                    self.send_response(200)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Type", "text/calendar")
                    self.end_headers()
                    self.wfile.write(outer.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/calendar.ics"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_an_ics_url_is_fetched_again_only_when_it_changed(tmp_path: Path) -> None:
    told = story(TODAY)
    host = _CalendarServer(told.events["weekly-date.ics"])
    try:
        config = IcsCalendar(name="web", type="ics", url=host.url)
        source = IcsSource(config, timeout=5)
        window = Window(
            datetime.combine(TODAY, datetime.min.time(), UTC) - timedelta(days=365),
            datetime.combine(TODAY, datetime.min.time(), UTC) + timedelta(days=90),
            ZoneInfo("Europe/Berlin"),
        )
        first = source.sync(None, window)
        assert first.complete
        assert [r.id for r in first.changed] == ["weekly-date"]
        unchanged = source.sync(first.cursor, window)
        assert (unchanged.changed, unchanged.complete) == ((), False)
        assert "If-None-Match" in host.requests[-1]
        host.body = told.events["mine-0.ics"]
        changed = source.sync(unchanged.cursor, window)
        assert [r.id for r in changed.changed] == ["mine-0"]
        host.status = 503
        with pytest.raises(SourceError) as failed:
            source.sync(changed.cursor, window)
        assert failed.value.retry
        assert "503" in failed.value.message
    finally:
        host.stop()
    with pytest.raises(SourceError) as down:
        source.sync(None, window)
    assert down.value.retry
    assert "cannot reach 127.0.0.1" in down.value.message


def test_a_broken_adapter_fails_its_source_only(tmp_path: Path) -> None:
    from nudger.core.detect import Rules
    from nudger.log.store import Store
    from nudger.sync.calendars import sync_all

    class Broken:
        name = "broken"

        def sync(self, cursor: str | None, window: Window) -> Changes:
            raise RuntimeError("a bug")

        def describe(self) -> list[str]:
            return []

    class Empty(Broken):
        name = "empty"

        def sync(self, cursor: str | None, window: Window) -> Changes:
            return Changes(changed=(), cursor="c", complete=True)

    now = datetime(2026, 6, 1, tzinfo=UTC)
    window = Window(now - timedelta(days=30), now + timedelta(days=30), ZoneInfo("UTC"))
    with Store.open(tmp_path / "log.sqlite3") as store:
        outcomes = sync_all(
            store, [("broken", Broken), ("empty", Empty)], Rules(frozenset(), ()), window, now=now
        )
    assert [(o.source, o.ok) for o in outcomes] == [("broken", False), ("empty", True)]
    assert "unexpected RuntimeError: a bug" in outcomes[0].message
    assert outcomes[0].remedy == "see where it happens: nudger -v calendars test broken"


def test_a_third_party_source_may_say_its_problems_as_plain_strings(tmp_path: Path) -> None:
    """`Changes.problems` takes `Problem`s and, as before them, plain strings (shown as
    skipped), so an adapter written against the older port still works."""
    from nudger.core.detect import Rules
    from nudger.log.store import Store
    from nudger.sync.calendars import sync_all

    class Plain:
        name = "plain"

        def sync(self, cursor: str | None, window: Window) -> Changes:
            kept = Problem("memo 7", "its place was read as text", Done.KEPT, "event 'Lunch'")
            return Changes(
                changed=(), cursor="c", complete=False, problems=("memo 3: no date", kept)
            )

        def describe(self) -> list[str]:
            return []

    now = datetime(2026, 6, 1, tzinfo=UTC)
    window = Window(now - timedelta(days=30), now + timedelta(days=30), ZoneInfo("UTC"))
    with Store.open(tmp_path / "log.sqlite3") as store:
        (outcome,) = sync_all(store, [("plain", Plain)], Rules(frozenset(), ()), window, now=now)
    assert outcome.message == "0 new facts; problems: 1 skipped, 1 kept"
    assert [(str(Problem.of(p)), Problem.of(p).done) for p in outcome.problems] == [
        ("memo 3: no date", Done.SKIPPED),
        ("memo 7: event 'Lunch': its place was read as text", Done.KEPT),
    ]
