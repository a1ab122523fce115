"""Importing the files a user names (`nudger import`): the setup from the settings, one file
after another (a broken one fails alone, the others go on), and the summary line of each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from nudger.config.people import find
from nudger.config.phones import e164, locale_region
from nudger.config.settings import Settings
from nudger.core.parties import Known, Me
from nudger.errors import UsageError
from nudger.imports.chats import Outcome, Setup, import_file
from nudger.log.store import Store
from nudger.ports import ExportReader


def setup_for(
    settings: Settings,
    zone: tzinfo,
    *,
    person: str | None = None,
    format_name: str | None = None,
    group: bool = False,
) -> Setup:
    """The import's setup: tracked people (and `--person`, by name or alias) and me."""
    region = settings.me.region or locale_region()
    tracked = [p for p in settings.people if p.tracked]
    people = [Known.of(p.name, p.aliases, _numbers(p.phones, region)) for p in tracked]
    return Setup(
        threshold=settings.messages.new_conversation_after,
        people=people,
        me=Me.of(settings.me.names, _numbers(settings.me.phones, region)),
        region=region,
        zone=zone,
        person=find(tracked, person).name if person is not None else None,
        format=format_name,
        group=group,
    )


@dataclass(frozen=True, slots=True)
class Failure:
    path: Path
    message: str
    hint: str | None


def import_files(
    store: Store,
    paths: Sequence[Path],
    setup: Setup,
    *,
    now: datetime,
    dry_run: bool = False,
    readers: Mapping[str, ExportReader] | None = None,
    also: Callable[[Outcome], None] | None = None,
) -> list[Outcome | Failure]:
    """Each file imported in its own transaction; a broken one is a Failure, the rest go on.
    `also` runs inside each file's transaction (see `chats.import_file`)."""
    if readers is None:
        from nudger import adapters

        readers = adapters.export_readers()
    results: list[Outcome | Failure] = []
    for path in paths:
        try:
            results.append(
                import_file(store, path, setup, readers, now=now, dry_run=dry_run, also=also)
            )
        except UsageError as failure:  # broken, or in no known format: this file alone
            results.append(Failure(path, failure.message, failure.hint))
    return results


def summary(outcome: Outcome, *, dry_run: bool = False) -> str:
    """One line per file: what was added (by side, by channel), already known, skipped,
    and who matched nobody."""
    sides: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    for (_person, side, _kind, channel, _month), count in outcome.added.items():
        sides[side] += count
        channels[channel] += count
    added = sum(outcome.added.values())
    split = ", ".join(f"{side} {n}" for side, n in sorted(sides.items()))
    split += "; " + ", ".join(f"{channel} {n}" for channel, n in sorted(channels.items()))
    parts = [
        f"{'would add' if dry_run else 'added'} {added}" + (f" ({split})" if added else ""),
        f"already known {outcome.known}",
        f"skipped {outcome.skipped} lines",
    ]
    if outcome.unmatched:
        names = ", ".join(f"{label} ({n})" for label, n in sorted(outcome.unmatched.items()))
        parts.append(f"unmatched participants: {names}")
    if outcome.groups_skipped:
        parts.append(f"{outcome.groups_skipped} group chats not counted (--group counts them)")
    if outcome.my_group_starts:
        parts.append(f"{outcome.my_group_starts} of my group starts counted for no one")
    parts += [f"not imported: {conflict}" for conflict in outcome.conflicts]
    return f"{outcome.path.name} ({outcome.format}): " + ", ".join(parts)


def months(outcome: Outcome) -> list[tuple[str, str, str, str, str, int]]:
    """What a dry run shows: counts by month, person, side, kind and channel, in that order."""
    return sorted(
        (month, person, side, kind, channel, count)
        for (person, side, kind, channel, month), count in outcome.added.items()
    )


def _numbers(phones: Sequence[str], region: str | None) -> list[str]:
    return [number for number in (e164(p, region) for p in phones) if number]
