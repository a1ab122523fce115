"""The log under real concurrency: several OS processes, and a writer killed with SIGKILL.

These tests start real Python processes on purpose. What is under test is SQLite's locking
between processes: POSIX advisory locks (which belong to a process, so threads of one process do
not contend through them), the WAL index in shared memory and the busy handler. And a crash
mid-transaction is only honest when the kernel kills the writer, with no `finally`, `atexit` or
rollback running in it. Mocks or threads would prove nothing here.

Each child runs a script from this module with `python -c`, gets its parameters as argv, prints
progress lines on stdout and, on any exception, its traceback on stderr with a non-zero exit.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from nudger.core.model import NewEntry, Who
from nudger.log.store import Store

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SHARED_PERSON = "Alex"
PROCESS_DEADLINE_SECONDS = 120.0

# Shared by the child scripts: the entry a writer appends as its `index`-th, spread over a few
# UTC days, both sides and kinds, some for the person both writers share and some for their own.
_ENTRY_FACTORY = """
from datetime import UTC, datetime, timedelta

from nudger.core.model import NewEntry, Who

BASE = datetime(2025, 2, 1, tzinfo=UTC)
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SIDES = (Who.ME, Who.THEM, Who.UNKNOWN)
KINDS = ("message", "call", "plan")


def make_entry(key, index, own_person):
    return NewEntry(
        at=BASE + timedelta(minutes=37 * index),
        kind=KINDS[index % len(KINDS)],
        who=SIDES[index % len(SIDES)],
        source="test",
        key=key,
        person="Alex" if index % 2 == 0 else own_person,
        details={"index": index},
    )
"""

# argv: log path, writer number, how many entries. Prints "ready" once imported, waits for a
# line on stdin (the parent's starting gun), then opens the log (which may not exist yet) and
# appends one entry per transaction, as the CLI and the daemon do. Reports when it was released
# and when it finished (CLOCK_MONOTONIC, which all processes share).
WRITER_SCRIPT = (
    _ENTRY_FACTORY
    + """
import sys
import time
import traceback
from pathlib import Path

from nudger.log.store import Store

path, number, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()
released = time.monotonic()
try:
    with Store.open(path) as store:
        for index in range(count):
            entry = make_entry(f"p{number}:{index}", index, f"Sam{number}")
            if store.append(entry, now=NOW) is None:
                raise AssertionError(f"{entry.key} was reported as already logged")
except BaseException:
    traceback.print_exc()
    sys.exit(1)
print(f"appended {count} between {released} {time.monotonic()}", flush=True)
"""
)

# argv: log path, round, batch size. Appends forever (until killed), alternating one `append`
# with one `append_many` of `batch` entries. Step s writes the keys "r{round}:s{s}:{j}"; after
# each commit it prints "committed {s} {total}" (steps 0..s are all in the log, `total` entries).
KILLED_WRITER_SCRIPT = (
    _ENTRY_FACTORY
    + """
import itertools
import sys
import traceback
from pathlib import Path

from nudger.log.store import Store

path, round_, batch = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
print("ready", flush=True)
try:
    with Store.open(path) as store:
        total = 0
        for step in itertools.count():
            keys = [f"r{round_}:s{step}:{j}" for j in range(1 if step % 2 == 0 else batch)]
            entries = [make_entry(key, total + j, "Sam") for j, key in enumerate(keys)]
            if len(entries) == 1:
                written = int(store.append(entries[0], now=NOW) is not None)
            else:
                written = store.append_many(entries, now=NOW)
            if written != len(entries):
                raise AssertionError(f"step {step}: {written} of {len(entries)} were new")
            total += written
            print(f"committed {step} {total}", flush=True)
except BaseException:
    traceback.print_exc()
    sys.exit(1)
"""
)

# argv: log path, stop file, batch size. Until the stop file appears, opens the log the way a
# query command does, and in one read transaction checks that it sees whole batches only and
# that the day tallies agree with the entries and that the count never goes back. Prints how
# many reads it made and how many different counts it saw.
READER_SCRIPT = """
import sys
import traceback
from pathlib import Path

from nudger.log.store import Store

path, stop, batch = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()
reads, seen = 0, {0}
try:
    while not stop.exists():
        with Store.open_for_reading(path) as store:
            store.db.execute("BEGIN")
            count = store.db.execute("SELECT count(*) FROM entry").fetchone()[0]
            tallied = store.db.execute(
                "SELECT coalesce(sum(me + them + unknown), 0) FROM day_tally"
            ).fetchone()[0]
            store.db.execute("COMMIT")
        if count % batch:
            raise AssertionError(f"saw {count} entries, not a whole number of batches")
        if tallied != count:
            raise AssertionError(f"saw {count} entries but {tallied} in the day tallies")
        if count < max(seen):
            raise AssertionError(f"the count went back from {max(seen)} to {count}")
        reads += 1
        seen.add(count)
except BaseException:
    traceback.print_exc()
    sys.exit(1)
