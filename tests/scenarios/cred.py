"""CRED scenarios: the provisioning connection and its credentials broken one way at a time."""

from __future__ import annotations

from typing import Any

from . import Scenario
from .helpers import add_log_event, per_app


def connection_disabled(doc: dict[str, Any]) -> None:
    per_app(doc, "appConnection")["data"]["status"] = "DISABLED"


def connection_legacy_token(doc: dict[str, Any]) -> None:
    """Provisioning still on legacy admin credentials (the pre-consent connection)."""
    conn = per_app(doc, "appConnection")["data"]
    conn["authScheme"] = "TOKEN"
    conn["profile"] = {"authScheme": "TOKEN"}


def authentication_failures(doc: dict[str, Any]) -> None:
    """Okta failed to authenticate to Microsoft's API twice in the window."""
    for hours in (30, 2):
        add_log_event(
            doc, "application.integration.authentication_failure", hours, "FAILURE",
            displayMessage="Authentication failure with third party application",
            severity="ERROR",
        )  # fmt: skip


SCENARIOS = [
    Scenario(
        "the connection DISABLED",
        {"test_cred_01_connection_enabled[demo]": "failed"},
        mutate=connection_disabled,
        checks=("CRED-01",),
    ),
    Scenario(
        "a legacy TOKEN connection",
        {"test_cred_02_connection_uses_oauth_consent[demo]": "failed"},
        mutate=connection_legacy_token,
        checks=("CRED-02",),
    ),
    Scenario(
        "authentication_failure events",
        {"test_cred_04_no_credential_failures[demo]": "failed"},
        mutate=authentication_failures,
        checks=("CRED-04",),
    ),
]


def _graph_client(doc: dict[str, Any]) -> dict[str, Any]:
    return next(sp for sp in doc["graph"]["oktaServicePrincipals"]["data"]
                if sp["displayName"] == "Okta Microsoft Graph Client")  # fmt: skip


def graph_client_copies(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The provisioning client as each read recorded it: by name and by appId (the
    emulator pools both, so an edit must reach every copy)."""
    sp_id = _graph_client(doc)["id"]
    reads = [doc["graph"]["oktaServicePrincipals"], *doc["graph"]["oktaClientPrincipal"].values()]
    return [sp for r in reads for sp in r["data"] if sp["id"] == sp_id]


def service_principal_missing(doc: dict[str, Any]) -> None:
    sp = _graph_client(doc)
    doc["graph"]["oktaServicePrincipals"]["data"].remove(sp)
    for read in doc["graph"]["oktaClientPrincipal"].values():
        read["data"] = [p for p in read["data"] if p["id"] != sp["id"]]
    for name in ("appRoleAssignments", "oauth2PermissionGrants"):
        doc["graph"][name].pop(sp["id"])


def service_principal_disabled(doc: dict[str, Any]) -> None:
    for sp in graph_client_copies(doc):
        sp["accountEnabled"] = False


def consent_missing(doc: dict[str, Any]) -> None:
    """The provisioning client holds no application permission (consent never granted)."""
    doc["graph"]["appRoleAssignments"][_graph_client(doc)["id"]]["data"] = []


CRED03 = {"test_cred_03_okta_service_principal_consented[demo]": "failed"}
#: no principal for the connection's client, or one without any consent: not consent-based
CRED02_03 = CRED03 | {"test_cred_02_connection_uses_oauth_consent[demo]": "failed"}

SCENARIOS += [
    Scenario("Okta's provisioning service principal missing", CRED02_03,
             mutate=service_principal_missing),
    Scenario("Okta's provisioning service principal disabled", CRED03,
             mutate=service_principal_disabled),
    Scenario("Okta's provisioning service principal without consent", CRED02_03,
             mutate=consent_missing),
]  # fmt: skip
