"""The drivers of the systems that store iCalendar text: an ics folder, an ics URL, CalDAV.

Each keeps the events as a client would write them (`events.vcalendar`): the folder one file per
UID (the vdir layout), the URL one calendar served by a small local web server that answers
If-None-Match with 304 as calendar hosts do, CalDAV one object per UID PUT on a real Radicale or
Xandikos (shared by the tests of a module, a calendar of its own per test).
"""

from __future__ import annotations

import hashlib
import http.server
import json
import socket
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

from caldav.davclient import DAVClient

from integrations.calendars.caldav import create as create_caldav
from integrations.calendars.ics import create as create_ics
from nudger.config.calendars import CalDAVCalendar, IcsCalendar
from nudger.ports import CalendarSource
from tests.caldav_servers import Server, free_port
from tests.calendars.driver import SOURCE_NAME
from tests.calendars.events import BROKEN, BROKEN_NAMED, ME, Event, vcalendar

# A PROPPATCH giving the principal my mail address beside its path, as a scheduling client does.
ADDRESS_SET = (
    '<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:" '
    'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:calendar-user-address-set>'
    "<D:href>MAILTO:{me}</D:href></C:calendar-user-address-set></D:prop></D:set>"
    "</D:propertyupdate>"
)


class Silent:
    """A port that accepts connections (the kernel does, up to its backlog) and never answers."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/"

    def close(self) -> None:
        self.socket.close()


class IcsFolderDriver:
    """A vdir: one .ics file per UID in a folder, read by the `ics` source with `path`."""

    kind = "ics-folder"
    incremental = False
    attempts = 0
    down_within = 0.0

    def __init__(self, tmp_path: Path) -> None:
        self.lacks = {
            "cursor": "its cursor is a fingerprint of the files; no server can forget it",
            "server": "a folder has no server to go down",
            "network": "a folder is read without the network, so nothing can time out",
        }
        self.folder = tmp_path / "calendar"
        self.folder.mkdir()
        self.calendar = self.folder.name

    def put(self, event: Event) -> None:
        (self.folder / f"{event.uid}.ics").write_text(vcalendar([event]), encoding="utf-8")

    def delete(self, uid: str) -> None:
        (self.folder / f"{uid}.ics").unlink()

    def resource(self, uid: str) -> str:
        return uid

    def put_broken(self) -> tuple[str, ...]:
        (self.folder / "broken.ics").write_text(vcalendar([], extra=BROKEN), encoding="utf-8")
        return "broken.ics", BROKEN_NAMED

    def expire(self, cursor: str) -> str:
        raise NotImplementedError(self.lacks["cursor"])

    def go_down(self) -> str:
        raise NotImplementedError(self.lacks["server"])

    def hang(self) -> None:
        raise NotImplementedError(self.lacks["network"])

    def timed_out(self, timeout: float) -> str:
        raise NotImplementedError(self.lacks["network"])

    def own_addresses(self) -> None:
        return None  # a file says nothing about whose calendar it is

    def source(self, timeout: float = 10) -> CalendarSource:
        config = IcsCalendar(name=SOURCE_NAME, type="ics", path=self.folder)
        return create_ics(config, timeout=timeout, data_dir=self.folder.parent)

    def close(self) -> None:
        pass


class IcsUrlDriver:
    """One calendar served over http, read by the `ics` source with `url`. The ETag is the
    text's digest and a generation: `expire` starts a new one, as a host that forgot it."""

    kind = "ics-url"
    incremental = False
    attempts = 1
    down_within = 2.0

    def __init__(self, tmp_path: Path) -> None:
        self.lacks = {
            "relevance": "a URL serves one calendar, one text: it is skipped only when no event "
            "in it names anyone, and read whole otherwise",
        }
        self.data_dir = tmp_path
        self.events: dict[str, Event] = {}
        self.broken = False
        self.generation = 0
        self.silent: Silent | None = None
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_port}/calendar.ics"
        self.calendar = self.url
        self.serving = threading.Thread(target=self.server.serve_forever, args=(0.02,))
        self.serving.start()

    def body(self) -> bytes:
        return vcalendar(self.events.values(), extra=BROKEN if self.broken else "").encode()

    def etag(self, body: bytes) -> str:
        return f'"{self.generation}-{hashlib.sha256(body).hexdigest()[:16]}"'

    def put(self, event: Event) -> None:
        self.events[event.uid] = event

    def delete(self, uid: str) -> None:
        del self.events[uid]

    def resource(self, uid: str) -> str:
        return uid

    def put_broken(self) -> tuple[str, ...]:
        self.broken = True
        return self.url, BROKEN_NAMED

    def expire(self, cursor: str) -> str:
        self.generation += 1
        return cursor

    def go_down(self) -> str:
        self._stop()
        return f"127.0.0.1:{self.server.server_port}"

    def hang(self) -> None:
        self.silent = Silent()
        self.url = self.silent.url + "calendar.ics"

    def timed_out(self, timeout: float) -> str:
        return "timed out"

    def own_addresses(self) -> None:
        return None  # nor does a published one

    def source(self, timeout: float = 10) -> CalendarSource:
        config = IcsCalendar(name=SOURCE_NAME, type="ics", url=self.url)
        return create_ics(config, timeout=timeout, data_dir=self.data_dir)

    def close(self) -> None:
        self._stop()
        if self.silent is not None:
            self.silent.close()

    def _stop(self) -> None:
        if self.serving.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self.serving.join()


