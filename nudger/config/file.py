"""Loading the config file into `Settings`, and saying exactly what is wrong when it is not valid.

Errors name the file (or the environment variable), the dotted key, the value and what would be
valid, one problem a line, as a `ConfigError` (exit code 2). Writing the file is
`nudger.config.edit`'s job.
"""

from __future__ import annotations

import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from nudger.config import paths
from nudger.config.settings_core import SECTION_NAMES, QuerySettings
from nudger.config.suggest import close_matches
from nudger.errors import ConfigError

if TYPE_CHECKING:
    from nudger.config.settings import Settings

SettingsT = TypeVar("SettingsT", "Settings", QuerySettings)
NOT_SETTINGS = frozenset({paths.CONFIG_ENV, paths.DATA_DIR_ENV})
_INSTALLED_TAG = "installed"  # nudger.config.calendars.INSTALLED, without importing the schema


@dataclass(frozen=True, slots=True)
class LoadedSettings(Generic[SettingsT]):
    path: Path
    exists: bool
    settings: SettingsT


def load(explicit: Path | None = None) -> LoadedSettings[Settings]:
    """Settings from the config file (defaults where it is absent) and `NUDGER_*` overrides."""
    path, exists, values = _read(explicit)
    return LoadedSettings(path, exists, validate(values, path, with_environment=True))


def load_for_queries(explicit: Path | None = None) -> LoadedSettings[QuerySettings]:
    """The sections query commands read; the file's other tables are checked by name only.

    With `NUDGER_*` overrides set, the whole file is validated (pydantic-settings merges them
    into the full schema) and the query sections are taken from it.
    """
    path, exists, values = _read(explicit)
    if override_variables(os.environ):
        full = validate(values, path, with_environment=True)
        return LoadedSettings(path, exists, QuerySettings.model_construct(**dict(full)))
    unknown = [key for key in values if key not in SECTION_NAMES]
    if unknown:
        close = close_matches(unknown[0], SECTION_NAMES, n=1)
        raise ConfigError(
            f"{path} is not valid:\n  {unknown[0]}: not a setting; valid tables: "
            + ", ".join(SECTION_NAMES)
            + (f" (did you mean {close[0]}?)" if close else ""),
        )
    try:
        return LoadedSettings(path, exists, QuerySettings.model_validate(values))
    except ValidationError as error:
        raise ConfigError(f"{path} is not valid:\n" + "\n".join(describe(error, values))) from error


def _read(explicit: Path | None) -> tuple[Path, bool, dict[str, Any]]:
    path, named = paths.config_path(explicit)
    if path.exists():
        return path, True, read_document(path)
    if named:
        raise ConfigError(
            f"the config file {path} does not exist",
            hint="run `nudger init` to create one, or fix --config / NUDGER_CONFIG",
        )
    return path, False, {}


