"""`nudger daemon`, `status`, `nudges`, `done`, `snooze`, `skip` and `wait`."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Annotated, Any

import typer

from nudger.cli.app import app, print_json, session
from nudger.config import paths
from nudger.errors import UsageError

if TYPE_CHECKING:
    from nudger.core.deliveries import Delivery
    from nudger.log.sync_state import SourceState


NudgeId = Annotated[str, typer.Argument(help="The nudge's id, as `nudger nudges` shows it.")]


@app.command(epilog="Examples: nudger daemon · nudger daemon --once (sync once, from a timer)")
def daemon(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Sync every calendar, record what it shows, and exit.")
    ] = False,
    accept_removals: Annotated[
        list[str] | None,
        typer.Option(
            "--accept-removals",
            metavar="NAME",
            help="With --once: record the removals a calendar's sync refused as too many at "
            "once (check first that they are real, not an empty folder or a wrong path).",
        ),
    ] = None,
) -> None:
    """Run in the foreground: sync calendars and deliver nudges (SIGHUP re-reads the config).

    With --once, the exit code says how the sync went: 0 every calendar synced; 1 one could not
    be read for now (a server down or slow: trying later may help); 2 one's settings need fixing
    (a folder that does not exist, a refused password), as the line under it says.
    """
    run = session(ctx)
    if once or accept_removals:
        from nudger.cli.daemon_once import run_once

        run_once(run, frozenset(accept_removals or ()), once=once)
        return
    import signal
    import sys

    # Until the loop takes over SIGTERM and SIGINT, stopping during start-up is a clean exit too.
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: sys.exit(0))
    import asyncio
    import logging

    from nudger import clock
    from nudger.daemon.loop import Daemon
    from nudger.sync import log_lines

    log_lines.set_up(logging.DEBUG if run.verbose else logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    asyncio.run(Daemon(run.config_option, clock=clock.now).run())


@app.command(epilog="Examples: nudger status · nudger status --json")
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Whether the daemon runs, how each calendar last synced, and the next nudges."""
    from nudger.daemon import heartbeat, wake
    from nudger.log import sync_state
    from nudger.views import deliveries

    run = session(ctx)
    data_dir = paths.data_dir()
    running = wake.running(data_dir)
    state = heartbeat.read(data_dir) if running else None
    with run.store_for_reading() as store:
        sources = sync_state.source_states(store.db)
        upcoming = deliveries.upcoming(store, run.settings, now=run.now, zone=run.zone)[:5]
    names = [c.name for c in run.settings.calendars]
    if as_json:
        print_json(
            _status_json(running, state, {name: sources.get(name) for name in names}, upcoming)
        )
        return
    _print_daemon(running, state, run.zone)
    _print_calendars(names, sources, run.zone)
    typer.echo("Next nudges:" if upcoming else "Next nudges: none in the next two days")
    for delivery in upcoming:
        typer.echo("  " + _delivery_line(delivery, run.zone))


def _status_json(
    running: bool,
    state: dict[str, Any] | None,
    calendars: dict[str, SourceState | None],
    upcoming: list[Delivery],
) -> dict[str, Any]:
    return {
        "daemon": {"running": running, **(state or {})},
        "calendars": {
            name: None if found is None else found.to_json() for name, found in calendars.items()
        },
        "next": [_delivery_json(d) for d in upcoming],
    }


def _print_daemon(running: bool, state: dict[str, Any] | None, zone: tzinfo) -> None:
    if running and state:
        via = state.get("notifier") or "nothing"
        problem = state.get("notifier_problem")
        typer.echo(
            f"Daemon: running (pid {state.get('pid')}, since {_local(state['started'], zone)}), "
            f"notifying via {via}" + (f" ({problem})" if problem else "")
        )
    elif running:
        typer.echo("Daemon: running (starting up)")
    else:
        typer.echo("Daemon: not running. Start it: nudger service install (or nudger daemon)")


def _print_calendars(names: list[str], sources: dict[str, SourceState], zone: tzinfo) -> None:
    from nudger.core.text import printable  # a failed sync's message may quote a server

    typer.echo("Calendars:" if names else "Calendars: none; add one with nudger calendars add")
    for name in names:
        found = sources.get(name)
        mark = "·" if found is None else "✓" if found.outcome == "ok" else "✗"
        said = "not synced yet" if found is None else found.describe(zone)
        typer.echo(f"  {mark} {name}: {printable(said)}")


