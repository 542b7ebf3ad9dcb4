"""Many tenants on one machine: pytest-xdist, grouped so that each tenant is collected once.

``pytest tests_integration -n N`` runs the tenants on N worker processes. Every test of one
tenant goes to the same worker: the tenant is one work unit of xdist's scope scheduling
(``LoadScopeScheduling``), so its snapshot is read from the APIs exactly once per run, by
the one worker that runs its checks, never once per worker. The plugin installs this
scheduler itself (``pytest_xdist_make_scheduler``); the user passes only ``-n N``.

Why not xdist's own ``xdist_group`` marker and ``--dist loadgroup``: that scheduler appends
``@<group>`` to every node id, so test ids in the JUnit XML, the HTML report and the
terminal would differ from a run without ``-n``. Here the node ids stay as they are, and the
tenant is read back from them.

The controller collects no tests (xdist leaves that to the workers), so it only sees node
ids. A tenant's tests carry its name in their parameter id (``demo``, ``demo-contoso.com``),
and the controller knows the ids plugin/fixtures.py gives each tenant's tests, since it
loaded the same tenant files; ``tenant_scopes`` looks each id up there. An id it does not
know (another plugin's parameters added to it, say) belongs to every tenant whose name is a
run of its '-'-separated parts; where that is more than one tenant, those tenants share one
work unit. They may then run on the same worker, but a tenant is never split across two.

This module imports xdist: import it only when xdist runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadScopeScheduling

SCOPE_PREFIX = "tenant:"
#: work units (tenants) a worker holds unfinished: the one it checks and the next
UNITS_HELD = 2


def param_id(nodeid: str) -> str | None:
    """The parameter id of a node id (``demo-contoso.com`` of ``...::test_x[demo-contoso.com]``),
    or None when the test is not parametrized."""
    start = nodeid.find("[", max(nodeid.find("::"), 0))
    if start < 0 or not nodeid.endswith("]"):
        return None
    return nodeid[start + 1 : -1]


def _names_in(pid: str, names: set[str]) -> set[str]:
    """The tenant names that are a run of whole '-'-separated parts of a parameter id."""
    parts = pid.split("-")
    found = set()
    for a in range(len(parts)):
        for b in range(a + 1, len(parts) + 1):
            candidate = "-".join(parts[a:b])
            if candidate in names:
                found.add(candidate)
    return found


def stands_alone(name: str, names: Iterable[str]) -> bool:
    """No other tenant's name is a run of ``name``'s '-'-separated parts, nor ``name`` a
    run of another's (``acme`` and ``acme-eu``): an id the plugin does not know that names
    one names both, and ``tenant_scopes`` joins them into one unit."""
    return not any(
        other != name and (_names_in(other, {name}) or _names_in(name, {other})) for other in names
    )


def _owners(pid: str, names: set[str], by_id: dict[str, set[str]]) -> set[str]:
    return by_id.get(pid) or _names_in(pid, names)


def _index(tenants: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """Parameter id -> the tenants whose tests are known to carry it."""
    by_id: dict[str, set[str]] = {}
    for name, ids in tenants.items():
        for pid in ids:
            by_id.setdefault(pid, set()).add(name)
    return by_id


def tenant_scopes(nodeids: Iterable[str], tenants: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Node id -> its work unit (``tenant:<name>``) for every test that belongs to a tenant.

    ``tenants`` maps each tenant to the parameter ids its tests are known to get (may be
    empty). Tenants that some id cannot tell apart are joined into one unit
    (``tenant:acme+acme-eu``), so no tenant's tests are ever split. Tests of no tenant are
    left out (xdist groups them by module).

    >>> tenant_scopes(["t.py::test_a[demo]", "t.py::test_b[demo-contoso.com]", "t.py::x"],
    ...               {"demo": []})
    {'t.py::test_a[demo]': 'tenant:demo', 't.py::test_b[demo-contoso.com]': 'tenant:demo'}
    """
    names = set(tenants)
    by_id = _index(tenants)
    parent = {n: n for n in names}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    owners: dict[str, set[str]] = {}
    for nodeid in nodeids:
        pid = param_id(nodeid)
        found = _owners(pid, names, by_id) if pid is not None else set()
        if not found:
            continue
        owners[nodeid] = found
        first, *rest = sorted(found)
        for other in rest:
            parent[root(other)] = root(first)
    members: dict[str, list[str]] = {}
    for n in sorted(names):
        members.setdefault(root(n), []).append(n)
    label = {r: SCOPE_PREFIX + "+".join(ms) for r, ms in members.items()}
    return {nodeid: label[root(next(iter(found)))] for nodeid, found in owners.items()}


def tenant_of(nodeid: str, tenants: Mapping[str, Iterable[str]]) -> str | None:
    """The one tenant a node id belongs to, or None when it names none or several."""
    return tenants_of([nodeid], tenants)[nodeid]


def tenants_of(
    nodeids: Iterable[str], tenants: Mapping[str, Iterable[str]]
) -> dict[str, str | None]:
    """``tenant_of`` for many node ids, the tenants' ids indexed once (a fleet's controller
    places every node id of the run: 3,000 for 20 tenants)."""
    names, by_id = set(tenants), _index(tenants)
    placed: dict[str, str | None] = {}
    for nodeid in nodeids:
        pid = param_id(nodeid)
        found = _owners(pid, names, by_id) if pid is not None else set()
        placed[nodeid] = next(iter(found)) if len(found) == 1 else None
    return placed


class BegunTests:
    """Controller: the node ids a worker has begun to run (its ``pytest_runtest_logstart``,
    which xdist passes on before the test's setup) and not yet been found dead in."""

    def __init__(self) -> None:
        self.nodeids: set[str] = set()

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.nodeids.add(nodeid)


