"""The demo's subscriptions and licence states (PROV-05): one Office 365 E3 subscription
(ENTERPRISEPACK) with seats to spare, and each licensed user's assignment landed.

Shapes: microsoft-graph-docs-contrib api-reference/v1.0/api/subscribedsku-list.md (its
example answer: ``id`` "<tenant id>_<skuId>", accountName/accountId, prepaidUnits with
lockedOut, subscriptionIds), resources/subscribedsku.md, licenseunitsdetail.md and
licenseassignmentstate.md (``error`` null when assigned, ``assignedByGroup`` null for a
direct assignment, as Okta makes). Service plan names and ids of E3: Learn "Product names and
service plan identifiers for licensing".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .facts import E3_PLANS, E3_SKU_ID, TENANT_ID
from .ids import graph_time, guid

E3_PART_NUMBER = "ENTERPRISEPACK"
#: seats bought beyond those assigned (40 in all for the demo's 32 licensed users; a grown
#: synthetic tenant keeps the same headroom); the tenant file keeps min_free_seats below it
E3_SPARE_SEATS = 8
#: E3_PLANS' services by their plan names (Learn, licensing service plan reference)
PLAN_NAMES = {
    "exchange": "EXCHANGE_S_ENTERPRISE",
    "SharePoint": "SHAREPOINTENTERPRISE",
    "TeamspaceAPI": "TEAMS1",
    "MicrosoftOffice": "OFFICESUBSCRIPTION",
}


def licence_states(assigned: dt.datetime) -> list[dict[str, Any]]:
    """A user's licenseAssignmentStates: E3 assigned directly (by Okta), landed."""
    return [
        {
            "assignedByGroup": None,
            "disabledPlans": [],
            "error": None,
            "lastUpdatedDateTime": graph_time(assigned),
            "skuId": E3_SKU_ID,
            "state": "Active",
        }
    ]


def subscribed_skus(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tenant's subscriptions; consumedUnits counts the users holding the SKU."""
    consumed = sum(
        1 for u in users if any(a.get("skuId") == E3_SKU_ID for a in u["assignedLicenses"])
    )
    return [
        {
            "accountName": "Contoso Demo",
            "accountId": guid("billing account contoso demo"),
            "appliesTo": "User",
            "capabilityStatus": "Enabled",
            "consumedUnits": consumed,
            "id": f"{TENANT_ID}_{E3_SKU_ID}",
            "prepaidUnits": {
                "enabled": consumed + E3_SPARE_SEATS,
                "lockedOut": 0,
                "suspended": 0,
                "warning": 0,
            },
            "servicePlans": [
                {
                    "servicePlanId": plan,
                    "servicePlanName": PLAN_NAMES[service],
                    "provisioningStatus": "Success",
                    "appliesTo": "User",
                }
                for service, plan in E3_PLANS
            ],
            "skuId": E3_SKU_ID,
            "skuPartNumber": E3_PART_NUMBER,
            "subscriptionIds": [guid("subscription office 365 e3")],
        }
    ]
