"""What a `doctor` check found: passed, failed (with the fix) or not applicable here.

The value every check module returns and the runner collects; it imports nothing else of
nudger, so a check module can be tested with literal facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    OK = "ok"
    FAILED = "failed"
    NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True, slots=True)
class Check:
    """One thing checked: what was found (`detail`) and, for a failure, what to do (`fix`)."""

    name: str
    status: Status
    detail: str
    fix: str | None = None

    @property
    def ok(self) -> bool | None:
        """True or False; None when the check does not apply here."""
        return None if self.status is Status.NOT_APPLICABLE else self.status is Status.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "status": self.status.value,
            "detail": self.detail,
            "fix": self.fix,
        }


def passed(name: str, detail: str) -> Check:
    return Check(name, Status.OK, detail)


def failed(name: str, detail: str, fix: str) -> Check:
    return Check(name, Status.FAILED, detail, fix)


def not_applicable(name: str, detail: str, fix: str | None = None) -> Check:
    return Check(name, Status.NOT_APPLICABLE, detail, fix)