class TenantScheduling(LoadScopeScheduling):
    """xdist's scope scheduling with one scope per tenant: all of a tenant's tests run on
    one worker, tenants are handed out one at a time as workers run dry (the largest first,
    xdist's ``--loadscope-reorder`` default), and a crashed worker's unfinished tenant goes
    to its replacement. Tests of no tenant are grouped by module, as ``--dist loadscope``
    does."""

    def __init__(
        self,
        config: pytest.Config,
        log: Producer | None = None,
        *,
        tenants: Mapping[str, Iterable[str]],
        first: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(config, log)
        self.log = Producer("tenantsched") if log is None else log.tenantsched
        self.tenants = {name: sorted(ids) for name, ids in sorted(tenants.items())}
        self._scopes: dict[str, str] | None = None
        self._positions: dict[Any, dict[str, int]] = {}  #: node -> node id -> its index
        #: worker id -> the tenant it was told, at its start, it would check first (and
        #: reads ahead from then: plugin/ahead.py); its unit goes to no other live worker
        self.first = dict(first or {})
        self.begun = BegunTests()
        config.pluginmanager.register(self.begun)

    def remove_node(self, node: Any) -> str | None:
        """xdist's, but a worker that died is said to have crashed in a test only if it had
        begun that test. xdist names the first unfinished test it was sent, begun or not: a
        worker that died reading ahead the tenant it checks first (plugin/ahead.py), after it
        was sent that tenant's tests but before it began one, would leave that tenant's first
        check an ERROR it never ran. Either way the unfinished tests (that one included) go
        to the worker that replaces it, and the run fails (plugin/xdist_hooks.py)."""
        crashitem = super().remove_node(node)
        if crashitem is None:
            return None
        begun = crashitem in self.begun.nodeids
        self.begun.nodeids.discard(crashitem)  # its replacement begins it afresh
        if not begun:
            self.log(f"worker {_worker_id(node)} died before it began {crashitem}")
            return None
        return crashitem

    def _reschedule(self, node: Any) -> None:
        """xdist's, but each worker holds the tenant it checks and the next one (two work
        units), not one until its last two tests: the worker then reads the next tenant
        while it checks the one before (plugin/ahead.py). The cost: at the very end one
        worker may still hold a tenant another, idle, could have taken."""
        if node.shutting_down:
            return
        if not self.workqueue:
            node.shutdown()
            return
        units = self.assigned_work[node].values()
        if sum(1 for unit in units if not all(unit.values())) >= UNITS_HELD:
            return
        self._assign_work_unit(node)

    def schedule(self) -> None:
        """xdist's; the first distribution goes through the workers in the order of their
        ids (gw0, gw1...), not the order they became ready in, so that when there are more
        workers than units the ones shut down unused are the last, which were told no
        tenant to start with."""
        if self.collection is None:
            ordered = sorted(self.assigned_work.items(), key=lambda kv: _worker_number(kv[0]))
            self.assigned_work.clear()
            self.assigned_work.update(ordered)
        super().schedule()

    def _next_scope(self, node: Any) -> str:
        """The unit ``node`` gets next: the tenant it was told it would check first, while
        that is queued; else the first queued unit no other live worker was told of (the
        first of all when every one was: a unit is never held back for long)."""
        told = {self._scope_of_tenant(t): w for w, t in self.first.items()}
        mine = self._scope_of_tenant(self.first.pop(_worker_id(node), ""))
        if mine in self.workqueue:
            return mine
        live = {_worker_id(n) for n in self.assigned_work if n is not node}
        for scope in self.workqueue:
            if told.get(scope) not in live:
                return scope
        return next(iter(self.workqueue))

    def _scope_of_tenant(self, tenant: str) -> str:
        """The unit holding ``tenant``'s tests (``tenant:<name>``, or a joined unit)."""
        for scope in self.workqueue:
            if tenant in scope[len(SCOPE_PREFIX) :].split("+"):
                return scope
        return ""

    def _assign_work_unit(self, node: Any) -> None:
        """xdist's: the next unit to ``node``, sent as indices into its collection, the unit
        chosen by ``_next_scope``; the collection indexed once per node where xdist scans
        it with ``list.index`` for each test (30 ms of a 20-tenant fleet's 3,000 tests)."""
        scope = self._next_scope(node)
        work_unit = self.workqueue.pop(scope)
        self.assigned_work.setdefault(node, {})[scope] = work_unit
        position = self._positions.get(node)
        if position is None:
            position = self._positions[node] = {}
            for index, nodeid in enumerate(self.registered_collections[node]):
                position.setdefault(nodeid, index)  # the first, as list.index finds
        node.send_runtest_some([position[n] for n, done in work_unit.items() if not done])

    def _split_scope(self, nodeid: str) -> str:
        if self._scopes is None:
            # first called by schedule(), once every worker's identical collection is in
            self._scopes = tenant_scopes(self.collection or [nodeid], self.tenants)
        scope = self._scopes.get(nodeid)
        if scope is None and nodeid not in (self.collection or ()):
            scope = tenant_scopes([nodeid], self.tenants).get(nodeid)
        return scope or super()._split_scope(nodeid)


def _worker_id(node: Any) -> str:
    return str(getattr(getattr(node, "gateway", None), "id", ""))


def _worker_number(node: Any) -> int:
    """gw3 -> 3; a worker of another name sorts last."""
    wid = _worker_id(node)
    return int(wid[2:]) if wid.startswith("gw") and wid[2:].isdigit() else 1 << 30