def read_document(path: Path) -> dict[str, Any]:
    """The file's TOML as plain data; a syntax error names the line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path} is not UTF-8 text (byte {error.start})") from error
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from error
    return parse_document(text, path)


def parse_document(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_describe_syntax_error(str(error), text, path)) from error


def validate(
    values: dict[str, Any],
    path: Path,
    *,
    with_environment: bool = False,
    hint: str = "`nudger config set KEY VALUE` checks a value before writing it",
    heading: str | None = None,
) -> Settings:
    """Validate the file's values as a whole; `with_environment` merges NUDGER_* over them.
    `heading` opens the error in place of "PATH is not valid" (an edit that was refused).

    Edits validate without the environment: a variable set in this shell must neither make a
    bad file pass nor block a good change.
    """
    from nudger.config.settings import Settings

    overrides = override_variables(os.environ) if with_environment else {}
    if overrides:
        from nudger.config import (
            environment as settings_environment,  # pydantic-settings: only when it has work
        )

        settings_environment.check_names(overrides)
    try:
        if overrides:
            return settings_environment.merge(values)
        return Settings.model_validate(values)
    except ValidationError as error:
        raise ConfigError(
            f"{heading or f'{path} is not valid'}:\n"
            + "\n".join(describe(error, values, overrides)),
            hint=hint,
        ) from error
    except ValueError as error:  # pydantic-settings could not read a variable's JSON
        field = re.search(r'field "([^"]+)"', str(error))
        variable = f"NUDGER_{field[1].upper()}*" if field else "NUDGER_*"
        raise ConfigError(
            f"the environment variable {variable} is not valid JSON: {error.__cause__ or error}",
            hint='lists and tables in the environment are JSON, such as ["1d", "2h"]',
        ) from error


def override_variables(environment: Mapping[str, str]) -> dict[str, str]:
    """The `NUDGER_*` variables that set a setting (names are case-insensitive)."""
    return {
        name.upper(): value
        for name, value in environment.items()
        if name.upper().startswith(paths.OVERRIDE_PREFIX) and name.upper() not in NOT_SETTINGS
    }


def describe(
    error: ValidationError, values: Mapping[str, Any], overrides: Mapping[str, str] = {}
) -> list[str]:
    """One line per problem: where it is, the value, what is wrong and what would be valid."""
    lines = []
    for problem in error.errors(include_url=False):
        location = _visible_location(problem["loc"], values)
        key = _dotted(location)
        origin = _environment_variable(location, overrides)
        where = f"{key} (from {origin})" if origin else key
        message = str(problem["msg"]).removeprefix("Value error, ")
        shown_value = problem.get("input")
        if problem["type"] == "extra_forbidden":
            lines.append(f"  {where}: not a setting; {_valid_keys(problem['loc'], values)}")
        elif problem["type"] == "missing":
            lines.append(f"  {where}: required{_described(problem['loc'], values)}")
        elif problem["type"] == "calendar_type_missing":
            from nudger.config.calendars import calendar_types

            lines.append(f"  {where}.type: required; one of {', '.join(calendar_types())}")
        elif isinstance(shown_value, Mapping):
            lines.append(f"  {where or 'the file'}: {message}")
        elif problem["type"] in ("value_error", "calendar_type"):  # these say what is valid
            lines.append(f"  {where} = {shown_value!r}: {message}")
        else:
            described = _described(problem["loc"], values)
            lines.append(f"  {where} = {shown_value!r}: {message}{described}")
    return lines


def _describe_syntax_error(message: str, text: str, path: Path) -> str:
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
    if found:
        line, column = found[1], found[2]
    else:  # "at end of document": something was left open
        lines = text.split("\n")
        line, column = str(len(lines)), str(len(lines[-1]) + 1)
    return f"{path}, line {line}, column {column}: {reason} (TOML syntax)"


def _visible_location(loc: Sequence[str | int], values: Mapping[str, Any]) -> list[str | int]:
    """The location as the user wrote it: without the union tag pydantic inserts
    (`calendars.0.caldav.url` is `calendars[0].url` in the file, and so is
    `calendars.0.installed.url` for a type an installed adapter provides)."""
    visible: list[str | int] = []
    node: Any = values
    for part in loc:
        if isinstance(node, Mapping) and isinstance(part, str):
            if part not in node and part in (node.get("type"), _INSTALLED_TAG):
                continue
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
        visible.append(part)
    return visible


def _dotted(location: Sequence[str | int]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _environment_variable(
    location: Sequence[str | int], overrides: Mapping[str, str]
) -> str | None:
    """The NUDGER_* variable that supplied this value, if one did."""
    parts = [str(part) for part in location if isinstance(part, str)]
    for depth in range(len(parts), 0, -1):
        name = "NUDGER_" + "__".join(parts[:depth]).upper()
        if name in overrides:
            return f"the environment variable {name}"
    return None


def _field_at(
    loc: Sequence[str | int], values: Mapping[str, Any]
) -> tuple[type[BaseModel], str] | None:
    """The model and field name a location points into (list indexes after it dropped); the
    values tell which model a tagged table is (the tag in `loc` may be `installed`)."""
    parts = list(loc)
    while parts and isinstance(parts[-1], int):
        parts.pop()
    if not parts:
        return None
    from nudger.config.calendars import tagged_model
    from nudger.config.settings import Settings

    model: type[BaseModel] = Settings
    union: tuple[type[BaseModel], ...] = ()
    node: Any = values
    for part in parts[:-1]:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            continue
        if union:
            kind = node.get("type") if isinstance(node, Mapping) else None
            model, union = tagged_model(union, kind if isinstance(kind, str) else part), ()
            continue
        if part not in model.model_fields:
            return None
        node = node.get(part) if isinstance(node, Mapping) else None
        held = models_in(model.model_fields[part].annotation)
        if not held:
            return None
        model, union = (held[0], ()) if len(held) == 1 else (held[0], held)
    return model, str(parts[-1])


def models_in(annotation: Any) -> tuple[type[BaseModel], ...]:
    """The models a field holds, looking through list[...], Optional and unions."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return (annotation,)
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType, typing.Annotated):
        found: tuple[type[BaseModel], ...] = ()
        for argument in typing.get_args(annotation):
            found += models_in(argument)
        return found
    return ()


def _valid_keys(loc: Sequence[str | int], values: Mapping[str, Any]) -> str:
    found = _field_at(loc, values)
    if found is None:
        return "remove it"
    valid = list(found[0].model_fields)
    close = close_matches(found[1], valid, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"valid keys here: {', '.join(valid)}{hint}"


def _described(loc: Sequence[str | int], values: Mapping[str, Any]) -> str:
    found = _field_at(loc, values)
    if found is None or found[1] not in found[0].model_fields:
        return ""
    description = found[0].model_fields[found[1]].description
    return f" ({description})" if description else ""