@app.command(epilog="Examples: nudger nudges · nudger nudges --json")
def nudges(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """The nudges due in the next two days, and those shown and not answered yet."""
    from nudger.views import deliveries

    run = session(ctx)
    with run.store_for_reading() as store:
        upcoming = deliveries.upcoming(store, run.settings, now=run.now, zone=run.zone)
        shown = deliveries.shown(store, now=run.now)
    if as_json:
        print_json(
            {
                "upcoming": [_delivery_json(d) for d in upcoming],
                "shown": [_delivery_json(d) for d in shown],
            }
        )
        return
    _print_nudges(upcoming, shown, now=run.now, zone=run.zone)


def _answer(ctx: typer.Context, nudge: str, action: str, **options: Any) -> None:
    from nudger.views import deliveries

    run = session(ctx)
    with run.store() as store:
        delivery, added = deliveries.answer(
            store, run.settings, nudge, action, now=run.now, zone=run.zone, **options
        )
    title = delivery.nudge.title
    if not added:
        typer.echo(f"Already answered: {title}.")
    elif action == "snooze":
        back = _local(
            run.now + (options.get("snooze") or run.settings.notifications.snooze), run.zone
        )
        typer.echo(f"Snoozed: {title}; it comes back at {back}.")
    else:
        said = {"done": "Done", "skip": "Skipped", "wait": "Waiting"}.get(
            action, f"Answered {action}"
        )
        typer.echo(f"{said}: {title}.")


@app.command(epilog="Examples: nudger done 3f2a9c · nudger nudges (lists the ids)")
def done(
    ctx: typer.Context,
    nudge: NudgeId,
) -> None:
    """Answer a nudge with Done (a check-in or a thank-you is logged too)."""
    _answer(ctx, nudge, "done")


@app.command(epilog="Examples: nudger skip 3f2a9c")
def skip(
    ctx: typer.Context,
    nudge: NudgeId,
) -> None:
    """Answer a nudge with Skip: it will not come back."""
    _answer(ctx, nudge, "skip")


@app.command(epilog="Examples: nudger snooze 3f2a9c 1h · nudger snooze 3f2a9c 30m")
def snooze(
    ctx: typer.Context,
    nudge: NudgeId,
    duration: Annotated[
        str | None,
        typer.Argument(help="How long, such as 30m, 2h or 1d; default notifications.snooze."),
    ] = None,
) -> None:
    """Show a nudge again later."""
    from nudger.core.when import parse_duration

    run = session(ctx)
    length = run.settings.notifications.snooze if duration is None else parse_duration(duration)
    _answer(ctx, nudge, "snooze", snooze=length)


@app.command(epilog="Examples: nudger answer 3f2a9c them · nudger answer 3f2a9c wait")
def answer(
    ctx: typer.Context,
    nudge: NudgeId,
    action: Annotated[
        str, typer.Argument(help="One the nudge offers: done, snooze, skip, me, them, wait.")
    ],
) -> None:
    """Answer a nudge as its buttons would (me/them: who suggested a plan; wait: step back)."""
    from nudger.core.answers import ACTIONS

    if action not in ACTIONS:
        raise UsageError(f"no action {action!r}", hint="actions: " + ", ".join(ACTIONS))
    _answer(ctx, nudge, action)


@app.command(
    epilog="Examples: nudger wait Alex · nudger wait Alex --days 21 · nudger wait Alex --end"
)
def wait(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Who to leave the ball with.")],
    days: Annotated[
        int | None, typer.Option(min=1, max=365, help="How long; default wait.days.")
    ] = None,
    end: Annotated[bool, typer.Option("--end", help="End the current wait now.")] = False,
) -> None:
    """Let the ball stay in their court: hold my nudges to reach out, and see if they do."""
    from nudger.config import people
    from nudger.views import waits

    run = session(ctx)
    name = people.find(run.settings.people, person).name
    with run.store() as store:
        open_until = waits.open_until(store, name, run.now)
        if end:
            if open_until is None:
                raise UsageError(f"there is no wait with {name} to end")
            waits.end(store, name, run.now)
            typer.echo(f"Ended the wait with {name}; your nudges to reach out come back.")
            return
        if open_until is not None:
            raise UsageError(
                f"you are already waiting for {name} until {_local(open_until, run.zone)}",
                hint=f"end it first: nudger wait {name} --end",
            )
        length = days or run.settings.wait.days
        until = waits.start(store, name, length, run.now)
    typer.echo(
        f"Waiting {length} days for {name} to reach out (until {_local(until, run.zone)}). "
        "Nudges that would have you start something with them are held meanwhile; "
        "you will hear when they do, and how it went at the end."
    )


# --- shared pieces -----------------------------------------------------------------------------


def _print_nudges(
    upcoming: list[Delivery], shown: list[Delivery], *, now: datetime, zone: tzinfo
) -> None:
    """What is due, split into past due (no daemon sent it) and still to come, then what was
    shown and not answered."""
    if not upcoming and not shown:
        typer.echo("No nudges in the next two days.")
    sections = (
        (
            "Overdue, not sent (is the daemon running? nudger status):",
            [d for d in upcoming if d.nudge.due <= now],
        ),
        ("Upcoming:", [d for d in upcoming if d.nudge.due > now]),
        ("Shown, not answered:", shown),
    )
    for heading, listed in sections:
        if listed:
            typer.echo(heading)
            typer.echo("\n".join("  " + _delivery_line(d, zone) for d in listed))


def _local(moment: datetime | str, zone: tzinfo) -> str:
    from nudger.core.when import format_local

    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return format_local(moment, zone)


def _delivery_line(delivery: Delivery, zone: tzinfo) -> str:
    from nudger.core.nudges.nudge import short_id
    from nudger.core.text import printable

    nudge = delivery.nudge
    return (
        f"{short_id(nudge.id)}  {_local(nudge.due, zone)}  {nudge.kind.label:<19} "
        f"{printable(nudge.title)}"
    )


def _delivery_json(delivery: Delivery) -> dict[str, Any]:
    from nudger.core.nudges.nudge import short_id

    return {**delivery.nudge.to_json(), "short_id": short_id(delivery.nudge.id)}
