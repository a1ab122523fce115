"""A calendar's sync that hangs or dies in its child is that calendar's clear failure.

`daemon --once` syncs each calendar in a forked child (`nudger.sync.fence.run`); these drive
that child directly with work that overruns or dies, which no real calendar does on cue.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest

from nudger.config.sizes import GiB
from nudger.ports import SourceError
from nudger.sync import fence

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the fence forks")
BOUNDS = fence.Fence(2 * GiB, timedelta(seconds=1))


def test_the_result_of_the_work_comes_back_from_the_child() -> None:
    assert fence.run(BOUNDS, lambda: "synced") == "synced"
    child = fence.run(BOUNDS, os.getpid)
    assert isinstance(child, int) and child != os.getpid()  # it ran elsewhere


def test_a_sync_that_overruns_is_killed_and_said_to_have() -> None:
    began = time.monotonic()
    outcome = fence.run(BOUNDS, lambda: time.sleep(60))
    assert time.monotonic() - began < 10
    assert isinstance(outcome, SourceError) and outcome.retry
    assert outcome.message == "stopped: it took longer than 1s; nothing of it was recorded"


def test_a_sync_process_that_dies_is_a_failure_not_a_result() -> None:
    outcome = fence.run(BOUNDS, lambda: os.kill(os.getpid(), 9))
    assert isinstance(outcome, SourceError) and outcome.retry
    assert outcome.message == "stopped: its sync process ended unexpectedly (signal 9)"


def test_the_memory_bound_holds_in_the_child_only() -> None:
    def allocate() -> str:
        try:
            bytearray(300 * 10**6)
        except MemoryError:
            return fence.out_of_memory().message
        return "allocated"

    small = fence.Fence(200 * 10**6, timedelta(seconds=30))
    assert str(fence.run(small, allocate)).startswith("stopped: it needed more than 200MB")
    assert allocate() == "allocated"  # this process has no bound
