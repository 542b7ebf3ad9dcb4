"""Who is in scope (PREP-04, IMP, FED-09's samples) and what the views say about them, on
the golden tenant changed in ways that must stay green or must be named precisely. Each
"stays green" case here is a variation no verdict may react to, so it is shown directly
on the views the checks assert over (tests/scenarios cover the failures end to end)."""

from __future__ import annotations

from typing import Any

import pytest

from okta_m365_audit.collect.collector import realm_logins
from okta_m365_audit.config import load_tenant
from okta_m365_audit.views import DataUnavailable, TenantView

from .conftest import DEMO_YAML, golden_doc, write_tenant

USER = "amelia.clarke@contoso.com"  #: an AD-sourced contoso user, the domain's realm sample
OTHER = "hugo.bernard@fabrikam.com"  #: an Okta-mastered fabrikam user


def _graph_user(doc: dict[str, Any], upn: str) -> dict[str, Any]:
    return next(u for u in doc["graph"]["users"]["data"] if u["userPrincipalName"] == upn)


def _okta_user(doc: dict[str, Any], login: str) -> dict[str, Any]:
    return next(u for u in doc["okta"]["users"]["data"] if u["profile"]["login"] == login)


def _app_users(doc: dict[str, Any]) -> list[dict[str, Any]]:
    app = doc["okta"]["office365Apps"]["data"][0]["id"]
    return doc["okta"]["appUsers"][app]["data"]


def _app_user(doc: dict[str, Any], login: str) -> dict[str, Any]:
    uid = _okta_user(doc, login)["id"]
    return next(a for a in _app_users(doc) if a["id"] == uid)


def _view(doc: dict[str, Any], cfg=None) -> TenantView:
    return TenantView(cfg or load_tenant(DEMO_YAML), doc)


def _all_green(view: TenantView) -> None:
    """What IMP-01..03, PREP-04 and PREP-05 assert, all clean."""
    assert view.missing_in_okta() == []
    assert view.unassigned() == []
    assert view.not_activated() == {}
    assert view.shared_sent_immutable_ids() == {}
    assert view.username_mismatches()[1] == []
    assert all(view.immutable_id(u) for u in view.in_scope_users)


def test_an_unlicensed_user_fully_integrated_is_in_scope_and_green():
    """When an in-scope user has no licence but is imported, assigned and active: it is in
    scope (every user of a federated domain signs in through Okta), nothing fails, and
    the reconciliation shows it as unlicensed (evidence only)."""
    doc = golden_doc()
    _graph_user(doc, USER)["assignedLicenses"] = []
    view = _view(doc)
    assert USER in [u["userPrincipalName"] for u in view.in_scope_users]
    _all_green(view)
    table = view.reconciliation()
    assert USER in table["unlicensed in scope"]
    assert table["counts"]["unlicensed in scope"] == len(table["unlicensed in scope"])


def test_an_unlicensed_user_not_in_okta_is_missing():
    """When an unlicensed in-scope user has no Okta user: IMP-01 names it (before the
    scope change it was ignored)."""
    doc = golden_doc()
    _graph_user(doc, OTHER)["assignedLicenses"] = []
    uid = _okta_user(doc, OTHER)["id"]
    doc["okta"]["users"]["data"] = [u for u in doc["okta"]["users"]["data"] if u["id"] != uid]
    assert _view(doc).missing_in_okta() == [OTHER]


def test_mixed_case_upns_logins_and_usernames_stay_green():
    """When Entra's UPN, Okta's login and the app userName differ only in case: the same
    person everywhere (UPNs and logins compare case-insensitively), and the realm sample
    is the lower-case UPN."""
    doc = golden_doc()
    _graph_user(doc, USER)["userPrincipalName"] = "Amelia.Clarke@Contoso.COM"
    _app_user(doc, USER)["credentials"]["userName"] = "AMELIA.clarke@contoso.com"
    _okta_user(doc, USER)["profile"]["login"] = "amelia.CLARKE@CONTOSO.com"
    view = _view(doc)
    _all_green(view)
    assert view.okta_statuses()[USER] == "ACTIVE"
    assert USER in realm_logins(view.cfg, doc["graph"]["users"]["data"])


def test_a_deactivated_okta_user_is_not_activated_never_missing():
    """When an in-scope user's Okta account is DEPROVISIONED (collected apart: a plain list
    omits it): IMP-01 counts it as present and IMP-03 names it with that status."""
    doc = golden_doc()
    user = _okta_user(doc, OTHER)
    user["status"] = "DEPROVISIONED"
    doc["okta"]["users"]["data"].remove(user)
    doc["okta"]["deprovisionedUsers"]["data"].append(user)
    view = _view(doc)
    assert view.missing_in_okta() == []
    assert view.not_activated() == {OTHER: "DEPROVISIONED"}


