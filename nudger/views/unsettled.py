"""How many of a balance's unknown initiations `nudger plans review` could settle.

A verdict of "not enough data" because most plans are of unknown side is only useful with the
way out beside it: the plans the review would ask about. Which plans those are is
`nudger.views.plans`' question (`unknown_plans`, the set `plans review` walks); this module
counts the ones whose entry falls inside the balance's window, so the number is exactly how
many of the balance's unknowns an answer would move. It is imported only when a balance has
unknowns, so a balance without any reads neither the sync state nor detection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nudger.config.core_values import tracked_people
from nudger.config.settings_core import Person
from nudger.core.balance import PersonBalance
from nudger.core.detect import Rules
from nudger.core.events import EventInstance
from nudger.core.model import Kind
from nudger.log import queries, sync_state
from nudger.log.store import Store
from nudger.views.plans import current_plans, unknown_plans


def with_reviewable(
    store: Store, people: Sequence[Person], balances: Sequence[PersonBalance]
) -> list[PersonBalance]:
    """Each balance with `reviewable` counted (those without unknown plans left as they are)."""
    if not any(_counts_plans(balance) for balance in balances):
        return list(balances)
    rules = Rules(me=frozenset(), people=tracked_people(people))  # who is in a plan, nothing more
    stored = list(sync_state.instances(store.db))
    return [
        replace(balance, reviewable=reviewable(store, rules, balance, stored))
        if _counts_plans(balance)
        else balance
        for balance in balances
    ]


def reviewable(
    store: Store, rules: Rules, balance: PersonBalance, stored: Sequence[EventInstance]
) -> int:
    """The plans of unknown side in `balance`'s window that `plans review` would ask about,
    among the `stored` instances (the sync state's)."""
    person_id = queries.person_id(store.db, balance.person)
    if person_id is None:
        return 0
    plans = current_plans(
        queries.entries(
            store.db,
            person=person_id,
            kinds=[Kind.PLAN],
            since=balance.since,
            until=balance.until,
        )
    )
    in_window = {str(e.details.get("uid")): e.who.value for e in plans}
    asked = unknown_plans(
        stored,
        {(uid, balance.person): who for uid, who in in_window.items()},
        rules,
        only=balance.person,
    )
    return sum(1 for instance, _ in asked if in_window.get(instance.uid) == "unknown")


def _counts_plans(balance: PersonBalance) -> bool:
    plans = balance.by_kind.get(Kind.PLAN.value)
    return plans is not None and plans.unknown > 0
