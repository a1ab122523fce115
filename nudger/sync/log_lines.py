"""How the daemon and its sync processes write their log lines: one line each, printable.

A sync's warnings quote calendar files and servers (a skipped file's name and its bytes, a
server's error). Started by hand the daemon logs to a terminal, and the journal shows a line
holding a control character as `[… blob data]`; so every message goes through
`nudger.core.text.printable`, like every other text nudger shows from a calendar. A traceback
(with -v, or for a bug) keeps its lines. No time stamp: the journal adds its own.
"""

from __future__ import annotations

import logging

from nudger.core.text import printable

FORMAT = "%(levelname)s %(name)s: %(message)s"


class PrintableFormatter(logging.Formatter):
    """`FORMAT`, with the message made printable and capped."""

    def __init__(self) -> None:
        super().__init__(FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:  # the name logging calls
        return printable(super().formatMessage(record))


def set_up(level: int) -> None:
    """Log to stderr at `level`, through `PrintableFormatter` (once per process)."""
    handler = logging.StreamHandler()
    handler.setFormatter(PrintableFormatter())
    logging.basicConfig(level=level, handlers=[handler])
