"""The Entra guards around federation (ESS-06, FED-12): two enabled Conditional Access
policies, MFA for everyone and a block of legacy authentication, each excluding the
break-glass accounts (breakglass1 by id, breakglass2 through the role-assignable group
"Break-glass admins"); the MFA policy also excludes the service account (Okta signs in with
it rarely and non-interactively; a realistic MSP setup excludes it). Security Defaults off.

Shapes: microsoft-graph-docs-contrib api-reference/v1.0 resources/conditionalaccesspolicy.md
(and conditionalaccessconditionset.md, conditionalaccessusers.md,
conditionalaccessgrantcontrols.md), identitysecuritydefaultsenforcementpolicy.md,
directoryrole.md; user-list-transitivememberof.md and group-list-transitivemembers.md.
"""

from __future__ import annotations

from typing import Any

from okta_m365_audit.catalog.guards import excluded_group_ids
from okta_m365_audit.snapshot import document as snap

from .entra_roles import GROUP_ID, GROUP_MEMBERS, break_glass_group
from .facts import BREAK_GLASS, SERVICE_ACCOUNT
from .ids import at, graph_time, guid

BREAK_GLASS_DIRECT = BREAK_GLASS[0]  #: excluded by id; BREAK_GLASS[1] through the group


def _policy(name: str, created: str, clients: list[str], grant: list[str],
            exclude_users: list[str]) -> dict[str, Any]:  # fmt: skip
    return {
        "id": guid(f"conditional access {name}"),
        "templateId": None,
        "displayName": name,
        "createdDateTime": graph_time(at(created)),
        "modifiedDateTime": graph_time(at("2026-03-01T10:00:00")),
        "state": "enabled",
        "sessionControls": None,
        "conditions": {
            "userRiskLevels": [],
            "signInRiskLevels": [],
            "clientAppTypes": clients,
            "platforms": None,
            "locations": None,
            "devices": None,
            "clientApplications": None,
            "applications": {
                "includeApplications": ["All"],
                "excludeApplications": [],
                "includeUserActions": [],
                "includeAuthenticationContextClassReferences": [],
            },
            "users": {
                "includeUsers": ["All"],
                "excludeUsers": exclude_users,
                "includeGroups": [],
                "excludeGroups": [GROUP_ID],
                "includeRoles": [],
                "excludeRoles": [],
                "includeGuestsOrExternalUsers": None,
                "excludeGuestsOrExternalUsers": None,
            },
        },
        "grantControls": {
            "operator": "OR",
            "builtInControls": grant,
            "customAuthenticationFactors": [],
            "termsOfUse": [],
            "authenticationStrength": None,
        },
    }


def _ids(users: list[dict[str, Any]], *upns: str) -> list[str]:
    by_upn = {u["userPrincipalName"]: u["id"] for u in users}
    return [by_upn[u] for u in upns]


def ca_policies(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        _policy("CA001: Require MFA for all users", "2021-06-09T09:00:00", ["all"], ["mfa"],
                _ids(users, BREAK_GLASS_DIRECT, SERVICE_ACCOUNT)),
        _policy("CA002: Block legacy authentication", "2021-06-09T09:05:00",
                ["exchangeActiveSync", "other"], ["block"], _ids(users, BREAK_GLASS_DIRECT)),
    ]  # fmt: skip


def security_defaults() -> dict[str, Any]:
    return {
        "id": "00000000-0000-0000-0000-000000000005",
        "displayName": "Security Defaults",
        "description": "Security defaults is a set of basic identity security mechanisms "
        "recommended by Microsoft. When enabled, these recommendations will be automatically "
        "enforced in your organization. Administrators and users will be better protected "
        "from common identity related attacks.",
        "isEnabled": False,
    }


def _global_admin_role() -> dict[str, Any]:
    """The activated Global Administrator directoryRole (its id is the tenant's own, its
    roleTemplateId the template's)."""
    return {
        "@odata.type": "#microsoft.graph.directoryRole",
        "id": guid("directory role Global Administrator"),
        "deletedDateTime": None,
        "description": "Can manage all aspects of Microsoft Entra ID and Microsoft services "
        "that use Microsoft Entra identities.",
        "displayName": "Global Administrator",
        "roleTemplateId": snap.GLOBAL_ADMIN_ROLE_TEMPLATE,
    }


def break_glass_member_of(users: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """User id -> ``transitiveMemberOf``: breakglass1 holds Global Administrator directly
    (its directory role), breakglass2 is in the role-assignable group (whether the role held
    through the group is listed too is unconfirmed: the demo lists the group only)."""
    out = {}
    for upn, uid in zip(BREAK_GLASS, _ids(users, *BREAK_GLASS), strict=True):
        out[uid] = [break_glass_group()] if upn in GROUP_MEMBERS else [_global_admin_role()]
    return out


def ca_excluded_group_members(users: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Group id -> transitive members as ``$select=id,userPrincipalName`` returns them."""
    by_upn = {u["userPrincipalName"]: u for u in users}
    members = [
        {"@odata.type": "#microsoft.graph.user", "id": by_upn[upn]["id"],
         "userPrincipalName": upn} for upn in GROUP_MEMBERS
    ]  # fmt: skip
    return {GROUP_ID: members}


def guard_reads(read: Any, users: list[dict[str, Any]]) -> dict[str, Any]:
    """The snapshot's guard reads, made with assemble's ``read``, keyed as the collector
    plans them (collect/guards.py)."""
    policies = ca_policies(users)
    groups = excluded_group_ids(policies)
    members = ca_excluded_group_members(users)
    assert set(groups) == set(members), "every excluded group needs its members"
    return {
        "caPolicies": read("graph", "caPolicies", policies),
        "securityDefaults": read("graph", "securityDefaults", security_defaults()),
        "breakGlassMemberOf": {
            uid: read("graph", "breakGlassMemberOf", groups_of, uid)
            for uid, groups_of in break_glass_member_of(users).items()
        },
        "caExcludedGroupMembers": {
            g: read("graph", "caExcludedGroupMembers", members[g], g) for g in groups
        },
    }
