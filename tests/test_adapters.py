"""Adapters are found through entry points, including a third party's, imported late and typed:
what a loader returns is checked to be callable, and a broken registration is named."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from integrations.calendars import google_auth
from integrations.notifiers import console
from nudger import adapters
from nudger.errors import ConfigError


@pytest.fixture
def third_party(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A package installed the way pip installs one: a module and a dist-info with entry points,
    one of them good, one naming something that cannot be called, one naming no module."""
    (tmp_path / "nudger_fake_source.py").write_text(
        "class Source:\n    kind = 'fake'\n\nNOT_A_FUNCTION = 3\n"
    )
    info = tmp_path / "nudger_fake_source-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: nudger-fake-source\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text(
        "[nudger.calendars]\nfake = nudger_fake_source:Source\n"
        "number = nudger_fake_source:NOT_A_FUNCTION\nmissing = nudger_not_installed:create\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return "nudger_fake_source"


def test_a_registered_adapter_is_imported_only_when_loaded(third_party: str) -> None:
    assert "fake" in adapters.available(adapters.CALENDARS)
    assert third_party not in sys.modules
    source = adapters.load(adapters.CALENDARS, "fake")
    assert vars(source)["kind"] == "fake"
    assert third_party in sys.modules


def test_an_unknown_adapter_names_the_installed_ones(third_party: str) -> None:
    with pytest.raises(ConfigError) as caught:
        adapters.load(adapters.CALENDARS, "exchange")
    assert "no calendars adapter named 'exchange'" in caught.value.message
    assert "fake" in (caught.value.hint or "")


def test_the_typed_loaders_return_what_the_entry_point_registers(third_party: str) -> None:
    assert adapters.calendar_factory("fake") is adapters.load(adapters.CALENDARS, "fake")
    assert adapters.notifier_factory("console") is console.create
    assert adapters.authorizer("google") is google_auth.authorize_source
    assert adapters.calendar_module("fake") is sys.modules[third_party]
    assert adapters.calendar_module("exchange") is None


def test_an_entry_point_that_is_not_callable_is_named(third_party: str) -> None:
    with pytest.raises(ConfigError) as caught:
        adapters.calendar_factory("number")
    assert caught.value.message == (
        "the nudger.calendars entry point number = nudger_fake_source:NOT_A_FUNCTION"
        " is not a function (its value is of type int)"
    )
    assert caught.value.exit_code == 2


def test_an_entry_point_whose_module_is_missing_is_named(third_party: str) -> None:
    for load in (adapters.calendar_factory, adapters.calendar_module):
        with pytest.raises(ConfigError) as caught:
            load("missing")
        assert caught.value.message.startswith(
            "the nudger.calendars entry point missing = nudger_not_installed:create"
            " cannot be imported: ModuleNotFoundError"
        )


def test_each_typed_loader_reads_its_own_group(third_party: str) -> None:
    with pytest.raises(ConfigError, match="no notifiers adapter named 'fake'"):
        adapters.notifier_factory("fake")
    with pytest.raises(ConfigError, match="no auth adapter named 'console'"):
        adapters.authorizer("console")
