"""An xdist worker told, as it starts, the tenant it checks first (plugin/ahead.py,
session/parallel.py): it reads that tenant from its own start, and the scheduler gives it that
tenant's unit whatever order the workers became ready in. What it read is kept only once the
tenant's tests reach it; a read whose tests went elsewhere is let go with no file written."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from okta_m365_audit.plugin import ahead as plugin_ahead
from okta_m365_audit.session import ahead
from okta_m365_audit.session.parallel import TenantScheduling, stands_alone
from okta_m365_audit.session.tenants import (
    AuditState,
    NotKept,
    collect_tenant,
    select_tenants,
    start_run,
)

from .conftest import write_tenant


class Worker:
    """A WorkerController as the scheduler sees it: an id, the units sent, a shutdown."""

    def __init__(self, wid: str) -> None:
        self.gateway = SimpleNamespace(id=wid)
        self.sent: list[list[int]] = []
        self.shutting_down = False

    def send_runtest_some(self, indices: list[int]) -> None:
        self.sent.append(indices)

    def shutdown(self) -> None:
        self.shutting_down = True

    def __repr__(self) -> str:
        return self.gateway.id


def _config(workers: int) -> Any:
    values = {"tx": [f"{workers}*popen"], "dist": "load"}
    return SimpleNamespace(
        getvalue=values.get,
        option=SimpleNamespace(loadscopereorder=True, numprocesses=workers),
        pluginmanager=SimpleNamespace(register=lambda plugin: None),
    )


def _collection(tenants: str) -> list[str]:
    """Three checks per tenant, grouped by tenant, as the plugin orders them."""
    return [f"t.py::test_{n}[{t}]" for t in tenants for n in ("a", "b", "c")]


def _scheduled(tenants: str, ready: list[str], first: dict[str, str]) -> dict[str, Worker]:
    return _scheduler(tenants, ready, first)[1]


def _scheduler(
    tenants: str, ready: list[str], first: dict[str, str]
) -> tuple[TenantScheduling, dict[str, Worker]]:
    sched = TenantScheduling(_config(len(ready)), tenants={t: [] for t in tenants}, first=first)
    collection = _collection(tenants)
    workers = {wid: Worker(wid) for wid in ready}
    for wid in ready:  # the order they became ready in
        sched.add_node(workers[wid])
    for wid in ready:
        sched.add_node_collection(workers[wid], collection)
    sched.schedule()
    return sched, workers


def _tenants_sent(worker: Worker, tenants: str) -> list[str]:
    collection = _collection(tenants)
    return ["".join(sorted({collection[i][-2] for i in unit})) for unit in worker.sent]


def test_each_worker_gets_first_the_tenant_it_was_told_whatever_its_ready_order():
    workers = _scheduled("abcd", ready=["gw1", "gw0"], first={"gw0": "c", "gw1": "a"})
    assert _tenants_sent(workers["gw0"], "abcd") == ["c", "b"]
    assert _tenants_sent(workers["gw1"], "abcd") == ["a", "d"]


def test_without_telling_the_units_go_in_queue_order_by_worker_id():
    workers = _scheduled("abcd", ready=["gw1", "gw0"], first={})
    assert _tenants_sent(workers["gw0"], "abcd") == ["a", "c"]
    assert _tenants_sent(workers["gw1"], "abcd") == ["b", "d"]


def test_the_units_sent_are_indices_into_the_collection():
    workers = _scheduled("ab", ready=["gw0", "gw1"], first={})
    assert workers["gw0"].sent == [[0, 1, 2]] and workers["gw1"].sent == [[3, 4, 5]]


def test_a_unit_told_to_a_worker_that_is_gone_goes_to_another():
    """gw0 died before the first distribution; gw2 replaced it, and was told nothing."""
    workers = _scheduled("abc", ready=["gw2", "gw1"], first={"gw0": "a", "gw1": "b"})
    assert _tenants_sent(workers["gw1"], "abc") == ["b", "c"]
    assert _tenants_sent(workers["gw2"], "abc") == ["a"]


def test_workers_beyond_the_units_are_the_last_ids_shut_down():
    """One tenant, two workers ready gw0 last: gw1, told nothing, is the one shut down."""
    workers = _scheduled("a", ready=["gw0", "gw1"][::-1], first={"gw0": "a"})
    assert _tenants_sent(workers["gw0"], "a") == ["a"]
    assert workers["gw1"].sent == [] and workers["gw1"].shutting_down


def test_names_that_could_share_a_unit_do_not_stand_alone():
    names = ["acme", "acme-eu", "bravo", "eu", "bravo2"]
    assert not stands_alone("acme", names)  # a run of acme-eu
    assert not stands_alone("acme-eu", names)
    assert not stands_alone("eu", names)
    assert stands_alone("bravo", names) and stands_alone("bravo2", names)


def _state(names: list[str]) -> Any:
    entries = {n: SimpleNamespace(name=n, cfg=object(), error=None, from_snapshot=None,
                                  view=None, collect_error=None) for n in names}  # fmt: skip
    return SimpleNamespace(tenants=entries, ahead={}, offline=False)


def _controller(workers: int, **options: Any) -> Any:
    return SimpleNamespace(option=SimpleNamespace(numprocesses=workers, **options))


@pytest.mark.parametrize(
    ("worker", "told"), [("gw0", "alpha"), ("gw1", None), ("gw2", "charlie"), ("gw3", None)]
)
def test_the_nth_worker_is_told_the_nth_tenant_when_it_stands_alone(worker, told):
    """gw1's would be acme, a run of acme-eu; gw3 is beyond -n 3 (a replacement)."""
    state = _state(["alpha", "acme", "charlie", "acme-eu"])
    assert plugin_ahead.first_for_worker(_controller(3), state, worker, True) == told


