"""`doctor`'s "my addresses": the verdict from what is configured and what each source said."""

from __future__ import annotations

import pytest

from nudger.ops.address_checks import Learnt, address_verdict
from nudger.ops.check import Status

ME = "sam@example.org"
THEIRS = {"alex@example.org": "Alex"}


@pytest.mark.parametrize(
    ("configured", "learnt", "status", "detail", "fix"),
    [
        (
            [],
            {"folder": None},
            Status.FAILED,
            "me.emails is empty; folder: cannot tell which invitations are yours. So plans you "
            "organize in folder count as unknown",
            "nudger config set me.emails you@example.org (the addresses your invitations come "
            "from)",
        ),
        (
            [],
            {},
            Status.FAILED,
            "me.emails is empty; folder: not synced yet, so it has told nothing. So plans you "
            "organize in folder count as unknown",
            "nudger config set me.emails you@example.org (the addresses your invitations come "
            "from)",
        ),
        (
            [ME],
            {"folder": None},
            Status.OK,
            f"me.emails: {ME}; folder: cannot tell which invitations are yours",
            None,
        ),
    ],
)
def test_one_folder(
    configured: list[str], learnt: Learnt, status: Status, detail: str, fix: str | None
) -> None:
    check = address_verdict(configured, ["folder"], learnt, THEIRS)
    assert (check.status, check.detail, check.fix) == (status, detail, fix)


def test_sources_that_tell_are_enough_without_me_emails() -> None:
    check = address_verdict([], ["dav", "google"], {"dav": (ME,), "google": ()}, THEIRS)
    assert check.status is Status.OK
    assert check.detail == (
        f"me.emails is empty; dav: says you are {ME}; "
        "google: marks your own entries (no address learnt yet)"
    )


def test_a_source_that_cannot_tell_fails_and_the_fix_names_what_others_taught() -> None:
    learnt: Learnt = {"dav": (ME, "sam@work.example.org"), "folder": None}
    check = address_verdict([], ["dav", "folder"], learnt, THEIRS)
    assert check.status is Status.FAILED
    assert check.detail.endswith("Plans you organize in folder are yours only by what dav says")
    assert check.fix == 'nudger config set me.emails ["sam@example.org", "sam@work.example.org"]'
    one = address_verdict([], ["dav", "folder"], {"dav": (ME,), "folder": None}, THEIRS)
    assert one.fix == f"nudger config set me.emails {ME}"


def test_an_address_of_someone_tracked_is_never_taken_for_mine() -> None:
    learnt: Learnt = {"dav": ("alex@example.org", ME), "folder": None}
    check = address_verdict([], ["dav", "folder"], learnt, THEIRS)
    assert f"dav: says you are {ME}, ignoring alex@example.org (Alex's)" in check.detail
    assert check.fix == f"nudger config set me.emails {ME}"
    only = address_verdict([], ["dav"], {"dav": ("alex@example.org",)}, THEIRS)
    assert "dav: names no address, ignoring alex@example.org (Alex's)" in only.detail


def test_without_calendars_there_is_nothing_to_tell() -> None:
    assert address_verdict([], [], {}, THEIRS).status is Status.NOT_APPLICABLE
