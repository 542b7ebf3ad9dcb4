"""The CRED-02/03 reads of the golden tenant: the service principal of the provisioning
connection's client (found by appId: "Okta Microsoft Graph Client", whose appId is the
client_id of okta_apps.app_connection's authorize link) and the directory roles of legacy
"Okta AAD Service Principal" objects: the demo keeps one from its admin-credential days,
without any role or permission (a leftover CRED-02 accepts; its name is Okta's, api-facts.md
Corrections; its other fields are illustrative)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okta_m365_audit.catalog.consent import (
    LEGACY_PRINCIPAL_PREFIX,
    authorize_client_id,
    role_read_principal_ids,
)
from okta_m365_audit.snapshot import document as snap

from .facts import TENANT_ID
from .ids import guid


def legacy_principals() -> list[dict[str, Any]]:
    """The legacy principal Okta's admin-credential flow created in the tenant (no role)."""
    app_id = guid("legacy okta aad service principal app")
    values = {
        "id": guid("service principal Okta AAD Service Principal"),
        "appId": app_id,
        "displayName": f"{LEGACY_PRINCIPAL_PREFIX}:{app_id}",
        "appOwnerOrganizationId": TENANT_ID,  # created in the customer's tenant
        "accountEnabled": True,
        "servicePrincipalType": "Application",
    }
    assert tuple(values) == snap.GRAPH_SP_FIELDS
    return [values]


def consent_reads(
    read: Callable[..., dict[str, Any]], sps: list[dict[str, Any]], connection: dict[str, Any]
) -> dict[str, Any]:
    client = authorize_client_id(connection)
    found = [sp for sp in sps if sp["appId"] == client]
    assert client and found, "the connection's client must be one of Okta's principals"
    return {
        "oktaClientPrincipal": {client: read("graph", "oktaClientPrincipal", found, client)},
        # no role: the legacy principal and the federation client (CRED-02, CRED-05)
        "legacyPrincipalRoles": {
            sid: read("graph", "legacyPrincipalRoles", [], sid)
            for sid in role_read_principal_ids(sps, [client])
        },
    }
