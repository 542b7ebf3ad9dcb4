"""Which Office 365 app instance serves which domain (PREP-01, PREP-03, the per-domain FED
checks), and whether a WS-Federation URL Entra holds is one of this Okta org's endpoints.

Why several instances: in automatic WS-Fed one instance serves every domain; manual WS-Fed
needs one instance per domain, and a domain whose name starts with a digit needs a manual
instance of its own (support.okta.com "could not set up the domain federation"). A child
domain never appears on an instance: it inherits its root's federation (support.okta.com
"How to federate multiple domains using the Okta UI").

How a domain is mapped, most direct evidence first:
1. the ACTIVE instances of this M365 tenant whose domain settings (``settings.app.domain``,
   ``settings.app.domains``) hold the domain or one of its parents;
2. where none or several do: the instance whose signing keys hold the certificate Entra
   trusts for the domain (the certificate is what ties Entra's trust to one instance);
3. where that is not settled either: the instance already mapped (by 1) to another domain
   whose sign-in URI carries the same app key.
The ``exk…`` app key in the sign-in URIs is not in the app JSON (api-facts section 11), so
it ties a domain to an instance only through another domain of that instance, never alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from ..core.normalize import domain_name, login
from .base import BaseView, DataUnavailable, app_id_of, app_settings
from .certificates import Certificate

#: Okta's WS-Fed endpoints, by the federationConfiguration field that holds each (okta-help
#: Use_Okta_MFA_Azure_AD_MFA example output; Okta rate-limit tables list the same paths).
WSFED_ENDPOINTS = {"passiveSignInUri": "passive", "activeSignInUri": "active"}


@dataclass(frozen=True)
class WsFedUri:
    """An Okta WS-Fed endpoint URL, parsed; ``problems`` says what is wrong with it, if
    anything, for the field that holds it."""

    uri: str
    key: str | None
    problems: tuple[str, ...]


def parse_wsfed_uri(
    uri: object,
    endpoint: str,
    hosts: set[str],
    query: bool = False,
    unserved: Mapping[str, str] | None = None,
) -> WsFedUri:
    """Judge a whole URL: ``https`` scheme, no user info, the default port, a host of this
    Okta org, the path ``/app/office365/<key>/sso/wsfed/<endpoint>`` (a trailing slash
    tolerated), and no query or fragment unless ``query`` (home-realm AuthURLs carry one).
    ``unserved``: hosts of this org that cannot serve a sign-in yet, and why.

    >>> parse_wsfed_uri("http://x.okta.com/app/office365/exk1/sso/wsfed/active", "passive",
    ...                 {"x.okta.com"}).problems
    ('scheme http, expected https', 'endpoint active, expected passive')
    """
    text = str(uri or "")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        return WsFedUri(text, None, (f"not a URL ({exc})",))
    problems = []
    if parts.scheme.lower() != "https":
        problems.append(f"scheme {parts.scheme or '(none)'}, expected https")
    if parts.username is not None or parts.password is not None:
        problems.append("user information in the URL")
    if port not in (None, 443):
        problems.append(f"port {port}, expected the default (443)")
    host = domain_name(parts.hostname)
    unserved = unserved or {}
    if host in unserved:
        problems.append(f"host {host} is this Okta org's, but {unserved[host]}")
    elif host not in hosts:
        problems.append(f"host {host or '(none)'} is not a host of this Okta org")
    segments = parts.path.rstrip("/").split("/")
    key = None
    if (
        len(segments) == 7
        and segments[:3] == ["", "app", "office365"]
        and segments[4:6] == ["sso", "wsfed"]
        and segments[3]
    ):
        key = segments[3]
        if segments[6] != endpoint:
            problems.append(f"endpoint {segments[6]}, expected {endpoint}")
    else:
        problems.append(
            f"path {parts.path or '/'}, expected /app/office365/<key>/sso/wsfed/{endpoint}"
        )
    if (parts.query and not query) or parts.fragment:
        problems.append("a query or fragment after the endpoint")
    return WsFedUri(text, key, tuple(problems))


class InstancesView(BaseView):
    @cached_property
    def active_instances(self) -> list[dict[str, Any]]:
        """This M365 tenant's ACTIVE Office 365 app instances (an INACTIVE one serves no
        sign-in: it is PREP-01's evidence, never a domain's instance)."""
        return [a for a in self.tenant_office365_apps if a.get("status") == "ACTIVE"]  # type: ignore[attr-defined]

    @staticmethod
    def instance_domains(app: dict[str, Any]) -> set[str]:
        """An instance's domain settings, normalised; ERROR when it returned neither key."""
        settings = app_settings(app)
        if "domains" not in settings and "domain" not in settings:
            raise DataUnavailable(
                f"the Office 365 app {app.get('id')} has neither settings.app.domains nor "
                "settings.app.domain"
            )
        found = {domain_name(d) for d in settings.get("domains") or [] if d}
        if settings.get("domain"):
            found.add(domain_name(settings["domain"]))
        return found

    def claimants(self, domain: str, active: bool = True) -> list[dict[str, Any]]:
        """ACTIVE instances (or any, with ``active`` false) whose domain settings hold the
        domain or, for a child domain, one of its parents (it is served through its root;
        a root domain is not served through a parent's instance: ``served_through``)."""
        names = set(self.served_through(domain))  # type: ignore[attr-defined]
        pool = self.active_instances if active else self.tenant_office365_apps  # type: ignore[attr-defined]
        return [a for a in pool if self.instance_domains(a) & names]

    def instance_for(self, domain: str) -> dict[str, Any]:
        """The ACTIVE instance that serves a declared domain (see the module's rules)."""
        claim = self.claimants(domain)
        if len(claim) == 1:
            return claim[0]
        if not claim and len(inactive := self.claimants(domain, active=False)) == 1:
            return inactive[0]  # PREP-01 fails for its status; the rest judge its settings
        pool = claim or self.active_instances
        by_cert = [a for a in pool if self._trusted_instance(domain, a)]
        if len(by_cert) == 1:
            return by_cert[0]
        if not claim:
            by_key = self._instance_by_key(domain)
            if by_key is not None:
                return by_key
        if claim:
            ids = ", ".join(str(a.get("id")) for a in claim)
            raise DataUnavailable(
                f"{domain} is claimed by {len(claim)} instances ({ids}); see PREP-01"
            )
        raise DataUnavailable(
            f"no ACTIVE Office 365 app instance of this M365 tenant serves {domain} (none "
            "lists it or its root, and none holds the certificate Entra trusts for it); "
            "see PREP-01 and PREP-03"
        )

    @cached_property
    def serving_instances(self) -> dict[str, dict[str, Any]]:
        """Each declared domain that an instance serves -> that instance (domains that no
        instance or two instances claim are PREP-01's findings, left out here)."""
        found = {}
        for domain in self.cfg.expect.domains_to_federate:
            try:
                found[domain] = self.instance_for(domain)
            except DataUnavailable:
                continue
        return found

    @cached_property
    def assignment_instance_ids(self) -> list[str]:
        """Instances whose assignments count: those serving a declared domain, else the
        judged instance (views.federation.office365_app)."""
        ids = list(dict.fromkeys(app_id_of(a) for a in self.serving_instances.values()))
        return ids or [self.app_id]  # type: ignore[attr-defined]

    def instance_id_for_upn(self, upn: object) -> str:
        """The instance a user signs in through: the one serving their UPN's domain (a child
        domain through its root), else the judged instance."""
        domain = login(upn).rpartition("@")[2]
        for name in self.served_through(domain):  # type: ignore[attr-defined]
            if name in self.serving_instances:
                return app_id_of(self.serving_instances[name])
        return self.app_id  # type: ignore[attr-defined]

    def assignment_in(self, app_id: str, entra: dict[str, Any]) -> dict[str, Any] | None:
        """An Entra user's assignment in one instance: by externalId (the Entra object id),
        else by userName (the UPN), both case-insensitively."""
        by_id, by_name = self._assignment_index(app_id)
        return by_id.get(str(entra.get("id") or "").lower()) or by_name.get(
            login(entra.get("userPrincipalName"))
        )

    def _assignment_index(self, app_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        cache = self.__dict__.setdefault("_assignment_indexes", {})
        if app_id not in cache:
            users = self.data("okta", "appUsers", app_id)
            cache[app_id] = (
                {str(a["externalId"]).lower(): a for a in users if a.get("externalId")},
                {
                    login((a.get("credentials") or {}).get("userName")): a
                    for a in users
                    if (a.get("credentials") or {}).get("userName")
                },
            )
        return cache[app_id]

    @staticmethod
    def instance_setting(app: dict[str, Any], name: str) -> Any:
        """``settings.app.<name>`` of an instance (None when Okta sent null); ERROR when
        the key is missing."""
        settings = (app.get("settings") or {}).get("app")
        if not isinstance(settings, dict) or name not in settings:
            raise DataUnavailable(
                f"the Office 365 app {app.get('id')} has no settings.app.{name} "
                "(GET /api/v1/apps did not return it)"
            )
        return settings[name]

    @staticmethod
    def instance_field(app: dict[str, Any], name: str) -> Any:
        """A top-level field of an instance (None when Okta sent null); ERROR when missing."""
        if name not in app:
            raise DataUnavailable(
                f"the Office 365 app {app.get('id')} has no {name} (GET /api/v1/apps did not "
                "return it)"
            )
        return app[name]

    def _trusted_instance(self, domain: str, app: dict[str, Any]) -> bool:
        """Entra's signing certificate for the domain is one of the instance's keys."""
        try:
            fed = self.federation(domain)  # type: ignore[attr-defined]
            if not fed or not fed.get("signingCertificate"):
                return False
            entra = Certificate(fed["signingCertificate"])
            return any(entra.same_as(c) for c in self.okta_certificates_of(app))  # type: ignore[attr-defined]
        except DataUnavailable:
            return False

    def _instance_by_key(self, domain: str) -> dict[str, Any] | None:
        key = self.federation_key(domain)
        if key is None:
            return None
        for other in self.cfg.expect.domains_to_federate:
            claim = self.claimants(other) if other != domain else []
            if len(claim) == 1 and self.federation_key(other) == key:
                return claim[0]
        return None

    def federation_key(self, domain: str) -> str | None:
        """The app key in a domain's passiveSignInUri, or None (no federation, other shape)."""
        try:
            fed = self.federation(domain)  # type: ignore[attr-defined]
        except DataUnavailable:
            return None
        if not fed:
            return None
        return parse_wsfed_uri(fed.get("passiveSignInUri"), "passive", set()).key

    def instance_key_clashes(self, domain: str) -> list[str]:
        """Domains that carry this domain's app key but are served by another instance, or
        that share this domain's instance but carry another key: a key names one instance."""
        mine = self.instance_for(domain).get("id")
        key = self.federation_key(domain)
        clashes = []
        for other in self.cfg.expect.domains_to_federate:
            if other == domain:
                continue
            try:
                theirs = self.instance_for(other).get("id")
            except DataUnavailable:
                continue
            other_key = self.federation_key(other)
            if other_key is None:
                continue
            if (other_key == key) != (theirs == mine):
                clashes.append(f"{other} (key {other_key}, instance {theirs})")
        return clashes

    # --- the hosts of this Okta org ---

    @cached_property
    def uncertified_hosts(self) -> dict[str, str]:
        """This org's custom domains whose DNS is verified but whose certificate is not in
        place (``validationStatus`` VERIFIED; COMPLETED = certificate issued and in place:
        Okta's domains API reference, okta-developer-docs docs/reference/api/domains), and
        why they cannot serve a sign-in yet (ORG-03 judges the domain itself)."""
        domains = (self.data("okta", "domains") or {}).get("domains") or []
        return {
            domain_name(d.get("domain")): "its certificate is not issued yet (validationStatus "
            "VERIFIED: DNS verified only; see ORG-03): a sign-in there cannot complete"
            for d in domains
            if d.get("domain")
            and d.get("id") != "default"
            and d.get("validationStatus") == "VERIFIED"
        }

    @cached_property
    def org_hosts(self) -> set[str]:
        """The hosts that serve this Okta org's sign-ins: its own ``<subdomain>.okta.com``-style
        host and each custom domain whose certificate is in place (``validationStatus``
        COMPLETED; spec DomainResponse; a VERIFIED one is in ``uncertified_hosts``), from
        ``GET /api/v1/domains``, whose ``default`` entry names the
        org's own host (recorded: okta-recorded/domains/list-default-domain-only). Older orgs
        omit the default entry (recorded: list-empty-sdkpy-2021); then the configured org URL
        is the org's own host when its first label is the org's subdomain
        (``GET /api/v1/org``), and no other Okta cell is assumed (``acme.oktapreview.com`` is
        another org than ``acme.okta.com``).
        """
        domains = (self.data("okta", "domains") or {}).get("domains") or []
        hosts = {
            domain_name(d.get("domain"))
            for d in domains
            if d.get("domain")
            and (d.get("id") == "default" or d.get("validationStatus") == "COMPLETED")
        }
        if not any(d.get("id") == "default" for d in domains):
            subdomain = domain_name((self.data("okta", "org") or {}).get("subdomain"))
            configured = domain_name(urlsplit(self.cfg.okta.org_url).hostname)
            if subdomain and configured.split(".", 1)[0] == subdomain:
                hosts.add(configured)
        return hosts
