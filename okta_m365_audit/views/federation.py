"""The Office 365 app in Okta, its signing keys and connection, and the federation of the
tenant's domains in Entra (CRED and FED checks)."""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509

from ..clients.endpoints import initial_domain_prefix
from .base import BaseView, DataUnavailable, app_settings, describe_read


@dataclass(frozen=True)
class Certificate:
    """A base64 DER certificate as Okta (x5c) and Entra (signingCertificate) carry it."""

    b64: str

    @cached_property
    def x509(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(base64.b64decode(self.b64))

    @property
    def not_after(self) -> dt.datetime:
        return self.x509.not_valid_after_utc

    @property
    def subject(self) -> str:
        return self.x509.subject.rfc4514_string()

    @property
    def sha1(self) -> str:
        from cryptography.hazmat.primitives import hashes

        return self.x509.fingerprint(hashes.SHA1()).hex().upper()

    def same_as(self, other: Certificate) -> bool:
        return base64.b64decode(self.b64) == base64.b64decode(other.b64)


WSFED_PATH = re.compile(r"^/app/office365/(?P<key>[A-Za-z0-9]+)/sso/wsfed/(passive|active)/?$")


class FederationView(BaseView):
    #: why FED-09's live probe was not run (set by the plugin), None when it was
    realm_skip_reason: str | None = None

    def realm_answer(self, login: str) -> dict[str, Any]:
        """Home-realm discovery's answer for a login, as collected."""
        read = self.read("realm", "userRealm", login.lower())
        if not read["ok"]:
            raise DataUnavailable(describe_read(read))
        return read["data"] or {}

    def realm_sample(self, domain: str) -> str:
        """The login probed for a domain to federate (one in-scope user of it)."""
        excluded = set(self.cfg.expect.excluded_accounts) | {self.cfg.expect.service_account}
        logins = sorted(
            k for k in self.doc["realm"].get("userRealm", {})
            if k.endswith("@" + domain.lower()) and k not in excluded
        )  # fmt: skip
        if not logins:
            raise DataUnavailable(
                f"no user of {domain} was probed by home-realm discovery (no enabled, "
                "licensed user on that domain in GET /users)"
            )
        return logins[0]

    # --- Okta ---

    @property
    def okta_host(self) -> str:
        return urlsplit(self.cfg.okta.org_url).hostname or ""

    @cached_property
    def office365_apps(self) -> list[dict[str, Any]]:
        """Every app whose ``name`` is office365 (a label says nothing: custom apps copy it)."""
        return [a for a in self.data("okta", "office365Apps") if a.get("name") == "office365"]

    @cached_property
    def office365_app(self) -> dict[str, Any]:
        """The Office 365 app of this M365 tenant: its ACTIVE instance, else its only one.

        PREP-01 judges duplicates and status; the other checks judge the instance's
        configuration, so an INACTIVE app fails PREP-01 without turning them into errors.
        """
        msft = self.msft_tenant
        names = self.msft_tenant_names
        apps = [
            a
            for a in self.office365_apps
            if msft is None or str(_app_setting(a, "msftTenant") or "").lower() in names
        ]
        label = self.cfg.expect.office365_app.label
        if label:
            apps = [a for a in apps if a.get("label") == label]
        active = [a for a in apps if a.get("status") == "ACTIVE"]
        if active:
            return active[0]
        if len(apps) == 1:
            return apps[0]
        raise DataUnavailable(
            f"no ACTIVE Office 365 app for M365 tenant {msft!r} in Okta "
            f"({len(self.office365_apps)} office365 app(s) in the org); see PREP-01"
        )

    @cached_property
    def msft_tenant(self) -> str | None:
        """The tenant's initial domain prefix, the name Okta's Office 365 app holds in
        ``msftTenant``: contoso for contoso.onmicrosoft.com, and as well in the national
        clouds (contoso.onmicrosoft.us, contoso.partner.onmschina.cn: ``CLOUDS``).

        >>> tenant.msft_tenant
        'contosodemo'
        """
        whole = self._initial_domain_name
        return initial_domain_prefix(whole) if whole else None

    @cached_property
    def msft_tenant_names(self) -> set[str]:
        """The values of ``msftTenant`` that name this tenant: its initial domain prefix,
        or the whole initial domain, whatever the cloud's suffix (lower case).

        >>> sorted(tenant.msft_tenant_names)
        ['contosodemo', 'contosodemo.onmicrosoft.com']
        """
        msft = self.msft_tenant
        return {msft, str(self._initial_domain_name)} if msft else set()

    @cached_property
    def _initial_domain_name(self) -> str | None:
        """The initial domain, or None when GET /organization failed or names none."""
        try:
            orgs = self.data("graph", "organization")
        except DataUnavailable:
            return None
        for org in orgs:
            for d in org.get("verifiedDomains") or []:
                if d.get("isInitial") and d.get("name"):
                    return str(d["name"]).lower()
        return None

    @property
    def app_id(self) -> str:
        return self.office365_app["id"]

    @cached_property
    def signing_keys(self) -> list[dict[str, Any]]:
        return self.data("okta", "appKeys", self.app_id)

    @cached_property
    def active_key(self) -> dict[str, Any]:
        """The key whose kid is the app's credentials.signing.kid (the one Okta signs with)."""
        kid = ((self.office365_app.get("credentials") or {}).get("signing") or {}).get("kid")
        if not kid:
            raise DataUnavailable(
                f"the Office 365 app {self.app_id} has no credentials.signing.kid"
            )
        for key in self.signing_keys:
            if key.get("kid") == kid:
                return key
        raise DataUnavailable(
            f"the app's signing kid {kid} is not among its {len(self.signing_keys)} key(s)"
        )

    @property
    def active_certificate(self) -> Certificate:
        x5c = self.active_key.get("x5c") or []
        if not x5c:
            raise DataUnavailable(f"key {self.active_key.get('kid')} has no x5c certificate")
        return Certificate(x5c[0])

    def okta_certificates(self) -> list[Certificate]:
        return [Certificate(k["x5c"][0]) for k in self.signing_keys if k.get("x5c")]

    @cached_property
    def connection(self) -> dict[str, Any]:
        return self.data("okta", "appConnection", self.app_id)

    @cached_property
    def provisioning_enabled(self) -> bool:
        features = self.read("okta", "appFeatures", self.app_id)
        if not features["ok"]:
            raise DataUnavailable(describe_read(features))
        if features["status"] == 400:
            return False
        up = next((f for f in features["data"] if f.get("name") == "USER_PROVISIONING"), None)
        return bool(up and up.get("status") == "ENABLED")

    @cached_property
    def log_events(self) -> list[dict[str, Any]]:
        return self.data("okta", "logs", self.app_id)

    @cached_property
    def custom_domains(self) -> list[dict[str, Any]]:
        body = self.data("okta", "domains")
        return [d for d in (body or {}).get("domains", []) if d.get("id") != "default"]

    @cached_property
    def okta_sign_in_hosts(self) -> set[str]:
        """Hosts Okta may write into Entra: the org host and the declared custom domain."""
        hosts = {self.okta_host.lower()}
        custom = self.cfg.expect.custom_domain
        if custom:
            hosts.add(custom.lower())
        return hosts

    # --- Graph ---

    @cached_property
    def organization(self) -> dict[str, Any]:
        orgs = self.data("graph", "organization")
        if not orgs:
            raise DataUnavailable("GET /organization returned no organization")
        return orgs[0]

    @cached_property
    def domains(self) -> dict[str, dict[str, Any]]:
        return {d["id"].lower(): d for d in self.data("graph", "domains")}

    def domain(self, name: str) -> dict[str, Any]:
        found = self.domains.get(name.lower())
        if found is None:
            raise DataUnavailable(f"{name} is not a domain of the M365 tenant (GET /domains)")
        return found

    def federation(self, name: str) -> dict[str, Any] | None:
        """The domain's internalDomainFederation, or None when Entra has none (404)."""
        domain = self.domain(name)
        read = self.read("graph", "federationConfiguration", domain["id"])
        if not read["ok"]:
            raise DataUnavailable(describe_read(read))
        items = read["data"] or []
        if read["status"] == 404 or not items:
            return None
        return items[0]

    @cached_property
    def okta_service_principals(self) -> list[dict[str, Any]]:
        return [
            sp
            for sp in self.data("graph", "oktaServicePrincipals")
            if (sp.get("displayName") or "").startswith("Okta")
        ]

    @cached_property
    def graph_app_roles(self) -> dict[str, str]:
        """Microsoft Graph appRole id -> permission name (e.g. User.ReadWrite.All)."""
        sps = self.data("graph", "graphServicePrincipal")
        return {
            r["id"]: r.get("value") or r.get("displayName") or r["id"]
            for sp in sps
            for r in sp.get("appRoles") or []
            if "id" in r
        }

    def granted_permissions(self, sp_id: str) -> set[str]:
        """Application permissions and AllPrincipals delegated scopes held by a principal."""
        roles = {
            self.graph_app_roles.get(a.get("appRoleId"), a.get("appRoleId"))
            for a in self.data("graph", "appRoleAssignments", sp_id)
            if a.get("deletedDateTime") is None
        }
        grants = {
            scope
            for g in self.data("graph", "oauth2PermissionGrants", sp_id)
            if g.get("consentType") == "AllPrincipals"
            for scope in (g.get("scope") or "").split()
        }
        return roles | grants


def _app_setting(app: dict[str, Any], name: str) -> Any:
    return app_settings(app).get(name)


def wsfed_key(uri: str | None) -> tuple[str | None, str | None]:
    """(host, exk key) of an Okta WS-Fed sign-in URI, or (host, None) when not that shape."""
    if not uri:
        return None, None
    parts = urlsplit(uri)
    m = WSFED_PATH.match(parts.path)
    return (parts.hostname or "").lower(), (m.group("key") if m else None)


def cert_summary(b64: str | None) -> dict[str, Any]:
    """Subject, SHA-1 thumbprint and expiry of a certificate, as evidence shows it."""
    if not b64:
        return {}
    cert = Certificate(b64)
    return {"subject": cert.subject, "sha1": cert.sha1, "notAfter": cert.not_after.isoformat()}
