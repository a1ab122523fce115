"""`doctor`'s check of the log: there, readable, intact, and of a schema this nudger knows.

The facts come from `nudger.log.health` (the log package speaks SQLite); the verdict and its
fix are decided here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nudger.ops.check import Check, failed, passed

if TYPE_CHECKING:
    from nudger.log.health import LogFacts


def log_check(path: Path) -> Check:
    from nudger.log.health import read_log_facts

    return log_verdict(path, read_log_facts(path))


def log_verdict(path: Path, facts: LogFacts) -> Check:
    from nudger.log.migrations import MIGRATIONS

    known = len(MIGRATIONS)
    aside = f"move it aside (mv {path} {path}.broken) and nudger starts a new one"
    if not facts.exists:
        return passed("log", f"{path} does not exist yet; it is created at first use")
    if facts.error is not None:
        said = "is damaged" if "malformed" in facts.error else "cannot be read"
        return failed(
            "log", f"{path} {said}: {facts.error}", f"restore it from a backup, or {aside}"
        )
    if facts.problems:
        shown = "; ".join(facts.problems[:3]) + (" …" if len(facts.problems) > 3 else "")
        return failed(
            "log",
            f"{path} is damaged: {shown}",
            f"restore it from a backup; or export what is readable (nudger export --out FILE) "
            f"and {aside}",
        )
    if facts.version > known:
        return failed(
            "log",
            f"{path} was written by a newer nudger (schema {facts.version}; this one knows "
            f"{known})",
            "upgrade nudger",
        )
    if facts.version < known:
        return passed(
            "log",
            f"{path} is healthy (schema {facts.version}; the next command that writes it "
            f"upgrades it to {known})",
        )
    return passed("log", f"{path} is healthy (schema {known})")
