"""Phone numbers as nudger compares them: E.164 ("+4930123456"), normalized with `phonenumbers`.

The settings (`me.phones`, a person's `phones`) and the importer's matching both go through
`e164`, so a number written "030 123456" in the config and "+49 30 123456" in an export are the
same number. `phonenumbers` is imported inside the functions: only the full schema and the import
path need it, never a query command's start-up.
"""

from __future__ import annotations

import locale
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# The region a number without "+country" is read in, while the full schema validates (set
# from `me.region` by `nudger.config.settings.Settings`, so people's numbers honour it too).
_REGION: ContextVar[str | None] = ContextVar("nudger_phone_region", default=None)


def locale_region() -> str | None:
    """The country of the user's locale ("de_DE.UTF-8" → "DE"), None for C/POSIX."""
    name = locale.getlocale()[0] or ""
    country = name.partition("_")[2][:2]
    return country.upper() if len(country) == 2 and country.isalpha() else None


def e164(value: str, region: str | None) -> str | None:
    """`value` in E.164, or None when it is no valid number (a national number with no region
    to read it in is none either: it is never guessed)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def masked(value: str) -> str:
    """A number as reports show one that matched nobody: only its last two digits."""
    digits = [c for c in value if c.isdigit()]
    return "…" + "".join(digits[-2:]) if digits else "…"


@contextmanager
def reading_in(region: str | None) -> Iterator[None]:
    """Validate the numbers of one settings document in `region` (else the locale's)."""
    token = _REGION.set(region or locale_region())
    try:
        yield
    finally:
        _REGION.reset(token)


def valid_phone(value: str) -> str:
    """The schema's check: the number in E.164, or a ValueError saying what is wanted."""
    region = _REGION.get()
    number = e164(value, region)
    if number is None:
        where = f"read in region {region}" if region else "with no region set"
        raise ValueError(
            f"{value!r} is not a phone number ({where}); write it with its country code, "
            "such as +49 30 1234567, or set me.region"
        )
    return number
