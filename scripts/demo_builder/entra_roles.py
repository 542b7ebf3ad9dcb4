"""The Global Administrator role in Entra: active assignments (direct and through a
role-assignable group), PIM eligibility, and the members of the group.

The demo holds the role three ways, so the golden exercises each: the service account and
breakglass1 directly; breakglass2 through the role-assignable group "Break-glass admins"
(still counted: ESS-05 stays green); the Okta admin is PIM-eligible only (listed, never
counted). Shapes: microsoft-graph-docs-contrib api-reference/v1.0 (rbacapplication-list-
roleassignments.md with ``$expand=principal``, unifiedroleeligibilityschedule.md,
group.md, group-list-members.md).
"""

from __future__ import annotations

import uuid
from typing import Any

from okta_m365_audit.snapshot import document as snap

from .facts import BREAK_GLASS, SERVICE_ACCOUNT
from .ids import at, b64url, graph_time, guid
from .people import OKTA_ADMIN

BREAK_GLASS_GROUP = "Break-glass admins"
GROUP_ID = guid(f"entra group {BREAK_GLASS_GROUP}")
GROUP_MEMBERS = (BREAK_GLASS[1],)  #: hold Global Administrator through the group only
DIRECT = tuple(sorted((SERVICE_ACCOUNT, BREAK_GLASS[0])))
ELIGIBLE_ONLY = (OKTA_ADMIN,)  #: PIM-eligible, never activated

#: a user's default properties (api-facts.md §12, "Default properties"), as an expanded
#: principal or a group member carries them
USER_DEFAULTS = (
    "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
    "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id",
)  # fmt: skip


def _user_object(user: dict[str, Any]) -> dict[str, Any]:
    """A Graph user as a directoryObject (``@odata.type``) with its default properties."""
    values = {"businessPhones": [], "jobTitle": None, "mobilePhone": None,
              "officeLocation": None, "preferredLanguage": None} | user  # fmt: skip
    return {"@odata.type": "#microsoft.graph.user"} | {k: values.get(k) for k in USER_DEFAULTS}


def break_glass_group() -> dict[str, Any]:
    """The role-assignable security group (isAssignableToRole is set at creation only:
    MicrosoftDocs/entra-docs groups-concept.md)."""
    return {
        "@odata.type": "#microsoft.graph.group",
        "id": GROUP_ID,
        "deletedDateTime": None,
        "createdDateTime": graph_time(at("2021-06-08T15:52:19")),
        "description": "Emergency access accounts holding Global Administrator",
        "displayName": BREAK_GLASS_GROUP,
        "groupTypes": [],
        "isAssignableToRole": True,
        "mail": None,
        "mailEnabled": False,
        "mailNickname": "breakglass-admins",
        "securityEnabled": True,
        "visibility": "Private",
    }


def _assignment(principal: dict[str, Any]) -> dict[str, Any]:
    role = uuid.UUID(snap.GLOBAL_ADMIN_ROLE_TEMPLATE)
    pid = uuid.UUID(principal["id"])
    return {
        # Directory role assignment ids: role id + principal id (bytes_le), base64url
        "id": f"{b64url(role.bytes_le)}{b64url(pid.bytes_le)}-1",
        "directoryScopeId": "/",
        "principalId": str(pid),
        "roleDefinitionId": snap.GLOBAL_ADMIN_ROLE_TEMPLATE,
        "principal": principal,
    }


def _by_upn(users: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {u["userPrincipalName"]: u for u in users}


def global_admin_assignments(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Active, tenant-wide assignments with ``$expand=principal``: the direct holders and the
    group."""
    by_upn = _by_upn(users)
    out = [_assignment(_user_object(by_upn[upn])) for upn in DIRECT]
    out.append(_assignment(break_glass_group()))
    return sorted(out, key=lambda a: a["id"])


def global_admin_eligibility(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """PIM eligibility schedules with ``$expand=principal`` (unifiedRoleEligibilitySchedule)."""
    by_upn = _by_upn(users)
    out = []
    for upn in ELIGIBLE_ONLY:
        principal = _user_object(by_upn[upn])
        sid = guid(f"eligibility schedule {upn}")
        created = at("2026-05-12T09:17:44")
        out.append(
            {
                "id": sid,
                "principalId": principal["id"],
                "roleDefinitionId": snap.GLOBAL_ADMIN_ROLE_TEMPLATE,
                "directoryScopeId": "/",
                "appScopeId": None,
                "createdUsing": sid,
                "createdDateTime": graph_time(created),
                "modifiedDateTime": None,
                "status": "Provisioned",
                "memberType": "Direct",
                "scheduleInfo": {
                    "startDateTime": graph_time(created),
                    "recurrence": None,
                    "expiration": {"type": "noExpiration", "endDateTime": None, "duration": None},
                },
                "principal": principal,
            }
        )
    return out


def global_admin_group_members(users: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Group id -> its direct members (all of them: no nesting in role-assignable groups)."""
    by_upn = _by_upn(users)
    return {GROUP_ID: [_user_object(by_upn[upn]) for upn in GROUP_MEMBERS]}


def role_reads(read: Any, users: list[dict[str, Any]]) -> dict[str, Any]:
    """The snapshot's Global Administrator reads, made with assemble's ``read``: the
    assignments, the eligibility schedules and each group principal's members (keyed by
    group id, as the collector plans them: resources.role_group_ids)."""
    assignments = global_admin_assignments(users)
    eligibility = global_admin_eligibility(users)
    members = global_admin_group_members(users)
    groups = snap.role_group_ids(assignments, eligibility)
    assert set(groups) == set(members), "every group principal needs its members"
    return {
        "globalAdminAssignments": read("graph", "globalAdminAssignments", assignments),
        "globalAdminEligibility": read("graph", "globalAdminEligibility", eligibility),
        "globalAdminGroupMembers": {
            g: read("graph", "globalAdminGroupMembers", members[g], g) for g in groups
        },
    }
