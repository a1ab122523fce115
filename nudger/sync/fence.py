"""Bounds on one calendar's sync: the memory it may take and the time it may run.

A pathological calendar (a runaway export, a file with a huge attachment) must cost its own
sync, never the others' or the machine's. The bound on memory is RLIMIT_DATA, set in the process
that syncs the one calendar: the daemon's child (`nudger.sync.worker`), or, for `daemon --once`,
a child forked for each calendar (`run`). RLIMIT_DATA, not RLIMIT_AS: the address space counts
reservations that take no memory (thread stacks, the libraries' mappings), the data segment
counts what the sync allocates. The bound is on what the sync takes beyond what its process
held when it began, so a forked child, which starts with its parent's heap, gets the same bound
as a fresh one. A sync that needs more fails with a MemoryError, which `out_of_memory` turns into
that calendar's failure; one that overruns its time is killed and fails the same way.

Forking, not starting a fresh interpreter: a child that begins where `--once` already is costs
milliseconds, not the half second of imports a new one takes for each calendar.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from nudger.config.sizes import format_size
from nudger.core.when import format_duration
from nudger.ports import SourceError

OVERRUN_FACTOR = 20  # a sync process may take this many times the sync timeout, then it is killed
INTERRUPTED = 130  # the child's exit code when Ctrl-C stopped it
_limit: int | None = None  # the bound this process's sync runs under, once `limit_memory` set it
T = TypeVar("T")


@dataclass(frozen=True)
class Fence:
    """The bounds of one calendar's sync (`sync.max_memory_per_source`; `sync.timeout` × 20)."""

    max_memory: int
    time_limit: timedelta


def limit_memory(size: int) -> None:
    """Let this process's data segment grow by at most `size` from now on."""
    global _limit  # one bound per process, set once where its sync begins
    held = _data_segment()
    if held is None:  # not Linux: no bound, as before
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    wanted = held + size
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))
    _limit = size


def out_of_memory() -> SourceError:
    """The failure of a sync that needed more memory than its bound."""
    bound = f"more than {format_size(_limit)}" if _limit else "more memory than it could get"
    return SourceError(
        f"stopped: it needed {bound} (sync.max_memory_per_source); nothing of it was recorded",
        retry=True,
        remedy="if the calendar really is that large: "
        "nudger config set sync.max_memory_per_source 4GiB",
    )


def overran(limit: timedelta) -> SourceError:
    return SourceError(
        f"stopped: it took longer than {format_duration(limit)}; nothing of it was recorded",
        retry=True,
    )


def run(fence: Fence, work: Callable[[], T]) -> T | SourceError:
    """`work()` in a forked child bounded by `fence`; its result (which must pickle), or the
    failure of a child that overran or died. The child must open its own log (an SQLite
    connection must not cross a fork): `work` runs only in the child."""
    if not hasattr(os, "fork") or _data_segment() is None:
        return work()  # no fork or no bound to set here: as before, in this process
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(reader)
        code = 70
        try:
            limit_memory(fence.max_memory)
            data = pickle.dumps(work())
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(data)
            code = 0
        except KeyboardInterrupt:  # Ctrl-C: the parent stops as it would have without a child
            code = INTERRUPTED
        finally:
            os._exit(code)
    os.close(writer)
    try:
        data, timed_out = _read_all(reader, fence.time_limit.total_seconds())
    except BaseException:  # Ctrl-C in the parent: the child goes with it, rolled back
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if timed_out:
        return overran(fence.time_limit)
    if code in (INTERRUPTED, -signal.SIGINT):
        raise KeyboardInterrupt
    if code != 0 or not data:
        return _died(code)
    result: T = pickle.loads(data)  # noqa: S301 - from our own child
    return result


def _died(code: int) -> SourceError:
    how = f"signal {-code}" if code < 0 else f"exit {code}"
    return SourceError(f"stopped: its sync process ended unexpectedly ({how})", retry=True)


def _read_all(fd: int, seconds: float) -> tuple[bytes, bool]:
    """Everything written to the pipe until the child closes it; True if time ran out first."""
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                return b"", True
            chunk = pipe.read(1 << 16)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)


def _data_segment() -> int | None:
    """What this process's data segment holds now (what RLIMIT_DATA is checked against)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) * 1024
    return None
