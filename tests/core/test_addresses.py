"""One spelling of an address for both sides: what calendars write and what settings hold."""

from __future__ import annotations

import pytest

from nudger.core.addresses import calendar_address, normalize


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("alex@example.org", "alex@example.org"),
        ("Alex@Example.ORG", "alex@example.org"),
        ("mailto:alex@example.org", "alex@example.org"),
        ("MAILTO:Alex@Example.org", "alex@example.org"),
        ("MailTo: alex@example.org ", "alex@example.org"),
        ("  alex@example.org\n", "alex@example.org"),
        ("urn:uuid:ABC-1", "urn:uuid:abc-1"),  # no address in it: kept, matching nobody
    ],
)
def test_normalize(written: str, read: str) -> None:
    assert normalize(written) == read


@pytest.mark.parametrize(
    ("value", "email", "read"),
    [
        ("mailto:Alex@Example.org", None, "alex@example.org"),
        ("mailto:alex@example.org", "other@example.org", "alex@example.org"),  # the value wins
        ("urn:uuid:1234", "Jordan.Lee@iCloud.com", "jordan.lee@icloud.com"),
        ("/1234567/principal/", "jordan@icloud.com", "jordan@icloud.com"),
        ("invalid:nomail", None, "invalid:nomail"),
        ("urn:uuid:1234", "", "urn:uuid:1234"),
        ("alex@example.org", None, "alex@example.org"),
    ],
)
def test_calendar_address(value: str, email: str | None, read: str) -> None:
    assert calendar_address(value, email) == read
