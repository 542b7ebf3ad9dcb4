"""Tenant parametrization and the fixtures the checks ask for (testinfra's ``host`` idea).

Checks never call an API: the fixtures read the tenant's snapshot, and a fixture whose data
could not be read raises during setup, so the check ERRORs.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from ..core import safe_files
from ..core.errors import AuditError
from ..outputs.tenant import compare_with_baseline
from ..session import ahead as reading
from ..session.tenants import AuditState, TenantEntry
from ..snapshot import document as snap
from ..views import DataUnavailable, TenantView
from . import timing
from .ahead import read_next_ahead
from .progress import progress_for
from .state import STATE_KEY, is_worker


class AuditConfigError(Exception):
    """A tenant could not be loaded or collected: every check of it ERRORs with this."""


#: fixture name -> the items of a tenant it is parametrized over
PER_ITEM: dict[str, Any] = {
    "domain": lambda cfg: cfg.expect.domains_to_federate,
    "excluded_account": lambda cfg: sorted(
        set(cfg.expect.excluded_accounts) | {cfg.expect.service_account}
    ),
    "okta_resource": lambda cfg: [r.name for r in snap.RESOURCES if r.api == "okta"],
    "graph_resource": lambda cfg: [r.name for r in snap.RESOURCES if r.api == "graph"],
}
NOT_LOADED = "(tenant not loaded)"


def _items_of(entry: TenantEntry, argname: str) -> list[Any]:
    return PER_ITEM[argname](entry.cfg) if entry.cfg else [NOT_LOADED]


def param_ids(state: AuditState) -> dict[str, set[str]]:
    """Tenant -> the parameter ids pytest_generate_tests gives its tests (xdist's controller,
    which collects nothing, tells the tenants of node ids by them)."""
    return {
        entry.name: {entry.name}
        | {f"{entry.name}-{item}" for argname in PER_ITEM for item in _items_of(entry, argname)}
        for entry in state.tenants.values()
    }


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "_tenant" not in metafunc.fixturenames:
        return
    state = metafunc.config.stash[STATE_KEY]
    names, values, ids = [], [], []
    argname = next((n for n in PER_ITEM if n in metafunc.fixturenames), None)
    for entry in state.tenants.values():
        if argname is None:
            names = ["_tenant"]
            values.append(entry.name)
            ids.append(entry.name)
            continue
        names = ["_tenant", argname]
        for item in _items_of(entry, argname):
            values.append((entry.name, item))
            ids.append(f"{entry.name}-{item}")
    if not values:
        return
    argnames: str | list[str] = names if len(names) > 1 else names[0]
    metafunc.parametrize(argnames, values, ids=ids, indirect=["_tenant"], scope="session")


@pytest.fixture(scope="session")
def _tenant(request: pytest.FixtureRequest) -> TenantView:
    state = request.config.stash[STATE_KEY]
    entry = state.tenants[request.param]
    ahead = state.ahead.pop(entry.name, None)  # its collection, if it was started ahead

    def read_next() -> None:  # while this one is read and checked
        read_next_ahead(request.config, state, entry.name)

    read_next()
    if entry.error:
        raise AuditConfigError(entry.error)
    if entry.view is None and entry.collect_error is None:
        started = time.perf_counter()
        try:
            progress = progress_for(request.config, entry.name)
            # read now, or taken from its collection ahead: one function either way
            # (reading.collect_tenant, looked up when called)
            if ahead is not None:  # the tenants sent to a worker meanwhile start as they come
                # (a run without workers knows its order from the start: nothing to look for)
                looking = read_next if is_worker(request.config) else None
                view = ahead.view(progress, meanwhile=looking)
            else:
                view = reading.collect_tenant(entry, state, progress)
            compare_with_baseline(state, view.cfg.name, view.doc)
            entry.view = view
        except (AuditError, snap.SnapshotError, safe_files.OutputError) as exc:
            entry.collect_error = str(exc)
        timing.add_seconds("tenant_collect_s", time.perf_counter() - started)
    if entry.collect_error:
        raise AuditConfigError(entry.collect_error)
    assert entry.view is not None
    return entry.view


@pytest.fixture(scope="session")
def tenant(_tenant: TenantView) -> TenantView:
    return _tenant


tenant.__doc__ = TenantView.__doc__
EVIDENCE_KEY = pytest.StashKey[dict]()


@pytest.fixture
def evidence(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Observed and expected values a check records; the report shows them."""
    store: dict[str, Any] = {}
    request.node.stash[EVIDENCE_KEY] = store
    return store


@pytest.fixture
def office365_app(tenant: TenantView) -> dict[str, Any]:
    return tenant.office365_app


@pytest.fixture
def active_certificate(tenant: TenantView, domain: str):
    """The signing certificate of the Office 365 app instance that serves the domain."""
    return tenant.active_certificate_for(domain)


@pytest.fixture
def connection(tenant: TenantView) -> dict[str, Any]:
    return tenant.connection


@pytest.fixture
def entra_domain(tenant: TenantView, domain: str) -> dict[str, Any]:
    return tenant.domain(domain)


@pytest.fixture
def federation(tenant: TenantView, domain: str) -> dict[str, Any]:
    """The domain's federation configuration. Checks that read it ERROR when there is none:
    FED-02 is the one that fails for its absence."""
    fed = tenant.federation(domain)
    if fed is None:
        raise DataUnavailable(
            f"{domain} has no federation configuration in Entra (GET "
            f"/domains/{domain}/federationConfiguration answered 404); see FED-02"
        )
    return fed
