"""Who is who in an export: matching its participants to the user and to tracked people, pure.

A participant is matched by phone number (both sides already in E.164: the importer normalizes
them) or by name: a person's name or one of their aliases, compared after normalization (case,
accents and spacing ignored: "José  Núñez" is "jose nunez") and then exactly, never as a
substring ("Al" is not "Alex"). A participant whose number says one person and whose name
another matches nobody: it is reported, never guessed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def name_key(name: str) -> str:
    """A name as names are compared: without accents, case folded, single-spaced."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True, slots=True)
class Known:
    """A tracked person as matching sees them: the names and E.164 numbers that are theirs."""

    name: str
    names: frozenset[str]  # name keys (`name_key`) of the name and aliases
    phones: frozenset[str]

    @classmethod
    def of(cls, name: str, aliases: Iterable[str], phones: Iterable[str]) -> Known:
        return cls(name, frozenset(name_key(n) for n in (name, *aliases)), frozenset(phones))


@dataclass(frozen=True, slots=True)
class Me:
    """The user as matching sees them: `me.names` (name keys) and `me.phones` (E.164)."""

    names: frozenset[str]
    phones: frozenset[str]

    @classmethod
    def of(cls, names: Iterable[str], phones: Iterable[str]) -> Me:
        return cls(frozenset(name_key(n) for n in names), frozenset(phones))


def is_me(me: Me, name: str | None, phone: str | None, marked: bool | None) -> bool:
    """Whether a participant is the user: the export's own marker where it has one, else a
    number in `me.phones` or a name in `me.names`."""
    if marked is not None:
        return marked
    return (phone is not None and phone in me.phones) or (
        name is not None and name_key(name) in me.names
    )


def match(people: Sequence[Known], name: str | None, phone: str | None) -> str | None:
    """The tracked person a participant is (by number, by name), None when nobody or when
    number and name point to different people."""
    by_phone = {p.name for p in people if phone is not None and phone in p.phones}
    key = name_key(name) if name else None
    by_name = {p.name for p in people if key and key in p.names}
    found = by_phone | by_name
    return next(iter(found)) if len(found) == 1 else None
