"""The tenant file's typed model: TenantConfig, its parts and their validators.

Unknown keys are errors (every model forbids extra keys), and secrets are held only by
reference: the name of an environment variable, or the path of a key or certificate file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator

from ..core.names import TENANT_NAME_PATTERN
from ..core.normalize import domain_name, login
from .customer import Customer
from .waiver import Waiver

GUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
ENV_NAME_RE = r"^[A-Za-z_][A-Za-z0-9_]*$"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ORIGIN_RE = re.compile(
    rf"(?i:https)://(?P<host>(?:{_LABEL}\.)*{_LABEL})(?::(?P<port>\d{{1,5}}))?/?"
)

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
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _file_path(value: Any) -> Any:
    """Before-validator of the file fields: text that can name a file."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("is empty; give the path of the file")
        if "\x00" in value:
            raise ValueError("contains a NUL character, which no file path can hold")
    return value


# --- Okta --------------------------------------------------------------------------------


class OktaPrivateKeyAuth(_Strict):
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

    _path = field_validator("private_key_file", mode="before")(_file_path)

    @field_validator("scopes")
    @classmethod
    def _read_only_scopes(cls, scopes: tuple[str, ...]) -> tuple[str, ...]:
        bad = [s for s in scopes if not (s.startswith("okta.") and s.endswith(".read"))]
        if bad:
            raise ValueError(f"only read scopes are allowed, not {', '.join(bad)}")
        return scopes


class OktaApiTokenAuth(_Strict):
    """An SSWS API token, read from an environment variable."""

    method: Literal["api_token"]
    token_env: str = Field(pattern=ENV_NAME_RE, description="Environment variable with the token.")


OktaAuth = Annotated[OktaPrivateKeyAuth | OktaApiTokenAuth, Field(discriminator="method")]


class OktaConfig(_Strict):
    org_url: str = Field(description="https://<subdomain>.okta.com (or your custom domain).")
    auth: OktaAuth

    @field_validator("org_url")
    @classmethod
    def _https_origin(cls, url: str) -> str:
        like = "like https://acme.okta.com"
        if not url.lower().startswith("https://"):
            raise ValueError(f"must be an https:// origin ({like}); the suite only uses TLS")
        match = ORIGIN_RE.fullmatch(url)
        if match is None:
            raise ValueError(f"must be an https:// origin with no path, query or user ({like})")
        if match["port"] is not None and not 0 < int(match["port"]) < 65536:
            raise ValueError(f"has port {match['port']}, outside 1-65535 ({like})")
        first_label = match["host"].split(".", 1)[0].lower()
        if first_label.endswith("-admin") and "okta" in match["host"].lower():
            raise ValueError(
                f"is the Admin Console's address; the API is on the org URL without -admin ({like})"
            )
        return "https://" + url[len("https://") :].rstrip("/")


# --- Microsoft 365 / Graph ---------------------------------------------------------------


class GraphCertificateAuth(_Strict):
    """Entra app registration with a certificate credential (recommended)."""

    method: Literal["certificate"]
    client_id: str = Field(description="Application (client) ID of the Entra app registration.")
    certificate_file: Path = Field(
        description="PEM holding the certificate and its private key (or PKCS#12 .pfx)."
    )
    certificate_password_env: str | None = Field(
        None, pattern=ENV_NAME_RE, description="Environment variable with the file's password."
    )

    _path = field_validator("certificate_file", mode="before")(_file_path)

    @field_validator("client_id")
    @classmethod
    def _guid(cls, v: str) -> str:
        return _check_guid(v)


class GraphClientSecretAuth(_Strict):
    """Entra app registration with a client secret, read from an environment variable."""

    method: Literal["client_secret"]
    client_id: str
    client_secret_env: str = Field(pattern=ENV_NAME_RE)

    @field_validator("client_id")
    @classmethod
    def _guid(cls, v: str) -> str:
        return _check_guid(v)


class GraphDefaultCredentialAuth(_Strict):
    """azure-identity's DefaultAzureCredential: workload identity, managed identity, CLI."""

    method: Literal["default_credential"]
    managed_identity_client_id: str | None = Field(
        None, description="Client ID of a user-assigned managed identity, if any."
    )


