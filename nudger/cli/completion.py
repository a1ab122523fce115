"""Shell completion of values: people, calendar names, nudge ids, kinds and answers.

Options and command names complete through typer and click as they are; this module adds what
only nudger knows. `attach` gives each argument or option that takes such a value (found by its
command path and parameter name, in `RULES`) a completer, and runs only when a shell asks for
completions (`NudgerGroup._main_shell_completion`), so no ordinary run pays for it.

Completers read as little as they can: people from the query sections of the config
(`config_file.load_for_queries`), calendars from the file's TOML without validating it, nudge
ids from the log through the view `nudger nudges` asks (without the CLI's session: this module
imports no command module, nor `nudger.cli.app`). They never raise: a broken config or log, or
any other failure, completes nothing, and the shell falls back to its default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typer._click import Context, Parameter
    from typer._click.shell_completion import CompletionItem

# A completer: (the context, what was typed so far) -> (value, help) pairs.
Completer = Callable[["Context", str], list[tuple[str, str]]]


def _config_option(ctx: Context) -> Path | None:
    """The `--config` given before the command, if any (parsed, not validated)."""
    value = ctx.find_root().params.get("config")
    return value if isinstance(value, Path) else None


def _configured_people(ctx: Context) -> list[tuple[str, str, bool]]:
    from nudger.config import file as config_file

    settings = config_file.load_for_queries(_config_option(ctx)).settings
    return [(person.name, person.kind, person.tracked) for person in settings.people]


def tracked_people(ctx: Context, incomplete: str) -> list[tuple[str, str]]:
    """The people tracked now, with their kind."""
    return [(name, kind) for name, kind, tracked in _configured_people(ctx) if tracked]


def people(ctx: Context, incomplete: str) -> list[tuple[str, str]]:
    """Everyone in the config: the tracked first, then those removed."""
    found = _configured_people(ctx)
    return [(name, kind) for name, kind, tracked in found if tracked] + [
        (name, "no longer tracked") for name, _, tracked in found if not tracked
    ]


def people_and_logged(ctx: Context, incomplete: str) -> list[tuple[str, str]]:
    """Everyone in the config, then anyone the log still holds entries for."""
    from nudger.config import paths
    from nudger.log import queries
    from nudger.log.store import Store

    found = people(ctx, incomplete)
    known = {name.casefold() for name, _ in found}
    if paths.log_path().exists():
        with Store.open_for_reading(paths.log_path()) as store:
            logged = queries.logged_people(store.db)
        found += [(name, "in the log only") for name in logged if name.casefold() not in known]
    return found


def _calendar_tables(ctx: Context) -> list[dict[str, Any]]:
    """The file's [[calendars]] tables, read as TOML without validating the rest."""
    from nudger.config import file as config_file
    from nudger.config import paths

    path, _ = paths.config_path(_config_option(ctx))
    if not path.is_file():
        return []
    tables = config_file.read_document(path).get("calendars", [])
    if not isinstance(tables, list):
        return []
    return [table for table in tables if isinstance(table, dict)]


def calendars(ctx: Context, incomplete: str) -> list[tuple[str, str]]:
    """Each calendar source's name, with its type."""
    return [(str(t["name"]), str(t.get("type", ""))) for t in _calendar_tables(ctx) if "name" in t]


def google_calendars(ctx: Context, incomplete: str) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind in calendars(ctx, incomplete) if kind == "google"]


def nudges(ctx: Context, incomplete: str) -> list[tuple[str, str]]:
    """The short ids `nudger nudges` shows (shown and not answered, then upcoming), each with
    its kind, person and title."""
    from nudger import clock
    from nudger.config import file as config_file
    from nudger.config import paths
    from nudger.config.timezone import user_zone
    from nudger.core.nudges.nudge import short_id
    from nudger.core.text import printable
    from nudger.log.store import Store
    from nudger.views.deliveries import answerable

    settings = config_file.load(_config_option(ctx)).settings
    zone = user_zone(settings.me.timezone)
    with Store.open_for_reading(paths.log_path()) as store:
        found = answerable(store, settings, now=clock.now(), zone=zone)
    pairs: dict[str, str] = {}
    for delivery in found:
        nudge = delivery.nudge
        pairs.setdefault(short_id(nudge.id), printable(f"{nudge.kind.value}: {nudge.title}"))
    return list(pairs.items())


def kinds(ctx: Context, incomplete: str) -> list[tuple[str, str]]:
    from nudger.core.model import Kind

    return [(kind.value, "") for kind in Kind]


def actions(ctx: Context, incomplete: str) -> list[tuple[str, str]]:
    from nudger.core.answers import ACTIONS
    from nudger.ports import action_label

    return [(action, action_label(action)) for action in ACTIONS]


# (command path, "*" for any subcommand; parameter name; completer)
RULES: tuple[tuple[tuple[str, ...], str, Completer], ...] = (
    (("balance",), "person", people_and_logged),
    (("history",), "person", people_and_logged),
    (("forget",), "person", people_and_logged),
    (("wait",), "person", tracked_people),
    (("plans", "list"), "person", people),
    (("plans", "mark"), "person", tracked_people),
    (("log", "*"), "person", tracked_people),
    (("people", "remove"), "name", tracked_people),
    (("calendars", "remove"), "name", calendars),
    (("calendars", "test"), "name", calendars),
    (("auth", "google"), "name", google_calendars),
    (("done",), "nudge", nudges),
    (("skip",), "nudge", nudges),
    (("snooze",), "nudge", nudges),
    (("answer",), "nudge", nudges),
    (("answer",), "action", actions),
    (("history",), "kind", kinds),
)


def attach(root: Any) -> int:
    """Give every parameter a rule names its completer; returns how many were given one."""
    attached = 0
    for path, command in _commands(root, ()):
        for parameter in getattr(command, "params", ()):
            completer = _completer_for(path, parameter.name)
            if completer is not None:
                parameter._custom_shell_complete = _never_failing(completer)
                attached += 1
    return attached


def _commands(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from _commands(sub, (*path, name))


def _completer_for(path: tuple[str, ...], parameter: str | None) -> Completer | None:
    for pattern, name, completer in RULES:
        if name == parameter and _matches(pattern, path):
            return completer
    return None


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    return len(pattern) == len(path) and all(
        part in ("*", actual) for part, actual in zip(pattern, path, strict=True)
    )


def _never_failing(
    completer: Completer,
) -> Callable[[Context, Parameter, str], list[CompletionItem]]:
    """The completer as click calls it: values starting with what was typed (in any case),
    and nothing at all when anything goes wrong."""

    def complete(ctx: Context, parameter: Parameter, incomplete: str) -> list[CompletionItem]:
        from typer._click.shell_completion import CompletionItem

        try:
            pairs = completer(ctx, incomplete)
        except Exception:  # a broken config or log, a bug: never a traceback in the shell
            return []
        typed = incomplete.casefold()
        return [
            CompletionItem(value, help=help_text or None)
            for value, help_text in pairs
            if value.casefold().startswith(typed)
        ]

    return complete
