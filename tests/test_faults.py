"""Faults: throttling, 5xx, slowness, resets, broken bodies, dead next links, expired tokens.

Two properties, on a tenant broken in several ways (so there are failures to hide):
- every fault kind on every collected resource: collection completes, and the resource is
  either read whole after bounded retries (the attempts are counted) or recorded as failed
  with its cause, never as a silent partial read;
- the verdicts of a faulted run never include a pass where the fault-free run of the same
  tenant failed or errored (no false pass), in a matrix and under random fault schedules.
"""

from __future__ import annotations

import asyncio
import copy
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_m365_audit.clients import GraphApi, Limits, OktaApi, RealmApi
from okta_m365_audit.collect.collector import Collector
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.emulator.faults import KINDS, Fault
from okta_m365_audit.snapshot import document as snap

from .conftest import golden_doc, run_suite, write_tenant
from .scenarios.cred import authentication_failures, connection_disabled
from .scenarios.fed import foreign_certificate
from .scenarios.imp import unassigned

#: small limits so timeouts and retries are quick (the real defaults are in clients.Limits)
FAST = Limits(timeout_seconds=1.0, max_retries=2, max_retry_seconds=6.0)
SLOW_SECONDS = 2.0  #: a "slow" answer comes after the client's timeout


_BROKEN: list[dict[str, Any]] = []


def broken_tenant() -> dict[str, Any]:
    """The golden tenant with failures in several phases, for faults to (not) hide
    (built once: its foreign certificate is random)."""
    if not _BROKEN:
        doc = golden_doc()
        foreign_certificate(doc)
        connection_disabled(doc)
        authentication_failures(doc)
        unassigned(doc)
        _BROKEN.append(doc)
    return copy.deepcopy(_BROKEN[0])


def _service_and_path(res: snap.Resource) -> tuple[str, str]:
    """The service and a path pattern of the resource's requests. A per-parent read whose
    golden answer is one of its definitive non-2xx statuses (the initial domain's 404 on
    federationConfiguration) is left out: the collector takes that status as the answer
    without reading its body, so a fault there is neither retried nor recorded, rightly,
    and which of the concurrent requests a one-shot fault meets is up to the scheduler.
    A per-parent read that shares its path with another (policy rules) is told by its own
    golden keys, for the same reason."""
    service = {"okta": "okta", "graph": "graph", "realm": "login"}[res.api]
    prefix = "/v1.0" if res.api == "graph" else ""
    key = "[^/]+"
    if res.per_parent and res.answers:
        reads = golden_doc()[res.api].get(res.name) or {}
        answered = [re.escape(k) for k, r in reads.items() if r.get("status") in res.answers]
        if answered:
            key = f"(?!(?:{'|'.join(answered)})(?:/|$))[^/]+"
    if res.per_parent and any(
        o.name != res.name and (o.api, o.path) == (res.api, res.path) for o in snap.RESOURCES
    ):  # two reads of one path (the rules of the Admin Console's and Office 365's policies)
        own = [re.escape(k) for k in golden_doc()[res.api].get(res.name) or {}]
        key = f"(?:{'|'.join(own)})" if own else key
    path = re.escape(prefix + res.path).replace(re.escape("{key}"), key)
    return service, f"^{path}$"


def _query(res: snap.Resource) -> str:
    """A pattern of the resource's own query (its filter): Office 365 apps and AD apps share
    /api/v1/apps, and the users and the DEPROVISIONED users /api/v1/users, and which of two
    is asked first is up to the scheduler. A resource without a query of its own is told
    from its siblings by their query keys being absent."""
    if res.query:
        pattern = re.escape(res.query[0][1])
        for placeholder in ("{key}", "{since}", "{until}"):  # filled in per run
            pattern = pattern.replace(re.escape(placeholder), ".*")
        return pattern
    siblings = {
        other.query[0][0]
        for other in snap.RESOURCES
        if other.api == res.api and other.path == res.path and other.query
    }
    if not siblings:
        return ""
    keys = "|".join(re.escape(k) for k in sorted(siblings))
    return rf"^(?!(?:.*&)?(?:{keys})=)"


def _fault(kind: str, res: snap.Resource, **kwargs: Any) -> Fault:
    service, path = _service_and_path(res)
    return Fault(kind, service, path, query=_query(res), **kwargs)


def _fits(kind: str, res: snap.Resource) -> bool:
    service, _ = _service_and_path(res)
    if kind.startswith("okta_429"):
        return service == "okta"
    if kind.startswith("graph_"):
        return service == "graph"
    return True


