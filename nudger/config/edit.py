"""Changing the config file from the CLI without losing a comment or breaking the file.

Every change goes the same way: parse the file with tomlkit (which keeps comments, order and
spacing), apply the change, validate the whole result, and only then replace the file
atomically (a temp file in the same folder, mode 0600, fsync, rename). A rejected change leaves
the file byte-for-byte as it was.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from pydantic import BaseModel
from tomlkit.items import AoT, Array, Item, Table

from nudger.config.calendars import tagged_model
from nudger.config.file import models_in, parse_document, validate
from nudger.config.settings import Settings
from nudger.config.suggest import close_matches
from nudger.errors import ConfigError
from nudger.private_file import write_private

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
Segment = str | int


@dataclass(frozen=True, slots=True)
class Change:
    """What `config set` did: the effective value before and after."""

    key: str
    old: Any
    new: Any
    old_was_default: bool


def edit(
    path: Path, change: Callable[[tomlkit.TOMLDocument], None], *, refused: str | None = None
) -> Settings:
    """Apply `change` to the file's document; validate; write atomically. Returns the result.
    `refused` opens the error when the result is not valid (the file itself was)."""
    original = path.read_text(encoding="utf-8") if path.exists() else ""
    parse_document(original, path)  # the same syntax errors, with line and column, as loading
    document = tomlkit.parse(original)
    change(document)
    text = tomlkit.dumps(document)
    unchanged = f"{path} was left unchanged"
    settings = validate(parse_document(text, path), path, hint=unchanged, heading=refused)
    if text != original:
        write_private(path, text)  # the CLI pokes a running daemon when the file changed
    return settings


def set_value(path: Path, key: str, raw: str) -> Change:
    """`nudger config set KEY VALUE`: the value is read as TOML if it parses, else as text."""
    original = parse_document(path.read_text(encoding="utf-8"), path) if path.exists() else {}
    segments = parse_key(key, original)
    old = value_at(validate(original, path).model_dump(mode="json"), segments)
    if isinstance(old, dict):
        example = next(iter(old), "KEY")
        raise ConfigError(
            f"{key} is a table; set one of its keys, such as {key}.{example}",
            hint=f"its keys: {', '.join(old)}",
        )
    old_was_default = value_at(original, segments) is None
    value = parse_value(raw)
    if isinstance(old, list) and not isinstance(value, Array):
        value = tomlkit.item([value.unwrap()])  # `config set me.emails a@b`: a list of one

    def assign(document: tomlkit.TOMLDocument) -> None:
        node: Any = document
        for segment in segments[:-1]:
            if isinstance(node, AoT | list):
                node = node[_index(node, segment)]
            else:
                node = node.setdefault(str(segment), tomlkit.table())
            if not isinstance(node, Table | AoT | list | tomlkit.TOMLDocument):
                raise ConfigError(f"{key}: {segment} holds a value, not a table")
        node[str(segments[-1])] = value

    settings = edit(path, assign, refused=f"config set {key} was refused")
    return Change(key, old, value_at(settings.model_dump(mode="json"), segments), old_was_default)


def parse_value(raw: str) -> Item:
    """`15`, `true`, `["a", "b"]`, `2026-03-01` and `"quoted"` are TOML; anything else is text."""
    if "\n" not in raw and "\r" not in raw:
        try:
            parsed = tomlkit.parse(f"value = {raw}")
        except tomlkit.exceptions.TOMLKitError:
            pass
        else:
            value = parsed.unwrap().get("value")
            # Times and dates stay text: the schema reads "20:30" and "2026-03-01" itself, and
            # a bare TOML time would change the style of the user's file.
            if list(parsed) == ["value"] and not isinstance(value, date | time):
                return tomlkit.item(value)
    return tomlkit.item(raw)


def parse_key(key: str, document: dict[str, Any]) -> list[Segment]:
    """Check a dotted key against the schema; list items go by position or by name
    (`people.Alex.kind`, `calendars.0.path`)."""
    parts = key.split(".")
    if not all(_BARE_KEY.fullmatch(part) for part in parts):
        raise ConfigError(f"{key!r} is not a setting key; keys look like checkin.time")
    segments: list[Segment] = []
    model: type[BaseModel] | None = Settings
    data: Any = document
    position = 0
    while position < len(parts):
        part, done = parts[position], ".".join(parts[:position])
        if model is None:
            raise ConfigError(f"{key} is not a setting: {done} holds a value, not a table")
        if part not in model.model_fields:
            fields = list(model.model_fields)
            close = close_matches(part, fields, n=1)
            raise ConfigError(
                f"{key} is not a setting: {f'[{done}]' if done else 'the top level'} has "
                + ", ".join(fields),
                hint=f"did you mean {'.'.join([*parts[:position], close[0]])}?" if close else None,
            )
        segments.append(part)
        data = data.get(part) if isinstance(data, dict) else None
        annotation = model.model_fields[part].annotation
        held = models_in(annotation)
        position += 1
        if held and typing.get_origin(annotation) is list:
            if position == len(parts):
                raise ConfigError(
                    f"{key} is a list of tables; set a key of one entry, such as {key}.NAME.KEY",
                    hint="`nudger people add` adds a person",
                )
            items = data if isinstance(data, list) else []
            index = _index(items, parts[position])
            segments.append(index)
            data = items[index]
            tag = data.get("type") if isinstance(data, dict) else None
            model = tagged_model(held, tag if isinstance(tag, str) else None)
            position += 1
        else:
            model = held[0] if held else None
    return segments


def value_at(data: Any, segments: Sequence[Segment]) -> Any:
    """The value at a parsed key in dumped settings; None where it is unset."""
    for segment in segments:
        if isinstance(data, list) and isinstance(segment, int) and segment < len(data):
            data = data[segment]
        elif isinstance(data, dict):
            data = data.get(str(segment))
        else:
            return None
    return data


def _index(items: Sequence[Any], segment: Segment) -> int:
    """A list item by position or, for tables with a name, by name (case-insensitive)."""
    if isinstance(segment, int) or str(segment).isdigit():
        index = int(segment)
        if index < len(items):
            return index
        raise ConfigError(f"there is no item {index}; the list has {len(items)}")
    names = [str(item.get("name", "")) for item in items if hasattr(item, "get")]
    for index, name in enumerate(names):
        if name.casefold() == str(segment).casefold():
            return index
    close = close_matches(str(segment), names, n=3)
    raise ConfigError(
        f"no entry named {segment!r}",
        hint=f"did you mean {', '.join(close)}?"
        if close
        else f"names: {', '.join(names) or 'none yet'}",
    )