def _handler(driver: IcsUrlDriver) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            body = driver.body()
            etag = driver.etag(body)
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class CalDAVDriver:
    """A calendar of its own on a shared Radicale or Xandikos, written with caldav's client.
    The source is configured for this calendar by name, so other tests' calendars are unseen."""

    incremental = True
    attempts = 1
    down_within = 2.0

    def __init__(self, server: Server, tmp_path: Path) -> None:
        self.lacks: dict[str, str] = {}
        self.kind = f"caldav-{server.kind}"
        self.server = server
        self.data_dir = tmp_path
        self.url = server.url
        self.silent: Silent | None = None
        auth: dict[str, Any] = {}
        if server.password:
            auth = {"username": server.username, "password": server.password, "auth_type": "basic"}
        self.client = DAVClient(url=server.url, timeout=10, **auth)
        self.calendar = f"Contract {uuid.uuid4().hex[:8]}"
        principal = self.client.get_principal()
        self.collection: Any = principal.make_calendar(
            name=self.calendar, cal_id=self.calendar.lower().replace(" ", "-")
        )

    def put(self, event: Event) -> None:
        self._put(f"{event.uid}.ics", vcalendar([event]))

    def delete(self, uid: str) -> None:
        answer = self.client.delete(str(self.collection.url.join(f"{uid}.ics")))
        assert answer.status in (200, 204), answer.status

    def resource(self, uid: str) -> str:
        return uid

    def put_broken(self) -> tuple[str, ...]:
        self._put("broken.ics", vcalendar([], extra=BROKEN))  # the server stores it as it is
        return "broken.ics", BROKEN_NAMED

    def expire(self, cursor: str) -> str:
        state = json.loads(cursor)
        for calendar in state["calendars"].values():
            calendar["token"] = calendar["token"][:-8] + "deadbeef"  # a token never given
        return json.dumps(state)

    def go_down(self) -> str:
        address = f"127.0.0.1:{free_port()}"
        self.url = f"http://{address}/"
        return address

    def hang(self) -> None:
        self.silent = Silent()
        self.url = self.silent.url

    def timed_out(self, timeout: float) -> str:
        return f"did not answer within {timeout} s"

    def own_addresses(self) -> tuple[str, ...] | None:
        """Xandikos keeps a principal's calendar-user-address-set as a client sets it (with
        PROPPATCH); Radicale answers its principal's path whatever is set, never an address."""
        principal = self.client.get_principal()
        answer = self.client.proppatch(str(principal.url), ADDRESS_SET.format(me=ME))
        assert answer.status == 207, answer.status
        return (ME,) if self.server.kind == "xandikos" else None

    def source(self, timeout: float = 10) -> CalendarSource:
        fields: dict[str, Any] = {"name": SOURCE_NAME, "type": "caldav", "url": self.url}
        fields["calendars"] = [self.calendar]
        if self.server.password:  # read through a real command, as a user configures it
            command = [sys.executable, "-c", f"print({self.server.password!r})"]
            fields |= {"username": self.server.username, "password_command": command}
        config = CalDAVCalendar.model_validate(fields)
        return create_caldav(config, timeout=timeout, data_dir=self.data_dir)

    def close(self) -> None:
        try:
            self.collection.delete()  # the server is shared: leave it as found
        finally:
            self.client.close()
            if self.silent is not None:
                self.silent.close()

    def _put(self, name: str, text: str) -> None:
        href = str(self.collection.url.join(name))
        answer = self.client.put(href, text, {"Content-Type": "text/calendar"})
        assert answer.status in (201, 204), answer.status
