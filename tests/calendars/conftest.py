"""The `driver` fixture: one per calendar system, so each contract test runs against them all.

The CalDAV servers are started once for the package (a calendar of its own per test keeps the
tests apart); the ics URL host and the Google stand-in are in-process and cheap, so each test
has its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.caldav_servers import Server, serving
from tests.calendars.driver import KINDS, Driver
from tests.calendars.google_driver import GoogleDriver
from tests.calendars.ical_drivers import CalDAVDriver, IcsFolderDriver, IcsUrlDriver


@pytest.fixture(scope="package")
def shared_radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving("radicale", tmp_path_factory.mktemp("radicale")) as server:
        yield server


@pytest.fixture(scope="package")
def shared_xandikos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving("xandikos", tmp_path_factory.mktemp("xandikos")) as server:
        yield server


@pytest.fixture(params=KINDS)
def driver(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Driver]:
    kind: str = request.param
    made: Driver
    if kind == "ics-folder":
        made = IcsFolderDriver(tmp_path)
    elif kind == "ics-url":
        made = IcsUrlDriver(tmp_path)
    elif kind.startswith("caldav-"):
        server: Server = request.getfixturevalue(f"shared_{kind.removeprefix('caldav-')}")
        made = CalDAVDriver(server, tmp_path)
    else:
        made = GoogleDriver(tmp_path, monkeypatch)
    try:
        yield made
    finally:
        made.close()
