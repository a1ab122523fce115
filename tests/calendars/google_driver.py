"""The driver of a Google calendar: `tests.google_server` on 127.0.0.1, read by the real client.

An `Event` becomes what Google keeps for it: an event (a weekly series with its EXDATEs in
`recurrence`), the instances cancelled or moved on their own as Google's exceptions (an EXDATE
added later among them), and a
second `put` of the same UID an edit (Google raises the sequence itself). The grant is signed
in as `nudger auth google` leaves it, with an access token valid far beyond the test.
"""

from __future__ import annotations

import json
import random
import socket
from pathlib import Path
from typing import Any

import pytest

from integrations.calendars.google import RETRIES, create
from integrations.calendars.google_auth import token_path
from nudger.config.calendars import GoogleCalendar
from nudger.core.events import Participation
from nudger.ports import CalendarSource
from nudger.private_file import write_private
from tests.calendars.driver import SOURCE_NAME
from tests.calendars.events import BROKEN_UID, ME, Event
from tests.calendars.ical_drivers import Silent
from tests.google_server import CLIENT_ID, CLIENT_SECRET, SCOPE, FakeGoogle

ANSWERS = {
    Participation.ACCEPTED: "accepted",
    Participation.DECLINED: "declined",
    Participation.TENTATIVE: "tentative",
    Participation.NEEDS_ACTION: "needsAction",
}
CALENDAR = "primary"


class GoogleDriver:
    kind = "google"
    calendar = CALENDAR
    incremental = True
    attempts = RETRIES + 1  # the client retries a connection that timed out
    down_within = 1 + 2 + 4.0  # and one refused, backing off up to 2 and 4 s

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.lacks = {
            "relevance": "it reads Google's JSON, with no iCalendar text to skip unparsed "
            "(Window.mentions allows a source to skip, it does not require it)",
        }
        self.google = FakeGoogle().start()
        self.google.add_calendar(CALENDAR, "Me")
        self.monkeypatch = monkeypatch
        self.data_dir = tmp_path / "data"
        self.endpoint = self.google.api_endpoint
        self.silent: Silent | None = None
        self.ids: dict[str, str] = {}  # UID -> Google's event id
        self.written: dict[str, Event] = {}
        self._sign_in()

    def put(self, event: Event) -> None:
        known = self.written.get(event.uid)
        answers = {email: ANSWERS[answer] for email, answer in event.attendees}
        if known is None:
            self.ids[event.uid] = self.google.add_event(
                CALENDAR,
                event.summary,
                event.start,
                event.end,
                weekly=event.weeks,
                uid=event.uid,
                organizer=event.organizer,
                attendees=answers,
                exdates=event.exdates,
            )
            known = Event(event.uid, "", event.start, event.end)
        else:
            assert known.weeks == event.weeks, "not supported"
            assert set(known.exdates) <= set(event.exdates), "not supported"
            self.google.edit_event(
                CALENDAR,
                self.ids[event.uid],
                event.summary,
                event.start,
                event.end,
                organizer=event.organizer,
                attendees=answers,
            )
        series = self.ids[event.uid]
        # An EXDATE added to a series Google had listed comes back as that instance cancelled,
        # the form Google gives any date struck from a series after it was made.
        for original in set(event.cancelled + event.exdates) - set(known.cancelled + known.exdates):
            self.google.cancel_instance(CALENDAR, series, original)
        for original, start in set(event.moved) - set(known.moved):
            self.google.move_instance(CALENDAR, series, original, start, start + event.length)
        self.written[event.uid] = event

    def delete(self, uid: str) -> None:
        self.google.delete(CALENDAR, self.ids.pop(uid))
        del self.written[uid]

    def resource(self, uid: str) -> str:
        return f"{CALENDAR}/{self.ids[uid]}"

    def put_broken(self) -> tuple[str, ...]:
        start = next(iter(self.written.values())).start
        broken = self.google.add_event(CALENDAR, "Broken", start, start, uid=BROKEN_UID)
        self.google.modify(CALENDAR, broken, attendees="everyone")  # a shape nobody documented
        return (broken,)

    def expire(self, cursor: str) -> str:
        self.google.invalidate_sync_tokens()
        return cursor

    def go_down(self) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]  # closed again: nothing listens there
        self.endpoint = f"http://127.0.0.1:{port}/calendar/v3/"
        return f"127.0.0.1:{port}"

    def hang(self) -> None:
        self.silent = Silent()
        self.endpoint = f"{self.silent.url}calendar/v3/"
        self._short_backoff()

    def timed_out(self, timeout: float) -> str:
        return "timed out"

    def own_addresses(self) -> tuple[str, ...]:
        return (ME,)  # Google marks the account's own entries `self` (the stand-in as ME)

    def source(self, timeout: float = 10) -> CalendarSource:
        config = GoogleCalendar.model_validate(
            {"name": SOURCE_NAME, "type": "google", "calendar_ids": [CALENDAR]}
            | {"api_endpoint": self.endpoint}
        )
        return create(config, timeout=timeout, data_dir=self.data_dir)

    def close(self) -> None:
        self.google.stop()
        if self.silent is not None:
            self.silent.close()

    def _short_backoff(self) -> None:
        """The client sleeps random() * 2**n seconds between retries: made short."""
        self.monkeypatch.setattr(random, "random", lambda: 0.05)

    def _sign_in(self) -> None:
        refresh, access = self.google.grant()
        grant: dict[str, Any] = {
            "token": access,
            "refresh_token": refresh,
            "expiry": "2999-01-01T00:00:00Z",
        }
        grant |= {"token_uri": self.google.token_uri, "client_id": CLIENT_ID, "scopes": [SCOPE]}
        grant["client_secret"] = CLIENT_SECRET
        token_file = token_path(SOURCE_NAME, None, self.data_dir)
        token_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_private(token_file, json.dumps(grant))
