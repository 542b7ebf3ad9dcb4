"""Entra guard scenarios: Conditional Access and Security Defaults around the break-glass
accounts (ESS-06) and legacy authentication (FED-12), broken one way at a time, and
realistic variations that must stay green."""

from __future__ import annotations

import copy
from typing import Any

from okta_m365_audit.catalog.resources import GLOBAL_ADMIN_ROLE_TEMPLATE
from okta_m365_audit.config import GRAPH_READ_PERMISSIONS

from . import Scenario
from .helpers import graph_user

ESS06_LOCK = "test_ess_06_break_glass_excluded_from_conditional_access[demo]"
ESS06_SD = "test_ess_06_security_defaults_off_with_conditional_access[demo]"
FED12 = "test_fed_12_legacy_authentication_blocked[demo]"
BREAK_GLASS_1 = "breakglass1@contosodemo.onmicrosoft.com"
STAFF_GROUP = "5f0c2b7e-3a9d-5e61-8c4f-1d2e3f4a5b6c"


def policy(doc: dict[str, Any], prefix: str) -> dict[str, Any]:
    return next(
        p for p in doc["graph"]["caPolicies"]["data"] if p["displayName"].startswith(prefix)
    )


def mfa_policy_without_group(doc: dict[str, Any]) -> None:
    """The MFA-for-all policy no longer excludes the "Break-glass admins" group:
    breakglass2 (in the group only) now needs MFA to sign in."""
    policy(doc, "CA001")["conditions"]["users"]["excludeGroups"] = []


def mfa_policy_through_role(doc: dict[str, Any]) -> None:
    """breakglass1 is excluded from the MFA policy through Global Administrator, which it
    holds directly, instead of by id."""
    users = policy(doc, "CA001")["conditions"]["users"]
    users["excludeUsers"].remove(graph_user(doc, BREAK_GLASS_1)["id"])
    users["excludeRoles"] = [GLOBAL_ADMIN_ROLE_TEMPLATE]


def report_only_block_everyone(doc: dict[str, Any]) -> None:
    """A report-only policy blocking everyone from everything, excluding nobody: it
    enforces nothing (a common way to try a policy out)."""
    p = copy.deepcopy(policy(doc, "CA002"))
    p.update(id="0b6e2c1d-9f3a-5d7e-8b4c-2a1f0e9d8c7b", state="enabledForReportingButNotEnforced",
             displayName="CA900: Block all (report-only trial)")  # fmt: skip
    p["conditions"]["clientAppTypes"] = ["all"]
    p["conditions"]["users"].update(excludeUsers=[], excludeGroups=[])
    doc["graph"]["caPolicies"]["data"].append(p)


def session_only_policy_for_everyone(doc: dict[str, Any]) -> None:
    """An enabled sign-in frequency policy for everyone (session control, no grant): it
    refuses nobody, so it does not lock the break-glass accounts out."""
    p = copy.deepcopy(policy(doc, "CA001"))
    p.update(id="6c2d8e4f-0a1b-5c3d-9e7f-3b2a1c0d9e8f", grantControls=None,
             displayName="CA010: Sign-in frequency 12 h",
             sessionControls={"signInFrequency": {"value": 12, "type": "hours",
                                                  "isEnabled": True}})  # fmt: skip
    p["conditions"]["users"].update(excludeUsers=[], excludeGroups=[])
    doc["graph"]["caPolicies"]["data"].append(p)


def security_defaults_on(doc: dict[str, Any]) -> None:
    doc["graph"]["securityDefaults"]["data"]["isEnabled"] = True


def ca_list_not_licensed(doc: dict[str, Any]) -> None:
    """The Conditional Access list refused with the premium-licence 403 (a tenant without
    Entra ID P1; body as Graph answers the sign-in log without P1)."""
    read = doc["graph"]["caPolicies"]
    message = "Neither tenant is B2C or tenant doesn't have premium license"
    code = "Authentication_RequestFromNonPremiumTenantOrB2CTenant"
    read.update(status=403, ok=False, data=None, pages=0)
    read["error"] = {"status": 403, "code": code, "message": message, "needs": "Policy.Read.All",
                     "body": {"error": {"code": code, "message": message}}}  # fmt: skip
    doc["graph"]["caExcludedGroupMembers"] = {}


def no_policy_read(data: dict[str, Any]) -> None:
    """Admin consent never granted Policy.Read.All: neither Conditional Access nor Security
    Defaults can be read."""
    data["emulator"]["granted_graph_permissions"] = [
        p for p in GRAPH_READ_PERMISSIONS if p != "Policy.Read.All"
    ]


