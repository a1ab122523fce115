"""The one place that reads the wall clock.

Everything else receives `now` as a parameter (tz-aware, UTC) so that tests inject time and the
pure core stays pure. A ruff banned-api rule keeps `datetime.now` and `time.time` out of the rest.
"""

from __future__ import annotations

import datetime as _dt


def now() -> _dt.datetime:
    """The current instant, tz-aware in UTC."""
    return _dt.datetime.now(_dt.UTC)  # noqa: TID251 - this module is the clock
