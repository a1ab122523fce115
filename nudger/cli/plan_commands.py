"""`nudger plans`: the plans seen in calendars; `plans mark` and `plans review` say whose idea
one was."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from typer.core import TyperGroup

from nudger.cli.app import app, print_json, session
from nudger.errors import NudgerError, UsageError

if TYPE_CHECKING:
    from nudger.cli.review import Answer
    from nudger.core.events import EventInstance
    from nudger.core.model import Entry, Who
    from nudger.log.store import Store

PlanStatus = Literal["cancelled", "declined", "upcoming", "past"]


class ListByDefault(TyperGroup):
    """`nudger plans [PERSON] [--upcoming]` lists; `nudger plans mark ...` marks. A word that is
    not a subcommand starts the listing, so PERSON and the options need no `list` before them."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


plans_app = typer.Typer(
    cls=ListByDefault,
    help="Plans with the people you track, as the calendars show them.",
    epilog="Examples: nudger plans Alex · nudger plans review · nudger plans mark 3f2a9c1e --by me",
)
app.add_typer(plans_app, name="plans")


def plan_id(uid: str) -> str:
    """A short, stable handle for a plan (a series counts as one plan)."""
    return hashlib.sha1(uid.encode(), usedforsecurity=False).hexdigest()[:8]


def current_plans(entries: Iterable[Entry]) -> list[Entry]:
    """Plan entries from calendars (or corrections of them) that still count."""
    from nudger.core.detect import from_calendar
    from nudger.core.model import MARK_SOURCE

    return [
        e for e in entries if not e.superseded and (from_calendar(e) or e.source == MARK_SOURCE)
    ]


def plan_entries(store: Store) -> dict[tuple[str, str], Entry]:
    """The entry that counts for each plan in the log, by (UID, person)."""
    from nudger.core.model import Kind
    from nudger.log import queries

    return {
        (str(entry.details.get("uid")), entry.person): entry
        for entry in current_plans(queries.entries(store.db, kinds=[Kind.PLAN]))
        if entry.person is not None
    }


