"""The order the report's overview lists people in: what needs attention first. Pure.

1. one-sided (either way: someone carries the load alone),
2. leaning (either way),
3. plans whose side is unknown, waiting for an answer (`plans review`): answering may change
   the verdict, so a "balanced" over unanswered plans is not yet known to be balanced,
4. not enough data to say,
5. balanced.

Ties are broken by name (case-insensitive), so the order never depends on the config's.
"""

from __future__ import annotations

from collections.abc import Sequence

from nudger.views.report_data import PersonFacts

# In words, for the page to say how it sorted.
ORDER_WORDS = (
    "one-sided first, then leaning, then plans whose side is unknown, then not enough data, "
    "then balanced; by name within each"
)


def attention(facts: PersonFacts) -> int:
    """How soon this person's row comes: 0 first."""
    verdict = facts.balance.verdict
    if verdict == "one-sided":
        return 0
    if verdict == "leaning":
        return 1
    if facts.unknown_plans:
        return 2
    return 3 if verdict == "not enough data" else 4


def by_attention(people: Sequence[PersonFacts]) -> list[PersonFacts]:
    """`people` in the overview's order."""
    return sorted(people, key=lambda f: (attention(f), f.balance.person.casefold()))
