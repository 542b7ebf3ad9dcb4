"""ACCESS scenarios: the suite's own credentials short of what it needs."""

from __future__ import annotations

from typing import Any

from . import Scenario


def no_logs_scope(data: dict[str, Any]) -> None:
    """The service app's token lacks okta.logs.read (the tenant file requests fewer scopes)."""
    data["okta"]["auth"]["scopes"] = [
        "okta.orgs.read", "okta.apps.read", "okta.users.read", "okta.groups.read",
        "okta.domains.read", "okta.agentPools.read",
    ]  # fmt: skip


SCENARIOS = [
    Scenario(
        "a token without okta.logs.read",
        {
            "test_access_02_okta_read_allowed[demo-logs]": "failed",
            "test_cred_04_no_credential_failures[demo]": "error",
            "test_cred_04_recent_provisioning_activity[demo]": "error",
        },
        patch=no_logs_scope,
        checks=("ACCESS-02",),
    ),
]
