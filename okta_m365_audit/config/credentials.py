"""Where the suite signs in, and how: the Okta org and its service-app or token
credential, the Microsoft 365 tenant and its app-registration credential.

Secrets are held only by reference: the name of an environment variable, or the path of a
key or certificate file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator

from .fields import ENV_NAME_RE, ORIGIN_RE, Strict, check_guid, file_path, https_origin

#: Okta scopes the collector needs, one per family of reads (reference/api-facts.md §8).
OKTA_READ_SCOPES: tuple[str, ...] = (
    "okta.orgs.read",
    "okta.apps.read",
    "okta.users.read",
    "okta.groups.read",
    "okta.domains.read",
    "okta.agentPools.read",
    "okta.logs.read",
    "okta.threatInsights.read",
    "okta.apiTokens.read",
    "okta.policies.read",
    "okta.roles.read",
)

#: Graph application permissions the collector needs (reference/api-facts.md §15).
GRAPH_READ_PERMISSIONS: tuple[str, ...] = (
    "Organization.Read.All",
    "Domain.Read.All",
    "User.Read.All",
    "RoleManagement.Read.Directory",
    "GroupMember.Read.All",  # members of groups holding Global Administrator (ESS-02/05)
    "Application.Read.All",
    "Directory.Read.All",
    # Conditional Access policies and Security Defaults (ESS-06, FED-12): least privileged
    # application permission of both reads (microsoft-graph-docs-contrib api-reference/v1.0/
    # api/conditionalaccessroot-list-policies.md, identitysecuritydefaultsenforcementpolicy-get.md)
    "Policy.Read.All",
    # Entra's sign-in log (FED-13): least privileged application permission of List signIns
    # (microsoft-graph-docs-contrib api-reference/v1.0/includes/permissions/
    # signin-list-permissions.md); the log itself needs Entra ID P1 (resources/signin.md).
    # Also who changed a Conditional Access policy or Security Defaults (drift): the Entra
    # audit log, least privileged "AuditLog.Read.All and Directory.Read.All" (microsoft-graph-
    # docs-contrib api-reference/v1.0/includes/permissions/directoryaudit-list-permissions.md)
    "AuditLog.Read.All",
)


# --- Okta --------------------------------------------------------------------------------


class OktaPrivateKeyAuth(Strict):
    """OAuth 2.0 service app, client credentials with private_key_jwt (recommended)."""

    method: Literal["private_key_jwt"]
    client_id: str = Field(min_length=1, description="Client ID of the Okta API service app.")
    private_key_file: Path = Field(
        description="PEM (PKCS#8 or PKCS#1) or JWK file of the service app's private key; "
        "relative paths are resolved from the tenant file's folder."
    )
    key_id: str | None = Field(None, description="The key's kid, as registered in Okta.")
    scopes: tuple[str, ...] = Field(
        OKTA_READ_SCOPES,
        description="Scopes to request; defaults to every read scope the suite needs.",
    )
    dpop: bool = Field(
        False,
        description='true when the service app has "Require Demonstrating Proof of '
        'Possession (DPoP) header in token requests" ticked: the suite then binds its '
        "tokens to a key made in memory for the run and proves it on every request.",
    )

    _path = field_validator("private_key_file", mode="before")(file_path)

    @field_validator("scopes")
    @classmethod
    def _read_only_scopes(cls, scopes: tuple[str, ...]) -> tuple[str, ...]:
        bad = [s for s in scopes if not (s.startswith("okta.") and s.endswith(".read"))]
        if bad:
            raise ValueError(f"only read scopes are allowed, not {', '.join(bad)}")
        return scopes


class OktaApiTokenAuth(Strict):
    """An SSWS API token, read from an environment variable."""

    method: Literal["api_token"]
    token_env: str = Field(pattern=ENV_NAME_RE, description="Environment variable with the token.")


OktaAuth = Annotated[OktaPrivateKeyAuth | OktaApiTokenAuth, Field(discriminator="method")]


class OktaConfig(Strict):
    org_url: str = Field(description="https://<subdomain>.okta.com (or your custom domain).")
    auth: OktaAuth

    @field_validator("org_url")
    @classmethod
    def _https_origin(cls, url: str) -> str:
        url = https_origin(url, "like https://acme.okta.com")
        match = ORIGIN_RE.fullmatch(url)
        assert match is not None
        first_label = match["host"].split(".", 1)[0].lower()
        if first_label.endswith("-admin") and "okta" in match["host"].lower():
            raise ValueError(
                "is the Admin Console's address; the API is on the org URL without -admin "
                "(like https://acme.okta.com)"
            )
        return url


# --- Microsoft 365 / Graph ---------------------------------------------------------------


class GraphCertificateAuth(Strict):
    """Entra app registration with a certificate credential (recommended)."""

    method: Literal["certificate"]
    client_id: str = Field(description="Application (client) ID of the Entra app registration.")
    certificate_file: Path = Field(
        description="PEM holding the certificate and its private key (or PKCS#12 .pfx)."
    )
    certificate_password_env: str | None = Field(
        None, pattern=ENV_NAME_RE, description="Environment variable with the file's password."
    )

    _path = field_validator("certificate_file", mode="before")(file_path)

    @field_validator("client_id")
    @classmethod
    def _guid(cls, v: str) -> str:
        return check_guid(v)


class GraphClientSecretAuth(Strict):
    """Entra app registration with a client secret, read from an environment variable."""

    method: Literal["client_secret"]
    client_id: str
    client_secret_env: str = Field(pattern=ENV_NAME_RE)

    @field_validator("client_id")
    @classmethod
    def _guid(cls, v: str) -> str:
        return check_guid(v)


class GraphDefaultCredentialAuth(Strict):
    """azure-identity's DefaultAzureCredential: workload identity, managed identity, CLI."""

    method: Literal["default_credential"]
    managed_identity_client_id: str | None = Field(
        None, description="Client ID of a user-assigned managed identity, if any."
    )


GraphAuth = Annotated[
    GraphCertificateAuth | GraphClientSecretAuth | GraphDefaultCredentialAuth,
    Field(discriminator="method"),
]


class M365Config(Strict):
    tenant_id: str = Field(description="Directory (tenant) ID, a GUID.")
    cloud: Literal["global", "usgov", "usgov-dod", "china"] = "global"
    auth: GraphAuth

    @field_validator("tenant_id")
    @classmethod
    def _guid(cls, v: str) -> str:
        return check_guid(v)
