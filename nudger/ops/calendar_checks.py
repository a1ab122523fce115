"""`doctor`'s checks of the calendars: each enabled source created and asked what it finds.

`probe_calendar` is shared with `nudger calendars test`, so both say the same about a source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nudger.ops.check import Check, failed, not_applicable, passed

if TYPE_CHECKING:
    from nudger.config.settings import Settings
    from nudger.ports import CalendarSource


@dataclass(frozen=True, slots=True)
class CalendarProbe:
    """What connecting to one calendar source found: its lines, or the error and the remedy."""

    name: str
    ok: bool
    lines: tuple[str, ...] = ()
    message: str = ""
    remedy: str | None = None
    retry: bool = False  # trying again later may help (the server is down or slow)


def probe_calendar(name: str, make: Callable[[], CalendarSource]) -> CalendarProbe:
    """Create the source and let it describe what it finds; a `SourceError` (an unreachable
    server, a refused password, a revoked grant) comes back with the adapter's remedy."""
    from nudger.ports import SourceError

    try:
        return CalendarProbe(name, True, lines=tuple(make().describe()))
    except SourceError as error:
        return CalendarProbe(
            name, False, message=error.message, remedy=error.remedy, retry=error.retry
        )


def calendar_checks(settings: Settings, data_dir: Path) -> list[Check]:
    """One check per enabled calendar, probed at the same time (each waits at most the sync
    timeout); a paused one is shown as such."""
    from concurrent.futures import ThreadPoolExecutor

    from nudger.sync.calendars import factories

    if not settings.calendars:
        return [
            not_applicable(
                "calendars",
                "none configured",
                "add one: nudger calendars add NAME --type ics --path FOLDER",
            )
        ]
    sources = factories(settings, data_dir)
    with ThreadPoolExecutor(max_workers=min(8, len(sources) or 1)) as pool:
        probes = dict(
            zip(
                [name for name, _ in sources],
                pool.map(lambda source: _probe_safely(*source), sources),
                strict=True,
            )
        )
    checks = []
    for config in settings.calendars:
        probe = probes.get(config.name)
        if probe is None:
            checks.append(
                not_applicable(
                    f"calendar {config.name}",
                    "paused (enabled = false)",
                    f"resume it: nudger config set calendars.{config.name}.enabled true",
                )
            )
        else:
            checks.append(calendar_verdict(probe))
    return checks


def _probe_safely(name: str, make: Callable[[], CalendarSource]) -> CalendarProbe:
    """`probe_calendar`, with an adapter's bug as that calendar's failure, not doctor's."""
    try:
        return probe_calendar(name, make)
    except Exception as error:
        return CalendarProbe(
            name,
            False,
            message=f"unexpected {type(error).__name__}: {error}",
            remedy=f"see where it happens: nudger -v calendars test {name}",
        )


def calendar_verdict(probe: CalendarProbe) -> Check:
    name = f"calendar {probe.name}"
    if probe.ok:
        return passed(name, "; ".join(line.strip() for line in probe.lines) or "reachable")
    return failed(name, probe.message, calendar_fix(probe.name, probe.remedy, retry=probe.retry))


def calendar_fix(name: str, remedy: str | None, *, retry: bool) -> str:
    """What to do about a calendar that failed: the source's own fix where it knows one, else
    where to look (its address when waiting may help, its settings when not)."""
    settings = f"nudger config get calendars.{name}"
    if remedy:
        return remedy
    if retry:
        return f"if the server is up and reachable from here, check its address: {settings}"
    return f"check its settings: {settings}"
