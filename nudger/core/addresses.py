"""E-mail addresses as nudger compares them: one spelling for the calendar's side and the settings'.

Clients write the same address in many ways: `mailto:alex@example.org`, Outlook's
`MAILTO:Alex@Example.org`, Google's plain `alex@example.org`, and iCloud's
`urn:uuid:…` with the address in the `EMAIL=` parameter. An address that reads one way in an
invite and another in the settings would make a plan nobody's, so both sides pass through the
functions here: the adapters for what a calendar says, the settings schema for what the user
typed. Pure; no parsing of iCalendar itself (the adapters hand over the value and its parameter).
"""

from __future__ import annotations

_MAILTO = "mailto:"


def normalize(address: str) -> str:
    """`MAILTO:Alex@Example.org ` -> `alex@example.org`: no scheme, no surrounding space, lower
    case (addresses compare case-insensitively)."""
    text = address.strip()
    if text[: len(_MAILTO)].lower() == _MAILTO:
        text = text[len(_MAILTO) :].strip()
    return text.lower()


def is_mail(value: str) -> bool:
    """Whether a calendar user address is a mail address (`mailto:`), rather than a principal
    path, a `urn:uuid:` or Exchange's `invalid:nomail`."""
    return value.strip()[: len(_MAILTO)].lower() == _MAILTO


def calendar_address(value: str, email: str | None = None) -> str:
    """The address an ORGANIZER or ATTENDEE stands for: its value when that is `mailto:`,
    else its `EMAIL=` parameter when it has one (iCloud writes `urn:uuid:…` values), else the
    value as it is (a plain address some clients write without a scheme, or an identifier that
    then matches nobody)."""
    if not is_mail(value) and email and email.strip():
        return normalize(email)
    return normalize(value)
