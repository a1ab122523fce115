"""Build a realistic large log for benchmarks: N entries over people and years, through the store.

    python bench/build_log.py --entries 1000000 --data-dir /tmp/nudger-bench

Entries go in through `Store.append_many` (the same path sync uses), in batches.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nudger.core.model import Kind, NewEntry, Who
from nudger.log.store import Store

PEOPLE = ["Alex", "Sam", "Robin", "Kim", "Jo", "Charlie", "Maria", "Noor", "Lee", "Ana"]
KINDS = [
    (Kind.MESSAGE, 40),
    (Kind.CALL, 15),
    (Kind.PLAN, 15),
    (Kind.CHECKIN, 15),
    (Kind.GRATITUDE, 8),
    (Kind.LOOSE, 3),
    (Kind.CANCELLED, 2),
    (Kind.DECLINED, 1),
    (Kind.MISSED, 1),
]
WHO = [Who.ME, Who.ME, Who.ME, Who.THEM, Who.THEM, Who.UNKNOWN]


def build(path: Path, entries: int, *, end: datetime, years: int = 5, seed: int = 7) -> float:
    """Append `entries` facts ending at `end`; returns the seconds it took."""
    rng = random.Random(seed)
    span = int(timedelta(days=365 * years).total_seconds())
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    started = time.perf_counter()
    with Store.open(path) as store:
        batch: list[NewEntry] = []
        for number in range(entries):
            batch.append(
                NewEntry(
                    at=end - timedelta(seconds=rng.randrange(span)),
                    kind=rng.choice(kinds).value,
                    who=rng.choice(WHO),
                    source="bench",
                    key=f"bench:{number}",
                    person=rng.choice(PEOPLE),
                    details={"note": "built by bench/build_log.py"} if number % 10 == 0 else {},
                )
            )
            if len(batch) == 50_000:
                store.append_many(batch, now=end)
                batch.clear()
        store.append_many(batch, now=end)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, required=True)
    arguments = parser.parse_args()
    path = arguments.data_dir / "log.sqlite3"
    seconds = build(path, arguments.entries, end=datetime(2026, 11, 1, tzinfo=UTC))
    print(f"built {arguments.entries:,} entries in {seconds:.1f} s at {path}")


if __name__ == "__main__":
    main()
