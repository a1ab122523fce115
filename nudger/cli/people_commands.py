"""`nudger people add|list|remove`: who you track."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from nudger.cli.app import Session, app, print_json, session
from nudger.config.settings_core import PersonKind

if TYPE_CHECKING:
    from nudger.config.settings_core import Person
    from nudger.core.rhythm import Drift

people_app = typer.Typer(
    help="The people you track, and how often you want to be in touch with each.",
    epilog="Examples: nudger people add Alex --email alex@example.org --kind partner · "
    "nudger people set Alex --every 2w · nudger people list",
    invoke_without_command=True,
)
app.add_typer(people_app, name="people")


@people_app.callback()
def people_default(ctx: typer.Context) -> None:
    """Alone, `nudger people` is `nudger people list`: who you track and how you stand."""
    if ctx.invoked_subcommand is None:
        people_list(ctx)


Every = Annotated[
    str | None,
    typer.Option(
        "--every",
        help="The longest you want to go without contact: 2w, 30d (whole days, 1d-365d); "
        "none: their kind's default (rhythm.default_every).",
        show_default=False,
    ),
]
Phones = Annotated[
    list[str] | None,
    typer.Option(
        "--phone",
        help="A phone number of theirs, as imports match people (repeatable); with the country "
        "code (+49 30 1234567), or national in me.region.",
        show_default=False,
    ),
]


@people_app.command(
    "add", epilog="Example: nudger people add Alex --email alex@example.org --kind partner"
)
def people_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The name you will use for them.")],
    email: Annotated[
        list[str] | None, typer.Option("--email", "-e", help="An address of theirs (repeatable).")
    ] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option("--alias", "-a", help="Another name for them in event titles (repeatable)."),
    ] = None,
    kind: Annotated[
        PersonKind | None,
        typer.Option("--kind", "-k", help="partner, dating, friend or family (default: friend)."),
    ] = None,
    every: Every = None,
    phone: Phones = None,
) -> None:
    """Start tracking someone (or track them again after `people remove`)."""
    from nudger.config import people

    run = session(ctx)
    person, back = people.add(
        run.config_path,
        name,
        emails=email or [],
        aliases=alias or [],
        phones=phone or [],
        kind=kind,
        every=every,
    )
    verb = "Tracking again" if back else "Now tracking"
    typer.echo(
        f"{verb} {person.name} ({person.kind}){_rhythm_words(run, person)}{_phones(person)}."
    )


@people_app.command(
    "set",
    epilog="Examples: nudger people set Alex --every 2w · --every none · --phone +4930123456",
)
def people_set(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Their name or an alias.")],
    every: Every = None,
    phone: Phones = None,
) -> None:
    """Change how often you want to be in touch with someone, or add a phone number of theirs."""
    from nudger.config import people
    from nudger.errors import UsageError

    if every is None and not phone:
        raise UsageError(
            "nothing to set", hint="give --every (such as 2w or none) or --phone +4930123456"
        )
    run = session(ctx)
    person = people.set_person(run.config_path, name, every=every, phones=phone or [])
    typer.echo(
        f"{person.name}{_rhythm_words(run, person) or ': no contact rhythm'}{_phones(person)}."
    )


def _phones(person: Person) -> str:
    """ "; phones +4930123456" as the schema read them (E.164), or "" without any."""
    return f"; phones {', '.join(person.phones)}" if person.phones else ""


def _rhythm_words(run: Session, person: Person) -> str:
    """ ", in touch at least every 2w" (and whose rhythm it is), or "" without one."""
    from nudger.core.when import format_duration

    every = run.settings.rhythm.every(person)
    if every is None:
        return ""
    whose = "" if person.every is not None else f" (the {person.kind} default)"
    return f", in touch at least every {format_duration(every)}{whose}"


@people_app.command("list", epilog="Example: nudger people list --all --json")
def people_list(
    ctx: typer.Context,
    show_all: Annotated[
        bool, typer.Option("--all", help="Include people you no longer track.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the people you track, with the last contact and their rhythm."""
    run = session(ctx)
    shown = [p for p in run.query_settings.people if show_all or p.tracked]
    drifts = _drifts(run, shown)
    if json_output:
        print_json([_person_json(p, d) for p, d in zip(shown, drifts, strict=True)])
        return
    from nudger.cli import render

    render.people(shown, drifts)


def _drifts(run: Session, shown: list[Person]) -> list[Drift]:
    from nudger.views.drift import drifts

    with run.store_for_reading() as store:
        return drifts(store.db, shown, run.query_settings.rhythm, now=run.now, zone=run.zone)


def _person_json(person: Person, drift: Drift) -> dict[str, object]:
    """The person as configured, and where they stand against their rhythm."""
    from nudger.core.when import format_duration

    found = {key: value for key, value in drift.to_json().items() if key != "person"}
    rhythm = drift.every and format_duration(drift.every)
    return {**person.model_dump(mode="json"), "tracked": person.tracked, "rhythm": rhythm, **found}


@people_app.command("remove", epilog="Example: nudger people remove Alex")
def people_remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Their name or an alias.")],
) -> None:
    """Stop tracking someone. Their history stays in the log and in `balance NAME`."""
    from nudger.config import people

    run = session(ctx)
    person = people.remove(run.config_path, name, run.now.astimezone(run.zone).date())
    typer.echo(f"No longer tracking {person.name}; their history is kept.")