GraphAuth = Annotated[
    GraphCertificateAuth | GraphClientSecretAuth | GraphDefaultCredentialAuth,
    Field(discriminator="method"),
]


class M365Config(_Strict):
    tenant_id: str = Field(description="Directory (tenant) ID, a GUID.")
    cloud: Literal["global", "usgov", "usgov-dod", "china"] = "global"
    auth: GraphAuth

    @field_validator("tenant_id")
    @classmethod
    def _guid(cls, v: str) -> str:
        return _check_guid(v)


def _check_guid(value: str) -> str:
    if not GUID_RE.match(value):
        raise ValueError("must be a GUID like 00000000-0000-0000-0000-000000000000")
    return value.lower()


# --- Expectations (CATALOG.md) -----------------------------------------------------------


class OnPremAD(_Strict):
    domain: str = Field(description="The AD domain, as the active_directory app's label.")
    #: two, so one agent's server going down stops no sign-in or import (ORG-09)
    min_agents: int = Field(2, ge=1, le=50, description="OPERATIONAL AD agents required.")


class OrgFacts(_Strict):
    company_name: str | None = None
    subdomain: str | None = None


class Office365AppExpectation(_Strict):
    """How the Office 365 app federates. ``AUTO`` is the only ``wsFedConfigureType`` string
    confirmed from a real response (okta-recorded apps-single/office365-*); the manual mode's
    string is unconfirmed, so a manual tenant says ``ws_fed: manual`` and may add the string
    it sees in the app's JSON."""

    ws_fed: Literal["auto", "manual"] | None = Field(
        None,
        description="auto: Okta federates every domain through one instance (the default); "
        "manual: federated by hand, one instance per domain.",
    )
    ws_fed_configure_type: str | None = Field(
        None, description="settings.app.wsFedConfigureType to require, where you know it."
    )
    label: str | None = Field(None, description="Label of the instance, if several exist.")

    @field_validator("ws_fed_configure_type")
    @classmethod
    def _agrees_with_mode(cls, value: str | None, info: ValidationInfo) -> str | None:
        mode = info.data.get("ws_fed")
        if value and (mode == "auto") != (value == "AUTO") and mode is not None:
            raise ValueError(
                f"{value!r} contradicts ws_fed: {mode} (AUTO is the automatic mode's value)"
            )
        return value

    @property
    def mode(self) -> str:
        """The declared mode; a declared configure type other than AUTO means manual."""
        if self.ws_fed:
            return self.ws_fed
        declared = self.ws_fed_configure_type
        return "manual" if declared and declared != "AUTO" else "auto"


class ProvisioningExpectation(_Strict):
    create: bool = True
    update_profile: bool = True
    deactivate: bool = True
    password_push: bool = False
    provisioning_type: str | None = Field(
        None, description="settings.app.office365ProvisioningType, when you want it checked."
    )
    assignment_groups: tuple[str, ...] = ()


class Windows(_Strict):
    certificate_expiry_days: int = Field(30, ge=1, le=3650)
    custom_domain_certificate_days: int = Field(30, ge=1, le=3650)
    system_log_days: int = Field(7, ge=1, le=90)
    #: an Okta API token unused this long, or allowed to be (tokenWindow), fails ORG-08
    api_token_unused_days: int = Field(90, ge=1, le=3650)


class ApiLimits(_Strict):
    """How patient and how polite the suite is with this tenant's APIs."""

    timeout_seconds: float = Field(60.0, gt=0, le=600, description="Per request attempt.")
    max_retries: int = Field(3, ge=0, le=10, description="Retries of one read.")
    max_retry_seconds: float = Field(120.0, gt=0, le=3600, description="One read, in all.")
    okta_requests_per_minute: int = Field(300, ge=1, le=100000)
    graph_requests_per_minute: int = Field(1200, ge=1, le=100000)