def plan_status(instance: EventInstance, now: datetime) -> PlanStatus:
    """What became of a plan's instance, as `nudger plans` shows it."""
    from nudger.core.events import Participation, Status

    if instance.status is Status.CANCELLED:
        return "cancelled"
    if any(a.participation is Participation.DECLINED for a in instance.attendees):
        return "declined"
    return "upcoming" if instance.start >= now else "past"


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
    from nudger.config import people
    from nudger.core.model import MARK_SOURCE, Kind, Who, correction
    from nudger.log import queries

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
    from nudger.config import people
    from nudger.config.core_values import rules_from
    from nudger.core.detect import involved
    from nudger.core.model import Kind
    from nudger.log import queries, sync_state

    run = session(ctx)
    rules = rules_from(run.settings)
    only = None if person is None else people.find(run.settings.people, person).name
    with run.store_for_reading() as store:
        initiators = {plan: entry.who.value for plan, entry in plan_entries(store).items()}
        lost = queries.entries(store.db, kinds=[Kind.MISSED, Kind.LOOSE_EXPIRED])
        stored = list(sync_state.instances(store.db))
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
        from nudger.cli.review import unknown_plans

        # --unclassified lists what `plans review` asks about: each unknown plan once.
        pairs = (
            unknown_plans(stored, initiators, rules, only)
            if unclassified
            else [
                (instance, who.name)
                for instance in sorted(stored, key=lambda i: i.start)
                for who in involved(instance, rules)
                if only is None or who.name == only
            ]
        )
        for instance, name in pairs:
            status = plan_status(instance, run.now)
            if upcoming and status != "upcoming":
                continue
            rows.append(
                {
                    "id": plan_id(instance.uid),
                    "person": name,
                    "start": instance.start.isoformat(),
                    "summary": instance.summary,
                    "kind": "plan",
                    "initiator": initiators.get((instance.uid, name), "unknown"),
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
    from nudger.core.text import printable

    for row in rows:
        start = row["start"]
        when = (
            f"{datetime.fromisoformat(start).astimezone(run.zone):%Y-%m-%d %H:%M}" if start else "-"
        )
        by = {"me": "you", "them": "them", "unknown": "?", None: ""}[row["initiator"]]
        summary = printable(str(row["summary"]))
        typer.echo(f"{row['id']}  {when}  {row['person']:<10} {row['status']:<9} {by:<4} {summary}")


@plans_app.command(
    "review",
    epilog="Examples: nudger plans review · nudger plans review Alex · "
    "printf 'me\\nthem\\nq\\n' | nudger plans review",
)
def plans_review(
    ctx: typer.Context,
    person: Annotated[str | None, typer.Argument(help="One person (name or alias).")] = None,
) -> None:
    """Go through the plans whose initiator is unknown and say whose idea each was."""
    import sys

    from nudger.cli import review
    from nudger.config import people
    from nudger.config.core_values import rules_from
    from nudger.log import sync_state

    run = session(ctx)
    rules = rules_from(run.settings)
    only = None if person is None else people.find(run.settings.people, person).name
    with run.store_for_reading() as store:
        entries = plan_entries(store)
        stored = list(sync_state.instances(store.db))
    initiators = {plan: entry.who.value for plan, entry in entries.items()}
    unknown = review.unknown_plans(stored, initiators, rules, only)
    # A plan with someone added since the last sync has no entry to correct until the next one.
    questions = [(instance, name) for instance, name in unknown if (instance.uid, name) in entries]
    if len(questions) < len(unknown):
        waiting = len(unknown) - len(questions)
        typer.echo(f"Not in the log until the next sync (nudger daemon --once): {_plans(waiting)}.")
    if not questions:
        typer.echo("No plan's initiator is unknown: nothing to review.")
        return
    typer.echo(f"{_plans(len(questions))} with an unknown initiator; each answer is kept at once.")
    tally = {"me": 0, "them": 0, "skip": 0, "asked": 0}
    with run.store() as store:
        try:
            with review.answers(sys.stdin, _echo) as next_answer:
                for number, (instance, name) in enumerate(questions, start=1):
                    _show(instance, name, number, len(questions), run.zone, run.now)
                    answer = _ask(next_answer)
                    if answer == "quit":
                        break
                    tally["asked"] += 1
                    if answer == "skip" or _answer(store, instance, name, answer):
                        tally[answer] += 1
        except KeyboardInterrupt:
            typer.echo("")
            typer.echo(_summary(tally, len(questions)))
            raise
    typer.echo(_summary(tally, len(questions)))


def _echo(text: str) -> None:
    typer.echo(text, nl=False)  # click flushes, so a prompt shows before the key is read


def _plans(count: int) -> str:
    return f"{count} plan" if count == 1 else f"{count} plans"


def _show(
    instance: EventInstance, person: str, number: int, total: int, zone: tzinfo, now: datetime
) -> None:
    from nudger.core.text import printable

    start = instance.start.astimezone(zone)
    when = f"{start:%a %Y-%m-%d}, all day" if instance.all_day else f"{start:%a %Y-%m-%d %H:%M}"
    notes = [when, f"with {printable(person)}", plan_status(instance, now)]
    if instance.recurring:
        notes.append("repeats (its first date shown)")
    typer.echo(f"\n[{number}/{total}] {printable(instance.summary) or '(no title)'}")
    typer.echo(f"      {' · '.join(notes)}  id {plan_id(instance.uid)}")


def _ask(next_answer: Callable[[], Answer | None]) -> Answer:
    _echo("      whose idea? m me · t them · s skip · q quit > ")
    while (answer := next_answer()) is None:
        _echo("      type m, t, s or q (or me, them, skip, quit and Enter) > ")
    return answer


def _answer(store: Store, instance: EventInstance, person: str, answer: Answer) -> bool:
    """Corrects the plan's entry at once, as `plans mark` does, so quitting later keeps it;
    False when it was answered elsewhere meanwhile."""
    from nudger import clock
    from nudger.config import paths
    from nudger.core.model import Who
    from nudger.daemon import wake

    already = _remember(store, instance.uid, person, Who(answer), clock.now())
    if already is not None:
        side = "yours" if already is Who.ME else "theirs"
        typer.echo(f"      answered elsewhere meanwhile: it stays marked as {side}")
        return False
    typer.echo(f"      marked as {'yours' if answer == 'me' else 'theirs'}")
    wake.poke(paths.data_dir())  # a running daemon drops its "who suggested it?" at once
    return True


def _remember(store: Store, uid: str, person: str, who: Who, now: datetime) -> Who | None:
    """Marks the plan as `who`'s unless someone answered since the review began (a notification,
    `plans mark`, another review): then returns the side it has, which stays."""
    from nudger.core.model import MARK_SOURCE, Kind, Who, correction
    from nudger.log import queries

    with store.transaction():
        person_id = queries.person_id(store.db, person)
        plans = current_plans(queries.entries(store.db, person=person_id, kinds=[Kind.PLAN]))
        current = next(
            (e for e in plans if e.person == person and e.details.get("uid") == uid), None
        )
        if current is None:
            raise NudgerError(f"plan {plan_id(uid)} is no longer in the log")
        if current.who is not Who.UNKNOWN:
            return current.who
        store.insert(correction(current, who, f"{MARK_SOURCE}:{uuid.uuid4()}"), now)
    return None


def _summary(tally: dict[str, int], total: int) -> str:
    marked = tally["me"] + tally["them"]
    left = total - tally["asked"]
    parts = [f"Marked {marked} of {_plans(total)} (you {tally['me']}, them {tally['them']})"]
    if tally["skip"]:
        parts.append(f"skipped {tally['skip']}")
    if left:
        parts.append(f"{left} left for next time")
    return "; ".join(parts) + "."
