"""`nudger notify test` and doctor's channel lines, against a local HTTP endpoint standing in for
ntfy: what each channel did, exit 1 when one failed, and never a part of a channel's URL shown
(only its scheme)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.daemon_harness import config_text
from tests.http_recorder import Recorder

TOKEN = "tk_0a1b2c3d4e5f"  # noqa: S105 (a made-up token, to be kept out of every output)


def channels(url_setting: str, routes: str = 'checkin = ["phone", "console"]') -> str:
    return config_text(
        extra=f"""
        [notifications.routes]
        {routes}

        [[notifications.channels]]
        name = "phone"
        type = "apprise"
        {url_setting}
        """
    )


@pytest.fixture
def phone(recorder: Recorder, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"json://127.0.0.1:{recorder.port}/{TOKEN}"
    monkeypatch.setenv("PHONE_URL", url)
    return url


def test_notify_test_sends_one_message_on_each_channel(
    cli: RunCli, write_config: Callable[[str], Path], recorder: Recorder, phone: str
) -> None:
    write_config(channels('url_env = "PHONE_URL"'))
    run = cli("notify", "test")
    assert run.code == 0, run.err
    assert run.out.splitlines() == ["✓ console (backend): sent", "✓ phone (apprise): sent"]
    [message] = recorder.json_bodies()
    assert message["title"] == "nudger: a test message"
    assert "nudger: a test message" in run.err  # the console backend's own showing


def test_a_failing_channel_is_named_with_its_reason_without_the_token_and_exit_1(
    cli: RunCli, write_config: Callable[[str], Path], recorder: Recorder, phone: str
) -> None:
    write_config(channels('url_env = "PHONE_URL"'))
    recorder.statuses = [500]
    run = cli("notify", "test", "phone", "--json")
    assert run.code == 1
    [outcome] = json.loads(run.out)
    assert outcome["channel"] == "phone" and outcome["ok"] is False
    assert outcome["problem"].startswith("json://…: ") and "500" in outcome["problem"]
    assert TOKEN not in run.out + run.err and str(recorder.port) not in run.out + run.err
    assert len(recorder.requests) == 1


def test_a_url_command_that_fails_is_named_and_an_unknown_channel_is_a_usage_error(
    cli: RunCli, write_config: Callable[[str], Path], recorder: Recorder
) -> None:
    write_config(channels('url_command = ["false"]'))
    run = cli("notify", "test")
    assert run.code == 1
    assert "✗ phone (apprise): failed: url_command false failed (exit status 1)" in run.out
    assert "✓ console (backend): sent" in run.out
    assert recorder.requests == []
    unknown = cli("notify", "test", "tablet")
    assert unknown.code == 2 and "no channel named 'tablet'" in unknown.err


def test_doctor_lists_each_channel_with_its_scheme_only_and_whether_its_url_can_be_read(
    cli: RunCli,
    write_config: Callable[[str], Path],
    phone: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_config(channels('url_env = "PHONE_URL"'))
    run = cli("doctor", "--json")
    [check] = [c for c in json.loads(run.out) if c["name"] == "channel phone"]
    assert check["ok"] is True
    assert check["detail"] == "apprise, json://…: its URL can be read; gets checkin"
    assert TOKEN not in run.out
    monkeypatch.delenv("PHONE_URL")
    run = cli("doctor", "--json")
    [check] = [c for c in json.loads(run.out) if c["name"] == "channel phone"]
    assert check["ok"] is False
    assert (
        check["detail"]
        == "apprise: cannot read its URL: the environment variable PHONE_URL is not set"
    )


def test_routes_name_known_kinds_and_channels_only(
    cli: RunCli, write_config: Callable[[str], Path], phone: str
) -> None:
    write_config(channels('url_env = "PHONE_URL"', routes='chekin = ["phone"]'))
    run = cli("notify", "test")
    assert run.code == 2 and "notifications.routes.chekin" in run.err
    write_config(channels('url_env = "PHONE_URL"', routes='checkin = ["tablet"]'))
    run = cli("notify", "test")
    assert run.code == 2 and "routes.checkin names 'tablet', which is no channel" in run.err
