"""`nudger daemon --once`: sync every calendar in this process, print how each went, then read
the watched folder once (`imports.folder`) and print a line per new file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from nudger.cli.app import Session
from nudger.config import paths
from nudger.errors import EXIT_FAILURE, EXIT_USAGE, UsageError

if TYPE_CHECKING:
    from nudger.sync.calendars import Outcome


def run_once(run: Session, accept_removals: frozenset[str], *, once: bool) -> None:
    """The syncs, then one pass over the watched folder; the exit code is the syncs' (a file
    that failed to import is said in its line, and is not tried again until it changes)."""
    code = _sync_once(run, accept_removals, once=once)
    _import_once(run)
    if code:
        raise typer.Exit(code)


def _import_once(run: Session) -> None:
    from nudger.core.text import printable  # a file's name
    from nudger.imports import watch

    settings = run.settings
    if not settings.imports.enabled:
        return
    folder, _default = watch.folder_for(settings, paths.data_dir())
    if folder.is_dir() and not watch.new_files(folder, (), now=run.now):
        return  # nothing there: the log is not even opened (a first run leaves none)
    with run.store() as store:
        lines = watch.import_new(store, run.settings, run.zone, run.now)
    for line in lines:
        typer.echo(f"imports: {printable(line)}")


def _print_outcome(outcome: Outcome) -> None:
    from nudger.core.text import printable  # a server's words, a file's name and bytes
    from nudger.ops.calendar_checks import calendar_fix
    from nudger.ports import Problem

    mark = "✓" if outcome.ok else "✗"
    typer.echo(f"{mark} {outcome.source}: {printable(outcome.message)}")
    if not outcome.ok:
        fix = calendar_fix(outcome.source, outcome.remedy, retry=outcome.retry)
        typer.echo(f"    {printable(fix)}")
    for problem in map(Problem.of, outcome.problems[:5]):  # each once: what was done, where
        typer.echo(f"    {problem.done}: {printable(str(problem))}", err=True)
    if len(outcome.problems) > 5:
        rest = len(outcome.problems) - 5
        typer.echo(f"    … and {rest} more problems of {printable(outcome.source)}", err=True)


def _sync_once(run: Session, accept_removals: frozenset[str], *, once: bool) -> int:
    import logging

    from nudger.config.core_values import rules_from
    from nudger.sync.calendars import Trust, factories, sync_all, window_for
    from nudger.sync.fence import OVERRUN_FACTOR, Fence

    settings = run.settings
    if not once:
        raise UsageError("--accept-removals goes with --once", hint="nudger daemon --once ...")
    names = [calendar.name for calendar in settings.calendars]
    if unknown := sorted(accept_removals - set(names)):
        raise UsageError(
            f"there is no calendar named {unknown[0]!r}",
            hint=f"the calendars are: {', '.join(names) or 'none'} (nudger calendars list)",
        )
    trust = Trust(settings.sync.max_vanished_share, accept_removals)
    sources = factories(settings, paths.data_dir())
    if not sources:
        typer.echo(
            "No calendars to sync. Add one: nudger calendars add NAME --type ics --path FOLDER"
        )
        return 0
    # The sync logs each failure and skipped item for the daemon's journal; here the outcomes
    # below say each once (with the cap on skipped items), so the log stays quiet.
    sync_log = logging.getLogger("nudger.sync")
    quiet = logging.NullHandler()
    sync_log.addHandler(quiet)
    sync_log.propagate = False
    try:
        with run.store() as store:
            outcomes = sync_all(
                store,
                sources,
                rules_from(settings),
                window_for(settings, run.now, run.zone),
                now=run.now,
                loose_expire_after=settings.plans.loose_expire_after,
                trust=trust,
                fence=Fence(
                    settings.sync.max_memory_per_source, settings.sync.timeout * OVERRUN_FACTOR
                ),
            )
    finally:
        sync_log.removeHandler(quiet)
        sync_log.propagate = True
    for outcome in outcomes:
        _print_outcome(outcome)
    return once_exit_code(outcomes)


def once_exit_code(outcomes: list[Outcome]) -> int:
    """`daemon --once`'s exit code. A failure that waiting will not cure (the source said
    `retry=False`: a folder that does not exist, a refused password, a revoked grant) is the
    user's setting to fix, so 2; one that may pass (a server down or slow) is 1; 2 wins."""
    failed = [outcome for outcome in outcomes if not outcome.ok]
    if any(not outcome.retry for outcome in failed):
        return EXIT_USAGE
    return EXIT_FAILURE if failed else 0
