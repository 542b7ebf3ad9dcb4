"""Shapes of Graph's Conditional Access and membership answers the Entra guards must judge
right (ESS-06, FED-12; views/guards.py, views/ca_policies.py):

- ``GET /users/{id}/transitiveMemberOf`` lists "groups, directory roles, and administrative
  units that the user is a member of" (microsoft-graph-docs-contrib api-reference/v1.0/api/
  user-list-transitivememberof.md). No policy can name an administrative unit
  (conditionalAccessUsers: include/exclude Users, Groups, Roles, GuestsOrExternalUsers), so a
  break-glass account in one (common hardening: a restricted-management unit) keeps ESS-06's
  verdict; an object of a type nobody knows still cannot be told (ERROR).
- ``conditions.applications.applicationFilter`` ("Filter that defines the dynamic-application-
  syntax rule to include/exclude cloud applications"), ``includeUserActions`` and
  ``includeAuthenticationContextClassReferences``: a block of legacy authentication on All
  applications with a filter, or on user actions or authentication contexts, is no block
  for every sign-in (FED-12 fails); a policy that can refuse a break-glass account for
  some app through them still counts as able to lock it out (ESS-06 never false-passes).

The end-to-end tests run the ESS-06 and FED-12 tests of the suite (``-k``) through the
plugin, the SDKs and the emulator, as tests/test_verdicts.py does for the scenarios; the
others judge the view over a snapshot directly.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from okta_m365_audit.config import load_tenant
from okta_m365_audit.views import DataUnavailable, TenantView

from .conftest import DEMO_YAML, golden_doc, run_suite, write_tenant
from .scenarios.entra_guards import ESS06_LOCK, ESS06_SD, FED12, policy
from .scenarios.helpers import graph_user

BREAK_GLASS_1 = "breakglass1@contosodemo.onmicrosoft.com"
BREAK_GLASS_2 = "breakglass2@contosodemo.onmicrosoft.com"
ADMIN_UNIT = {
    "@odata.type": "#microsoft.graph.administrativeUnit",
    "id": "a1e3c5d7-2b4f-4a6c-8e0d-1f3b5d7f9a2c",
    "deletedDateTime": None,
    "displayName": "Break-glass accounts (restricted management)",
    "description": "Emergency access accounts, managed by nobody but Privileged Role Admins",
    "isMemberManagementRestricted": True,
    "membershipRule": None,
    "membershipType": None,
    "membershipRuleProcessingState": None,
    "visibility": None,
}
EXCLUDE_FILTER = {
    "mode": "exclude",
    "rule": 'CustomSecurityAttribute.Legacy_Apps_Allowed -eq "true"',
}
INCLUDE_FILTER = {"mode": "include", "rule": 'CustomSecurityAttribute.Tier -eq "zero"'}

#: verdicts of the golden demo for the tests the end-to-end runs select (tests/test_verdicts.py:
#: the golden passes every check but FED-08 and FED-11)
GOLDEN = {ESS06_LOCK: "passed", ESS06_SD: "passed", FED12: "passed"}


def memberships(doc: dict[str, Any], upn: str) -> list[dict[str, Any]]:
    """The stored ``transitiveMemberOf`` items of a break-glass account."""
    return doc["graph"]["breakGlassMemberOf"][graph_user(doc, upn)["id"]]["data"]


def guard_verdicts(pytester: pytest.Pytester, doc: dict[str, Any]) -> dict[str, str]:
    files = write_tenant(pytester.path / "tenants", doc)
    run = run_suite(pytester, files.dir, "-k", "ess_06 or fed_12")
    assert set(run.verdicts) == set(GOLDEN)
    return run.verdicts


def view(doc: dict[str, Any]) -> TenantView:
    return TenantView(load_tenant(DEMO_YAML), doc)


def added_policy(doc: dict[str, Any], **apps: Any) -> dict[str, Any]:
    """An enabled MFA policy for all users, excluding nobody, on ``apps`` (the fields of
    conditions.applications), appended to the golden's."""
    p = copy.deepcopy(policy(doc, "CA001"))
    p.update(id="3d5f7a9c-1e2b-4c6d-8f0a-2b4d6f8a0c1e", displayName="CA020: MFA (shape test)")
    p["conditions"]["users"].update(excludeUsers=[], excludeGroups=[])
    p["conditions"]["applications"].update({"includeApplications": [], **apps})
    doc["graph"]["caPolicies"]["data"].append(p)
    return p


# --- defect 1: ESS-06 and administrative units (end to end) ----------------------------------


def test_ess_06_keeps_its_verdict_with_a_break_glass_account_in_an_admin_unit(pytester):
    """When a break-glass account is also a member of an administrative unit: ESS-06 judges
    its groups and roles as before and passes (no ERROR)."""
    doc = golden_doc()
    for upn in (BREAK_GLASS_1, BREAK_GLASS_2):
        memberships(doc, upn).append(copy.deepcopy(ADMIN_UNIT))
    assert guard_verdicts(pytester, doc) == GOLDEN


def test_ess_06_still_errors_on_a_membership_of_an_unknown_type(pytester):
    """When transitiveMemberOf lists an object of a type the guards do not know: ESS-06
    cannot tell whether a policy names it (ERROR), as before."""
    doc = golden_doc()
    item = copy.deepcopy(ADMIN_UNIT) | {"@odata.type": "#microsoft.graph.somethingNew"}
    memberships(doc, BREAK_GLASS_1).append(item)
    assert guard_verdicts(pytester, doc) == GOLDEN | {ESS06_LOCK: "error"}


