"""ACCESS: the suite's own credentials work and every read it needs is allowed (always run).

These checks judge the reads themselves, so a failed read FAILS them (with its cause);
every other check ERRORs when its data could not be read.
"""

import pytest

from okta_m365_audit.views import describe_read


def _assert_reads_allowed(tenant, api, resource, evidence):
    __tracebackhide__ = True
    reads = tenant.reads(api, resource)
    if not reads:
        pytest.skip(f"nothing to read for {resource} (no parent object in the snapshot)")
    refused = [describe_read(r) for r in reads if not r["ok"]]
    evidence.update(reads=len(reads), refused=refused)
    assert not refused, f"{len(refused)} of {len(reads)} read(s) refused: " + " | ".join(refused)


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
