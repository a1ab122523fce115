"""`nudger plans`: the plans seen in calendars; `plans mark` and `plans review` say whose idea
one was. The rows and the marking are `nudger.views.plans`'; the keys and modes of the review
are `nudger.cli.review`'s; this module parses, calls them and prints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from typer.core import TyperGroup

from nudger.cli.app import Session, app, print_json, session
from nudger.errors import UsageError

if TYPE_CHECKING:
    from nudger.cli.review import Answer
    from nudger.core.events import EventInstance
    from nudger.log.store import Store
    from nudger.views.plans import MissedRow, PlanRow, Selection


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


@plans_app.command(
    "mark",
    epilog="Examples: nudger plans mark 3f2a9c1e --by them · "
    "nudger plans mark 3f2a9c1e --by neither (someone else's party) · nudger plans --unclassified",
)
def plans_mark(
    ctx: typer.Context,
    plan: Annotated[str, typer.Argument(help="The plan's id, as `nudger plans` shows it.")],
    by: Annotated[
        Literal["me", "them", "neither"],
        typer.Option("--by", "-b", help="Whose idea it was: me, them, or neither of us."),
    ],
    person: Annotated[
        str | None, typer.Option("--person", "-p", help="Who it was with, if several.")
    ] = None,
) -> None:
    """Say whose idea a plan was; the answer stays through every later sync."""
    from nudger.config import people
    from nudger.core.model import Side, plan_side
    from nudger.views.plans import mark_by_id

    run = session(ctx)
    with run.store() as store:
        name = None if person is None else people.find(run.query_settings.people, person).name
        before = mark_by_id(store, plan, name, Side(by), run.now)
    summary = before.details.get("summary", "")
    if plan_side(before) == by:
        typer.echo(f"{plan} ({summary}) is already marked as {by}.")
        return
    starter = {"me": "started by you", "them": "started by them"}.get(by, _WHOSE[by])
    typer.echo(f"Marked {plan} ({summary}) as {starter}.")


@plans_app.command(
    "correct",
    epilog="Examples: nudger plans correct 42 --by them · nudger plans correct 42 --by nobody "
    "(ids: nudger history Alex)",
)
def plans_correct(
    ctx: typer.Context,
    entry: Annotated[int, typer.Argument(help="The entry's #, as `nudger history` shows it.")],
    by: Annotated[
        Literal["me", "them", "nobody"],
        typer.Option(
            "--by",
            "-b",
            help="Whose it was: me or them; nobody: it was no such thing (no cancellation, "
            "no decline, no move).",
        ),
    ],
) -> None:
    """Correct a fact (whose it was, or that it was none); it holds through later syncs."""
    from nudger.core.model import Who
    from nudger.core.text import printable
    from nudger.views.corrections import correct

    run = session(ctx)
    with run.store() as store:
        done = correct(store, entry, None if by == "nobody" else Who(by), run.now)
    title = printable(
        str(done.before.details.get("summary") or done.before.details.get("note", ""))
    )
    what = f"#{entry} ({done.before.kind}: {title})"
    if done.after is None:
        typer.echo(f"{what} already says {by}.")
    elif by == "nobody":
        typer.echo(f"Took back {what}: it no longer counts.")
    else:
        typer.echo(f"Corrected {what}: it is {'yours' if by == 'me' else 'theirs'} now.")


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
    chosen = _selection(upcoming, missed, unclassified)
    from nudger.config.core_values import rules_from
    from nudger.views.plans import plan_rows

    run = session(ctx)
    rules = rules_from(run.settings)
    only = _one_person(run, person)
    with run.store_for_reading() as store:
        rows = plan_rows(store, rules, run.now, only=only, selection=chosen)
    if json_output:
        print_json([row.to_json() for row in rows])
        return
    if not rows:
        typer.echo("No plans match.")
        return
    _print_rows(rows, run.zone)


@plans_app.command(
    "review",
    epilog="Examples: nudger plans review · nudger plans review Alex · "
    "printf 'me\\nthem\\nq\\n' | nudger plans review",
)
def plans_review(
    ctx: typer.Context,
    person: Annotated[str | None, typer.Argument(help="One person (name or alias).")] = None,
) -> None:
    """Say whose idea each plan of unknown initiator was, and what became of vanished ones."""
    from nudger.cli import review_removals
    from nudger.config.core_values import rules_from
    from nudger.views.plans import review

    run = session(ctx)
    rules = rules_from(run.settings)
    only = _one_person(run, person)
    with run.store_for_reading() as store:
        found = review(store, rules, only=only)
    if found.waiting:
        waiting = _plans(found.waiting)
        typer.echo(f"Not in the log until the next sync (nudger daemon --once): {waiting}.")
    if found.questions:
        total = len(found.questions)
        typer.echo(f"{_plans(total)} with an unknown initiator; each answer is kept at once.")
        with run.store() as store:
            tally = _walk(store, found.questions, run)
        typer.echo(_summary(tally, total))
        if tally["asked"] < total:  # quit, or the answers ran out
            return
    else:
        typer.echo("No plan's initiator is unknown.")
    review_removals.walk(run, only, _echo)


def _selection(upcoming: bool, missed: bool, unclassified: bool) -> Selection:
    if sum((upcoming, missed, unclassified)) > 1:
        raise UsageError("choose one of --upcoming, --missed and --unclassified")
    if upcoming:
        return "upcoming"
    if missed:
        return "missed"
    # --unclassified lists what `plans review` asks about: each unknown plan once.
    return "unclassified" if unclassified else "all"


def _one_person(run: Session, person: str | None) -> str | None:
    from nudger.config import people

    return None if person is None else people.find(run.settings.people, person).name


_PLAN_COLUMNS = ("id", "when", "with", "answer", "yours", "plan", "whose idea", "moved", "title")
_MISSED_COLUMNS = ("id", "when", "with", "status", "title")
_SIDE_WORDS = {"me": "you", "them": "them", "unknown": "?", "neither": "neither"}


def _print_rows(rows: Sequence[PlanRow | MissedRow], zone: tzinfo) -> None:
    """A table under a header: on a plan's row, that person's own answer, mine and the plan's
    status, each in its own column (one guest's decline is not another's)."""
    from nudger.core.text import printable
    from nudger.views.plans import PlanRow

    lines = [_PLAN_COLUMNS if isinstance(rows[0], PlanRow) else _MISSED_COLUMNS]
    for row in rows:
        when = _when(row.start, row.all_day, zone).strip()
        first = (row.id, when, printable(str(row.person)))
        if isinstance(row, PlanRow):
            side = _SIDE_WORDS[row.initiator]
            ours = (row.answer or "-", row.my_answer or "-", row.plan_status, side, _moved(row))
            seen_in = f"  (in {printable(row.source)})" if ", " in row.source else ""
            lines.append((*first, *ours, printable(row.summary) + seen_in))
        else:
            lines.append((*first, row.status, printable(str(row.summary))))
    widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]) - 1)]
    for line in lines:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        typer.echo("  ".join([*cells, line[-1]]).rstrip())


def _moved(row: PlanRow) -> str:
    """How often this date was moved, and by whom: "2x by them", "3x: you 1, them 2"."""
    if not row.moves:
        return ""
    counts = [(_SIDE_WORDS[who.value], row.moves.count(who)) for who in dict.fromkeys(row.moves)]
    if len(counts) == 1:
        return f"{len(row.moves)}x by {counts[0][0]}"
    return f"{len(row.moves)}x: " + ", ".join(f"{word} {n}" for word, n in counts)


def _when(start: str | None, all_day: bool, zone: tzinfo) -> str:
    """`2026-05-01 19:30`, or `2026-05-01 all day` for a date with no time (not 00:00)."""
    if not start:
        return f"{'-':<18}"
    local = datetime.fromisoformat(start).astimezone(zone)
    return f"{local:%Y-%m-%d} all day" if all_day else f"{local:%Y-%m-%d %H:%M}  "


def _walk(
    store: Store, questions: Sequence[tuple[EventInstance, str]], run: Session
) -> dict[str, int]:
    """Asks about each plan in turn until the answers run out or say quit; returns the tally.
    Ctrl-C prints the tally so far before it stops the command."""
    import sys

    from nudger.cli import review
    from nudger.config.core_values import rules_from
    from nudger.core.attendance import outcome

    rules = rules_from(run.settings)
    tally = {"me": 0, "them": 0, "neither": 0, "skip": 0, "asked": 0}
    try:
        with review.answers(sys.stdin, _echo) as next_answer:
            for number, (instance, name) in enumerate(questions, start=1):
                status = outcome(instance, name, rules, run.now)
                _show(instance, name, (number, len(questions)), status, run.zone)
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
    return tally


def _echo(text: str) -> None:
    typer.echo(text, nl=False)  # click flushes, so a prompt shows before the key is read


def _plans(count: int) -> str:
    return f"{count} plan" if count == 1 else f"{count} plans"


def _show(
    instance: EventInstance, person: str, place: tuple[int, int], status: str, zone: tzinfo
) -> None:
    """One question's plan: what, when, with whom and what became of it (for that person)."""
    from nudger.core.text import printable
    from nudger.views.plans import plan_id

    start = instance.start.astimezone(zone)
    when = f"{start:%a %Y-%m-%d}, all day" if instance.all_day else f"{start:%a %Y-%m-%d %H:%M}"
    notes = [when, f"with {printable(person)}", status]
    if instance.recurring:
        notes.append("repeats (its first date shown)")
    number, total = place
    typer.echo(f"\n[{number}/{total}] {printable(instance.summary) or '(no title)'}")
    typer.echo(f"      {' · '.join(notes)}  id {plan_id(instance.uid)}")


