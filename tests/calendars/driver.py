"""What the contract suite asks of each calendar system: a driver with the same methods for all.

A driver stands for one calendar on one system (a folder of .ics files, a calendar served at a
URL, a CalDAV calendar on Radicale or Xandikos, a Google calendar on the local stand-in). The
test writes to it the way the system's users do (`put`, `delete`), breaks it the ways it breaks
(`put_broken`, `expire`, `go_down`, `hang`), and reads it only through the real adapter that
`source()` makes, as the daemon would. A behaviour a system cannot show is listed in `lacks`
with the reason, and the test that needs it is skipped saying so, never passed silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import pytest

from nudger.ports import CalendarSource
from tests.calendars.events import Event

SOURCE_NAME = "contract"  # the [[calendars]] entry every driver's source is configured as
KINDS = ("ics-folder", "ics-url", "caldav-radicale", "caldav-xandikos", "google")


def sources(
    xfail: Mapping[str, str] | None = None, raises: type[BaseException] = AssertionError
) -> Any:
    """Parametrize `driver` over every kind; `xfail` maps a kind to why it breaks the contract
    today. Strict, and only for `raises`: the test turns red when the divergence is fixed (the
    mark goes with it) or when the kind fails in some other way."""
    marks = dict(xfail or {})
    return pytest.mark.parametrize(
        "driver",
        [
            pytest.param(kind, marks=[pytest.mark.xfail(strict=True, raises=raises, reason=why)])
            if (why := marks.get(kind))
            else kind
            for kind in KINDS
        ],
        indirect=True,
    )


class Driver(Protocol):
    kind: str  # ics-folder, ics-url, caldav-radicale, caldav-xandikos, google
    calendar: str  # the calendar name its instances carry
    incremental: bool  # a sync with a cursor returns only what changed (else: all, complete)
    attempts: int  # connections one sync makes to a server that never answers
    down_within: float  # seconds a sync may take to find its server down

    @property
    def lacks(self) -> Mapping[str, str]:
        """Capability -> why this system has none (`need` skips with it)."""

    def put(self, event: Event) -> None:
        """Create the event, or save it again as a client edits it (same UID)."""

    def delete(self, uid: str) -> None: ...

    def resource(self, uid: str) -> str:
        """The `Resource.id` its source gives the single event `uid`."""

    def put_broken(self) -> tuple[str, ...]:
        """Store an item the adapter cannot read; the words its problem must name (where it
        is, and the event by its title and start, or the item's id)."""

    def expire(self, cursor: str) -> str:
        """Make the server forget what `cursor` refers to; the cursor to sync with then."""

    def go_down(self) -> str:
        """From now on, the source finds nothing listening where its server was; the address
        (host:port) its message must name."""

    def hang(self) -> None:
        """From now on, the source reaches a server that accepts connections and never answers."""

    def timed_out(self, timeout: float) -> str:
        """What the source's message says when nothing answered within `timeout`."""

    def own_addresses(self) -> tuple[str, ...] | None:
        """Set the account up to say whose it is (ME), as that system's users do where it has
        a way to; what its source must then report as `Changes.own_addresses` (None: the
        system cannot say, so the source cannot tell)."""

    def source(self, timeout: float = 10) -> CalendarSource:
        """The real adapter for this calendar, configured as a user would."""

    def close(self) -> None:
        """Stop what the driver started and leave a shared server as it was."""


def need(driver: Driver, capability: str) -> None:
    """Skip, with the driver's reason, a test needing what this system does not have."""
    if capability in driver.lacks:
        pytest.skip(f"{driver.kind}: {driver.lacks[capability]}")
