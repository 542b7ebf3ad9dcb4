"""ESS-03 on a child domain: an excluded account on a child of a domain to federate
(``ops@it.contoso.com`` while ``contoso.com`` is declared) signs in through Okta once the
root is federated, since a child domain (Graph ``domain.isRoot`` false) follows its root;
before go-live Entra still says Managed for both, and the check must fail already. A child
promoted to a root domain of its own (``isRoot`` true) keeps its own sign-in: it stays green.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from .conftest import run_suite, write_tenant
from .scenarios.ess import add_cloud_user
from .scenarios.helpers import graph_domain

OPS = "ops@it.contoso.com"
TEST = f"test_ess_03_excluded_account_domain_not_federated[demo-{OPS}]"


def _before_go_live_with_ops(doc: dict[str, Any], is_root: bool) -> None:
    """Phase 4: nothing federated yet; it.contoso.com verified in Entra; ops on it."""
    for d in doc["graph"]["domains"]["data"]:
        if d["authenticationType"] == "Federated":
            d["authenticationType"] = "Managed"
    child = copy.deepcopy(graph_domain(doc, "contoso.com"))
    child.update(id="it.contoso.com", isRoot=is_root)
    doc["graph"]["domains"]["data"].append(child)
    add_cloud_user(doc, OPS)


def _declare(data: dict[str, Any]) -> None:
    data["expect"]["phase"] = 4
    data["expect"]["excluded_accounts"] = [*data["expect"]["excluded_accounts"], OPS]


@pytest.mark.parametrize(("is_root", "verdict"), [(False, "failed"), (True, "passed")],
                         ids=["child-of-a-declared-root", "promoted-to-a-root"])  # fmt: skip
def test_excluded_account_on_a_child_of_a_domain_to_federate(pytester, golden, is_root, verdict):
    _before_go_live_with_ops(golden, is_root)
    files = write_tenant(pytester.path / "tenants", golden, _declare)
    run = run_suite(pytester, files.dir, "-k", "ess_03")
    assert run.verdicts[TEST] == verdict
    if verdict == "failed":
        [report] = [r for r in run.reports if r.when == "call" and TEST in r.nodeid]
        assert "a child of contoso.com, a domain to federate" in str(report.longrepr)
