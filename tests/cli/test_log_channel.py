"""`nudger log message|call --channel`: a hand-logged message or call says how it came, and
`balance` counts it under that channel; without one it is "unknown", never a guess."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import RunCli

CONFIG = '[me]\nname = "Sam"\ntimezone = "UTC"\n\n[[people]]\nname = "Alex"\n'
WINDOW = ("--since", "2026-03-01", "--until", "2026-03-31")


def test_a_logged_channel_is_what_balance_splits_by(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    write_config(CONFIG)
    logged = cli(
        "log",
        "message",
        "-p",
        "Alex",
        "--by",
        "them",
        "--at",
        "2026-03-02T10:00",
        "--channel",
        "WhatsApp",
    )
    assert logged.code == 0, logged.err
    assert "message on whatsapp with Alex" in logged.out
    for args in (
        ("call", "--by", "me", "--at", "2026-03-03T10:00", "-c", "phone"),
        ("message", "--by", "me", "--at", "2026-03-04T10:00"),
    ):
        result = cli("log", args[0], "-p", "Alex", *args[1:])
        assert result.code == 0, result.err
    history = json.loads(cli("history", "--json").out)
    assert [e["details"].get("channel") for e in history] == ["whatsapp", "phone", None]
    [alex] = json.loads(cli("balance", "Alex", "--json", *WINDOW).out)
    assert alex["by_channel"] == {
        "phone": {"me": 1, "them": 0, "unknown": 0},
        "unknown": {"me": 1, "them": 0, "unknown": 0},
        "whatsapp": {"me": 0, "them": 1, "unknown": 0},
    }


def test_a_channel_that_is_none_is_refused(
    cli: RunCli, write_config: Callable[[str], Path], log_path: Path
) -> None:
    write_config(CONFIG)
    for channel in ("calendar", "unknown", "what's app", ""):
        result = cli("log", "message", "-p", "Alex", "--by", "me", "--channel", channel)
        assert result.code == 2, channel
        assert "is not a channel to log" in result.err
        assert "Traceback" not in result.err
    assert json.loads(cli("history", "--json").out) == []
