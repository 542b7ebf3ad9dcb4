"""ACCESS: the suite's own credentials work and every read it needs is allowed (always run).

These checks judge the reads themselves, so a failed read FAILS them (with its cause);
every other check ERRORs when its data could not be read.
"""

import pytest

from okta_m365_audit.snapshot.document import not_licensed
from okta_m365_audit.views import describe_read


def _assert_reads_allowed(tenant, api, resource, evidence):
    __tracebackhide__ = True
    reads = tenant.reads(api, resource)
    if not reads:
        pytest.skip(f"nothing to read for {resource} (no parent object in the snapshot)")
    # the tenant's licence does not cover it (Entra's sign-in log without P1): no grant is
    # missing, so it is evidence, not a refusal (the checks needing it skip with the reason)
    unlicensed = [describe_read(r) for r in reads if not_licensed(r)]
    reads = [r for r in reads if not not_licensed(r)]
    refused = [describe_read(r) for r in reads if not r["ok"]]
    missing = _missing_grants(tenant, api, reads)
    evidence.update(reads=len(reads), refused=refused, missing=missing)
    if unlicensed:
        evidence.update({"not licensed": unlicensed})
    assert not refused, f"{_why(tenant, api, missing)}{len(refused)} of {len(reads)} read(s) " + (
        "refused: " + " | ".join(refused)
    )


def _missing_grants(tenant, api, reads):
    """The scopes (Okta) or application permissions (Graph) the API refused reads for: a 403
    names what its endpoint needs (the collector records it with the read); Okta says it is
    the token's scopes with ``error="insufficient_scope"`` in WWW-Authenticate (else it may
    be the admin role), and an API token has its admin's rights, not scopes."""
    if api == "okta" and tenant.cfg.okta.auth.method != "private_key_jwt":
        return []
    missing = set()
    for r in reads:
        error = r.get("error") or {}
        if r["ok"] or r.get("status") != 403 or not error.get("needs"):
            continue
        if api == "graph" or "insufficient_scope" in str(error.get("message")):
            missing.add(str(error["needs"]))
    return sorted(missing)


def _why(tenant, api, missing):
    """Which grant is missing, and where to add it: Okta refuses at the token endpoint the
    scopes never granted to the service app, and the suite goes on without them."""
    if not missing:
        return ""
    if api == "graph":
        return f"missing Graph application permission {', '.join(missing)} (admin consent): "
    asked = set(tenant.cfg.okta.auth.scopes)
    not_asked = [s for s in missing if s not in asked]
    not_granted = [s for s in missing if s in asked]
    parts = [
        f"Okta scope {s} not granted to the service app (Okta API Scopes)" for s in not_granted
    ]
    parts += [
        f"Okta scope {s} not requested (okta.auth.scopes in the tenant file)" for s in not_asked
    ]
    return "; ".join(parts) + ": "


@pytest.mark.check("ACCESS-01")
def test_access_01_okta_token_and_active_org(tenant, evidence):
    org = tenant.read("okta", "org")
    evidence.update(request=org["request"], status=org["status"])
    assert org["ok"], f"Okta refused or failed the suite's first read: {describe_read(org)}"
    status = org["data"].get("status")
    evidence.update(observed=status, expected="ACTIVE")
    assert status == "ACTIVE", f"the Okta org {tenant.okta_host} is {status}; expected ACTIVE"


@pytest.mark.check("ACCESS-02")
def test_access_02_okta_read_allowed(tenant, okta_resource, evidence):
    _assert_reads_allowed(tenant, "okta", okta_resource, evidence)


@pytest.mark.check("ACCESS-03")
def test_access_03_graph_token_for_this_tenant(tenant, evidence):
    org = tenant.read("graph", "organization")
    evidence.update(request=org["request"], status=org["status"])
    assert org["ok"], f"Graph refused or failed the suite's first read: {describe_read(org)}"
    ids = [o.get("id") for o in org["data"]]
    evidence.update(observed=ids, expected=[tenant.cfg.m365.tenant_id])
    assert ids == [tenant.cfg.m365.tenant_id], (
        f"Graph answered for tenant {ids}; the tenant file names {tenant.cfg.m365.tenant_id}"
    )


@pytest.mark.check("ACCESS-04")
def test_access_04_graph_read_allowed(tenant, graph_resource, evidence):
    _assert_reads_allowed(tenant, "graph", graph_resource, evidence)