print(f"reads {reads} counts {len(seen)}", flush=True)
"""

# argv: log path, writer number, how many batches, batch size. Like WRITER_SCRIPT, but in
# `append_many` batches, so a reader can tell a half-visible batch from a whole one.
BATCH_WRITER_SCRIPT = (
    _ENTRY_FACTORY
    + """
import sys
import traceback
from pathlib import Path

from nudger.log.store import Store

path, number = Path(sys.argv[1]), int(sys.argv[2])
batches, batch = int(sys.argv[3]), int(sys.argv[4])
print("ready", flush=True)
sys.stdin.readline()
try:
    with Store.open(path) as store:
        for b in range(batches):
            indexes = range(b * batch, (b + 1) * batch)
            entries = [make_entry(f"p{number}:{i}", i, f"Sam{number}") for i in indexes]
            if store.append_many(entries, now=NOW) != batch:
                raise AssertionError(f"batch {b} was partly logged already")
except BaseException:
    traceback.print_exc()
    sys.exit(1)
print(f"appended {batches * batch}", flush=True)
"""
)


def start(script: str, *args: object) -> subprocess.Popen[str]:
    """Run `script` in a new Python process and wait until it has imported nudger."""
    child = subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    if line != "ready\n":
        child.kill()
        _, stderr = child.communicate()
        raise AssertionError(f"the child did not start: {line!r}\n{stderr}")
    return child


@contextmanager
def reaped(children: list[subprocess.Popen[str]]) -> Iterator[None]:
    """Make sure no child outlives the test, whatever happens in it."""
    try:
        yield
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.communicate()


def release(children: list[subprocess.Popen[str]]) -> None:
    """The starting gun: every child is blocked reading stdin; unblock them back to back."""
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()


def finish(child: subprocess.Popen[str]) -> str:
    """Wait for a child; fail with its stderr (the traceback) unless it exited cleanly."""
    stdout, stderr = child.communicate(timeout=PROCESS_DEADLINE_SECONDS)
    assert child.returncode == 0, f"exit {child.returncode}:\n{stderr}"
    assert "locked" not in stderr and "busy" not in stderr, stderr
    return stdout


def count(store: Store, sql: str = "SELECT count(*) FROM entry", *args: object) -> int:
    return int(store.db.execute(sql, args).fetchone()[0])


def assert_tallies_match_entries(store: Store) -> None:
    """Every person's day tallies add up to their entries, and so does every (day, kind, side)."""
    for (person_id,) in store.db.execute("SELECT id FROM person").fetchall():
        tallied = count(
            store, "SELECT sum(me + them + unknown) FROM day_tally WHERE person_id = ?", person_id
        )
        assert tallied == count(store, "SELECT count(*) FROM entry WHERE person_id = ?", person_id)
    from_entries = store.db.execute(
        """
        SELECT person_id, at / 86400, kind,
               sum(who = 'me'), sum(who = 'them'), sum(who = 'unknown')
        FROM entry WHERE person_id IS NOT NULL
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        """
    ).fetchall()
    tallies = store.db.execute(
        "SELECT person_id, day, kind, me, them, unknown FROM day_tally ORDER BY 1, 2, 3"
    ).fetchall()
    assert tallies == from_entries


def test_two_processes_appending_at_once_lose_nothing_and_never_see_locked(
    tmp_path: Path,
) -> None:
    log = tmp_path / "data" / "log.sqlite"  # neither the folder nor the file exists yet
    per_writer = 5_000
    writers = [start(WRITER_SCRIPT, log, number, per_writer) for number in (0, 1)]
    with reaped(writers):
        started = time.perf_counter()
        release(writers)
        outputs = [finish(writer).split() for writer in writers]
        elapsed = time.perf_counter() - started
    print(f"2 x {per_writer} single-entry transactions took {elapsed:.1f} s")
    assert [output[:2] for output in outputs] == [["appended", str(per_writer)]] * 2
    # Both were at work at once: each was released before the other finished.
    released, finished = zip(*((float(o[3]), float(o[4])) for o in outputs), strict=True)
    assert max(released) < min(finished)

    with Store.open(log) as store:
        assert store.integrity_problems() == []
        assert count(store) == 2 * per_writer
        keys = {row[0] for row in store.db.execute("SELECT key FROM entry")}
        assert keys == {f"p{number}:{i}" for number in (0, 1) for i in range(per_writer)}
        people = sorted(row[0] for row in store.db.execute("SELECT name FROM person"))
        assert people == ["Alex", "Sam0", "Sam1"]
        alex = store.person_id(SHARED_PERSON)
        assert count(store, "SELECT count(*) FROM entry WHERE person_id = ?", alex) == per_writer
        assert_tallies_match_entries(store)