def legacy_block_report_only(doc: dict[str, Any]) -> None:
    policy(doc, "CA002")["state"] = "enabledForReportingButNotEnforced"


def legacy_block_excludes_staff(doc: dict[str, Any]) -> None:
    """The legacy-auth block also excludes "All Fabrikam staff" (a workaround for an old
    mail client): federated users on fabrikam.com can still sign in with legacy protocols."""
    policy(doc, "CA002")["conditions"]["users"]["excludeGroups"].append(STAFF_GROUP)
    members = [
        {"@odata.type": "#microsoft.graph.user", "id": u["id"],
         "userPrincipalName": u["userPrincipalName"]}
        for u in doc["graph"]["users"]["data"] if u["userPrincipalName"].endswith("@fabrikam.com")
    ]  # fmt: skip
    template = next(iter(doc["graph"]["caExcludedGroupMembers"].values()))
    read = copy.deepcopy(template)
    read["request"] = template["request"].replace(template["request"].split("/")[2], STAFF_GROUP)
    read["data"] = members
    doc["graph"]["caExcludedGroupMembers"][STAFF_GROUP] = read


def legacy_block_includes_mfa_choice(doc: dict[str, Any]) -> None:
    """The legacy-auth policy grants access with MFA as an alternative to block (OR): a
    client that can do MFA gets through, so it is no block."""
    policy(doc, "CA002")["grantControls"]["builtInControls"] = ["block", "mfa"]


def legacy_block_clients_reordered(doc: dict[str, Any]) -> None:
    """The legacy-auth policy lists its client apps in the other order (the portal writes
    either): the same block."""
    policy(doc, "CA002")["conditions"]["clientAppTypes"] = ["other", "exchangeActiveSync"]


SCENARIOS = [
    Scenario(
        "the MFA policy no longer excludes the break-glass group",
        {ESS06_LOCK: "failed"},
        mutate=mfa_policy_without_group,
        checks=("ESS-06",),
    ),
    Scenario(
        "Security Defaults on while Conditional Access policies are enabled",
        {ESS06_SD: "failed"},
        mutate=security_defaults_on,
        checks=("ESS-06",),
    ),
    Scenario(
        "the Conditional Access list refused: no Entra ID P1",
        {
            ESS06_LOCK: "error",
            FED12: "error",
            # not licensed is no refused permission: ACCESS-04 keeps caPolicies passed.
            # No policy was read, so no excluded group's members were read either
            "test_access_04_graph_read_allowed[demo-caExcludedGroupMembers]": "skipped",
        },
        mutate=ca_list_not_licensed,
        checks=("ESS-06", "FED-12"),
    ),
    Scenario(
        "Policy.Read.All never consented",
        {
            ESS06_LOCK: "error",
            ESS06_SD: "error",
            FED12: "error",
            "test_access_04_graph_read_allowed[demo-caPolicies]": "failed",
            "test_access_04_graph_read_allowed[demo-securityDefaults]": "failed",
            "test_access_04_graph_read_allowed[demo-caExcludedGroupMembers]": "skipped",
        },
        patch=no_policy_read,
        checks=("ESS-06", "FED-12"),
    ),
    Scenario(
        "a break-glass account excluded from MFA through Global Administrator (stays green)",
        {},
        mutate=mfa_policy_through_role,
        checks=("ESS-06",),
    ),
    Scenario(
        "a report-only policy blocking everyone (stays green)",
        {},
        mutate=report_only_block_everyone,
        checks=("ESS-06", "FED-12"),
    ),
    Scenario(
        "a session-only policy for everyone (stays green)",
        {},
        mutate=session_only_policy_for_everyone,
        checks=("ESS-06",),
    ),
    Scenario(
        "the legacy-auth block report-only",
        {FED12: "failed"},
        mutate=legacy_block_report_only,
        checks=("FED-12",),
    ),
    Scenario(
        "the legacy-auth block also excludes a staff group",
        {FED12: "failed"},
        mutate=legacy_block_excludes_staff,
        checks=("FED-12",),
    ),
    Scenario(
        "the legacy-auth policy offers MFA instead of block",
        {FED12: "failed"},
        mutate=legacy_block_includes_mfa_choice,
        checks=("FED-12",),
    ),
    Scenario(
        "the legacy-auth block lists its client apps in another order (stays green)",
        {},
        mutate=legacy_block_clients_reordered,
        checks=("FED-12",),
    ),
]
