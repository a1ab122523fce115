"""Text from calendars and other people, made safe to print on a terminal.

A title, a file name or a server's error may carry control characters (an escape sequence can
move the cursor, retitle the window or worse; a NUL or a bell is noise at best), and an error
excerpt can hold a whole line of a calendar file, a megabyte of it. So what nudger did not write
itself goes through `printable` before it is shown: every command's output, the daemon's log.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SHOWN_MAX = 500  # characters: a few lines of a terminal, longer than any title or path


def printable(text: str, limit: int = SHOWN_MAX) -> str:
    """`text` with control characters shown as `?` (tabs and newlines become spaces), cut to
    `limit` characters (the cut marked by `…`)."""
    flat = _CONTROL.sub("?", text.replace("\t", " ").replace("\n", " ").replace("\r", " "))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def url_scheme(url: str) -> str:
    """All that may be shown of an address that carries a token (a notification channel's):
    its scheme, as `ntfy://…`."""
    found = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", url)
    return f"{found.group(1).lower()}://…" if found else "an address without a scheme"
