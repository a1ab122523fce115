"""`nudger people add/set --phone`: numbers checked as the schema checks `phones` (E.164, read
in me.region), kept in the file as written, refused with the file unchanged when none."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import RunCli

CONFIG = '[me]\nname = "Sam"\nregion = "DE"\n'


def phones(cli: RunCli, name: str) -> list[str]:
    listed = cli("people", "list", "--json")
    assert listed.code == 0, listed.err
    found: list[str] = next(p["phones"] for p in json.loads(listed.out) if p["name"] == name)
    return found


def test_add_takes_phones_and_set_adds_more(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    write_config(CONFIG)
    added = cli("people", "add", "Alex", "--phone", "+1 202 555 0123", "--phone", "030 1234567")
    assert added.code == 0, added.err
    assert "phones +12025550123, +49301234567" in added.out  # as the schema reads them
    assert phones(cli, "Alex") == ["+1 202 555 0123", "030 1234567"]  # kept as written
    more = cli("people", "set", "alex", "--phone", "0170 1234567", "--phone", "030 1234567")
    assert more.code == 0, more.err
    assert "phones +12025550123, +49301234567, +491701234567" in more.out
    assert phones(cli, "Alex") == ["+1 202 555 0123", "030 1234567", "0170 1234567"]


def test_a_number_that_is_none_is_refused_and_nothing_changes(
    cli: RunCli, write_config: Callable[[str], Path], config_path: Path
) -> None:
    write_config(CONFIG)
    assert cli("people", "add", "Alex", "--phone", "+49 30 1234567").code == 0
    before = config_path.read_text(encoding="utf-8")
    result = cli("people", "set", "Alex", "--phone", "12")
    assert result.code == 2
    assert "--phone '12' was refused" in result.err
    assert "'12' is not a phone number" in result.err
    assert "Traceback" not in result.err
    assert config_path.read_text(encoding="utf-8") == before
    refused = cli("people", "add", "Robin", "--phone", "nope")
    assert refused.code == 2
    assert "not a phone number" in refused.err
    assert "Robin" not in config_path.read_text(encoding="utf-8")


def test_set_with_nothing_to_set_says_what_it_takes(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    write_config(CONFIG)
    assert cli("people", "add", "Alex").code == 0
    result = cli("people", "set", "Alex")
    assert result.code == 2
    assert "--phone" in result.err and "--every" in result.err
