"""A tenant's collection starts ahead of its checks (session/ahead.py, plugin/ahead.py): the
first tenant's while pytest collects the check modules, each next one's while the one before
it is checked. It reads what it read before, only earlier; a tenant the selection leaves out
is never read; what a collection raises still makes its checks ERROR."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from okta_m365_audit.collect.progress import Progress
from okta_m365_audit.core.errors import AuditError
from okta_m365_audit.session import ahead
from okta_m365_audit.snapshot import document as snap

from .conftest import SUITE, run_suite, write_tenant


class Recorded(Progress):
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []
        self.started = 0.0

    def reading(self, res, key, pages, objects, retries) -> None:
        self.events.append(("reading", key))

    def read_done(self, res, key, record) -> None:
        self.events.append(("read_done", key))

    def finished(self) -> None:
        self.events.append(("finished", None))


def test_held_progress_shows_what_happened_then_what_happens():
    held = ahead.HeldProgress()
    held.reading(None, "a", 0, 0, 0)  # type: ignore[arg-type]
    held.read_done(None, "a", {})  # type: ignore[arg-type]
    watcher = Recorded()
    held.watch(watcher)
    held.finished()
    assert watcher.events == [("reading", "a"), ("read_done", "a"), ("finished", None)]
    assert watcher.started == held.started  # its summary counts from the collection's start


def _spy(monkeypatch) -> list[tuple[str, str]]:
    """Every tenant collected: (tenant, the thread that collected it)."""
    calls: list[tuple[str, str]] = []
    original = ahead.collect_tenant

    def collect(entry, state, progress, **keep):
        calls.append((entry.name, threading.current_thread().name))
        return original(entry, state, progress, **keep)

    monkeypatch.setattr(ahead, "collect_tenant", collect)
    return calls


def _two_tenants(pytester, golden):
    tenants = pytester.path / "tenants"
    write_tenant(tenants, golden, name="first")
    write_tenant(tenants, golden, name="second")
    return tenants


def test_each_tenant_is_read_ahead_once_and_judged_as_before(pytester, golden, monkeypatch):
    calls = _spy(monkeypatch)
    run = run_suite(pytester, _two_tenants(pytester, golden))
    assert run.ret == 0
    assert calls == [("first", "collect-first"), ("second", "collect-second")]
    assert len(list((run.outdir / "snapshots").glob("*.snapshot.json"))) == 2


def test_a_tenant_the_selection_leaves_out_is_never_read(pytester, golden, monkeypatch):
    calls = _spy(monkeypatch)
    run = run_suite(pytester, _two_tenants(pytester, golden), "-k", "second")
    assert run.ret == 0
    assert [tenant for tenant, _ in calls] == ["second"]
    written = sorted(p.name.split("-")[0] for p in (run.outdir / "snapshots").iterdir())
    assert written == ["second", "second"]  # its snapshot and request log; none of the first


def test_collect_only_reads_nothing(pytester, golden, monkeypatch):
    calls = _spy(monkeypatch)
    run_suite(pytester, _two_tenants(pytester, golden), "--collect-only")
    assert calls == []


def test_what_a_collection_ahead_raises_makes_its_checks_error(pytester, golden, monkeypatch):
    def fail(entry, state, progress, **keep):
        raise AuditError(f"{entry.name}: the token endpoint refused the key")

    monkeypatch.setattr(ahead, "collect_tenant", fail)
    tenants = pytester.path / "tenants"
    write_tenant(tenants, golden)
    run = run_suite(pytester, tenants)
    assert run.ret == 1
    assert set(run.verdicts.values()) == {"error"}


def test_a_collection_never_asked_for_ends_before_the_run_does(pytester, golden, monkeypatch):
    """Started at configure, then the run stops before any check (a path that does not
    exist): the collection is waited for, so nothing writes into the run's folders after
    it has ended, and its snapshot is whole."""
    calls = _spy(monkeypatch)
    tenants = pytester.path / "tenants"
    write_tenant(tenants, golden)
    run = run_suite(pytester, tenants, str(SUITE / "test_no_such_module.py"))
    assert run.ret == 4
    assert calls == [("demo", "collect-demo")]
    assert not [t for t in threading.enumerate() if t.name == "collect-demo"]
    (snapshot,) = (run.outdir / "snapshots").glob("*.snapshot.json")
    assert snap.load(snapshot)["meta"]["tenant"] == "demo"


def test_no_more_than_ahead_collections_wait_unasked(pytester, golden, monkeypatch):
    calls = _spy(monkeypatch)
    waiting: list[int] = []
    original = ahead.CollectionAhead.__init__

    def init(self, entry, state, **told):
        waiting.append(len(state.ahead))  # started ahead and not yet asked for, before it
        original(self, entry, state, **told)

    monkeypatch.setattr(ahead.CollectionAhead, "__init__", init)
    tenants = pytester.path / "tenants"
    for name in ("first", "second", "third"):
        write_tenant(tenants, golden, name=name)
    run = run_suite(pytester, tenants)
    assert run.ret == 0
    assert [tenant for tenant, _ in calls] == ["first", "second", "third"]
    assert waiting and max(waiting) < ahead.AHEAD


def test_a_worker_reads_the_tenants_queued_after_its_own():
    """xdist's worker queue (indices into the session's items) as plugin/ahead.py reads
    it: the tenants after the current one, looked up once per growth of the queue (the
    same answer again without reading the items); a queue of another shape gives none."""
    import contextlib
    from types import SimpleNamespace

    from okta_m365_audit.plugin import ahead as plugin_ahead

    class Queue:
        def __init__(self, indices):
            self.indices = indices

        @contextlib.contextmanager
        def lock(self):
            yield self.indices

    items = [SimpleNamespace(user_properties=[("tenant", t)]) for t in "aabbc"]
    worker = SimpleNamespace(torun=Queue([1, 2, 3]), nextitem_index=0,
                             session=SimpleNamespace(items=items))  # fmt: skip

    def config(*plugins):
        return SimpleNamespace(
            pluginmanager=SimpleNamespace(get_plugins=lambda: list(plugins)), stash=pytest.Stash()
        )

    seen = config(worker)
    assert plugin_ahead._queued_after(seen, "a") == ["b"]
    worker.session = SimpleNamespace(items=None)  # read again, it would not answer
    assert plugin_ahead._queued_after(seen, "a") == ["b"]  # the queue has not grown
    worker.session = SimpleNamespace(items=items)
    worker.torun.indices.append(4)
    assert plugin_ahead._queued_after(seen, "a") == ["b", "c"]
    other = SimpleNamespace(torun=Queue(["not an index"]), session=None)
    assert plugin_ahead._queued_after(config(other), "a") == []


def test_while_a_tenant_is_awaited_new_work_is_looked_for(monkeypatch):
    """The wait for a tenant's data calls ``meanwhile`` every tick (an xdist worker starts
    the tenants sent to it then): here the data comes only once it has been called three
    times, so a wait that never called it would never end."""
    looked = threading.Event()
    calls: list[int] = []

    def collect(entry, state, progress, **keep):
        assert looked.wait(30)
        return "the view"

    def meanwhile() -> None:
        calls.append(1)
        if len(calls) == 3:
            looked.set()

    monkeypatch.setattr(ahead, "collect_tenant", collect)
    monkeypatch.setattr(ahead, "WAIT_TICK", 0.01)
    entry = type("Entry", (), {"name": "demo"})()
    started = ahead.CollectionAhead(entry, None)  # type: ignore[arg-type]
    assert started.view(Recorded(), meanwhile=meanwhile) == "the view"
    assert len(calls) >= 3
