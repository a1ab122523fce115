"""The conversation-start rule against a direct reading of its definition, on random
timelines, and split into overlapping exports imported in either order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from nudger.core.conversations import Opening, Span, opening, span_of, starts

THRESHOLD = timedelta(hours=6)
ORIGIN = datetime(2026, 1, 1, tzinfo=UTC)

timelines = st.lists(st.integers(0, 60 * 24 * 20), min_size=1, max_size=40).map(
    lambda minutes: [ORIGIN + timedelta(minutes=m) for m in sorted(minutes)]
)


def by_definition(times: list[datetime]) -> set[datetime]:
    """A message starts a conversation when the silence before it is at least the threshold;
    the very first one of what was imported has no known silence before it."""
    return {b for a, b in pairwise(times) if b - a >= THRESHOLD}


def imported(files: list[list[datetime]]) -> set[datetime]:
    """The starts a sequence of imports of one chat records, each seeing earlier spans."""
    earlier: list[Span] = []
    found: set[datetime] = set()
    for times in files:
        found |= {times[i] for i in starts(times, threshold=THRESHOLD, earlier=earlier)}
        span = span_of(times)
        assert span is not None
        earlier.append(span)
    return found


@given(timelines)
def test_one_export_counts_what_the_definition_says(times: list[datetime]) -> None:
    assert imported([times]) == by_definition(times)


@given(timelines, st.data())
def test_overlapping_exports_in_either_order_count_what_the_whole_counts(
    times: list[datetime], data: st.DataObject
) -> None:
    # Two slices of the timeline, each complete between its ends, sharing at least a message.
    end_of_older = data.draw(st.integers(1, len(times)))
    start_of_newer = data.draw(st.integers(0, end_of_older - 1))
    older, newer = times[:end_of_older], times[start_of_newer:]
    whole = by_definition(times)
    assert imported([older, newer]) == whole
    assert imported([newer, older]) == whole
    assert imported([times, older, newer]) == whole


def test_a_file_first_message_is_decided_by_what_earlier_imports_covered() -> None:
    at = ORIGIN + timedelta(hours=10)
    covering = [Span(ORIGIN, at + timedelta(hours=1))]
    assert opening(None, at, threshold=THRESHOLD, earlier=covering) is Opening.KNOWN
    assert opening(None, at, threshold=THRESHOLD) is Opening.UNDECIDED
    before = [Span(ORIGIN, at - timedelta(hours=1))]  # what came between is not known
    assert opening(None, at, threshold=THRESHOLD, earlier=before) is Opening.UNDECIDED
    assert opening(at - THRESHOLD, at, threshold=THRESHOLD) is Opening.START
    assert opening(at - THRESHOLD + timedelta(seconds=1), at, threshold=THRESHOLD) is (
        Opening.REPLY
    )
