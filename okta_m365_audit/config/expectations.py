"""What the runbook promises about a tenant (``expect:``), and how patient the suite is
with its APIs (``limits:``): the values the checks of CATALOG.md judge against.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from ..core.normalize import domain_name, login
from .fields import Strict

# --- Expectations (CATALOG.md) -----------------------------------------------------------


class OnPremAD(Strict):
    domain: str = Field(description="The AD domain, as the active_directory app's label.")
    #: two, so one agent's server going down stops no sign-in or import (ORG-09)
    min_agents: int = Field(2, ge=1, le=50, description="OPERATIONAL AD agents required.")


class OrgFacts(Strict):
    company_name: str | None = None
    subdomain: str | None = None


class Office365AppExpectation(Strict):
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


class LicenceExpectation(Strict):
    """A subscription Okta assigns licences from (PROV-05)."""

    sku: str = Field(
        min_length=1,
        description="skuPartNumber (e.g. ENTERPRISEPACK) or skuId GUID, as GET /subscribedSkus "
        "lists it; compared case-insensitively.",
    )
    #: 0 means "not exhausted": how many spare seats to keep is the customer's call
    min_free_seats: int = Field(
        0,
        ge=0,
        le=1_000_000,
        description="Fewest unassigned seats (prepaidUnits.enabled - consumedUnits) to keep.",
    )


class ProvisioningExpectation(Strict):
    create: bool = True
    update_profile: bool = True
    deactivate: bool = True
    password_push: bool = False
    provisioning_type: str | None = Field(
        None, description="settings.app.office365ProvisioningType, when you want it checked."
    )
    assignment_groups: tuple[str, ...] = ()
    #: which SKUs Okta assigns is the customer's choice, so none is assumed: undeclared,
    #: PROV-05 judges licence errors only and lists the SKUs it sees
    licences: tuple[LicenceExpectation, ...] = Field(
        (), description="SKUs Okta assigns and the free seats each must keep (PROV-05)."
    )
    #: no default: the provisioning-type strings are unconfirmed (api-facts.md, Corrections),
    #: so the suite cannot derive whether Okta creates users; undeclared, PROV-06 is skipped
    okta_sole_writer: bool | None = Field(
        None,
        description="true when Okta creates and updates the users (User or Universal Sync), "
        "so Entra Connect must no longer write them (PROV-06); false for profile sync only.",
    )


#: generic role names (ORG-06): a Super Administrator must be a named person
SHARED_ACCOUNT_PATTERNS = (
    *("admin", "administrator", "*.admin", "admin.*", "okta.admin", "okta-admin"),
    *("shared*", "it-*", "helpdesk*", "test*"),
)


class OktaAdmins(Strict):
    """Who may hold Okta's Super Administrator role (ORG-06)."""

    #: two, so one admin locked out or away does not leave the org without one (CATALOG.md)
    min_super_admins: int = Field(2, ge=1, le=100, description="Fewest Super Administrators.")
    #: every super admin can change anything, MFA and the admins included (CATALOG.md: 4)
    max_super_admins: int = Field(4, ge=1, le=100, description="Most Super Administrators.")
    #: generic role names are not persons; fnmatch on the login's local part, lower-case
    shared_account_patterns: tuple[str, ...] = Field(
        SHARED_ACCOUNT_PATTERNS,
        description="fnmatch patterns of login local parts that look like shared accounts.",
    )

    @field_validator("max_super_admins")
    @classmethod
    def _range(cls, v: int, info: ValidationInfo) -> int:
        if v < info.data.get("min_super_admins", 1):
            raise ValueError("must be at least min_super_admins")
        return v


SignOnRequirement = Literal["deny", "mfa", "any"]


