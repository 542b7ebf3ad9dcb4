"""The Okta org's security baseline: ThreatInsight and the SSWS API tokens (ORG-07, ORG-08).

Shapes follow the spec examples (okta-management-openapi.yaml ThreatInsightResponseExample,
ApiTokenListMetadataResponse): a token's ``expiresAt`` is its last use plus its
``tokenWindow``, as Okta extends it at each use.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .facts import AS_OF, ORG_CREATED
from .ids import at, okta_id, okta_time
from .okta_org import href

#: the person whose token the org keeps for its reporting scripts
TOKEN_OWNER = "oliver.bennett@contoso.com"


def threat_insight() -> dict[str, Any]:
    """Log and block, set up with the org."""
    return {
        "action": "block",
        "excludeZones": [],
        "created": okta_time(ORG_CREATED),
        "lastUpdated": okta_time(ORG_CREATED + dt.timedelta(minutes=42)),
        "_links": {"self": href("/api/v1/threats/configuration", "GET", "POST")},
    }


def api_tokens(okta_users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One token, owned by an active administrator, last used two days before the run."""
    owner = next(u for u in okta_users if u["profile"]["login"] == TOKEN_OWNER)
    token_id = okta_id("00T", "token reporting")
    used = AS_OF - dt.timedelta(days=2, hours=22, minutes=47, seconds=20)
    return [
        {
            "name": "Legacy PowerShell reporting",
            "userId": owner["id"],
            "tokenWindow": "P30D",
            "network": {"connection": "ANYWHERE"},
            "id": token_id,
            "clientName": "Okta API",
            "expiresAt": okta_time(used + dt.timedelta(days=30)),
            "created": okta_time(at("2026-03-03T09:15:00")),
            "lastUpdated": okta_time(used),
            "_links": {
                "self": href(f"/api/v1/api-tokens/{token_id}", "GET", "DELETE"),
                "user": href(f"/api/v1/users/{owner['id']}", "GET"),
            },
        }
    ]
