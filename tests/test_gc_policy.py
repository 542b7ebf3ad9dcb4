"""The garbage collector in an audit run (collect/memory.py, plugin/gc_policy.py): set for
the run and put back after it; the collectors' pause counted across the threads that read
tenants at once."""

from __future__ import annotations

import gc
import threading

import pytest

from okta_m365_audit.collect import memory

from .conftest import run_suite, write_tenant


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_pause_lasts_until_the_last_collection_under_way_ends(collector_on):
    """Two tenants read on two threads: the one that ends first does not turn the collector
    back on under the other, still parsing; the last one does."""
    first_in, second_in, first_out, second_out = (threading.Event() for _ in range(4))
    seen: dict[str, bool] = {}

    def first() -> None:
        with memory.gc_paused():
            first_in.set()
            second_in.wait()
        first_out.set()

    def second() -> None:
        with memory.gc_paused():
            second_in.set()
            first_out.wait()
            seen["after the first ended"] = gc.isenabled()
        second_out.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after the first ended": False}
    assert gc.isenabled()


def test_a_pause_begun_with_the_collector_off_leaves_it_off():
    was = gc.isenabled()
    gc.disable()
    try:
        with memory.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_the_run_sets_the_collector_and_puts_it_back(pytester, golden, monkeypatch):
    """During the run: the young threshold raised and start-up's objects frozen; after it,
    the threshold and the frozen count are as they were."""
    before, frozen_before = gc.get_threshold(), gc.get_freeze_count()
    during: list[tuple[tuple[int, ...], int]] = []
    tune = memory.tune_for_run

    def spy():
        restore = tune()
        during.append((gc.get_threshold(), gc.get_freeze_count()))
        return restore

    monkeypatch.setattr("okta_m365_audit.plugin.gc_policy.tune_for_run", spy)
    run = run_suite(pytester, write_tenant(pytester.path / "tenants", golden).dir)
    assert run.ret == 0
    [(threshold, frozen)] = during
    assert threshold[0] == max(before[0], memory.YOUNG_THRESHOLD)
    assert threshold[1:] == before[1:]
    assert frozen > frozen_before
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen_before
