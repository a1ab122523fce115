"""`nudger log ...`: record what happens outside calendars, and who started it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Literal

import typer

from nudger.cli.app import Session, app, session
from nudger.core.model import Kind, NewEntry, Who
from nudger.errors import UsageError

log_app = typer.Typer(
    help="Record a message, call, plan, check-in, gratitude or loose plan, and who started it.",
    epilog="Examples: nudger log message -p Alex --by them · "
    "nudger log call -p Alex --by me --at -2h",
    no_args_is_help=True,
)
app.add_typer(log_app, name="log")

MANUAL_SOURCE = "manual"
FUTURE_TOLERANCE = timedelta(minutes=5)

Person = Annotated[str, typer.Option("--person", "-p", help="Who it was with (name or alias).")]
By = Annotated[
    Literal["me", "them"], typer.Option("--by", "-b", help="Who started it: me or them.")
]
At = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="When: now (default), yesterday 19:00, -2d, 90m ago, 2026-03-01T19:00 ...",
        show_default=False,
    ),
]
Note = Annotated[str | None, typer.Option("--note", "-n", help="A note to keep with it.")]

_SIMPLE_KINDS = {
    Kind.MESSAGE: ("Log a message (who wrote first).", "nudger log message -p Alex --by them"),
    Kind.CALL: ("Log a call (who called).", "nudger log call -p Alex --by me --at '-2h'"),
    Kind.PLAN: (
        "Log a plan made outside your calendars (who suggested it).",
        "nudger log plan -p Alex --by them --note 'dinner Friday'",
    ),
    Kind.CHECKIN: (
        "Log a daily check-in (who started it).",
        "nudger log checkin -p Alex --by me --at 'yesterday 21:00'",
    ),
    Kind.GRATITUDE: (
        "Log a moment of gratitude (who said thanks).",
        "nudger log gratitude -p Alex --by me --note 'for the soup'",
    ),
}


def _record(
    run: Session, kind: Kind, person: str, by: str, at: str | None, details: dict[str, str]
) -> None:
    from nudger.config import people
    from nudger.core.when import parse_at

    who_it_was = people.find([p for p in run.query_settings.people if p.tracked], person)
    moment = run.now if at is None else parse_at(at, run.now, run.zone)
    if moment > run.now + FUTURE_TOLERANCE:
        raise UsageError(
            f"--at {at!r} is in the future; it says when it happened",
            hint="for a plan ahead, log it now and describe it with --note",
        )
    entry = NewEntry(
        at=moment,
        kind=kind.value,
        who=Who(by),
        source=MANUAL_SOURCE,
        key=f"{MANUAL_SOURCE}:{uuid.uuid4()}",
        person=who_it_was.name,
        details=details,
    )
    with run.store() as store:
        entry_id = store.append(entry, now=run.now)
    starter = "you" if by == "me" else "them"
    local = moment.astimezone(run.zone).strftime("%Y-%m-%d %H:%M")
    typer.echo(
        f"Logged #{entry_id}: {kind.value} with {who_it_was.name}, started by {starter}, {local}."
    )


def _simple_command(kind: Kind, summary: str, example: str) -> None:
    def command(
        ctx: typer.Context, person: Person, by: By, at: At = None, note: Note = None
    ) -> None:
        _record(session(ctx), kind, person, by, at, {"note": note} if note else {})

    command.__doc__ = summary
    log_app.command(kind.value, epilog=f"Example: {example}")(command)


for _kind, (_summary, _example) in _SIMPLE_KINDS.items():
    _simple_command(_kind, _summary, _example)


@log_app.command("loose", epilog="Example: nudger log loose 'coffee soon' -p Alex --by them")
def log_loose(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help='What was said, such as "we should catch up".')],
    person: Person,
    by: By,
    at: At = None,
    note: Note = None,
) -> None:
    """Log a loose plan ("we should catch up") that is not on a calendar yet."""
    details = {"text": text, **({"note": note} if note else {})}
    _record(session(ctx), Kind.LOOSE, person, by, at, details)
