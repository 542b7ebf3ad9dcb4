"""A tenant's outputs started as soon as its last check has reported, not at the run's end.

In a fleet run (issue 16) the process that writes the outputs (the xdist controller, or the
only process) used to build twenty tenants' documents and print twenty handover PDFs one
after another once every tenant was done, while the workers sat idle. Here it knows which
checks each tenant has (the node ids collected), crosses each off as its last report
arrives (its teardown, or the crash report of a worker that died in it), and when a tenant
has none left builds its documents and hands its PDF to the printer
(outputs/bundles.PendingBundles): Chromium prints it on another core while the other
tenants are still read and checked. At the end, outputs/bundles builds every document again
and keeps an early one only where nothing but its finishing time differs.

A node id this module cannot place (a test of no tenant, an id naming several tenants)
leaves its tenant to the end of the run, as before; so does anything unexpected here.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..outputs.bundles import PendingBundles
from .state import STATE_KEY, current_state, is_worker, state_of

#: the run's pending bundles, and tenant -> node ids of its checks not yet reported
PENDING_KEY = pytest.StashKey[PendingBundles]()
LEFT_KEY = pytest.StashKey[dict[str, set[str]]]()
#: the config of the session under way (logreport gets none)
_CONFIG: list[pytest.Config] = []


def pending_bundles(config: pytest.Config) -> PendingBundles | None:
    """The bundles this module started early (None when it started none)."""
    return config.stash.get(PENDING_KEY, None)


def _follow(config: pytest.Config, tenant_of_node: dict[str, str | None]) -> None:
    left: dict[str, set[str]] = {}
    for nodeid, tenant in tenant_of_node.items():
        if tenant is None:
            continue
        left.setdefault(tenant, set()).add(nodeid)
    config.stash[LEFT_KEY] = left
    _CONFIG[:] = [config]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A tenant's checks one after another, tenants in the order of the run: pytest's own
    order interleaves the tenants (each check's items for every tenant), so with several
    tenants none was done before the very end. Grouped, a tenant's outputs start while the
    next one is read (and its data could go once its checks are done). Stable: each
    tenant's checks keep their order; items of no tenant stay first, as collected."""
    state = config.stash.get(STATE_KEY, None)
    if state is None or len(state.tenants) < 2:
        return
    rank = {name: i for i, name in enumerate(state.tenants)}
    items.sort(key=lambda item: rank.get(dict(item.user_properties).get("tenant", ""), -1))


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """A run without xdist: the checks it collected, by tenant."""
    config = session.config
    state = state_of(config)
    if state is None or is_worker(config) or not _outputs_here(config):
        return
    tenants = {item.nodeid: dict(item.user_properties).get("tenant") for item in session.items}
    _follow(config, tenants)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """The xdist controller: the node ids a worker collected (every worker collects the
    same), placed by tenant from their parameter ids, as the scheduler places them."""
    config = node.config
    state = state_of(config)
    if state is None or config.stash.get(LEFT_KEY, None) is not None:
        return
    from ..session.parallel import tenants_of
    from .fixtures import param_ids
    from .xdist_hooks import check_id_of

    checks = [nid for nid in ids if check_id_of(nid) is not None]
    _follow(config, tenants_of(checks, param_ids(state)))


def _outputs_here(config: pytest.Config) -> bool:
    return not bool(getattr(config.option, "numprocesses", None))


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """After the report is filed (plugin/checks.py): its node crossed off; a tenant with
    none left has its documents built and its PDF printing."""
    if not _CONFIG:
        return
    config = _CONFIG[0]
    state = current_state()
    left = config.stash.get(LEFT_KEY, None)
    if state is None or left is None:
        return
    if report.when != "teardown" and not getattr(report, "audit_crash", False):
        return
    for tenant, nodes in left.items():
        if report.nodeid in nodes:
            nodes.discard(report.nodeid)
            if not nodes:
                _start(config, state, tenant)
            return


def _start(config: pytest.Config, state: Any, tenant: str) -> None:
    entry = state.tenants.get(tenant)
    if entry is None or state.reports_dir is None:
        return
    pending = config.stash.get(PENDING_KEY, None)
    try:
        if pending is None:
            pending = PendingBundles(
                state,
                pdf=not config.getoption("--no-pdf", False),
                say=config.get_terminal_writer().line,
            )
            config.stash[PENDING_KEY] = pending
        pending.start(entry)
    except Exception:  # built at the end of the run instead, where a problem is reported
        return


def pytest_unconfigure(config: pytest.Config) -> None:
    if _CONFIG and _CONFIG[0] is config:
        _CONFIG.clear()
