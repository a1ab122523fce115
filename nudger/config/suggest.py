"""'Did you mean ...?': the close names offered when a key, a person or a table is misspelt."""

from __future__ import annotations

from collections.abc import Iterable


def close_matches(
    word: str, candidates: Iterable[str], n: int = 1, cutoff: float = 0.6
) -> list[str]:
    """The candidates closest to `word`, best first; empty when none is close enough."""
    import difflib  # only on the error path: it is not free to import

    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=cutoff)
