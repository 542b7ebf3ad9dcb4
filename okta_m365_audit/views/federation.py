"""The Office 365 app in Okta, its signing keys and connection, and the federation of the
tenant's domains in Entra (CRED and FED checks)."""

from __future__ import annotations

from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from ..catalog.scope import sign_in_through
from ..clients.endpoints import initial_domain_prefix
from ..core.normalize import domain_name
from .base import (
    BaseView,
    DataUnavailable,
    app_id_of,
    app_settings,
    describe_read,
    require_field,
)
from .certificates import (  # noqa: F401 (cert_summary re-exported)
    Certificate,
    cert_summary,
    key_certificate,
)


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
                f"no user of {domain} was probed by home-realm discovery (no enabled "
                "member user on that domain in GET /users)"
            )
        return logins[0]

    # --- Okta ---

    @property
    def okta_host(self) -> str:
        return urlsplit(self.cfg.okta.org_url).hostname or ""

    @cached_property
    def office365_apps(self) -> list[dict[str, Any]]:
        """Every app whose ``name`` is office365 (a label says nothing: custom apps copy it).
        ERROR when an app came back without its name: the read asks for name office365
        (catalog/resources.py), so an unnamed app cannot be told apart, and leaving it out
        would read as "no Office 365 app", which lets ESS-03 say nobody is assigned (field
        sweep)."""
        apps = require_field(
            self.data("okta", "office365Apps"), "name", "GET /api/v1/apps",
            "cannot tell which are Office 365 apps",
        )  # fmt: skip
        return [a for a in apps if a.get("name") == "office365"]

    @cached_property
    def office365_app(self) -> dict[str, Any]:
        """The instance the instance-wide checks judge (sign-on, provisioning, credentials,
        assignments): the one labelled as the tenant file declares, else the one serving
        the first declared domain, else this tenant's ACTIVE instance, else its only one.

        PREP-01 judges the instances and their status; an INACTIVE app fails PREP-01
        without turning the other checks into errors.
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
        if msft is None and len(apps) > 1:
            # which one serves this tenant is what msftTenant tells; without the initial
            # domain any pick would be a guess (field sweep: verifiedDomains missing)
            raise DataUnavailable(
                "GET /organization names no initial domain (verifiedDomains with isInitial): "
                f"cannot tell which of the org's {len(apps)} office365 apps serves this M365 "
                "tenant; see PREP-01"
            )
        active = [a for a in apps if a.get("status") == "ACTIVE"]
        if len(active) > 1 and not label:
            try:
                return self.instance_for(self.cfg.expect.domains_to_federate[0])  # type: ignore[attr-defined]
            except DataUnavailable:
                pass
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
        return app_id_of(self.office365_app)

    @cached_property
    def active_key(self) -> dict[str, Any]:
        """The key whose kid is the app's credentials.signing.kid (the one Okta signs with)."""
        return self.active_key_of(self.office365_app)

    def active_key_of(self, app: dict[str, Any]) -> dict[str, Any]:
        """An instance's signing key: the one whose kid is its credentials.signing.kid
        (spec: "Key identifier used for signing assertions")."""
        kid = ((app.get("credentials") or {}).get("signing") or {}).get("kid")
        if not kid:
            raise DataUnavailable(
                f"the Office 365 app {app.get('id')} has no credentials.signing.kid"
            )
        keys = self.data("okta", "appKeys", app_id_of(app))
        for key in keys:
            if key.get("kid") == kid:
                return key
        raise DataUnavailable(
            f"the app {app.get('id')}'s signing kid {kid} is not among its {len(keys)} key(s)"
        )

    @property
    def active_certificate(self) -> Certificate:
        return key_certificate(self.active_key)

    def active_key_for(self, domain: str) -> dict[str, Any]:
        """The signing key of the instance that serves a domain (see views.instances)."""
        return self.active_key_of(self.instance_for(domain))  # type: ignore[attr-defined]

    def active_certificate_for(self, domain: str) -> Certificate:
        return key_certificate(self.active_key_for(domain))

    def okta_certificates_of(self, app: dict[str, Any]) -> list[Certificate]:
        """Every signing certificate of an instance (its keys that carry one)."""
        keys = self.data("okta", "appKeys", app_id_of(app))
        return [key_certificate(k) for k in keys if k.get("x5c")]

    def okta_certificates_for(self, domain: str) -> list[Certificate]:
        """Every signing certificate of the instance that serves a domain."""
        return self.okta_certificates_of(self.instance_for(domain))  # type: ignore[attr-defined]

    # connection, provisioning_enabled, log_events: views/credentials.py

    @cached_property
    def custom_domains(self) -> list[dict[str, Any]]:
        body = self.data("okta", "domains")
        return [d for d in (body or {}).get("domains", []) if d.get("id") != "default"]

    # --- Graph ---

    @cached_property
    def organization(self) -> dict[str, Any]:
        orgs = self.data("graph", "organization")
        if not orgs:
            raise DataUnavailable("GET /organization returned no organization")
        return orgs[0]

    @cached_property
    def domains(self) -> dict[str, dict[str, Any]]:
        """The tenant's domains by name. The name is the ``id`` ("The fully qualified name
        of the domain. Key, immutable, not nullable": Graph domain resource); ERROR when a
        domain came back without it, since a domain that cannot be named may be the one a
        check looks for."""
        items = self.data("graph", "domains")
        unnamed = [d for d in items if not isinstance(d.get("id"), str) or not d["id"]]
        if unnamed:
            raise DataUnavailable(
                f"GET /domains returned {len(unnamed)} domain(s) without an id (the domain's "
                "name); cannot tell which domains the M365 tenant has"
            )
        return {domain_name(d["id"]): d for d in items}

    def domain(self, name: str) -> dict[str, Any]:
        found = self.domains.get(domain_name(name))
        if found is None:
            raise DataUnavailable(f"{name} is not a domain of the M365 tenant (GET /domains)")
        return found

    def served_through(self, name: str) -> list[str]:
        """The names a domain's sign-in goes through, nearest first: a child domain (Graph
        ``domain.isRoot`` false) follows its root ("when you add a subdomain, it inherits the
        settings of the parent": Entra docs, "Multiple domain support for federating with
        Microsoft Entra ID"), so itself and its parents; a root domain (``isRoot`` true,
        a subdomain promoted to a root included: Graph ``domain: promote``) only itself.
        A domain Entra does not list is read as a child could be (itself and its parents).

        >>> tenant.served_through("eu.contoso.com")
        ['eu.contoso.com', 'contoso.com']
        """
        return sign_in_through(name, self.root_domains)

    @cached_property
    def root_domains(self) -> set[str]:
        """The domains Entra says are roots (``isRoot`` true)."""
        return {name for name, d in self.domains.items() if d.get("isRoot") is True}

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

    # Okta's service principals and their permissions: views/credentials.py


def _app_setting(app: dict[str, Any], name: str) -> Any:
    return app_settings(app).get(name)