class Expectations(_Strict):
    phase: int = Field(5, ge=1, le=5, description="Last runbook phase the tenant completed.")
    domains_to_federate: tuple[str, ...] = Field(min_length=1)
    service_account: str = Field(description="UPN of the M365 service account (ESS-01).")
    excluded_accounts: tuple[str, ...] = Field(
        (), description="Service and break-glass accounts that must stay out of Okta."
    )
    service_account_patterns: tuple[str, ...] = Field(
        ("sync_*", "svc-*", "svc_*", "adsync*"),
        description="fnmatch patterns of UPN local parts that look like service accounts.",
    )
    min_break_glass_admins: int = Field(2, ge=0)
    threat_insight: Literal["audit", "block"] = Field(
        "block", description="Weakest ThreatInsight action accepted (audit only logs; ORG-07)."
    )
    on_prem_ad: OnPremAD | None = None
    custom_domain: str | None = Field(None, description="Custom Okta domain, e.g. login.acme.com")
    org: OrgFacts = OrgFacts()
    office365_app: Office365AppExpectation = Office365AppExpectation()
    mfa_behavior: (
        Literal[
            "acceptIfMfaDoneByFederatedIdp", "enforceMfaByFederatedIdp", "rejectMfaByFederatedIdp"
        ]
        | None
    ) = Field(
        None,
        description=(
            "The federatedIdpMfaBehavior each federated domain must have (FED-06). No default: "
            "undeclared, FED-06 ERRORs until you declare it."
        ),
    )
    provisioning: ProvisioningExpectation = ProvisioningExpectation()
    windows: Windows = Windows()

    @field_validator("domains_to_federate")
    @classmethod
    def _domains(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        """Compared as DNS names: any case, a trailing dot (normalize.domain_name)."""
        return tuple(dict.fromkeys(domain_name(v) for v in values))

    @field_validator("excluded_accounts")
    @classmethod
    def _logins(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(login(v) for v in values)

    @field_validator("custom_domain")
    @classmethod
    def _custom_domain(cls, value: str | None) -> str | None:
        return domain_name(value) if value else value

    @field_validator("service_account")
    @classmethod
    def _upn(cls, v: str, info: ValidationInfo) -> str:
        if "@" not in v:
            raise ValueError("must be a UPN like svc-okta@contoso.onmicrosoft.com")
        v = login(v)
        domain = v.split("@", 1)[1]
        if domain in info.data.get("domains_to_federate", ()):
            raise ValueError(
                f"is on {domain}, a domain to federate; the service account must stay on the "
                "initial domain (*.onmicrosoft.com; .us or partner.onmschina.cn in national clouds)"
            )
        return v


class EmulatedBackend(_Strict):
    """Run this tenant against the bundled emulator instead of the real services."""

    snapshot: Path = Field(description="Snapshot file the emulator serves (relative to the YAML).")
    granted_okta_scopes: tuple[str, ...] | None = Field(
        None, description="Scopes the emulated Okta grants the service app (default: all)."
    )
    granted_graph_permissions: tuple[str, ...] | None = Field(
        None, description="Application permissions consented in the emulated tenant (default: all)."
    )
    latency_ms: float = Field(
        0, ge=0, le=60000, description="Delay the emulator adds to every request, in ms."
    )
    latency_jitter_ms: float = Field(
        0, ge=0, le=60000, description="Up to this much more delay per request (uniform, seeded)."
    )
    separate_process: bool = Field(
        False,
        description="Serve from a child process, so the audit's own CPU and memory are "
        "measured alone (benchmarks, large tenants).",
    )

    _path = field_validator("snapshot", mode="before")(_file_path)


class TenantConfig(_Strict):
    """One customer: an Okta org, an M365 tenant, and what the runbook promises about them."""

    name: str = Field(pattern=TENANT_NAME_PATTERN, description="Short id used in test ids.")
    okta: OktaConfig
    m365: M365Config
    expect: Expectations
    customer: Customer = Customer()
    waivers: tuple[Waiver, ...] = ()
    limits: ApiLimits = ApiLimits()
    emulator: EmulatedBackend | None = None
    _source_file: Path | None = PrivateAttr(None)

    @property
    def source_file(self) -> Path | None:
        """The tenant file this config was loaded from (set by load_tenant)."""
        return self._source_file

    def resolve(self, path: Path) -> Path:
        """A path from the YAML, relative to the YAML's own folder."""
        if path.is_absolute() or self.source_file is None:
            return path
        return (self.source_file.parent / path).resolve()
