"""`notifications.channels` and `notifications.routes` as the file states them: where a kind
goes, and each mistake named with its key (a typo'd kind, an unknown channel, two URL
sources, a URL written into the file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nudger.config import file as config_file
from nudger.config.settings import Notifications
from nudger.core.nudges.nudge import NudgeKind
from nudger.errors import ConfigError

PHONE = '[[notifications.channels]]\nname = "phone"\nurl_env = "PHONE_URL"\n'


def load(tmp_path: Path, text: str) -> Notifications:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return config_file.load(path).settings.notifications


def problem(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return caught.value.message


def test_without_routes_every_kind_goes_to_the_backend_alone(tmp_path: Path) -> None:
    section = load(tmp_path, PHONE)
    assert {section.route(kind) == ["desktop"] for kind in NudgeKind} == {True}


def test_a_route_sends_its_kind_to_the_channels_it_names_and_no_other(tmp_path: Path) -> None:
    routes = '[notifications.routes]\nbefore_date = ["Phone", "desktop"]\ngratitude = ["phone"]\n'
    section = load(tmp_path, f'[notifications]\nbackend = "desktop"\n\n{routes}\n{PHONE}')
    assert section.route("before_date") == ["phone", "desktop"]
    assert section.route("gratitude") == ["phone"]
    assert section.route("checkin") == ["desktop"]
    assert section.route("a_kind_from_a_newer_planner") == ["desktop"]


def test_every_kind_the_planner_has_may_be_routed(tmp_path: Path) -> None:
    lines = "".join(f'{kind} = ["phone"]\n' for kind in NudgeKind)
    section = load(tmp_path, f"[notifications.routes]\n{lines}\n{PHONE}")
    assert {section.route(kind) == ["phone"] for kind in NudgeKind} == {True}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[notifications.routes]\nchekin = ["phone"]\n' + PHONE, "notifications.routes.chekin"),
        (
            '[notifications.routes]\ncheckin = ["tablet"]\n' + PHONE,
            "routes.checkin names 'tablet', which is no channel; channels: desktop, phone",
        ),
        ("[notifications.routes]\ncheckin = []\n", "routes.checkin is empty"),
        (PHONE + PHONE, "two channels (and the backend) share the name 'phone'"),
        (
            '[[notifications.channels]]\nname = "desktop"\n',
            "share the name 'desktop'",
        ),
        (
            PHONE + 'url_command = ["pass", "ntfy"]\n',
            "set at most one of url_command, url_env or keyring",
        ),
        (
            '[[notifications.channels]]\nname = "phone"\nurl = "ntfy://ntfy.sh/mytopic"\n',
            "notifications.channels[0].url: not a setting",
        ),
    ],
)
def test_each_mistake_is_named_with_its_key(tmp_path: Path, text: str, said: str) -> None:
    message = problem(tmp_path, text)
    assert said in message
    assert "mytopic" not in message  # a URL written into the file is not echoed back
