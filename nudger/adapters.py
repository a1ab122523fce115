"""Finding adapters by name: calendar sources, notifiers and sign-ins, registered as entry points.

The core never imports `integrations` (or a third party's package) directly: a configured name
such as `caldav` or `desktop` is looked up in the `nudger.calendars`, `nudger.notifiers` or
`nudger.auth` group and imported only then, so a command that needs no adapter pays for none.
Each group has one typed loader here (`calendar_factory`, `notifier_factory`, `authorizer`,
`export_reader`):
it checks that the entry point gave something callable, so a caller holds a port type
(`nudger.ports`) and never an `object` to call on trust.
"""

from __future__ import annotations

import importlib
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import cast

from nudger.errors import ConfigError
from nudger.ports import (
    Authorizer,
    CalendarFactory,
    ChannelFactory,
    ExportReader,
    NotifierFactory,
)

CALENDARS = "nudger.calendars"
NOTIFIERS = "nudger.notifiers"
AUTH = "nudger.auth"  # signing in to a calendar service: `nudger auth google`
IMPORTS = "nudger.imports"  # chat exports and call logs, by format name: `nudger import`


def available(group: str) -> dict[str, EntryPoint]:
    """The adapters installed for `group`, by name (read from metadata: nothing is imported)."""
    return {entry.name: entry for entry in entry_points(group=group)}


def load(group: str, name: str) -> object:
    """Whatever is registered as `name` in `group`, imported now; the typed loaders below are
    what callers use."""
    entry = _entry(group, name)
    try:
        return entry.load()
    except Exception as error:  # a third party's import failing is its problem, named
        raise _broken(entry, f"cannot be imported: {type(error).__name__}: {error}") from error


def calendar_factory(name: str) -> CalendarFactory:
    """The factory of calendar type `name` (`create(config, *, timeout, data_dir)`)."""
    return cast(CalendarFactory, _callable(CALENDARS, name))


def notifier_factory(name: str) -> NotifierFactory:
    """The factory of notifier `name` (`create(app_name)`)."""
    return cast(NotifierFactory, _callable(NOTIFIERS, name))


def channel_factory(name: str) -> ChannelFactory:
    """The factory of notifier `name` for a channel with a URL (`create(app_name, url)`)."""
    return cast(ChannelFactory, _callable(NOTIFIERS, name))


def authorizer(name: str) -> Authorizer:
    """The sign-in of calendar service `name`, for `nudger auth NAME`."""
    return cast(Authorizer, _callable(AUTH, name))


def export_reader(name: str) -> ExportReader:
    """The reader of export format `name` (whatsapp, telegram, ...). An entry point may name
    a reader object, or a class or zero-argument factory making one (`create`, as the other
    groups register); either way the caller gets an object with `name`, `sniff` and `read`, or
    a ConfigError naming the entry point."""
    reader = load(IMPORTS, name)
    if (isinstance(reader, type) or not _reads(reader)) and callable(reader):
        try:
            reader = reader()
        except Exception as error:  # a third party's factory failing is its problem, named
            raise _broken(
                _entry(IMPORTS, name), f"failed: {type(error).__name__}: {error}"
            ) from error
    if not _reads(reader):
        kind = type(reader).__name__
        raise _broken(_entry(IMPORTS, name), f"is no export reader (a {kind} without sniff/read)")
    return cast(ExportReader, reader)


def _reads(found: object) -> bool:
    return all(callable(getattr(found, method, None)) for method in ("sniff", "read"))


def export_readers() -> dict[str, ExportReader]:
    """Every installed export reader by format name, imported now (for detecting a file's
    format from its content); one that fails to load is a ConfigError naming it."""
    return {name: export_reader(name) for name in sorted(available(IMPORTS))}


def calendar_module(name: str) -> ModuleType | None:
    """The module that registers calendar type `name`, imported now (None: no adapter of that
    name is installed): where its adapter declares `config_model`, the schema of its table."""
    entry = available(CALENDARS).get(name)
    if entry is None:
        return None
    try:
        return importlib.import_module(entry.module)
    except Exception as error:
        raise _broken(entry, f"cannot be imported: {type(error).__name__}: {error}") from error


def _callable(group: str, name: str) -> object:
    found = load(group, name)
    if not callable(found):
        kind = type(found).__name__
        raise _broken(_entry(group, name), f"is not a function (its value is of type {kind})")
    return found


def _entry(group: str, name: str) -> EntryPoint:
    found = available(group)
    if name not in found:
        installed = ", ".join(sorted(found)) or "none"
        raise ConfigError(
            f"no {group.rsplit('.', 1)[-1]} adapter named {name!r} is installed",
            hint=f"installed: {installed}",
        )
    return found[name]


def _broken(entry: EntryPoint, problem: str) -> ConfigError:
    return ConfigError(
        f"the {entry.group} entry point {entry.name} = {entry.value} {problem}",
        hint="reinstall or update the package that provides it",
    )