def test_a_custom_username_template_is_judged_by_its_outcome():
    """When the username template is a CUSTOM expression no list knows, and every app
    user's userName is its UPN: PREP-05 has nothing to fault (the template is evidence)."""
    doc = golden_doc()
    doc["okta"]["office365Apps"]["data"][0]["credentials"]["userNameTemplate"] = {
        "template": 'String.toLowerCase(user.firstName + "." + user.lastName) + "@" + '
        'String.substringAfter(user.login, "@")',
        "type": "CUSTOM",
    }
    judged, wrong = _view(doc).username_mismatches()
    assert judged > 0 and wrong == []


def test_one_okta_user_on_two_instances_is_not_a_shared_immutable_id():
    """When one Okta user's assignment is listed twice (one person assigned to two
    instances of the tenant's app): it is one person, not two sharing an ID."""
    doc = golden_doc()
    _app_users(doc).append(dict(_app_user(doc, USER)))
    assert _view(doc).shared_sent_immutable_ids() == {}


def test_two_app_users_sent_one_immutable_id_are_named():
    """When Okta sends one immutable ID for two people: both are named, by userName."""
    doc = golden_doc()
    value = _app_user(doc, USER)["profile"]["immutableId"]
    _app_user(doc, OTHER)["profile"]["immutableId"] = value
    shared = _view(doc).shared_sent_immutable_ids()
    assert {k: sorted(v) for k, v in shared.items()} == {value: sorted([OTHER, USER])}


def test_accountenabled_not_returned_is_cannot_tell():
    """When Graph did not return accountEnabled for a user of a declared domain: who is
    in scope cannot be told (ERROR), never "out of scope"; a missing assignedLicenses
    only blanks the licence evidence."""
    doc = golden_doc()
    del _graph_user(doc, USER)["accountEnabled"]
    with pytest.raises(DataUnavailable, match="accountEnabled"):
        _view(doc).in_scope_users  # noqa: B018
    doc = golden_doc()
    del _graph_user(doc, USER)["assignedLicenses"]
    view = _view(doc)
    assert USER in [u["userPrincipalName"] for u in view.in_scope_users]
    assert str(view.reconciliation()["unlicensed in scope"]).startswith("could not read")


def test_realm_samples_come_from_the_same_scope():
    """When the first user of a domain is unlicensed: it is still the domain's home-realm
    sample (in scope like any other); a user whose accountEnabled is unknown is not."""
    doc = golden_doc()
    cfg = load_tenant(DEMO_YAML)
    users = doc["graph"]["users"]["data"]
    _graph_user(doc, USER)["assignedLicenses"] = []
    assert USER in realm_logins(cfg, users)
    _graph_user(doc, USER)["accountEnabled"] = None
    assert USER not in realm_logins(cfg, users)


@pytest.mark.parametrize(
    ("ad", "sync", "phase", "cloud_only", "due"),
    [
        (True, None, 3, False, True),  # AD declared: IDs come from AD, due now
        (False, True, 3, False, True),  # Entra Connect on: IDs from AD (ORG-02 disagrees)
        (False, None, 3, True, False),  # cloud-only before provisioning: not yet due
        (False, False, 3, True, False),  # sync turned off: not syncing now
        (False, None, 4, True, True),  # cloud-only from phase 4: due
    ],
)
def test_immutable_id_presence_due(tmp_path, ad, sync, phase, cloud_only, due):
    """PREP-04's presence test is deferred to phase 4 only when both the tenant file and
    Entra say there is no AD (the careful reading)."""
    doc = golden_doc()
    doc["graph"]["organization"]["data"][0]["onPremisesSyncEnabled"] = sync

    def patch(data: dict[str, Any]) -> None:
        data["expect"]["phase"] = phase
        if not ad:
            data["expect"].pop("on_prem_ad")

    view = _view(doc, write_tenant(tmp_path, doc, patch).config())
    assert view.cloud_only_tenant is cloud_only
    reason = view.immutable_id_presence_not_due()
    assert (reason is None) is due
    assert reason is None or reason.startswith("not yet due in phase 3")


def test_cloud_only_unreadable_is_cannot_tell(tmp_path):
    """When no AD is declared and Entra did not return onPremisesSyncEnabled: ERROR."""
    doc = golden_doc()
    del doc["graph"]["organization"]["data"][0]["onPremisesSyncEnabled"]
    cfg = write_tenant(tmp_path, doc, lambda d: d["expect"].pop("on_prem_ad")).config()
    with pytest.raises(DataUnavailable):
        _view(doc, cfg).cloud_only_tenant  # noqa: B018
