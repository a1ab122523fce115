"""`nudger log ...`: record what happens outside calendars, and who started it."""

from __future__ import annotations

import re
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
Channel = Annotated[
    str | None,
    typer.Option(
        "--channel",
        "-c",
        help="How: whatsapp, telegram, signal, sms, phone, or a name of your own (lowercase); "
        "`balance` splits by it.",
        show_default=False,
    ),
]
# A channel's name as imports write them; "calendar" and "unknown" mean what no hand-logged
# entry is (seen in a calendar; logged without a channel), so neither is taken here.
_CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_NOT_LOGGED = ("calendar", "unknown")

_SIMPLE_KINDS = {
    Kind.MESSAGE: (
        "Log a message (who wrote first).",
        "nudger log message -p Alex --by them --channel whatsapp",
    ),
    Kind.CALL: ("Log a call (who called).", "nudger log call -p Alex --by me --at '-2h' -c phone"),
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
    how = f" on {details['channel']}" if "channel" in details else ""
    typer.echo(
        f"Logged #{entry_id}: {kind.value}{how} with {who_it_was.name}, started by {starter}, "
        f"{local}."
    )


def _simple_command(kind: Kind, summary: str, example: str) -> None:
    def command(
        ctx: typer.Context, person: Person, by: By, at: At = None, note: Note = None
    ) -> None:
        _record(session(ctx), kind, person, by, at, {"note": note} if note else {})

    def by_channel(
        ctx: typer.Context,
        person: Person,
        by: By,
        at: At = None,
        note: Note = None,
        channel: Channel = None,
    ) -> None:
        details = {"note": note} if note else {}
        if channel is not None:
            details["channel"] = checked_channel(channel)
        _record(session(ctx), kind, person, by, at, details)

    if kind in (Kind.MESSAGE, Kind.CALL):
        command = by_channel

    command.__doc__ = summary
    log_app.command(kind.value, epilog=f"Example: {example}")(command)


def checked_channel(channel: str) -> str:
    """`--channel` as the log keeps it: a lowercase name, neither calendar nor unknown."""
    name = channel.strip().lower()
    if not _CHANNEL_NAME.fullmatch(name) or name in _NOT_LOGGED:
        raise UsageError(
            f"--channel {channel!r} is not a channel to log",
            hint="such as whatsapp, telegram, signal, sms or phone, or a name of your own "
            "(letters, digits, - and _); calendar and unknown are taken",
        )
    return name


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