class Office365SignOn(Strict):
    """What the Office 365 app's authentication policy in Okta must do for each client type
    (FED-10; the rule condition ``office365Client``: WEB, MODERN_AUTH, EXCHANGE_ACTIVE_SYNC,
    AAD_JOIN). ``deny``: every rule reached for that client denies access; ``mfa``: it denies
    or requires two factors; ``any``: not judged."""

    #: browsers sign in interactively: two factors (CATALOG.md FED-10)
    web: SignOnRequirement = Field("mfa", description="Browser sign-ins (WEB).")
    #: Outlook, Teams and other modern-auth clients: two factors (CATALOG.md FED-10)
    modern_auth: SignOnRequirement = Field(
        "mfa", description="Modern authentication clients (MODERN_AUTH)."
    )
    #: legacy clients send a password and cannot take a second factor (CATALOG.md FED-10)
    exchange_active_sync: SignOnRequirement = Field(
        "deny", description="Exchange ActiveSync and legacy clients (EXCHANGE_ACTIVE_SYNC)."
    )
    #: device join flows are the customer's call, so not judged unless declared
    aad_join: SignOnRequirement = Field(
        "any", description="Entra device join and registration (AAD_JOIN)."
    )

    def required(self) -> dict[str, str]:
        """Okta's client value -> the requirement, for every client declared deny or mfa."""
        pairs = (
            ("WEB", self.web),
            ("MODERN_AUTH", self.modern_auth),
            ("EXCHANGE_ACTIVE_SYNC", self.exchange_active_sync),
            ("AAD_JOIN", self.aad_join),
        )
        return {client: need for client, need in pairs if need != "any"}


#: FED-13's default window and federation errors, named once (catalog/resources.py builds the
#: sign-in log's request from the tenant's values)
SIGN_IN_LOG_DAYS = 7
#: AADSTS errors of a broken federation (CATALOG.md FED-13): 50107 the requested federation
#: realm object does not exist (issuer mismatch), 50008 the SAML assertion is missing or
#: misconfigured in the token, 51004 the user account is not in the directory (immutable ID
#: mismatch); the customer may add others
FEDERATION_ERROR_CODES: tuple[int, ...] = (50107, 50008, 51004)


class Windows(Strict):
    certificate_expiry_days: int = Field(30, ge=1, le=3650)
    custom_domain_certificate_days: int = Field(30, ge=1, le=3650)
    system_log_days: int = Field(7, ge=1, le=90)
    #: an Okta API token unused this long, or allowed to be (tokenWindow), fails ORG-08
    api_token_unused_days: int = Field(90, ge=1, le=3650)
    #: FED-13 reads Entra's sign-in log this far back: the System Log window's default (a
    #: week of sign-ins after go-live); Entra ID P1 keeps 30 days (entra-docs
    #: reference-reports-data-retention), so more finds nothing older
    sign_in_log_days: int = Field(
        SIGN_IN_LOG_DAYS, ge=1, le=30, description="Entra sign-in log window (FED-13)."
    )
    #: Entra Connect syncs every 30 minutes by default (MicrosoftDocs/entra-docs docs/identity/
    #: hybrid/connect/how-to-connect-sync-feature-scheduler.md), so 3 days without a sync means
    #: its scheduler is off; a customer may widen it (PROV-06)
    directory_sync_stale_days: int = Field(
        3,
        ge=1,
        le=3650,
        description="Days without a directory sync after which Entra Connect counts as retired.",
    )


class ApiLimits(Strict):
    """How patient and how polite the suite is with this tenant's APIs."""

    timeout_seconds: float = Field(60.0, gt=0, le=600, description="Per request attempt.")
    max_retries: int = Field(3, ge=0, le=10, description="Retries of one read.")
    max_retry_seconds: float = Field(120.0, gt=0, le=3600, description="One read, in all.")
    okta_requests_per_minute: int = Field(300, ge=1, le=100000)
    graph_requests_per_minute: int = Field(1200, ge=1, le=100000)


class Expectations(Strict):
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
    office365_sign_on: Office365SignOn = Office365SignOn()
    okta_admins: OktaAdmins = OktaAdmins()
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
    federation_error_codes: tuple[int, ...] = Field(
        FEDERATION_ERROR_CODES,
        min_length=1,
        max_length=15,
        description=(
            "AADSTS error codes that mean federation is broken (FED-13): a sign-in of a "
            "federated user failing with one of them fails FED-13."
        ),
    )

    @field_validator("domains_to_federate")
    @classmethod
    def _domains(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        """Compared as DNS names: any case, a trailing dot (normalize.domain_name)."""
        return tuple(dict.fromkeys(domain_name(v) for v in values))

    @field_validator("federation_error_codes")
    @classmethod
    def _codes(cls, values: tuple[int, ...]) -> tuple[int, ...]:
        """AADSTS codes are positive numbers (0 is a successful sign-in)."""
        bad = [v for v in values if v <= 0]
        if bad:
            raise ValueError(f"{bad[0]} is not an AADSTS error code (e.g. 50107 for AADSTS50107)")
        return tuple(dict.fromkeys(values))

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
