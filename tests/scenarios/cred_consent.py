"""CRED-02..04 as corrected: consent judged on Entra's side (the principal whose appId is the
connection's client id, legacy "Okta AAD Service Principal" objects) and Office 365's own
credential-failure events, broken one way at a time; and realistic variations that must stay
green, each carried by the connection DISABLED (only CRED-01 may change: CRED-02..04 would
change with it if the variation fooled them). A legacy principal without any role is in the
golden tenant itself; several Office 365 instances: tests/test_cred_attribution.py."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from okta_m365_audit.catalog.consent import OFFICE365_CREDENTIAL_FAILURES, is_legacy_principal

from . import Scenario
from .cred import connection_disabled, graph_client_copies
from .helpers import add_log_event, per_app

T = "[demo]"
CRED01 = {f"test_cred_01_connection_enabled{T}": "failed"}
CONSENT = f"test_cred_02_connection_uses_oauth_consent{T}"
LEGACY = f"test_cred_02_no_legacy_principal_with_role{T}"
CRED03 = f"test_cred_03_okta_service_principal_consented{T}"
CRED04 = f"test_cred_04_no_credential_failures{T}"
GENERAL = f"test_cred_04_no_general_failures{T}"
#: CRED-05 judges every Okta principal but the current client: without the client id it
#: cannot tell which that is; with a client no principal has, the provisioning principal
#: holding write permissions is an earlier connection's
CRED05 = f"test_cred_05_no_stale_okta_principal{T}"
#: ACCESS-04 judges a per-parent read only where it has a parent: without a client id nothing
#: is read by appId
NO_CLIENT_READ = {"test_access_04_graph_read_allowed[demo-oktaClientPrincipal]": "skipped"}

OFFICE365_FAILURES = OFFICE365_CREDENTIAL_FAILURES

OTHER_CLIENT = "0f7c3d8e-1b2a-4c5d-9e6f-7a8b9c0d1e2f"  #: an appId no principal has
APPLICATION_ADMIN = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"  #: Learn, Entra built-in roles
OTHER_APP = "0oaOther365Instance0x7"  #: another Office 365 app instance of the org


def _connection(doc: dict[str, Any]) -> dict[str, Any]:
    return per_app(doc, "appConnection")["data"]


def no_authorize_link(doc: dict[str, Any]) -> None:
    """A connection reporting OAUTH2 without an authorize link (a legacy connection's
    shape is unconfirmed): its client cannot be told."""
    _connection(doc)["_links"].pop("authorize")


def client_without_principal(doc: dict[str, Any]) -> None:
    """The authorize link names a client that has no service principal in Entra."""
    link = _connection(doc)["_links"]["authorize"]
    parts = urlsplit(link["href"])
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"client_id": OTHER_CLIENT}
    link["href"] = urlunsplit(parts._replace(query=urlencode(query)))


def principal_renamed(doc: dict[str, Any]) -> None:
    """The provisioning principal renamed (no longer starting with "Okta"): found by appId."""
    for sp in graph_client_copies(doc):
        sp["displayName"] = "Contoso provisioning (Okta)"
    connection_disabled(doc)


def principal_other_app_id(doc: dict[str, Any]) -> None:
    """Okta-named principals exist, but none has the connection's client as its appId."""
    for sp in graph_client_copies(doc):
        sp["appId"] = OTHER_CLIENT


def legacy_principal_with_role(doc: dict[str, Any]) -> None:
    """The golden tenant's legacy "Okta AAD Service Principal" (kept without any role, which
    CRED-02 accepts) still holds a directory role: Application Administrator here, as Global
    Administrator would also change the ESS checks."""
    graph = doc["graph"]
    sp = next(p for p in graph["oktaServicePrincipals"]["data"] if is_legacy_principal(p))
    graph["legacyPrincipalRoles"][sp["id"]]["data"] = [
        {
            "id": "legacy-application-administrator",
            "directoryScopeId": "/",
            "principalId": sp["id"],
            "roleDefinitionId": APPLICATION_ADMIN,
        }
    ]


def office365_failure(event_type: str, target: bool = True):
    def mutate(doc: dict[str, Any]) -> None:
        fields = {} if target else {"target": []}  # no target: unknown instance
        add_log_event(doc, event_type, 5, "FAILURE", severity="ERROR", **fields)

    return mutate


def general_failure(doc: dict[str, Any]) -> None:
    add_log_event(doc, "application.integration.general_failure", 3, "FAILURE",
                  severity="ERROR")  # fmt: skip


def other_instance_failure(doc: dict[str, Any]) -> None:
    """A credential failure of another Office 365 instance: not this app's."""
    event = add_log_event(doc, OFFICE365_FAILURES[0], 4, "FAILURE", severity="ERROR")
    event["target"] = [{**event["target"][0], "id": OTHER_APP, "displayName": "Office 365 (EU)"}]
    connection_disabled(doc)


SCENARIOS = [
    Scenario("a connection without an authorize link",
             {CONSENT: "error", CRED03: "error", CRED05: "error"} | NO_CLIENT_READ,
             mutate=no_authorize_link,
             checks=("CRED-02", "CRED-03")),
    Scenario("the connection's client has no service principal",
             {CONSENT: "failed", CRED03: "failed", CRED05: "failed"},
             mutate=client_without_principal,
             checks=("CRED-02", "CRED-03")),
    Scenario("Okta-named principals with another appId only",
             {CONSENT: "failed", CRED03: "failed", CRED05: "failed"},
             mutate=principal_other_app_id,
             checks=("CRED-02", "CRED-03")),
    Scenario("the provisioning principal renamed (and the connection DISABLED)", CRED01,
             mutate=principal_renamed, checks=("CRED-02", "CRED-03")),
    Scenario("a legacy Okta AAD Service Principal holding a role",
             {LEGACY: "failed", CRED05: "failed"}, mutate=legacy_principal_with_role,
             checks=("CRED-02", "CRED-05")),
    *(Scenario(f"a {t} event naming the app", {CRED04: "failed"},
               mutate=office365_failure(t), checks=("CRED-04",))
      for t in OFFICE365_FAILURES),
    Scenario("an Office 365 credential failure naming no app instance", {CRED04: "failed"},
             mutate=office365_failure(OFFICE365_FAILURES[0], target=False),
             checks=("CRED-04",)),
    Scenario("a general_failure event", {GENERAL: "failed"}, mutate=general_failure,
             checks=("CRED-04",)),
    Scenario("a credential failure of another Office 365 instance (and the connection "
             "DISABLED)", CRED01, mutate=other_instance_failure, checks=("CRED-04",)),
]  # fmt: skip