def _ask(next_answer: Callable[[], Answer | None]) -> Answer:
    _echo("      whose idea? m me · t them · n neither of us · s skip · q quit > ")
    while (answer := next_answer()) is None:
        _echo("      type m, t, n, s or q (or me, them, neither, skip, quit and Enter) > ")
    return answer


def _answer(store: Store, instance: EventInstance, person: str, answer: Answer) -> bool:
    """Corrects the plan's entry at once, as `plans mark` does, so quitting later keeps it;
    False when it was answered elsewhere meanwhile (a notification, `plans mark`, another
    review): that answer stays."""
    from nudger import clock
    from nudger.config import paths
    from nudger.core.model import Side, plan_side
    from nudger.daemon import wake
    from nudger.views.plans import mark

    before = mark(store, instance.uid, person, Side(answer), clock.now(), keep_known=True)
    if plan_side(before) != "unknown":
        side = _WHOSE[plan_side(before)]
        typer.echo(f"      answered elsewhere meanwhile: it stays marked as {side}")
        return False
    typer.echo(f"      marked as {_WHOSE[answer]}")
    wake.poke(paths.data_dir())  # a running daemon drops its "who suggested it?" at once
    return True


_WHOSE = {"me": "yours", "them": "theirs", "neither": "neither yours nor theirs"}


def _summary(tally: dict[str, int], total: int) -> str:
    marked = tally["me"] + tally["them"] + tally["neither"]
    left = total - tally["asked"]
    sides = f"you {tally['me']}, them {tally['them']}"
    if tally["neither"]:
        sides += f", neither {tally['neither']}"
    parts = [f"Marked {marked} of {_plans(total)} ({sides})"]
    if tally["skip"]:
        parts.append(f"skipped {tally['skip']}")
    if left:
        parts.append(f"{left} left for next time")
    return "; ".join(parts) + "."
