"""`NUDGER_*` environment overrides, merged over the config file with pydantic-settings.

Imported only when such a variable is set (see `nudger.config.file`). Nested keys use a double
underscore (`NUDGER_BALANCE__ONE_SIDED=0.8`); lists and tables are JSON
(`NUDGER_DATES__LEAD_TIMES='["1d","2h"]'`). A variable that names no setting is an error rather
than silently ignored, as a typo in the file would be.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from nudger.config.paths import OVERRIDE_PREFIX as PREFIX
from nudger.config.settings import Settings
from nudger.config.suggest import close_matches
from nudger.errors import ConfigError

DELIMITER = "__"


class EnvironmentSettings(BaseSettings, Settings):
    """The schema of `Settings`, filled from the environment over the file's values."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_nested_delimiter=DELIMITER, extra="forbid", frozen=True
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The parsed file arrives as init arguments; the environment comes first, so it wins.
        # No .env file and no secrets directory: secrets are referenced, never stored.
        return (env_settings, init_settings)


def check_names(variables: Mapping[str, str]) -> None:
    """Reject a variable that names no setting, with the names that would work."""
    for name in variables:
        model: type[BaseModel] = Settings
        path = name[len(PREFIX) :].lower().split(DELIMITER)
        for depth, part in enumerate(path):
            fields = model.model_fields
            if part not in fields:
                valid = [PREFIX + DELIMITER.join([*path[:depth], f]).upper() for f in fields]
                close = close_matches(name, valid, n=1)
                raise ConfigError(
                    f"the environment variable {name} names no setting",
                    hint=f"did you mean {close[0]}?"
                    if close
                    else f"valid here: {', '.join(valid)}",
                )
            annotation: Any = fields[part].annotation
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                break  # a value (or a list given as JSON): deeper parts are its content
            model = annotation


def merge(file_values: dict[str, Any]) -> Settings:
    """The settings from the file's values with the environment's overrides on top."""
    return EnvironmentSettings(**file_values)
