"""What the sync tests share: an ics folder set up as the story's calendar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.story import CONFIG


@pytest.fixture
def folder(home: Path, write_config: Callable[[str], Path]) -> Path:
    """An empty folder configured as the ics calendar `local`, beside the story's people."""
    calendar = home / "calendar"
    calendar.mkdir()
    write_config(CONFIG + f'\n[[calendars]]\nname = "local"\ntype = "ics"\npath = "{calendar}"\n')
    return calendar


def lock(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make the file called `name` fail to read as a chmod 000 one would: the tests often run
    as root, whom chmod does not stop, so the error reading it raises stands in for it."""
    read = Path.read_bytes

    def locked(path: Path) -> bytes:
        if path.name == name:
            raise PermissionError(13, "Permission denied", str(path))
        return read(path)

    monkeypatch.setattr(Path, "read_bytes", locked)
