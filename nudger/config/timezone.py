"""The user's time zone: the one set in `me.timezone`, or the machine's."""

from __future__ import annotations

from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nudger.config.settings_core import SYSTEM_TIMEZONE


def user_zone(name: str) -> tzinfo:
    """The zone for local wall-clock maths ("20:30 local", month edges, `yesterday`)."""
    if name != SYSTEM_TIMEZONE:
        return ZoneInfo(name)
    import tzlocal  # only when asked to follow the machine: it reads /etc and $TZ

    try:
        return tzlocal.get_localzone()
    except (ZoneInfoNotFoundError, ValueError, LookupError):
        return UTC
