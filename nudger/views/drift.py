"""Where each person stands against their contact rhythm, read from the log: what `nudger
people`, `nudger drift` and the report's overview show.

The decision (last contact, days since, due or overdue) is `nudger.core.rhythm`'s, the same the
reach-out nudge makes; this edge reads each person's latest contact of the kinds
`rhythm.counts` names, newest first, never the whole log.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime, tzinfo

from nudger.config.settings_core import Person, Rhythm
from nudger.core.rhythm import Drift, contact_kinds, drift_of
from nudger.log import queries
from nudger.views.report_plans import read_last_contact


def drifts(
    db: sqlite3.Connection,
    people: Sequence[Person],
    rhythm: Rhythm,
    *,
    now: datetime,
    zone: tzinfo,
) -> list[Drift]:
    """Each person's drift on `now`'s local date, in the order given."""
    kinds = sorted(contact_kinds(rhythm.counts))
    return [
        drift_of(
            person.name,
            rhythm.every(person),
            read_last_contact(db, queries.person_id(db, person.name), now, kinds),
            now,
            zone,
        )
        for person in people
    ]
