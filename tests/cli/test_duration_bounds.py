"""Durations have maxima in the schema: a value no sync could use (one reaching past the year
9999 made every sync fail with "unexpected OverflowError") is refused by `config set`, named by
`doctor` and refused when the file is loaded, each time with the maximum a user may write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RunCli

CONFIG = '[me]\nname = "Sam"\n'


@pytest.mark.parametrize(
    ("key", "value", "maximum"),
    [
        ("sync.future", "3000000d", "3650d"),
        ("sync.past", "99999999999999d", "3650d"),  # more days than Python's timedelta holds
        ("sync.timeout", "2h", "10m"),
        ("notifications.snooze", "30d", "1w"),
        ("balance.window", "4000d", "3650d"),
    ],
)
def test_config_set_refuses_a_duration_over_its_maximum_and_names_it(
    cli: RunCli, write_config: Callable[[str], Path], key: str, value: str, maximum: str
) -> None:
    path = write_config(CONFIG)
    result = cli("config", "set", key, value)
    assert result.code == 2, result
    assert f"use at most {maximum}" in result.err
    assert "Traceback" not in result.err and "Overflow" not in result.err
    assert path.read_text(encoding="utf-8") == CONFIG


def test_the_maximum_itself_is_accepted_and_used_by_a_sync(
    cli: RunCli, write_config: Callable[[str], Path], home: Path
) -> None:
    folder = home / "calendar"
    folder.mkdir()
    write_config(CONFIG + f'[[calendars]]\nname = "local"\ntype = "ics"\npath = "{folder}"\n')
    assert cli("config", "set", "sync.future", "3650d").code == 0
    assert cli("config", "set", "sync.past", "3650d").code == 0
    result = cli("daemon", "--once")
    assert result.code == 0, result.out + result.err
    assert "✓ local" in result.out


def test_a_file_holding_one_is_refused_by_loading_and_by_doctor(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    path = write_config(CONFIG + '[sync]\nfuture = "3000000d"\n')
    loaded = cli("daemon", "--once")
    assert loaded.code == 2, loaded
    assert "sync.future = '3000000d': use at most 3650d" in loaded.err
    assert "Traceback" not in loaded.err
    doctor = cli("doctor")
    assert doctor.code == 1
    assert f"✗ config: {path} is not valid:" in doctor.out
    assert "sync.future = '3000000d': use at most 3650d" in doctor.out