@pytest.mark.parametrize("option", plugin_ahead.NARROWING)
def test_nothing_is_told_when_the_selection_may_leave_a_tenant_out(option):
    config = _controller(2, **{option: "x"})
    assert plugin_ahead.first_for_worker(config, _state(["alpha"]), "gw0", True) is None


def test_nothing_is_told_when_another_scheduler_may_hand_out_the_units():
    assert plugin_ahead.first_for_worker(_controller(2), _state(["alpha"]), "gw0", False) is None


def test_a_scheduler_plugin_of_anothers_stops_the_telling(pytester):
    """``_scheduled_here`` reads the hook's implementations: a plugin's own scheduler
    (not trylast) means the units may not go where the workers were told."""
    from okta_m365_audit.plugin import xdist_hooks

    config = pytester.parseconfig("-p", "xdist")
    config.pluginmanager.register(xdist_hooks, "audit-xdist-hooks")
    config.option.dist = "load"
    assert xdist_hooks._scheduled_here(config)

    class Other:
        @pytest.hookimpl
        def pytest_xdist_make_scheduler(self, config, log):
            return None

    config.pluginmanager.register(Other(), "other-scheduler")
    assert not xdist_hooks._scheduled_here(config)


@pytest.fixture
def one_tenant(tmp_path: Path, golden: dict[str, Any]) -> tuple[AuditState, Any]:
    state = AuditState()
    start_run(state, reports_dir=tmp_path / "reports", controller=None, offline=False,
              fail_on="low", selection={}, snapshot_out=None)  # fmt: skip
    write_tenant(tmp_path / "tenants", golden)
    select_tenants(state, tenants_dir=tmp_path / "tenants", wanted=[], from_snapshots=[],
                   baselines=[])  # fmt: skip
    return state, state.tenants["demo"]


def _written(state: AuditState) -> list[str]:
    assert state.reports_dir is not None
    return sorted(p.name for p in state.reports_dir.rglob("*") if p.is_file())


def test_a_read_let_go_writes_no_file(one_tenant):
    state, entry = one_tenant
    with pytest.raises(NotKept):
        collect_tenant(entry, state, keep=lambda: False)
    assert _written(state) == []
    assert entry.snapshot_file is None and entry.request_log is None


def test_a_told_read_keeps_nothing_until_claimed_and_nothing_when_let_go(one_tenant):
    """Told, read, then the run ends with its tests sent elsewhere: let go, no file. Told
    and then claimed (its tests came here): the snapshot and request log are written."""
    state, entry = one_tenant
    told = ahead.CollectionAhead(entry, state, told=True)
    told.let_go()
    told.wait()
    assert _written(state) == []
    claimed = ahead.CollectionAhead(entry, state, told=True)
    claimed.claim()
    claimed.wait()
    assert [name.split(".", 1)[1] for name in _written(state)] == [
        "emulator-requests.json",
        "snapshot.json",
    ]


def test_a_told_read_waits_unwritten_for_its_answer(one_tenant, monkeypatch):
    """Its answers in before the tenant's tests reached the worker: it writes nothing while
    it waits to learn whether it keeps them."""
    state, entry = one_tenant
    asked = threading.Event()
    original = ahead.CollectionAhead._keep

    def keep(self):
        asked.set()
        return original(self)

    monkeypatch.setattr(ahead.CollectionAhead, "_keep", keep)
    told = ahead.CollectionAhead(entry, state, told=True)
    assert asked.wait(60)
    assert _written(state) == [] and not told._done.is_set()
    told.claim()
    told.wait()
    assert len(_written(state)) == 2


def test_tests_sent_to_the_worker_claim_its_told_read(monkeypatch):
    """``start_ahead`` with the tenants queued to the worker claims a told read among them."""
    claims: list[str] = []
    state = _state(["alpha", "bravo"])
    state.ahead["alpha"] = SimpleNamespace(claim=lambda: claims.append("alpha"))
    monkeypatch.setattr(ahead, "AHEAD", 1)
    ahead.start_ahead(state, ["alpha", "bravo"])
    assert claims == ["alpha"] and list(state.ahead) == ["alpha"]
    ahead.start_ahead(state, ["alpha"], told=True)
    assert claims == ["alpha"]  # a told start claims nothing
