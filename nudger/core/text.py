"""Text from calendars and other people, made safe to print on a terminal.

A title may carry control characters (an escape sequence can move the cursor, retitle the
window or worse), so what nudger did not write itself goes through `printable` before it is shown.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with control characters shown as `?` (tabs and newlines become spaces)."""
    return _CONTROL.sub("?", text.replace("\t", " ").replace("\n", " ").replace("\r", " "))
