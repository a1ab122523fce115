"""The removals the log holds (`nudger.core.vanishing`), each with the entry that stands for it.

Sync reads them before deriving facts: a removal stands until the plan comes back, and it may
have been corrected by the user meanwhile, so what a retraction supersedes is the newest entry
of its chain of corrections. Removals are few (only upcoming plans that vanished), and their keys
share one prefix, so one range of the key index finds them all.
"""

from __future__ import annotations

import json
import sqlite3

from nudger.core.model import Kind
from nudger.core.vanishing import REMOVAL_PREFIX, LoggedRemoval
from nudger.log.queries import key_after

_CHAINS = """
    WITH RECURSIVE chain (root, details, person, key, kind) AS (
        SELECT entry.key, entry.details, person.name, entry.key, entry.kind
        FROM entry JOIN person ON person.id = entry.person_id
        WHERE entry.key >= ? AND entry.key < ?
        UNION ALL
        SELECT chain.root, chain.details, chain.person, later.key, later.kind
        FROM entry AS later JOIN chain ON later.supersedes = chain.key
    )
    SELECT root, details, person, key, kind FROM chain
    WHERE NOT EXISTS (SELECT 1 FROM entry AS later WHERE later.supersedes = chain.key)
"""


def logged(db: sqlite3.Connection) -> list[LoggedRemoval]:
    """Every removal ever logged, with the entry standing for it now."""
    found = []
    bounds = (REMOVAL_PREFIX, key_after(REMOVAL_PREFIX))
    for root, details, person, current, kind in db.execute(_CHAINS, bounds):
        data = json.loads(details)
        found.append(
            LoggedRemoval(
                uid=str(data.get("uid", "")),
                occurrence=str(data.get("occurrence", "")),
                person=person,
                key=root,
                current=current,
                retracted=kind == Kind.RETRACTED,
            )
        )
    return found
