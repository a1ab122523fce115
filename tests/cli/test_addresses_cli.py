"""Addresses as iCloud writes them, through the CLI: a synced folder, then the balance."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from nudger import clock
from tests.conftest import RunCli

ICLOUD_INVITE = """\
BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Apple Inc.//iPhone OS 17.4//EN\r
BEGIN:VEVENT\r
UID:8C1F7A52-0000-4B7E-9A11-5E2B3C4D5E6F\r
DTSTAMP:{stamp}\r
DTSTART:{start}\r
DTEND:{end}\r
SUMMARY:Dinner\r
ORGANIZER;CN="Jordan Lee";EMAIL="jordan.lee@icloud.com":urn:uuid:7a3f5c1e-00\r
 00-4d6b-9e2a-1c2b3d4e5f60\r
ATTENDEE;CN="Jordan Lee";CUTYPE=INDIVIDUAL;EMAIL="jordan.lee@icloud.com";PARTSTAT\r
 =ACCEPTED;ROLE=CHAIR:urn:uuid:7a3f5c1e-0000-4d6b-9e2a-1c2b3d4e5f60\r
ATTENDEE;CN="Sam";CUTYPE=INDIVIDUAL;EMAIL="sam@example.org";PARTSTAT=ACCEPTED:u\r
 rn:uuid:0b1c2d3e-0000-4f5a-8b9c-0d1e2f3a4b5c\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_icloud_organizer_is_the_person_in_the_balance(
    cli: RunCli, write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    write_config(
        f"""\
        [me]
        name = "Sam"
        emails = ["Sam@Example.org"]

        [[people]]
        name = "Jordan"
        emails = ["MAILTO:Jordan.Lee@iCloud.com"]

        [[calendars]]
        name = "phone"
        type = "ics"
        path = "{folder}"
        """
    )
    start = clock.now().replace(microsecond=0) - timedelta(days=3)
    (folder / "dinner.ics").write_text(
        ICLOUD_INVITE.format(
            stamp=f"{start - timedelta(days=2):%Y%m%dT%H%M%SZ}",
            start=f"{start:%Y%m%dT%H%M%SZ}",
            end=f"{start + timedelta(hours=2):%Y%m%dT%H%M%SZ}",
        ),
        encoding="utf-8",
        newline="",
    )
    synced = cli("daemon", "--once")
    assert synced.code == 0, synced.err
    assert "✓ phone:" in synced.out

    (jordan,) = json.loads(cli("balance", "Jordan", "--json").out)
    assert jordan["initiations"] == {"me": 0, "them": 1, "unknown": 0}
    plans = json.loads(cli("plans", "Jordan", "--json").out)
    assert [(p["summary"], p["initiator"]) for p in plans] == [("Dinner", "them")]
