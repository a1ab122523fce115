"""Property tests: whatever document or value a person writes, nudger answers with a clean
exit 2 and a message, never a traceback, and a rejected `config set` changes no byte."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomlkit
from hypothesis import event, given
from hypothesis import strategies as st

from nudger.config.settings import Settings
from nudger.config.settings_core import SECTION_NAMES
from tests.conftest import RunCli

FIELDS = {
    name: list(type(getattr(Settings(), name)).model_fields)
    for name in SECTION_NAMES
    if name not in ("people", "calendars")
}
SCALARS = st.one_of(
    st.sampled_from(
        [
            "20:30",
            "25:00",
            "1d",
            "90d",
            "-1h",
            "soon",
            "",
            "system",
            "Europe/Berlin",
            "mon",
            "funday",
            "partner",
            "a@b.org",
            "[me]",
            "~/cal",
            "https://x.org/",
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.times(),
    st.text(max_size=12),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly-plausible config documents: real tables and keys with wrong or odd values,
    sprinkled with typos, lists of tables and unknown tables."""
    document: dict[str, Any] = {}
    for section in draw(
        st.lists(st.sampled_from([*FIELDS, "people", "calendars", "balanse"]), max_size=4)
    ):
        if section in ("people", "calendars"):
            keys = ["name", "kind", "emails", "aliases", "removed", "type", "path", "url", "user"]
            document[section] = draw(
                st.lists(st.dictionaries(st.sampled_from(keys), VALUES, max_size=4), max_size=3)
            )
        else:
            keys = [*FIELDS.get(section, []), "typo"]
            document[section] = draw(st.dictionaries(st.sampled_from(keys), VALUES, max_size=4))
    return document


def toml_text(document: dict[str, Any]) -> str | None:
    try:
        return tomlkit.dumps(document)
    except (TypeError, ValueError, tomlkit.exceptions.TOMLKitError):
        return None


def clean(result: Any) -> None:
    event(f"exit {result.code}")  # --hypothesis-show-statistics shows both outcomes are reached
    assert result.code in (0, 2), result
    assert "Traceback" not in result.err
    if result.code == 2:  # our one handler, or click's usage error (a key like "-0")
        assert result.err.startswith(("nudger: ", "Usage: nudger")), result.err


@given(document=documents())
def test_any_document_loads_or_is_refused_cleanly(
    cli: RunCli, write_config: Callable[[str], Path], document: dict[str, Any]
) -> None:
    text = toml_text(document)
    if text is None:
        return
    write_config(text)
    for command in (
        ["config", "show", "--json"],
        ["balance", "--json"],
        ["people", "list", "--json"],
    ):
        clean(cli(*command))


@given(text=st.text(max_size=80))
def test_any_text_loads_or_is_refused_cleanly(
    cli: RunCli, write_config: Callable[[str], Path], text: str
) -> None:
    write_config(text)
    clean(cli("config", "show"))
    clean(cli("balance", "--json"))


STARTER = """\
# kept as written
[me]
name = "Sam"   # me

[checkin]
time = "20:30"  # evening

[[people]]
name = "Alex"
kind = "partner"
"""
KEYS = st.one_of(
    st.sampled_from(
        [f"{section}.{field}" for section, fields in FIELDS.items() for field in fields]
        + [
            "people.Alex.kind",
            "people.0.emails",
            "people.Bob.kind",
            "people",
            "people.Alex",
            "calendars.0.path",
            "notifications.quiet_hours.start",
            "me",
            "me.name.x",
            "balanse.window",
        ]
    ),
    st.text(max_size=20),
)
RAW_VALUES = st.one_of(
    st.sampled_from(
        [
            '"21:00"',
            "21:00",
            "true",
            "0.8",
            "2",
            "[]",
            '["mon"]',
            "{a = 1}",
            "1d",
            "nan",
            "inf",
            "2026-01-01",
            "12:00:00",
            "[1, 2",
            "'x'",
            "Europe/Berlin",
            "x = 1",
        ]
    ),
    st.text(max_size=20),
)


@given(key=KEYS, value=RAW_VALUES)
def test_config_set_either_writes_a_valid_file_or_changes_nothing(
    cli: RunCli, write_config: Callable[[str], Path], key: str, value: str
) -> None:
    path = write_config(STARTER)
    before = path.read_bytes()
    result = cli("config", "set", "--", key, value)  # "--": a value may look like an option
    clean(result)
    if result.code == 2:
        assert path.read_bytes() == before
        return
    after = path.read_text(encoding="utf-8")
    assert after.startswith("# kept as written\n[me]")  # comments and order survive
    Settings.model_validate(tomllib.loads(after))
    assert cli("config", "get", "--", key).code == 0
