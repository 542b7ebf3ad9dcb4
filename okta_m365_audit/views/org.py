"""The Okta org and its prerequisites: on-prem AD integration, agents, custom domain, org
facts (ORG checks).

An AD integration is an app whose ``name`` is ``active_directory``; its ``label`` and
``settings.app.namingContext`` hold the AD domain, and its agent pool shares the app's id
(api-facts.md §6). Matching is case-insensitive, since DNS names are.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from ..core.normalize import domain_name
from ..snapshot.document import parse_time
from .base import BaseView, DataUnavailable, app_settings


def _lower(value: Any) -> str:
    """A domain name as compared (normalize.domain_name: any case, a root dot)."""
    return domain_name(value)


def _okta_time(raw: Any) -> dt.datetime:
    """An Okta timestamp (``2026-03-02T10:04:51.000Z``); a zone-less one is read as UTC."""
    if not isinstance(raw, str):
        raise TypeError(raw)
    t = parse_time(raw)
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _epoch_ms(raw: Any) -> Any:
    """Unix milliseconds as an ISO 8601 UTC time; anything else (absent, not a number, out
    of range) as it came, for the evidence to show."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return raw
    try:
        when = dt.datetime.fromtimestamp(raw / 1000, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return raw
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


class OrgView(BaseView):
    # --- the Okta org ---

    @cached_property
    def okta_org(self) -> dict[str, Any]:
        """``GET /api/v1/org``: subdomain, companyName, status.

        >>> tenant.okta_org["subdomain"]
        'contoso-demo'
        """
        return self.data("okta", "org")

    # --- on-prem AD ---

    @cached_property
    def ad_apps(self) -> list[dict[str, Any]]:
        """Every Active Directory integration in Okta, whatever its status."""
        return [a for a in self.data("okta", "adApps") if a.get("name") == "active_directory"]

    def ad_apps_for(self, domain: str) -> list[dict[str, Any]]:
        """The AD integrations of ``domain`` (label or settings.app.namingContext), oldest first.

        >>> [a["status"] for a in tenant.ad_apps_for("corp.contoso.com")]
        ['ACTIVE']
        """
        want = _lower(domain)
        found = [
            a
            for a in self.ad_apps
            if _lower(a.get("label")) == want
            or _lower(app_settings(a).get("namingContext")) == want
        ]
        return sorted(found, key=lambda a: str(a.get("created") or ""))

    @cached_property
    def agent_pools(self) -> list[dict[str, Any]]:
        """AD agent pools (``GET /api/v1/agentPools?poolType=AD``)."""
        return [p for p in self.data("okta", "agentPools") if p.get("type") in ("AD", None)]

    def agent_pools_for(self, domain: str) -> list[dict[str, Any]]:
        """Pools of ``domain``'s AD integration: the pool id is the AD app id, or its name is
        the domain.

        >>> [p["name"] for p in tenant.agent_pools_for("corp.contoso.com")]
        ['corp.contoso.com']
        """
        app_ids = {a.get("id") for a in self.ad_apps_for(domain)}
        return [
            p
            for p in self.agent_pools
            if p.get("id") in app_ids or _lower(p.get("name")) == _lower(domain)
        ]

    def ad_agents_for(self, domain: str) -> list[dict[str, Any]]:
        """One row per agent of ``domain``'s pools, as the evidence shows it: its pool and
        name, ``operationalStatus``, version facts, and ``lastConnection`` as a UTC time
        (the API gives Unix milliseconds: Okta OpenAPI spec, schema ``Agent.lastConnection``,
        "Unix timestamp in milliseconds when the agent last connected to Okta")."""
        return [
            {
                "pool": p.get("name"),
                "agent": a.get("name"),
                "operationalStatus": a.get("operationalStatus"),
                "lastConnection": _epoch_ms(a.get("lastConnection")),
                "version": a.get("version"),
                "isLatestGAedVersion": a.get("isLatestGAedVersion"),
                "isHidden": a.get("isHidden"),
            }
            for p in self.agent_pools_for(domain)
            for a in p.get("agents") or []
        ]

    @staticmethod
    def created_of(obj: dict[str, Any], what: str) -> dt.datetime:
        """An Okta object's ``created`` time; DataUnavailable when absent or not a date."""
        raw = obj.get("created")
        try:
            return _okta_time(raw)
        except (TypeError, ValueError):
            raise DataUnavailable(
                f"{what} {obj.get('id')} has no readable 'created' time ({raw!r})"
            ) from None

    # --- directory sync in Entra ---

    @cached_property
    def directory_sync_enabled(self) -> bool | None:
        """``organization.onPremisesSyncEnabled``. Graph answers null for a tenant that was
        never synced, and False once sync was turned off: both mean "not syncing now".

        >>> tenant.directory_sync_enabled is None
        True
        """
        orgs = self.data("graph", "organization")
        if not orgs:
            raise DataUnavailable("GET /organization returned no organization")
        if "onPremisesSyncEnabled" not in orgs[0]:
            raise DataUnavailable("GET /organization did not return onPremisesSyncEnabled")
        return orgs[0]["onPremisesSyncEnabled"]

    # --- custom domain ---

    @cached_property
    def okta_custom_domains(self) -> dict[str, dict[str, Any]]:
        """Custom domains by lower-case name, as listed (``GET /api/v1/domains`` without
        ``default``): id, domain, validationStatus, certificateSourceType; no certificate.

        >>> tenant.okta_custom_domains["login.contoso.com"]["validationStatus"]
        'COMPLETED'
        """
        return {_lower(d.get("domain")): d for d in self.custom_domains}  # type: ignore[attr-defined]

    def okta_custom_domain(self, name: str) -> dict[str, Any] | None:
        return self.okta_custom_domains.get(_lower(name))

    def okta_custom_domain_details(self, custom: dict[str, Any]) -> dict[str, Any]:
        """The whole custom domain (``GET /api/v1/domains/{id}``), publicCertificate
        included: the list returns a subset without it (spec DomainListResponse;
        okta-recorded/domains/list-two-custom-domains.json), so a certificate read from the
        list would be missing on every real org. ERROR when that read failed or was not
        collected.

        >>> tenant.okta_custom_domain_details(tenant.okta_custom_domain("login.contoso.com"))[
        ...     "publicCertificate"]["subject"]
        'CN=login.contoso.com'
        """
        domain_id = custom.get("id")
        if not isinstance(domain_id, str):
            raise DataUnavailable(f"custom domain {custom.get('domain')} has no id to read it by")
        details = self.data("okta", "customDomains", domain_id)
        if not isinstance(details, dict):
            raise DataUnavailable(f"GET /api/v1/domains/{domain_id} returned no domain object")
        return details

    @staticmethod
    def certificate_expiration(custom: dict[str, Any]) -> dt.datetime | None:
        """When a custom domain's public certificate expires; None when it has none.
        ``custom`` is the whole domain (:meth:`okta_custom_domain_details`). Okta's
        ``publicCertificate`` is the certificate's metadata, not the certificate (spec
        ``DomainCertificateMetadata``: expiration, fingerprint, subject), so there is nothing
        to decode: a value of another shape ERRORs naming the field.

        >>> custom = tenant.okta_custom_domain("login.contoso.com")
        >>> tenant.certificate_expiration(tenant.okta_custom_domain_details(custom)).date()
        datetime.date(2027, 2, 1)
        """
        cert = custom.get("publicCertificate")
        if cert is None:
            return None
        if not isinstance(cert, dict):
            raise DataUnavailable(
                f"custom domain {custom.get('domain')}: publicCertificate is not certificate "
                f"metadata (an object with expiration): {cert!r:.60}"
            )
        raw = cert.get("expiration")
        try:
            return _okta_time(raw)
        except (TypeError, ValueError):
            raise DataUnavailable(
                f"custom domain {custom.get('domain')}: publicCertificate.expiration {raw!r} "
                "is not a date"
            ) from None
