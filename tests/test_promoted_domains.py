"""A subdomain promoted to a root domain of its own (Graph ``domain: promote``; ``isRoot``
true) is served by the instance that lists it, not through its parent's: in manual WS-Fed
``sales.contoso.com`` may have an instance of its own beside contoso.com's, and that is one
claimant, not two (PREP-01). A child domain (``isRoot`` false), or one Entra does not list,
is served through its root, as before (views.federation.served_through)."""

from __future__ import annotations

import copy

import pytest

from okta_m365_audit.config import load_tenant
from okta_m365_audit.views import TenantView

from .conftest import DEMO_YAML, golden_doc
from .scenarios.helpers import graph_domain

SALES = "sales.contoso.com"


def _view_with_sales_instance(is_root: bool | None) -> tuple[TenantView, str, str]:
    """contoso.com's instance (the golden's), and a second instance that lists sales only."""
    doc = golden_doc()
    if is_root is not None:
        sales = copy.deepcopy(graph_domain(doc, "contoso.com"))
        sales.update(id=SALES, isRoot=is_root)
        doc["graph"]["domains"]["data"].append(sales)
    apps = doc["okta"]["office365Apps"]["data"]
    second = copy.deepcopy(apps[0])
    second.update(id="0oa5a1e50ffice365x7", label="Microsoft Office 365 (sales)")
    second["settings"]["app"].update(domain=SALES, domains=[])
    apps.append(second)
    return TenantView(load_tenant(DEMO_YAML), doc), apps[0]["id"], second["id"]


def test_a_promoted_subdomain_is_claimed_by_its_own_instance_alone():
    view, _, sales_instance = _view_with_sales_instance(is_root=True)
    assert [a["id"] for a in view.claimants(SALES)] == [sales_instance]
    assert view.served_through(SALES) == [SALES]


@pytest.mark.parametrize("is_root", [False, None], ids=["child", "not-in-entra"])
def test_a_child_domain_is_also_claimed_through_its_root(is_root):
    view, contoso_instance, sales_instance = _view_with_sales_instance(is_root)
    assert {a["id"] for a in view.claimants(SALES)} == {contoso_instance, sales_instance}
    assert view.served_through(SALES) == [SALES, "contoso.com"]


@pytest.mark.parametrize(("is_root", "in_scope"), [(True, False), (False, True), (None, True)],
                         ids=["promoted", "child", "not-in-entra"])  # fmt: skip
def test_a_user_of_a_promoted_subdomain_is_in_scope_only_if_it_is_declared(is_root, in_scope):
    """An enabled member on sales.contoso.com, contoso.com declared: a promoted root keeps
    its own sign-in (out of scope unless declared); a child signs in through contoso.com."""
    view, _, _ = _view_with_sales_instance(is_root)
    user = copy.deepcopy(view.entra_users[0])
    user.update(id="5a1e5000-0000-4000-8000-000000000001", userPrincipalName=f"ann@{SALES}",
                accountEnabled=True, userType="Member")  # fmt: skip
    view.doc["graph"]["users"]["data"].append(user)
    scoped = {u["userPrincipalName"] for u in view.in_scope_users}
    assert (f"ann@{SALES}" in scoped) is in_scope
