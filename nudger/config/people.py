"""The people you track: finding one by name or alias, and adding or removing one in the config.

People live in the config file (`[[people]]` tables); the log refers to them by name. Removing
someone marks them `removed` and keeps them in the file, so their history stays readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from nudger.config.settings_core import NO_RHYTHM, Person, PersonKind, normalize_email
from nudger.config.suggest import close_matches
from nudger.errors import UnknownPersonError, UsageError


def find(people: Sequence[Person], name: str) -> Person:
    """A person by name, else by alias (both case-insensitive); the error lists close names."""
    wanted = " ".join(name.split()).casefold()
    for person in people:
        if person.name.casefold() == wanted:
            return person
    for person in people:
        if any(alias.casefold() == wanted for alias in person.aliases):
            return person
    raise unknown_person(name, [p.name for p in people])


def unknown_person(name: str, known: Sequence[str]) -> UnknownPersonError:
    known = list(dict.fromkeys(known))  # a configured person is often in the log too
    close = close_matches(name, known, n=3, cutoff=0.5)
    if not close:
        close = [k for k in known if k.casefold().startswith(name.casefold()[:2])][:3]
    if close:
        hint = f"did you mean {' or '.join(close)}?"
    elif known:
        hint = f"tracked: {', '.join(known)}"
    else:
        hint = "nobody is tracked yet: nudger people add NAME"
    return UnknownPersonError(f"nobody named {name!r} is tracked", hint=hint)


def add(
    config: Path,
    name: str,
    *,
    emails: Sequence[str] = (),
    aliases: Sequence[str] = (),
    phones: Sequence[str] = (),
    kind: PersonKind | None = None,
    every: str | None = None,
) -> tuple[Person, bool]:
    """Track someone (or again, after `remove`). Returns the person and whether they were back.
    `every` is their contact rhythm as written (`2w`, or `none` for their kind's default);
    `phones` are kept as written, and the schema checks each is a number (E.164 once read)."""
    from nudger.config import edit as config_edit

    back = False
    emails = [normalize_email(email) for email in emails]

    def change(document: Any) -> None:
        nonlocal back
        people = document.setdefault("people", _array_of_tables())
        existing = next(
            (t for t in people if str(t.get("name", "")).casefold() == name.casefold()), None
        )
        if existing is None:
            table: dict[str, Any] = {"name": name, "kind": kind or "friend"}
            if emails:
                table["emails"] = list(emails)
            if aliases:
                table["aliases"] = list(aliases)
            if phones:
                table["phones"] = list(phones)
            _set_every(table, every)
            people.append(table)
            return
        if "removed" not in existing:
            raise UsageError(
                f"{existing['name']} is already tracked",
                hint=f"change them with: nudger config set people.{existing['name']}.emails ...",
            )
        back = True
        del existing["removed"]
        if kind:
            existing["kind"] = kind
        _set_every(existing, every)
        for key, values in (("emails", emails), ("aliases", aliases), ("phones", phones)):
            _merge(existing, key, values)

    settings = config_edit.edit(config, change)
    return find(settings.people, name), back


def _merge(table: Any, key: str, values: Sequence[str]) -> None:
    """Add `values` to the list at `key`, each once, after the ones already there."""
    merged = list(table.get(key, []))
    merged += [v for v in values if v not in merged]
    if merged:
        table[key] = merged


def set_person(
    config: Path, name: str, *, every: str | None = None, phones: Sequence[str] = ()
) -> Person:
    """Give a tracked person their own contact rhythm (`2w`), or with `none` take it away, so
    their kind's default applies again; add phone numbers of theirs (kept as written). The
    schema checks the values before the file changes."""
    from nudger.config import edit as config_edit
    from nudger.config import file as config_file

    document = config_file.read_document(config) if config.exists() else {}
    person_name = find_in_tables([p for p in _people_in(document) if "removed" not in p], name)

    def change(document: Any) -> None:
        for table in document.get("people", []):
            if str(table.get("name", "")).casefold() == person_name.casefold():
                _set_every(table, every)
                _merge(table, "phones", phones)

    given = [f"--every {every!r}"] * (every is not None) + [f"--phone {p!r}" for p in phones]
    settings = config_edit.edit(config, change, refused=f"{', '.join(given)} was refused")
    return find(settings.people, person_name)


def _set_every(table: Any, every: str | None) -> None:
    """Write `every` into a person's table; `none` removes it (their kind's default applies)."""
    if every is None:
        return
    if every.strip().casefold() == NO_RHYTHM:
        table.pop("every", None)
    else:
        table["every"] = every.strip()


def remove(config: Path, name: str, today: date) -> Person:
    """Stop tracking someone; their entries in the log stay."""
    from nudger.config import edit as config_edit
    from nudger.config import file as config_file

    document = config_file.read_document(config) if config.exists() else {}
    tracked = [p for p in _people_in(document) if "removed" not in p]
    person_name = find_in_tables(tracked, name)

    def change(document: Any) -> None:
        for table in document.get("people", []):
            if str(table.get("name", "")).casefold() == person_name.casefold():
                table["removed"] = today.isoformat()

    settings = config_edit.edit(config, change)
    return find(settings.people, person_name)


def find_in_tables(tables: Sequence[dict[str, Any]], name: str) -> str:
    names = [str(t.get("name", "")) for t in tables]
    for table_name, table in zip(names, tables, strict=True):
        aliases = [str(a).casefold() for a in table.get("aliases", [])]
        if name.casefold() in (table_name.casefold(), *aliases):
            return table_name
    raise unknown_person(name, names)


def _people_in(document: dict[str, Any]) -> list[dict[str, Any]]:
    people = document.get("people", [])
    return [p for p in people if isinstance(p, dict)] if isinstance(people, list) else []


def _array_of_tables() -> Any:
    import tomlkit

    return tomlkit.aot()
