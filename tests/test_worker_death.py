"""A worker that dies (session/parallel.py TenantScheduling.remove_node): a test is named
as the one it crashed in only if the worker had begun it (xdist's logstart reached the
controller). xdist itself names the first unfinished test it was sent, so a worker that died
reading ahead its first tenant, after it was sent that tenant's tests and before it began
one, would leave a check it never ran an ERROR. Its unfinished tests go to its replacement
either way."""

from __future__ import annotations

from .test_worker_first import _collection, _scheduler


def test_a_worker_that_dies_before_it_begins_a_test_crashed_in_none():
    sched, workers = _scheduler("ab", ready=["gw0", "gw1"], first={})
    assert sched.remove_node(workers["gw0"]) is None
    assert list(sched.workqueue) == ["tenant:a"]  # a's three tests, for the replacement
    assert not any(sched.workqueue["tenant:a"].values())


def test_a_worker_that_dies_in_a_test_it_began_crashed_in_that_one():
    sched, workers = _scheduler("ab", ready=["gw0", "gw1"], first={})
    first, second = _collection("ab")[:2]
    sched.begun.pytest_runtest_logstart(first)
    sched.mark_test_complete(workers["gw0"], 0)
    sched.begun.pytest_runtest_logstart(second)
    assert sched.remove_node(workers["gw0"]) == second


def test_a_replacement_that_dies_before_it_begins_the_crashed_test_crashed_in_none():
    """gw0 died in a's first test; gw2, given a's tests, died before it began that test."""
    sched, workers = _scheduler("ab", ready=["gw0", "gw1"], first={})
    first = _collection("ab")[0]
    sched.begun.pytest_runtest_logstart(first)
    assert sched.remove_node(workers["gw0"]) == first
    replacement = type(workers["gw0"])("gw2")
    sched.add_node(replacement)
    sched.add_node_collection(replacement, _collection("ab"))
    sched.schedule()
    assert replacement.sent == [[0, 1, 2]]
    assert sched.remove_node(replacement) is None
