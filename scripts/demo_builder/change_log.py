"""The change events drift names its actors by (okta_m365_audit/catalog/change_events.py):
the Okta System Log's admin-role, ThreatInsight, policy-rule and API-token events, and the
Entra audit log's Policy category, in the week before the run.

The golden tenant's week holds changes that leave the configuration as it is (every check
still passes, and a drift against the golden has no actor to name): Help Desk
Administrator granted to a colleague for an afternoon and revoked, a named location
added, and an attempt to change a Conditional Access policy that Entra refused. Shapes:
the Okta System Log as system_log.py writes it; directoryAudit as
microsoft-graph-docs-contrib api-reference/v1.0/api/directoryaudit-list.md shows it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .facts import AS_OF
from .ids import guid, hex_id, okta_id
from .people import OKTA_ADMIN, Person
from .system_log import log_event

#: the colleague who held Help Desk Administrator for an afternoon
HELPER = "isla.murphy@contoso.com"


def _user_target(p: Person) -> dict[str, Any]:
    return {"id": p.okta_id, "type": "User", "alternateId": p.upn,
            "displayName": p.display_name, "detailEntry": None}  # fmt: skip


def okta_change_events(everyone: list[Person]) -> list[dict[str, Any]]:
    """Admin role granted and revoked the same afternoon, by the Okta admin."""
    by_upn = {p.upn: p for p in everyone}
    admin, helper = by_upn[OKTA_ADMIN], by_upn[HELPER]
    granted = AS_OF.replace(hour=13, minute=12, second=5) - dt.timedelta(days=3)
    role = {"id": okta_id("ra1", f"role HELP_DESK_ADMIN {helper.okta_id}"), "type": "ROLE",
            "alternateId": "HELP_DESK_ADMIN", "displayName": "Help Desk Administrator",
            "detailEntry": None}  # fmt: skip
    events = []
    for t, kind, legacy, message in (
        (granted, "grant", "core.user.admin_privilege.granted", "Grant user privilege"),
        (granted + dt.timedelta(hours=3, minutes=41, seconds=17), "revoke",
         "core.user.admin_privilege.revoked", "User privilege revoke"),
    ):  # fmt: skip
        e = log_event(t, f"user.account.privilege.{kind}", legacy, message, actor=admin)
        e["target"] = [_user_target(helper), role]
        e["debugContext"]["debugData"]["privilegeGranted"] = (
            "Help Desk Administrator" if kind == "grant" else ""
        )
        events.append(e)
    return events


def _audit(t: dt.datetime, activity: str, result: str, reason: str, actor: dict[str, Any],
           target: dict[str, Any], operation: str) -> dict[str, Any]:  # fmt: skip
    label = f"audit {activity} {t.isoformat()}"
    return {
        "id": f"IPCGraph_{guid(label)}_{hex_id(label, 8).upper()}",
        "category": "Policy",
        "correlationId": guid(f"correlation {label}"),
        "result": result,
        "resultReason": reason,
        "activityDisplayName": activity,
        "activityDateTime": t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}0Z",
        "loggedByService": "Conditional Access",
        "operationType": operation,
        "initiatedBy": {"app": None, "user": actor},
        "targetResources": [target],
        "additionalDetails": [],
    }


def entra_audit_events(graph_users: list[dict[str, Any]],
                       policies: list[dict[str, Any]]) -> list[dict[str, Any]]:  # fmt: skip
    """A named location added, and a refused attempt on the legacy-authentication block
    (a failure changes nothing), newest first as Graph lists them."""
    admin = next(u for u in graph_users if u["userPrincipalName"] == OKTA_ADMIN)
    # initiatedBy.user as List directoryAudits' first example (msgraph-sdk's userIdentity)
    actor = {
        "id": admin["id"],
        "displayName": admin.get("displayName"),
        "userPrincipalName": admin["userPrincipalName"],
        "ipAddress": "198.51.100.23",
    }
    block = next(p for p in policies if "legacy" in p["displayName"].lower())
    day = AS_OF.replace(hour=10, minute=4, second=51, microsecond=318402)
    location = {"id": guid("named location London office"), "displayName": "London office",
                "type": "Policy", "userPrincipalName": None, "groupType": None,
                "modifiedProperties": []}  # fmt: skip
    policy = {"id": block["id"], "displayName": block["displayName"], "type": "Policy",
              "userPrincipalName": None, "groupType": None, "modifiedProperties": []}  # fmt: skip
    return [
        _audit(day - dt.timedelta(days=2), "Update Conditional Access policy", "failure",
               "Insufficient privileges", actor, policy, "Update"),
        _audit(day - dt.timedelta(days=5), "Add named location", "success", "", actor,
               location, "Add"),
    ]  # fmt: skip
