"""A small HTTP server on 127.0.0.1 that records what is posted to it: the stand-in for ntfy,
Telegram and the rest behind an Apprise channel URL (`json://` or `ntfy://` pointed at it).

Each request is answered with the next status in `statuses` (then 200), after `delay`
seconds; `received` is set when a request has been read, before it is answered.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Recorder:
    port: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    received: threading.Event = field(default_factory=threading.Event)

    @property
    def bodies(self) -> list[str]:
        return [str(r["body"]) for r in self.requests]

    def json_bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for body in self.bodies]


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    record = Recorder()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace")
            with lock:
                record.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = record.statuses.pop(0) if record.statuses else 200
            record.received.set()
            if record.delay:
                threading.Event().wait(record.delay)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
