"""CRED-05 scenarios: Okta service principals that outlived their connection and still hold
a role or consent, broken one way at a time, and variations that must stay green."""

from __future__ import annotations

import copy
from typing import Any

from okta_m365_audit.catalog.consent import is_legacy_principal

from . import Scenario
from .cred import _graph_client

CRED05 = "test_cred_05_no_stale_okta_principal[demo]"
#: Microsoft Graph's app role id of Directory.ReadWrite.All (Learn, Microsoft Graph
#: permissions reference); the golden's Graph principal does not list it, so it is shown by id
DIRECTORY_READ_WRITE = "19dbc75e-c2e2-444c-a770-ec69d8559fc7"
EARLIER_SP = "7e3a1c5b-9d2f-5b4e-8a6c-0f1e2d3c4b5a"
EARLIER_APP = "2c4e6a8b-0d1f-5e3a-9b7c-6d5e4f3a2b1c"


def _role_id(doc: dict[str, Any], value: str) -> str:
    roles = doc["graph"]["graphServicePrincipal"]["data"][0]["appRoles"]
    return next(r["id"] for r in roles if r["value"] == value)


def _assignment(doc: dict[str, Any], sp: dict[str, Any], role_id: str) -> dict[str, Any]:
    """An app role assignment of ``sp`` shaped as the current client's first one."""
    client = _graph_client(doc)["id"]
    a = copy.deepcopy(doc["graph"]["appRoleAssignments"][client]["data"][0])
    a.update(id=f"stale-{sp['id'][:8]}-{role_id[:8]}", appRoleId=role_id, principalId=sp["id"],
             principalDisplayName=sp["displayName"])  # fmt: skip
    return a


def legacy_with_application_permission(doc: dict[str, Any]) -> None:
    """The legacy "Okta AAD Service Principal" (no role) still holds Directory.ReadWrite.All
    as an application permission."""
    graph = doc["graph"]
    sp = next(p for p in graph["oktaServicePrincipals"]["data"] if is_legacy_principal(p))
    graph["appRoleAssignments"][sp["id"]]["data"] = [_assignment(doc, sp, DIRECTORY_READ_WRITE)]


def _earlier_client(doc: dict[str, Any], *permissions: str) -> None:
    """A provisioning principal of an earlier connection (another appId, Okta's name)."""
    graph = doc["graph"]
    sp = copy.deepcopy(_graph_client(doc))
    sp.update(id=EARLIER_SP, appId=EARLIER_APP)
    graph["oktaServicePrincipals"]["data"].append(sp)
    read = copy.deepcopy(next(iter(graph["appRoleAssignments"].values())))
    read["request"] = f"GET /servicePrincipals/{EARLIER_SP}/appRoleAssignments?$top=999"
    read["data"] = [_assignment(doc, sp, _role_id(doc, p)) for p in permissions]
    graph["appRoleAssignments"][EARLIER_SP] = read


def earlier_client_with_write(doc: dict[str, Any]) -> None:
    _earlier_client(doc, "User.ReadWrite.All")


def earlier_client_consent_revoked(doc: dict[str, Any]) -> None:
    """An earlier connection's principal whose consent was revoked but which was never
    deleted: it holds nothing."""
    _earlier_client(doc)


SCENARIOS = [
    Scenario(
        "the legacy Okta AAD Service Principal holds an application permission",
        {CRED05: "failed"},
        mutate=legacy_with_application_permission,
        checks=("CRED-05",),
    ),
    Scenario(
        "an earlier provisioning principal still holds User.ReadWrite.All",
        {CRED05: "failed"},
        mutate=earlier_client_with_write,
        checks=("CRED-05",),
    ),
    Scenario(
        "an earlier provisioning principal with its consent revoked (stays green)",
        {},
        mutate=earlier_client_consent_revoked,
        checks=("CRED-05",),
    ),
]
