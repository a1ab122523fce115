"""Adapters are found through entry points, including a third party's, and imported late."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from nudger import adapters
from nudger.errors import ConfigError


@pytest.fixture
def third_party(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A package installed the way pip installs one: a module and a dist-info with entry points."""
    (tmp_path / "nudger_fake_source.py").write_text("class Source:\n    kind = 'fake'\n")
    info = tmp_path / "nudger_fake_source-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: nudger-fake-source\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text("[nudger.calendars]\nfake = nudger_fake_source:Source\n")
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
