"""The settings schema, the sample config, loading, overrides and the errors people see."""

from __future__ import annotations

import re
import tomllib
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from nudger.config import file as config_file
from nudger.config.calendars import (
    CalDAVCalendar,
    CalendarBase,
    GoogleCalendar,
    IcsCalendar,
    calendar_types,
)
from nudger.config.settings import FullPerson, Settings
from nudger.config.settings_core import SECTION_NAMES, QuerySettings
from nudger.errors import ConfigError

EXAMPLE = Path(__file__).parents[2] / "config.example.toml"


def all_models(model: type[BaseModel]) -> list[type[BaseModel]]:
    found = [model]
    for field in model.model_fields.values():
        for held in config_file.models_in(field.annotation):
            found += [m for m in all_models(held) if m not in found]
    return found


def test_the_example_config_is_valid_and_states_the_defaults() -> None:
    values = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    settings = Settings.model_validate(values)
    defaults = Settings()
    for section in SECTION_NAMES:
        if section in ("people", "calendars"):
            continue
        assert getattr(settings, section) == getattr(defaults, section), section


def test_the_example_config_mentions_every_setting() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    written = set(re.findall(r"^[# ]*([a-z_]+) = ", text, flags=re.MULTILINE))
    tables = set(re.findall(r"^#? ?\[\[?([a-z_.]+)\]\]?", text, flags=re.MULTILINE))
    models = all_models(Settings)
    assert {FullPerson, IcsCalendar, CalDAVCalendar, GoogleCalendar} <= set(models)
    for model in models:
        for name, field in model.model_fields.items():
            nested = config_file.models_in(field.annotation)
            if nested:
                assert name in tables or name.split(".")[-1] in {
                    t.split(".")[-1] for t in tables
                }, name
            else:
                assert name in written, f"{model.__name__}.{name} is not in config.example.toml"


def test_every_setting_is_described() -> None:
    for model in all_models(Settings):
        for name, field in model.model_fields.items():
            if not config_file.models_in(field.annotation) or name in ("people", "calendars"):
                assert field.description, f"{model.__name__}.{name} has no description"


def test_section_names_match_the_schema() -> None:
    assert tuple(Settings.model_fields) == SECTION_NAMES
    assert set(QuerySettings.model_fields) <= set(SECTION_NAMES)


