"""My own addresses as the sources teach them, through the CLI: a CalDAV account that says who
I am (Xandikos, with the address a scheduling client sets) makes the plans I organize mine with
`me.emails` empty, in its own calendar and in a folder synced after it; one that cannot say
(Radicale lists only its principal's path) leaves them unknown, and `doctor` says so with the fix.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from caldav.davclient import DAVClient

from nudger import clock
from tests.caldav_servers import Server
from tests.calendars.ical_drivers import ADDRESS_SET
from tests.conftest import RunCli
from tests.daemon_harness import plan_text

ME = "sam@example.org"
ALEX = "alex@example.org"


def my_plan(uid: str, summary: str, start: datetime) -> str:
    """A plan I organized with Alex invited, as a client may write it (`MAILTO:`, capitals)."""
    return plan_text(uid, summary, start, organizer="MAILTO:Sam@Example.org").decode()


@pytest.fixture
def synced(
    cli: RunCli,
    server: Server,
    client: DAVClient,
    tmp_path: Path,
    write_config: Callable[[str], Path],
) -> Server:
    """One plan of mine on the server and one in a folder read after it; me.emails empty."""
    principal = client.get_principal()
    if server.kind == "xandikos":  # as a scheduling client sets it up; Radicale cannot
        assert client.proppatch(str(principal.url), ADDRESS_SET.format(me=ME)).status == 207
    calendar: Any = principal.make_calendar(name="Personal", cal_id="personal")
    start = clock.now().replace(hour=18, minute=0, second=0, microsecond=0)
    calendar.add_event(my_plan("dinner", "Dinner", start - timedelta(days=5)))
    folder = tmp_path / "calendar"
    folder.mkdir()
    (folder / "hike.ics").write_text(my_plan("hike", "Hike", start - timedelta(days=4)))
    password = [sys.executable, "-c", f"print({server.password!r})"] if server.password else []
    write_config(
        f"""\
        [me]
        name = "Sam"

        [[people]]
        name = "Alex"
        emails = ["{ALEX}"]

        [[calendars]]
        name = "dav"
        type = "caldav"
        url = "{server.url}"
        username = "{server.username}"
        password_command = {json.dumps(password)}

        [[calendars]]
        name = "folder"
        type = "ics"
        path = "{folder}"
        """
    )
    done = cli("daemon", "--once")
    assert done.code == 0, done.out + done.err
    return server


def address_check(cli: RunCli) -> dict[str, Any]:
    checks = json.loads(cli("doctor", "--json").out)
    (check,) = [c for c in checks if c["name"] == "my addresses"]
    return dict(check)


def initiations(cli: RunCli) -> dict[str, int]:
    (alex,) = json.loads(cli("balance", "Alex", "--json").out)
    return dict(alex["initiations"])


@pytest.mark.parametrize("server", ["xandikos"], indirect=True)
def test_an_account_that_says_who_i_am_makes_my_plans_mine(cli: RunCli, synced: Server) -> None:
    assert initiations(cli) == {"me": 2, "them": 0, "unknown": 0}  # the server's and the folder's
    check = address_check(cli)
    assert check["detail"].startswith(f"me.emails is empty; dav: says you are {ME}; ")
    assert "folder: cannot tell which invitations are yours." in check["detail"]
    # The folder's plan is mine only through what dav says: the fix sets the address dav taught.
    assert check["detail"].endswith("Plans you organize in folder are yours only by what dav says")
    assert check["status"] == "failed"
    assert check["fix"] == f"nudger config set me.emails {ME}"
    assert cli("config", "set", "me.emails", ME).code == 0
    assert address_check(cli)["status"] == "ok"


@pytest.mark.parametrize("server", ["radicale"], indirect=True)
def test_an_account_that_cannot_say_leaves_my_plans_unknown_until_told(
    cli: RunCli, synced: Server
) -> None:
    assert initiations(cli) == {"me": 0, "them": 0, "unknown": 2}  # nothing guessed
    check = address_check(cli)
    assert check["status"] == "failed"
    assert check["detail"] == (
        "me.emails is empty; dav: cannot tell which invitations are yours; folder: cannot tell "
        "which invitations are yours. So plans you organize in dav and folder count as unknown"
    )
    assert check["fix"].startswith("nudger config set me.emails you@example.org")

    assert cli("config", "set", "me.emails", ME).code == 0
    assert address_check(cli)["status"] == "ok"
