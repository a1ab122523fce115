"""Importing one chat export or call log: read it, find the conversation starts and the calls,
match who is who, and append them in one transaction (or, for a dry run, only count them).

Private by construction: an entry holds the time, the person, the side, the kind (`message` for
a conversation start, `call`), the channel and a key hashed from the export's chat id and record
identity; no text, no title, no number. A participant who matches nobody is counted under their
name (or the last two digits of their number) in the outcome, and nothing of theirs is stored.

Group chats (the export says so, or more than one other participant wrote) count only when
asked (`group=True`), and then only starts and calls by a tracked person, as theirs: a start by
me in a group is no initiation towards anyone in particular, so it counts for no one (the
outcome says how many). The decisions are `nudger.core.conversations` and
`nudger.core.parties`; this module is the edge around them.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from nudger.config.phones import e164, masked
from nudger.core.conversations import Opening, Span, opening
from nudger.core.model import Kind, NewEntry, Who
from nudger.core.parties import Known, Me, is_me, match
from nudger.errors import UsageError
from nudger.imports.formats import choose
from nudger.log import imports as import_log
from nudger.log.store import Store
from nudger.ports import CallType, Chat, ChatRecord, ExportFormatError, ExportReader, Party

SOURCE = "import"


@dataclass(frozen=True, slots=True)
class Setup:
    """What an import needs to know besides the file: the rule's threshold, who is who, the
    zone local times are read in, and the user's choices on the command line."""

    threshold: timedelta
    people: Sequence[Known]
    me: Me
    region: str | None
    zone: tzinfo
    person: str | None = None  # --person: the other side of a one-to-one chat
    format: str | None = None  # --format
    group: bool = False  # --group


Tally = tuple[str, str, str, str, str]  # person, side, kind, channel, month (YYYY-MM, local)


@dataclass
class Outcome:
    """What importing one file did (or, for a dry run, would do)."""

    path: Path
    format: str
    added: Counter[Tally] = field(default_factory=Counter)
    known: int = 0
    skipped: int = 0
    unmatched: Counter[str] = field(default_factory=Counter)  # label → records
    groups_skipped: int = 0
    my_group_starts: int = 0
    undecided: int = 0  # a file's first message in a chat that nothing earlier covered
    conflicts: list[str] = field(default_factory=list)


class ImportFailure(UsageError):
    """The file is broken or not in its format: nothing of it was committed."""


@dataclass(frozen=True, slots=True)
class _Role:
    me: bool
    person: str | None
    label: str


@dataclass(frozen=True, slots=True)
class _Candidate:
    at: datetime
    role: _Role
    ident: str
    channel: str
    call: CallType | None


@dataclass
class _ChatState:
    chat: Chat
    key: str
    earlier: list[Span]
    latest: datetime | None = None
    first: datetime | None = None
    others: dict[str, str | None] = field(default_factory=dict)  # person or label → person
    records_by: Counter[str] = field(default_factory=Counter)
    candidates: list[_Candidate] = field(default_factory=list)
    mine: bool = False  # a record of my side was found


def import_file(
    store: Store,
    path: Path,
    setup: Setup,
    readers: Mapping[str, ExportReader],
    *,
    now: datetime,
    dry_run: bool = False,
    also: Callable[[Outcome], None] | None = None,
) -> Outcome:
    """Import `path`; raises ImportFailure (nothing committed) for a broken file, UsageError
    for one in no known format. `also` runs inside the import's transaction, after its facts
    (the watched folder records the file there: both are kept, or neither)."""
    reader = choose(path, setup.format, readers)
    outcome = Outcome(path, reader.name)
    try:
        chats = _read(store.db, reader, path, setup, outcome)
    except ExportFormatError as error:
        raise ImportFailure(
            f"{path} could not be read as {reader.name}: {error}", hint="nothing of it was imported"
        ) from error
    _check_person(chats, setup, path)
    entries: dict[str, NewEntry] = {}
    spans: list[tuple[str, Span]] = []
    for state in chats.values():
        found = _resolve(state, setup, reader.name, outcome)
        if found is None:
            continue
        entries.update((entry.key, entry) for entry in found)
        if state.first is not None and state.latest is not None:
            span = Span(state.first, state.latest)
            if not any(s.first <= span.first and span.last <= s.last for s in state.earlier):
                spans.append((state.key, span))
    known = import_log.known_keys(store.db, entries)
    new = [entry for key, entry in entries.items() if key not in known]
    outcome.known = len(known)
    for entry in new:
        month = entry.at.astimezone(setup.zone).strftime("%Y-%m")
        channel = str(entry.details["channel"])
        outcome.added[(entry.person or "", entry.who.value, entry.kind, channel, month)] += 1
    if not dry_run:
        with store.transaction():
            for entry in new:
                store.insert(entry, now)
            for chat, span in spans:
                import_log.add_span(store.db, chat, span)
            if also is not None:
                also(outcome)
    return outcome


def _read(
    db: sqlite3.Connection, reader: ExportReader, path: Path, setup: Setup, outcome: Outcome
) -> dict[str, _ChatState]:
    """Stream the file once, keeping per chat only its state and its candidate initiations."""
    chats: dict[str, _ChatState] = {}
    roles: dict[Party, _Role] = {}
    for record in reader.read(path, zone=setup.zone):
        if not isinstance(record, ChatRecord):
            outcome.skipped += 1
            continue
        key = _digest(f"{reader.name}\0{record.chat.id}")
        state = chats.get(key)
        if state is None:
            state = chats[key] = _ChatState(record.chat, key, import_log.spans(db, key))
        role = roles.get(record.sender) or roles.setdefault(
            record.sender, _role(record.sender, setup)
        )
        state.mine = state.mine or role.me
        if not role.me:  # a matched participant is one whatever name or number they use
            identity = role.person or role.label
            state.others[identity] = role.person
            state.records_by[identity] += 1
        _take(state, record, role, setup, outcome)
    return chats