@pytest.mark.parametrize(
    "section",
    [s for s in SECTION_NAMES if s not in ("people", "calendars")] + ["notifications.quiet_hours"],
)
def test_a_typo_in_any_table_is_an_error_naming_the_valid_keys(
    section: str, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[{section}]\nenabeld = true\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config_file.load(path)
    message = caught.value.message
    assert str(path) in message
    assert f"{section}.enabeld: not a setting" in message
    assert "valid keys here:" in message


def test_a_typo_inside_a_list_entry_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[people]]\nname = "Alex"\nemial = "a@b.org"\n\n'
        '[[calendars]]\nname = "dav"\ntype = "caldav"\nurl = "https://dav.example.org/"\n'
        'calendar = ["x"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        config_file.load(path)
    assert "people[0].emial: not a setting" in caught.value.message
    assert "(did you mean emails?)" in caught.value.message
    assert "calendars[0].calendar: not a setting" in caught.value.message
    assert "(did you mean calendars?)" in caught.value.message


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            "[balance]\none_sided = 1.5",
            "balance.one_sided = 1.5: Input should be less than or equal to 1",
        ),
        ("[balance]\nleaning = 0.9\none_sided = 0.8", "balance: leaning must not exceed one_sided"),
        ('[checkin]\ntime = "25:00"', "checkin.time = '25:00': use a 24-hour clock time"),
        (
            '[checkin]\ndays = ["mon", "funday"]',
            "checkin.days[1] = 'funday': Input should be 'mon'",
        ),
        ('[me]\ntimezone = "Mars/Olympus"', 'use "system" or an IANA time zone name'),
        (
            '[dates]\nlead_times = ["1d", "soon"]',
            "dates.lead_times[1] = 'soon': use a number and a unit",
        ),
        ('[sync]\ninterval = "-5m"', "sync.interval = '-5m': use a number and a unit"),
        ("[sync]\ninterval = 90", "sync.interval = 90: use a number and a unit"),
        ("[gratitude]\nearliest = 0.8", "gratitude.earliest = 0.8: use a 24-hour clock time"),
        ("[checkin]\ntime = 1979-05-27T07:32:00Z", "checkin.time = datetime.datetime(1979"),
        (
            '[[people]]\nname = "Alex"\nemails = ["nope"]',
            "people[0].emails[0] = 'nope': use an e-mail",
        ),
        ('[[people]]\nkind = "friend"', "people[0].name: required"),
        ('[[calendars]]\nname = "x"', "calendars[0].type: required; one of ics, caldav, google"),
        ('[[calendars]]\nname = "x"\ntype = "ics"', "set exactly one of path or url"),
        ('[[calendars]]\nname = "x"\ntype = "webcal"', "does not match any of the expected tags"),
        (
            '[[people]]\nname = "Alex"\n[[people]]\nname = "alex"',
            "two people share the name 'alex'",
        ),
        (
            '[[people]]\nname = "Alex"\naliases = ["Sam"]\n[[people]]\nname = "Sam"',
            "'Sam' names both Alex and Sam",
        ),
        ('[balanse]\nwindow = "30d"', "balanse: not a setting"),
    ],
)
def test_errors_name_the_key_the_value_and_what_is_valid(
    toml: str, expected: str, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(toml + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config_file.load(path)
    assert expected in caught.value.message
    assert caught.value.exit_code == 2


def test_query_loading_reports_the_same_problems_in_its_sections(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[balance]\none_sided = 1.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"balance\.one_sided = 1\.5"):
        config_file.load_for_queries(path)
    path.write_text("[balanse]\nwindow = '30d'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"balanse: not a setting.*did you mean balance"):
        config_file.load_for_queries(path)


def test_query_loading_agrees_with_full_loading(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[me]\ntimezone = "Europe/Berlin"\n[balance]\nwindow = "30d"\nkinds = ["call"]\n'
        '[[people]]\nname = "Alex"\nkind = "partner"\n[checkin]\ntime = "21:00"\n',
        encoding="utf-8",
    )
    full = config_file.load(path).settings
    query = config_file.load_for_queries(path).settings
    # The full schema's `me` and people are subclasses that also normalize phone numbers
    # (none here): their values agree.
    assert (query.me.model_dump(), [p.model_dump() for p in query.people], query.balance) == (
        full.me.model_dump(),
        [p.model_dump() for p in full.people],
        full.balance,
    )


def test_phone_numbers_are_normalized_to_e164_in_my_region(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[me]\nregion = "DE"\nphones = ["030 1234567"]\n'
        '[[people]]\nname = "Alex"\nphones = ["+1 202 555 0123", "0170 1234567"]\n',
        encoding="utf-8",
    )
    settings = config_file.load(path).settings
    assert settings.me.phones == ["+49301234567"]
    assert settings.people[0].phones == ["+12025550123", "+491701234567"]


def test_a_number_that_is_none_names_the_key_and_the_value(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[people]]\nname = "Alex"\nphones = ["12"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config_file.load(path)
    assert "people[0].phones[0] = '12'" in caught.value.message
    assert "'12' is not a phone number" in caught.value.message


def test_a_toml_syntax_error_names_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[me]\nname = "Sam"\nemails = [\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config_file.load(path)
    assert caught.value.message.startswith(f"{path}, line 4, column 1:")
    assert "TOML syntax" in caught.value.message


def test_a_named_config_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        config_file.load(tmp_path / "nope.toml")


def test_without_a_config_file_the_defaults_apply() -> None:
    loaded = config_file.load()
    assert not loaded.exists
    assert loaded.settings == Settings()


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[balance]\nwindow = "30d"\none_sided = 0.9\n', encoding="utf-8")
    monkeypatch.setenv("NUDGER_BALANCE__ONE_SIDED", "0.8")
    monkeypatch.setenv("nudger_dates__lead_times", '["3h"]')
    for loaded in (config_file.load(path).settings, config_file.load_for_queries(path).settings):
        assert loaded.balance.one_sided == 0.8
        assert loaded.balance.window.days == 30  # the rest of the table still comes from the file
    assert [t.total_seconds() for t in config_file.load(path).settings.dates.lead_times] == [10800]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("NUDGER_BALANCE__ONE_SIDD", "0.8", "did you mean NUDGER_BALANCE__ONE_SIDED?"),
        ("NUDGER_BALANSE__ONE_SIDED", "0.8", "did you mean NUDGER_BALANCE?"),
        (
            "NUDGER_BALANCE__ONE_SIDED",
            "lots",
            "from the environment variable NUDGER_BALANCE__ONE_SIDED",
        ),
        ("NUDGER_DATES__LEAD_TIMES", "[1d", "is not valid JSON"),
    ],
)
def test_a_bad_environment_override_is_named(
    variable: str, value: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    for load in (config_file.load, config_file.load_for_queries):
        with pytest.raises(ConfigError) as caught:
            load(None)
        assert expected in f"{caught.value.message} {caught.value.hint}"


def test_settings_are_immutable() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.balance.window = settings.balance.window  # type: ignore[misc]


def _nested_defaults(model: type[BaseModel]) -> dict[str, Any]:
    return model().model_dump(mode="json")


def test_defaults_survive_a_round_trip_through_json() -> None:
    dumped = _nested_defaults(Settings)
    assert Settings.model_validate(dumped) == Settings()


@pytest.fixture
def installed_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three calendar types a third party installed: `plain` declares no config_model, `odd`
    declares something that is not a model, `memo` declares its own (see
    tests/test_third_party_calendar.py for the same through the CLI)."""
    (tmp_path / "nudger_types.py").write_text("def create(config, *, timeout, data_dir): ...\n")
    (tmp_path / "nudger_odd.py").write_text("config_model = dict\ndef create(): ...\n")
    (tmp_path / "nudger_memo.py").write_text(
        "from typing import Literal\n"
        "from nudger.config.calendars import CalendarBase\n"
        "class Memo(CalendarBase):\n"
        "    type: Literal['memo']\n"
        "    text: str = 'hello'\n"
        "config_model = Memo\n"
        "def create(config, *, timeout, data_dir): ...\n"
    )
    info = tmp_path / "nudger_types-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nudger-types\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[nudger.calendars]\nplain = nudger_types:create\nodd = nudger_odd:create\n"
        "memo = nudger_memo:create\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path / "config.toml"


def test_installed_types_are_listed_after_the_built_in_ones(installed_types: Path) -> None:
    assert calendar_types() == ("ics", "caldav", "google", "memo", "odd", "plain")
    installed_types.write_text('[[calendars]]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"type: required; one of ics, caldav, google, memo, "):
        config_file.load(installed_types)


def test_an_installed_type_without_a_model_takes_the_common_keys(installed_types: Path) -> None:
    installed_types.write_text(
        '[[calendars]]\nname = "x"\ntype = "plain"\ninterval = "1h"\n', encoding="utf-8"
    )
    (calendar,) = config_file.load(installed_types).settings.calendars
    assert type(calendar) is CalendarBase
    assert (calendar.name, calendar.type, calendar.interval) == ("x", "plain", timedelta(hours=1))
    installed_types.write_text(
        '[[calendars]]\nname = "x"\ntype = "plain"\npath = "/tmp"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"calendars\[0\]\.path: not a setting; valid keys here"):
        config_file.load(installed_types)


def test_a_config_model_that_is_not_a_model_is_named(installed_types: Path) -> None:
    installed_types.write_text('[[calendars]]\nname = "x"\ntype = "odd"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config_file.load(installed_types)
    assert (
        "calendars[0].type = 'odd': the odd adapter's config_model (nudger_odd.config_model)"
        " is not a model deriving from nudger.config.calendars.CalendarBase"
    ) in caught.value.message


def test_an_installed_type_survives_a_round_trip_through_json(installed_types: Path) -> None:
    settings = Settings.model_validate({"calendars": [{"name": "m", "type": "memo"}]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dumped = settings.model_dump(mode="json")
    assert dumped["calendars"] == [
        {"name": "m", "enabled": True, "interval": None, "type": "memo", "text": "hello"}
    ]
    assert Settings.model_validate(dumped) == settings
