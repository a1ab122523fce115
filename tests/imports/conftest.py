"""The importer's tests register the test-only `lines` format the way pip installs a reader:
a dist-info with a `nudger.imports` entry point, so `nudger import` finds it by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.imports.lines_reader import HEADER


@pytest.fixture(autouse=True)
def lines_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    info = tmp_path / "site" / "nudger_lines_format-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: nudger-lines-format\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text(
        "[nudger.imports]\nlines = tests.imports.lines_reader:LinesReader\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))


@pytest.fixture
def export(tmp_path: Path) -> Callable[..., Path]:
    """Write an export in the `lines` format: `export("name.txt", "line", ...)`."""

    def write(name: str, *lines: str) -> Path:
        path = tmp_path / name
        path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        return path

    return write