def _take(
    state: _ChatState, record: ChatRecord, role: _Role, setup: Setup, outcome: Outcome
) -> None:
    at = record.at.replace(microsecond=0)  # the log keeps seconds; spans compare in them
    if record.call is None and not record.initiates:
        verdict = opening(state.latest, at, threshold=setup.threshold, earlier=state.earlier)
        state.first = at if state.first is None else min(state.first, at)
        state.latest = at if state.latest is None else max(state.latest, at)
        if verdict is Opening.UNDECIDED:
            outcome.undecided += 1
        if verdict is not Opening.START:
            return
    state.candidates.append(_Candidate(at, role, record.ident, record.channel, record.call))


def _role(party: Party, setup: Setup) -> _Role:
    phone = e164(party.phone, setup.region) if party.phone else None
    if is_me(setup.me, party.name, phone, party.me):
        return _Role(True, None, "me")
    label = party.name or (masked(party.phone) if party.phone else "someone unnamed")
    return _Role(False, match(setup.people, party.name, phone), label)


def _resolve(
    state: _ChatState, setup: Setup, format_name: str, outcome: Outcome
) -> list[NewEntry] | None:
    """The entries of one chat, or None when it counts for nothing (then no span is kept)."""
    chat = state.chat
    if _my_side_unknown(state):
        for label, person in state.others.items():
            if person is None:
                outcome.unmatched[label] += state.records_by[label]
        outcome.conflicts.append(
            f"{chat.title or 'a chat'}: your own side was not found in it (one of those who "
            "matched nobody may be you: set me.names or me.phones)"
        )
        return None
    if _is_group(state):
        if not setup.group:
            outcome.groups_skipped += 1
            return None
        for label, person in state.others.items():
            if person is None:
                outcome.unmatched[label] += state.records_by[label]
        entries = []
        for candidate in state.candidates:
            if candidate.role.me:
                outcome.my_group_starts += candidate.call is None
            elif candidate.role.person is not None:
                entries.append(_entry(candidate, candidate.role.person, format_name, chat))
        return entries
    other = _other_side(state, setup, outcome)
    if other is None:
        return None
    return [_entry(c, other, format_name, chat) for c in state.candidates]


def _other_side(state: _ChatState, setup: Setup, outcome: Outcome) -> str | None:
    """The tracked person a one-to-one chat is with: the export's `with_`, else the one other
    participant, else `--person`. None (reported): it matches nobody, or someone other than
    `--person` says."""
    label, found = _named(state, setup)
    if setup.person is not None and found is not None and found != setup.person:
        outcome.conflicts.append(f"{label} is {found}, not {setup.person}")
        return None
    if found is None and setup.person is None:
        outcome.unmatched[label] += max(state.records_by[label], 1)
        return None
    return found or setup.person


def _named(state: _ChatState, setup: Setup) -> tuple[str, str | None]:
    """Who the export says the other side of a one-to-one chat is: a label, and the tracked
    person it matches (None: nobody)."""
    if state.chat.with_ is not None:
        side = _role(state.chat.with_, setup)
        return side.label, side.person
    if state.others:
        return next(iter(state.others.items()))
    return "the other side (unnamed)", None


def _my_side_unknown(state: _ChatState) -> bool:
    """A chat the export does not call a group, where no record is mine and someone matched
    nobody: that someone may be me under a name nudger does not know, and counting the others'
    starts alone would make the chat one-sided, so it counts for nothing (and says why)."""
    unmatched = any(person is None for person in state.others.values())
    return state.chat.group is not True and not state.mine and unmatched and len(state.others) > 1


def _is_group(state: _ChatState) -> bool:
    return state.chat.group is True or (state.chat.group is None and len(state.others) > 1)


def _check_person(chats: Mapping[str, _ChatState], setup: Setup, path: Path) -> None:
    """`--person` names the other side of one chat: a file with several chats that nothing
    matches (a whole account's export) is refused rather than given all to one person."""
    if setup.person is None:
        return
    unnamed = [s for s in chats.values() if not _is_group(s) and _named(s, setup)[1] is None]
    if len(unnamed) > 1:
        raise ImportFailure(
            f"--person names one chat's other side, and {path} holds {len(unnamed)} chats "
            "that match nobody",
            hint="import a one-chat export with --person, or add the people's phones and names",
        )


def _entry(candidate: _Candidate, person: str, format_name: str, chat: Chat) -> NewEntry:
    if candidate.call is None:
        kind, who = Kind.MESSAGE, Who.ME if candidate.role.me else Who.THEM
    else:
        kind = Kind.CALL
        who = Who.ME if candidate.call is CallType.OUTGOING else Who.THEM
    details: dict[str, str] = {"channel": candidate.channel}
    if candidate.call is not None:
        details["call"] = candidate.call.value
    return NewEntry(
        at=candidate.at,
        kind=kind.value,
        who=who,
        source=f"{SOURCE}:{format_name}",
        key=f"{SOURCE}:{format_name}:{_digest(chat.id + chr(0) + candidate.ident)}",
        person=person,
        details=details,
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