def test_a_writer_killed_mid_write_leaves_the_log_intact(tmp_path: Path) -> None:
    log = tmp_path / "log.sqlite"
    batch = 200
    rng = random.Random()
    # The first kill comes within 4 ms of the child's start, mostly while it creates and migrates
    # the log (which takes about 3 ms); the others while it appends, at different moments after
    # its first commit.
    delays = [rng.uniform(0, 0.004)] + [rng.uniform(low, low + 0.1) for low in (0, 0.1, 0.3, 0.6)]
    expected_total = 0
    for round_, delay in enumerate(delays):
        writer = start(KILLED_WRITER_SCRIPT, log, round_, batch)
        with reaped([writer]):
            assert writer.stdout is not None
            first = ""
            if round_ > 0:
                first = writer.stdout.readline()
                assert first.startswith("committed "), f"{first!r}\n{writer.communicate()[1]}"
            time.sleep(delay)
            os.kill(writer.pid, signal.SIGKILL)
            rest, stderr = writer.communicate(timeout=PROCESS_DEADLINE_SECONDS)
            stdout = first + rest
            assert writer.returncode == -signal.SIGKILL, f"exit {writer.returncode}:\n{stderr}"
        reported = [line.split() for line in stdout.splitlines(keepends=True) if line[-1] == "\n"]
        last_step, last_total = -1, 0  # "committed {step} {total}" of the last full line
        if reported:
            last_step, last_total = int(reported[-1][1]), int(reported[-1][2])
        context = f"round {round_}, killed {delay:.3f} s in, after step {last_step}"

        with Store.open(log) as store:
            assert store.integrity_problems() == [], context
            # Steps commit in order and each whole: the log holds steps 0..k, where k is the
            # last one reported or (killed between its COMMIT and its print) the one after it.
            steps: dict[int, int] = {}
            for (key,) in store.db.execute(
                "SELECT key FROM entry WHERE key LIKE ?", (f"r{round_}:%",)
            ):
                step = int(key.split(":")[1][1:])
                steps[step] = steps.get(step, 0) + 1
            for step, size in steps.items():
                assert size == (1 if step % 2 == 0 else batch), f"{context}: step {step} has {size}"
            assert sorted(steps) == list(range(len(steps))), context
            assert len(steps) - 1 in (last_step, last_step + 1), context
            assert sum(steps.values()) >= last_total, context
            expected_total += sum(steps.values())
            assert count(store) == expected_total, context
            assert_tallies_match_entries(store)

    with Store.open(log) as store:
        again = NewEntry(at=NOW, kind="call", who=Who.ME, source="test", key="after", person="Sam")
        assert store.append(again, now=NOW) is not None
        assert store.append(again, now=NOW) is None
        assert count(store) == expected_total + 1
        assert store.integrity_problems() == []
        assert_tallies_match_entries(store)
    # A plain connection, which knows nothing of nudger, agrees the file is sound.
    plain = sqlite3.connect(log)
    try:
        assert plain.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        plain.close()


def test_a_reader_during_concurrent_writes_never_errs_and_sees_whole_batches(
    tmp_path: Path,
) -> None:
    log = tmp_path / "log.sqlite"
    stop = tmp_path / "stop"
    batches, batch = 100, 20
    # Created beforehand: the race to create the log is the first test's; here the reader, like
    # a query command run while the daemon writes, meets a log that is already there.
    Store.open(log).close()
    reader = start(READER_SCRIPT, log, stop, batch)
    writers = [start(BATCH_WRITER_SCRIPT, log, number, batches, batch) for number in (0, 1)]
    with reaped([reader, *writers]):
        release([reader, *writers])
        for writer in writers:
            assert finish(writer) == f"appended {batches * batch}\n"
        stop.touch()
        reads, counts = map(int, finish(reader).split()[1::2])
    # It read while the writers wrote: it saw the log at several sizes, not just before and after.
    assert reads > 10
    assert counts > 10

    with Store.open(log) as store:
        assert store.integrity_problems() == []
        assert count(store) == 2 * batches * batch
        assert_tallies_match_entries(store)


def _count_elsewhere(path: Path) -> int:
    """How many entries another process sees in the log now."""
    code = (
        "import sys; from pathlib import Path; from nudger.log.store import Store\n"
        "with Store.open(Path(sys.argv[1])) as s:\n"
        "    print(s.db.execute('SELECT count(*) FROM entry').fetchone()[0])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def test_a_second_connection_in_one_process_keeps_the_first_ones_writes_visible(
    tmp_path: Path,
) -> None:
    """The daemon holds the log open while its sync thread opens it again. Opening must not
    drop the first connection's locks: another process would then delete the write-ahead log
    and every later commit of the daemon would go to a deleted file, seen by no one."""
    path = tmp_path / "log.sqlite3"
    now = datetime(2026, 6, 1, tzinfo=UTC)
    with Store.open(path) as daemon:
        daemon.append(NewEntry(now, "message", Who.ME, "manual", "first", "Alex"), now=now)
        Store.open(path).close()  # the sync thread's own connection, opened and closed
        assert _count_elsewhere(path) == 1  # a CLI command reads, then closes its connection
        daemon.append(NewEntry(now, "message", Who.ME, "manual", "second", "Alex"), now=now)
        assert _count_elsewhere(path) == 2
