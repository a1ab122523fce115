"""Noticing that the machine slept or the wall clock jumped, between two of the daemon's ticks.

A timer armed for a nudge counts monotonic time, which stops while the machine is suspended, and
knows nothing of a wall clock set forward or back; so after either, the daemon has to look again
at once. Three clocks tell it: the injected wall clock, the monotonic clock (stopped in suspend)
and the boot clock (not). This module only measures; the daemon decides what to do.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

JUMP = 5.0  # seconds of suspend or clock change that make the daemon look again at once


@dataclass
class Pulse:
    """The three clocks at a tick: wall (injected), monotonic (stops in suspend), boot (not)."""

    wall: datetime
    monotonic: float = field(default_factory=time.monotonic)
    boot: float = field(default_factory=lambda: time.clock_gettime(time.CLOCK_BOOTTIME))

    def gap_since(self, earlier: Pulse) -> float:
        """Seconds the machine slept or the wall clock jumped between two pulses."""
        awake = self.monotonic - earlier.monotonic
        slept = (self.boot - earlier.boot) - awake
        jumped = (self.wall - earlier.wall).total_seconds() - (self.boot - earlier.boot)
        return max(slept, abs(jumped))


class ClockWatch:
    """Remembers the last pulse; each new one says how far the clocks drifted apart since."""

    def __init__(self, wall: datetime) -> None:
        self._last = Pulse(wall)

    def gap(self, wall: datetime) -> float | None:
        """The suspend or clock jump since the last call, in seconds, when it exceeds `JUMP`;
        None when the clocks kept step."""
        pulse = Pulse(wall)
        gap = pulse.gap_since(self._last)
        self._last = pulse
        return gap if gap > JUMP else None
