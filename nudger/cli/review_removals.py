"""The second part of `nudger plans review`: plans that vanished from a calendar with nothing
saying why. Each is counted as a cancellation by nobody until the user says what it was: theirs,
mine, or no cancellation at all (`nudger.views.corrections`, as `plans correct` does it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import typer

from nudger.cli.app import Session
from nudger.cli.review import Answer


def walk(run: Session, person: str | None, echo: Callable[[str], None]) -> None:
    """Ask about each open removal until the answers run out or say quit."""
    import sys

    from nudger.cli import review
    from nudger.core.model import Who
    from nudger.core.text import printable
    from nudger.views.corrections import correct, open_removals

    with run.store() as store:
        found = open_removals(store, person)
        if not found:
            return
        count = f"{len(found)} plan" + ("" if len(found) == 1 else "s")
        typer.echo(f"\n{count} gone from a calendar with nothing saying why (counted as nobody's):")
        settled = 0
        with review.answers(sys.stdin, echo) as next_answer:
            for number, entry in enumerate(found, start=1):
                start = datetime.fromisoformat(str(entry.details.get("start")))
                title = printable(str(entry.details.get("summary") or "(no title)"))
                typer.echo(f"\n[{number}/{len(found)}] {title}")
                typer.echo(
                    f"      {start.astimezone(run.zone):%a %Y-%m-%d %H:%M} · with "
                    f"{printable(entry.person or '')} · gone from the calendar"
                )
                answer = _ask(next_answer, echo)
                if answer == "quit":
                    break
                if answer == "skip":
                    continue
                by = {"me": Who.ME, "them": Who.THEM, "neither": None}[answer]
                correct(store, entry.id, by, run.now)
                settled += 1
                typer.echo(f"      {_SAID[answer]}")
    typer.echo(f"Settled {settled} of {count}.")


_SAID = {
    "me": "cancelled by you",
    "them": "cancelled by them",
    "neither": "no cancellation: it no longer counts",
}


def _ask(next_answer: Callable[[], Answer | None], echo: Callable[[str], None]) -> Answer:
    echo("      called off? m by me · t by them · n not at all · s skip · q quit > ")
    while (answer := next_answer()) is None:
        echo("      type m, t, n, s or q (or me, them, neither, skip, quit and Enter) > ")
    return answer