def _collect(cfg, emu: Emulator) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        ep = emu.endpoints()
        async with OktaApi(cfg, ep, FAST) as okta, GraphApi(cfg, ep, FAST) as graph:
            async with RealmApi(ep, FAST) as realm:
                return await Collector(cfg, okta, graph, emu.as_of, "emulator", realm, FAST).run()

    return asyncio.run(go())


def collect_with(files, doc: dict[str, Any], faults: list[Fault]) -> dict[str, Any]:
    cfg = files.config()
    with Emulator(doc, registrations_for(cfg), faults) as emu:
        return _collect(cfg, emu)


@pytest.fixture(scope="module")
def broken_files(tmp_path_factory):
    return write_tenant(tmp_path_factory.mktemp("broken"), broken_tenant())


@pytest.fixture(scope="module")
def broken_emulator(broken_files):
    """One emulator of the broken tenant for the whole matrix; each cell sets its faults."""
    with Emulator(broken_tenant(), registrations_for(broken_files.config())) as emu:
        yield emu


@pytest.fixture(scope="module")
def fault_free(broken_files, broken_emulator):
    start = len(broken_emulator.requests)
    doc = _collect(broken_files.config(), broken_emulator)
    broken_emulator.fault_free_log = broken_emulator.requests[start:]
    return doc


#: the reads that tell the collector the provisioning connection's client (catalog/consent.py)
CONNECTION_READS = ("office365Apps", "appConnection")

CELLS = [(kind, res.api, res.name) for kind in KINDS for res in snap.RESOURCES if _fits(kind, res)]


@pytest.mark.parametrize(("kind", "api", "name"), CELLS, ids=[f"{k}-{a}.{n}" for k, a, n in CELLS])
def test_each_fault_on_each_resource_is_survived_or_recorded(
    broken_files, broken_emulator, fault_free, kind, api, name
):
    """When one request of a resource meets a fault: it is retried within bounds and read
    whole, or recorded as failed with its cause; the rest of the collection is unaffected."""
    res = snap.resource(api, name)
    path = _service_and_path(res)[1]
    # next_404 needs a second page: it is covered by the paging test below
    fault = _fault(kind, res, count=1, seconds=SLOW_SECONDS if kind == "slow" else 1)
    broken_emulator.faults.clear()
    broken_emulator.faults.add(fault)
    log_start = len(broken_emulator.requests)
    try:
        doc = _collect(broken_files.config(), broken_emulator)
    finally:
        broken_emulator.faults.clear()
    before, after = fault_free[api].get(name), doc[api].get(name)
    reads = after if res.per_parent else {None: after}
    originals = before if res.per_parent else {None: before}
    assert set(reads) == set(originals)
    for key, read in reads.items():
        if read["ok"]:
            assert read["data"] == originals[key]["data"], f"{kind}: a read that succeeded changed"
        else:
            assert read["error"]["message"], f"{kind}: a failed read without a cause"
            assert read["data"] is None, f"{kind}: a failed read kept partial data"
    if fault.fired:
        # the fault was met: the request was sent again (by the SDK, the HTTP client or the
        # collector, as the emulator's log shows), or the read is recorded as failed
        query = _query(res)
        sent = [
            r
            for r in broken_emulator.requests[log_start:]
            if re.search(path, r.path) and re.search(query, r.query)
        ]
        assert len(sent) > fault_free_sends(broken_emulator, path, query) or not all(
            r["ok"] for r in reads.values()
        ), f"{kind}: the fault was neither retried nor recorded"
    others = {
        (a, n): doc[a][n]
        for a in snap.APIS
        for n in doc[a]
        if (a, n) != (api, name) and not (name in ("office365Apps", "adApps") and
                                          n in ("office365Apps", "adApps"))
    }  # fmt: skip
    for (a, n), entry in others.items():
        data, free = _data_of(entry), _data_of(fault_free[a][n])
        if (a, n) == ("graph", "legacyPrincipalRoles") and name in CONNECTION_READS:
            # which principals' roles are read excludes the connection's client (CRED-05):
            # with the connection unread, that principal's roles are read too
            data = {k: v for k, v in data.items() if k in free}
        assert data == free, f"{kind} on {name} changed {a}.{n}"


_SENDS: dict[tuple[str, str], int] = {}


def fault_free_sends(emu: Emulator, path: str, query: str = "") -> int:
    """How many requests a fault-free collection sends to a path and query (from the first)."""
    if (path, query) not in _SENDS:
        _SENDS[(path, query)] = sum(
            1 for r in emu.fault_free_log if re.search(path, r.path) and re.search(query, r.query)
        )
    return _SENDS[(path, query)]


