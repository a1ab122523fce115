"""`nudger plans`: the plans seen in calendars, and `plans mark` for whose idea one was."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from typer.core import TyperGroup

from nudger.cli.app import app, print_json, session
from nudger.errors import UsageError

if TYPE_CHECKING:
    from nudger.model import Entry


class ListByDefault(TyperGroup):
    """`nudger plans [PERSON] [--upcoming]` lists; `nudger plans mark ...` marks. A word that is
    not a subcommand starts the listing, so PERSON and the options need no `list` before them."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


plans_app = typer.Typer(
    cls=ListByDefault, help="Plans with the people you track, as the calendars show them."
)
app.add_typer(plans_app, name="plans")


def plan_id(uid: str) -> str:
    """A short, stable handle for a plan (a series counts as one plan)."""
    return hashlib.sha1(uid.encode(), usedforsecurity=False).hexdigest()[:8]


def current_plans(entries: Iterable[Entry]) -> list[Entry]:
    """Plan entries from calendars (or corrections of them) that still count."""
    from nudger.detect import from_calendar
    from nudger.model import MARK_SOURCE

    return [
        e for e in entries if not e.superseded and (from_calendar(e) or e.source == MARK_SOURCE)
    ]


@plans_app.command(
    "mark", epilog="Examples: nudger plans mark 3f2a9c1e --by them · nudger plans --unclassified"
)
def plans_mark(
    ctx: typer.Context,
    plan: Annotated[str, typer.Argument(help="The plan's id, as `nudger plans` shows it.")],
    by: Annotated[Literal["me", "them"], typer.Option("--by", "-b", help="Whose idea it was.")],
    person: Annotated[
        str | None, typer.Option("--person", "-p", help="Who it was with, if several.")
    ] = None,
) -> None:
    """Say whose idea a plan was; the answer stays through every later sync."""
    from nudger import people, queries
    from nudger.model import MARK_SOURCE, Kind, Who, correction

    run = session(ctx)
    with run.store() as store:
        found = [
            e
            for e in current_plans(queries.entries(store.db, kinds=[Kind.PLAN]))
            if plan_id(str(e.details.get("uid", ""))) == plan.strip().lower()
        ]
        if person is not None:
            name = people.find(run.query_settings.people, person).name
            found = [e for e in found if e.person == name]
        if not found:
            raise UsageError(f"no plan with the id {plan!r}", hint="nudger plans lists them")
        if len({e.person for e in found}) > 1:
            names = " or ".join(sorted(str(e.person) for e in found))
            raise UsageError(f"plan {plan} is with {names}", hint="say which with --person")
        current = found[0]
        summary = current.details.get("summary", "")
        if current.who.value == by:
            typer.echo(f"{plan} ({summary}) is already marked as {by}.")
            return
        store.append(correction(current, Who(by), f"{MARK_SOURCE}:{uuid.uuid4()}"), now=run.now)
    starter = "you" if by == "me" else "them"
    typer.echo(f"Marked {plan} ({summary}) as started by {starter}.")


@plans_app.command(
    "list",
    epilog="Examples: nudger plans --upcoming · nudger plans Alex --missed · "
    "nudger plans --unclassified --json",
)
def plans(
    ctx: typer.Context,
    person: Annotated[str | None, typer.Argument(help="One person (name or alias).")] = None,
    upcoming: Annotated[bool, typer.Option("--upcoming", help="Only plans ahead.")] = False,
    missed: Annotated[bool, typer.Option("--missed", help="Only missed plans.")] = False,
    unclassified: Annotated[
        bool, typer.Option("--unclassified", help="Only plans whose initiator is unknown.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List plans with the people you track: when, with whom, whose idea, what became of it."""
    if sum((upcoming, missed, unclassified)) > 1:
        raise UsageError("choose one of --upcoming, --missed and --unclassified")
    from nudger import calendar_state, people, queries
    from nudger.detect import involved, rules_from
    from nudger.events import Participation, Status
    from nudger.model import Kind

    run = session(ctx)
    rules = rules_from(run.settings)
    only = None if person is None else people.find(run.settings.people, person).name
    with run.store_for_reading() as store:
        initiators = {
            (str(entry.details.get("uid")), entry.person): entry.who.value
            for entry in current_plans(queries.entries(store.db, kinds=[Kind.PLAN]))
        }
        lost = queries.entries(store.db, kinds=[Kind.MISSED, Kind.LOOSE_EXPIRED])
        stored = list(calendar_state.instances(store.db))
    rows: list[dict[str, Any]] = []
    if missed:
        for entry in lost:
            if only is None or entry.person == only:
                rows.append(
                    {
                        "id": plan_id(str(entry.details.get("uid", entry.key))),
                        "person": entry.person,
                        "start": entry.details.get("start"),
                        "summary": entry.details.get("summary") or entry.details.get("text", ""),
                        "kind": entry.kind,
                        "initiator": None,
                        "status": "missed",
                    }
                )
    else:
        seen: set[tuple[str, str]] = set()
        for instance in sorted(stored, key=lambda i: i.start):
            for who in involved(instance, rules):
                if only is not None and who.name != only:
                    continue
                initiator = initiators.get((instance.uid, who.name), "unknown")
                if unclassified and (initiator != "unknown" or (instance.uid, who.name) in seen):
                    continue
                seen.add((instance.uid, who.name))
                declined = any(
                    a.participation is Participation.DECLINED for a in instance.attendees
                )
                status: Literal["cancelled", "declined", "upcoming", "past"] = (
                    "cancelled"
                    if instance.status is Status.CANCELLED
                    else "declined"
                    if declined
                    else "upcoming"
                    if instance.start >= run.now
                    else "past"
                )
                if upcoming and status != "upcoming":
                    continue
                rows.append(
                    {
                        "id": plan_id(instance.uid),
                        "person": who.name,
                        "start": instance.start.isoformat(),
                        "summary": instance.summary,
                        "kind": "plan",
                        "initiator": initiator,
                        "status": status,
                        "source": instance.source,
                        "recurring": instance.recurring,
                    }
                )
    if json_output:
        print_json(rows)
        return
    if not rows:
        typer.echo("No plans match.")
        return
    from datetime import datetime

    from nudger.terminal import printable

    for row in rows:
        start = row["start"]
        when = (
            f"{datetime.fromisoformat(start).astimezone(run.zone):%Y-%m-%d %H:%M}" if start else "-"
        )
        by = {"me": "you", "them": "them", "unknown": "?", None: ""}[row["initiator"]]
        summary = printable(str(row["summary"]))
        typer.echo(f"{row['id']}  {when}  {row['person']:<10} {row['status']:<9} {by:<4} {summary}")