# --- defect 2: FED-12 and applicationFilter (end to end) -------------------------------------


def test_fed_12_fails_when_the_block_leaves_apps_out_by_filter(pytester):
    """When the legacy-auth block on All applications excludes the apps a filter matches:
    legacy sign-ins to those apps are not blocked, FED-12 fails; ESS-06 keeps its verdict."""
    doc = golden_doc()
    policy(doc, "CA002")["conditions"]["applications"]["applicationFilter"] = EXCLUDE_FILTER
    assert guard_verdicts(pytester, doc) == GOLDEN | {FED12: "failed"}


def test_fed_12_stays_passed_with_every_application_field_null_or_empty(pytester):
    """When Graph returns the application fields the golden leaves out, unused (a null
    filter, no user action or authentication context): the same block, FED-12 passes."""
    doc = golden_doc()
    for p in doc["graph"]["caPolicies"]["data"]:
        p["conditions"]["applications"].update(
            applicationFilter=None, includeUserActions=[],
            includeAuthenticationContextClassReferences=[],
        )  # fmt: skip
    assert guard_verdicts(pytester, doc) == GOLDEN


# --- the views over the other shapes ---------------------------------------------------------


def test_admin_units_are_kept_apart_from_groups_and_roles():
    doc = golden_doc()
    memberships(doc, BREAK_GLASS_2).append(copy.deepcopy(ADMIN_UNIT))
    reach = view(doc).break_glass_reach(BREAK_GLASS_2)
    assert reach["administrativeUnits"] == {ADMIN_UNIT["displayName"]}
    assert reach["groups"] == {"19d3d266-76c9-552e-9c2f-05865284645e"}
    assert reach["roles"] == set()


def test_an_admin_unit_does_not_hide_a_lockout_through_a_group():
    """breakglass2 is in an administrative unit and no longer excluded from the MFA policy
    through its group: the lockout is still found."""
    doc = golden_doc()
    memberships(doc, BREAK_GLASS_2).append(copy.deepcopy(ADMIN_UNIT))
    policy(doc, "CA001")["conditions"]["users"]["excludeGroups"] = []
    found = view(doc).lockouts(BREAK_GLASS_2)
    assert [f["policy"] for f in found] == ["CA001: Require MFA for all users"]


def test_unknown_membership_type_is_named():
    doc = golden_doc()
    memberships(doc, BREAK_GLASS_1).append({"@odata.type": "#microsoft.graph.x", "id": "x1"})
    with pytest.raises(DataUnavailable, match=r"'#microsoft.graph.x' \(x1\)"):
        view(doc).break_glass_reach(BREAK_GLASS_1)


@pytest.mark.parametrize(
    "apps, named",
    [
        ({"applicationFilter": EXCLUDE_FILTER}, "applications.applicationFilter (mode 'exclude'"),
        ({"applicationFilter": INCLUDE_FILTER}, "applications.applicationFilter (mode 'include'"),
        ({"applicationFilter": "malformed"}, "applications.applicationFilter"),
        ({"includeUserActions": ["urn:user:registersecurityinfo"]}, "includeUserActions"),
        ({"includeAuthenticationContextClassReferences": ["c1"]}, "ContextClassReferences (c1)"),
        ({"somethingNew": {"mode": "x"}}, "applications.somethingNew"),
    ],
)
def test_fed_12_a_block_narrowed_in_its_applications_is_no_block(apps, named):
    doc = golden_doc()
    p = policy(doc, "CA002")
    p["conditions"]["applications"].update(apps)
    problems = view(doc).legacy_block_problems(p)
    assert any(named in problem for problem in problems), problems


def test_fed_12_golden_block_has_no_problem():
    doc = golden_doc()
    assert view(doc).legacy_block_problems(policy(doc, "CA002")) == []


@pytest.mark.parametrize(
    "apps",
    [
        {"applicationFilter": INCLUDE_FILTER},  # only the apps the filter matches
        {"applicationFilter": INCLUDE_FILTER, "includeApplications": ["None"]},
        {"applicationFilter": "malformed"},  # cannot tell its mode: may include
        {"includeUserActions": ["urn:user:registersecurityinfo"]},
        {"includeAuthenticationContextClassReferences": ["c1"]},
        {"somethingNew": ["x"]},
        {"includeApplications": ["All"], "applicationFilter": EXCLUDE_FILTER},  # the rest
    ],
)
def test_ess_06_a_policy_reaching_some_app_can_lock_out(apps):
    """An MFA policy for everyone whose apps are picked by a filter, a user action, an
    authentication context or a field unknown here can refuse the break-glass accounts."""
    doc = golden_doc()
    added_policy(doc, **apps)
    tenant = view(doc)
    for upn in (BREAK_GLASS_1, BREAK_GLASS_2):
        assert [f["policy"] for f in tenant.lockouts(upn)] == ["CA020: MFA (shape test)"]


@pytest.mark.parametrize(
    "apps",
    [
        {},  # no app at all
        {"includeApplications": ["None"], "applicationFilter": EXCLUDE_FILTER},
        {"applicationFilter": None, "includeUserActions": [], "somethingNew": None},
    ],
)
def test_ess_06_a_policy_reaching_no_app_locks_nobody_out(apps):
    """An exclude-mode filter leaves apps out of includeApplications and adds none: a
    policy on no app (None, or nothing) refuses nobody."""
    doc = golden_doc()
    added_policy(doc, **apps)
    tenant = view(doc)
    assert [tenant.lockouts(u) for u in (BREAK_GLASS_1, BREAK_GLASS_2)] == [[], []]