def _data_of(entry: dict[str, Any]) -> Any:
    if "ok" in entry:
        return entry["data"]
    return {k: v["data"] for k, v in entry.items()}


def test_a_next_link_that_404s_is_an_incomplete_read_not_a_short_list(tmp_path, golden):
    """When page 2 of the Graph users answers 404: the read fails, its pages are not kept."""
    users = golden["graph"]["users"]["data"]
    for i in range(1200):
        u = copy.deepcopy(users[0])
        u["id"] = f"00000000-0000-4000-8000-{i:012d}"
        u["userPrincipalName"] = f"pad{i}@fabrikam.com"
        users.append(u)
    files = write_tenant(tmp_path, golden)
    fault = Fault("next_404", "graph", r"^/v1\.0/users$", count=None)
    doc = collect_with(files, golden, [fault])
    read = doc["graph"]["users"]
    assert not read["ok"] and read["data"] is None
    assert "incomplete" in read["error"]["message"]
    assert doc["meta"]["partial"] is True


def _verdicts(pytester, files, doc: dict[str, Any], out: str) -> dict[str, str]:
    path = snap.save(doc, pytester.path / f"{out}.snapshot.json")
    return run_suite(pytester, files.dir, "--from-snapshot", str(path), out=out).verdicts


def _false_passes(baseline: dict[str, str], faulted: dict[str, str]) -> dict[str, str]:
    return {
        k: f"{baseline[k]} -> {v}"
        for k, v in faulted.items()
        if v == "passed" and baseline.get(k) in ("failed", "error")
    }


@pytest.mark.parametrize("name", sorted({r.name for r in snap.RESOURCES if r.api != "realm"}))
def test_a_resource_that_cannot_be_read_never_turns_a_failure_into_a_pass(
    pytester, broken_files, fault_free, name
):
    """When a resource answers 500 to every request: its checks ERROR, none passes that
    fails in the fault-free run, and the report is still written."""
    res = next(r for r in snap.RESOURCES if r.name == name)
    faulted = collect_with(broken_files, broken_tenant(), [_fault("http_500", res, count=None)])
    baseline = _verdicts(pytester, broken_files, fault_free, "baseline")
    verdicts = _verdicts(pytester, broken_files, faulted, f"faulted-{name}")
    assert _false_passes(baseline, verdicts) == {}
    assert (pytester.path / f"faulted-{name}" / "report.html").is_file()


_resources = st.sampled_from([r for r in snap.RESOURCES if r.api != "realm"])


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    schedule=st.lists(
        st.tuples(
            st.sampled_from([k for k in KINDS if k not in ("slow", "next_404")]),
            _resources,
            st.integers(0, 2),
            st.one_of(st.none(), st.integers(1, 3)),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_random_fault_schedules_never_give_a_false_pass(pytester, broken_files, fault_free,
                                                        schedule):  # fmt: skip
    """Under any schedule of faults: no check passes that fails or errors without them."""
    faults = []
    for kind, res, after, count in schedule:
        if not _fits(kind, res):
            continue
        faults.append(_fault(kind, res, after=after, count=count))
    faulted = collect_with(broken_files, broken_tenant(), faults)
    baseline = _verdicts(pytester, broken_files, fault_free, "baseline")
    assert _false_passes(baseline, _verdicts(pytester, broken_files, faulted, "random")) == {}


@pytest.mark.parametrize("kind", ["graph_not_licensed_403", "graph_not_licensed_401"])
@pytest.mark.parametrize("name", ["signIns", "caPolicies"])
def test_a_read_not_licensed_is_its_own_outcome_not_a_refusal(broken_files, fault_free, kind,
                                                              name):  # fmt: skip
    """When Graph answers a read with the premium-licence 401/403 (Entra's sign-in log
    without Entra ID P1): the read is recorded failed with outcome not_licensed, names no
    permission to grant (not the "refused" class ACCESS-04 counts), is not retried as an
    expired token, and stops no other read (a 401 that is a licence is not a dead token)."""
    res = snap.resource("graph", name)
    doc = collect_with(broken_files, broken_tenant(), [_fault(kind, res, count=None)])
    read = doc["graph"][name]
    assert not read["ok"] and read["data"] is None
    assert read["outcome"] == snap.NOT_LICENSED and snap.not_licensed(read)
    assert snap.needs_hint(read) is None
    assert read["requests"] == 1, "a licence answer is final: no retry, no token renewal"
    assert "Entra ID P1" in read["error"]["message"]
    for other in ("users", "domains", "organization"):
        assert doc["graph"][other]["data"] == fault_free["graph"][other]["data"]
