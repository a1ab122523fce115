"""The planner's index of the log answers what the scans it replaced answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from nudger.core.model import Kind, Who
from nudger.core.nudges.log_index import LogIndex
from tests.core.test_nudges import entry

NOW = datetime(2026, 11, 4, 12, tzinfo=UTC)


def test_a_persons_entries_are_found_whatever_the_case_of_the_name_oldest_first() -> None:
    first = entry(Kind.PLAN, Who.ME, NOW - timedelta(days=2), person="alex")
    second = entry(Kind.MESSAGE, Who.THEM, NOW - timedelta(days=1), person="Alex")
    index = LogIndex.build([first, second, entry(Kind.CALL, Who.ME, NOW, person="Sam")], NOW)

    assert index.of("ALEX") == [first, second]
    assert index.of("Nobody") == []


def test_a_plans_history_is_matched_by_uid_and_occurrence_exactly() -> None:
    plan = {"uid": "d1", "occurrence": "20261105T180000Z"}
    cancelled = entry(Kind.CANCELLED, Who.THEM, NOW - timedelta(hours=1), details=plan)
    other = entry(Kind.CANCELLED, Who.THEM, NOW, details={**plan, "occurrence": "x"})
    odd = entry(Kind.CANCELLED, Who.THEM, NOW, details={"uid": ["d1"], "occurrence": "x"})
    index = LogIndex.build([cancelled, other, odd], NOW)

    assert index.same_plan("alex", plan) == [cancelled]
    assert index.same_plan("Alex", {"uid": ["d1"], "occurrence": "x"}) == [odd]
    assert index.same_plan("Alex", {"uid": "['d1']", "occurrence": "x"}) == []


def test_only_plans_logged_up_to_now_make_the_run_and_the_first_suggestion() -> None:
    plans = [
        entry(Kind.PLAN, Who.THEM, NOW - timedelta(days=3), details={"uid": "a"}),
        entry(Kind.PLAN, Who.ME, NOW - timedelta(days=2), details={"uid": "a"}),
        entry(Kind.PLAN, Who.ME, NOW - timedelta(days=1), details={"uid": "b"}),
        entry(Kind.PLAN, Who.THEM, NOW + timedelta(days=1), details={"uid": "c"}),
    ]
    index = LogIndex.build(plans, NOW)

    history = index.plan_history("Alex")
    assert history.first_by_uid["a"] is plans[0]
    assert "c" not in history.first_by_uid
    assert history.run == (Who.ME, 2)
    assert index.plans_since("alex", NOW - timedelta(days=2))
    assert not index.plans_since("alex", NOW + timedelta(days=1))
