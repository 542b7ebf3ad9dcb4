"""Where a tenant's APIs are (and the route to them), and how patient the suite is with them.

``Endpoints`` is the one statement of the origins a credential may go to: the Okta org,
Graph and the Entra token service, exactly as configured (``origins.Origin``). Only the
endpoints and the trust differ between a real tenant and the emulator.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..config import TenantConfig
from .network import DIRECT, Network, ssl_context
from .origins import Origin, origin_of


@dataclass(frozen=True)
class Cloud:
    """One Microsoft cloud's hosts and names: everything the suite and the emulator know
    about a cloud is here, so no other module spells a Microsoft host.

    Sources (each value below names its own where it differs):
    [GRAPH] learn.microsoft.com/graph/deployments (microsoft-graph-docs-contrib
    concepts/deployments.md): Graph roots and token hosts per cloud.
    [AZID] azure-identity ``AzureAuthorityHosts`` (azure/identity/_constants.py, 1.27):
    AZURE_PUBLIC_CLOUD, AZURE_GOVERNMENT, AZURE_CHINA.
    [MSAL] msal ``authority.py`` (1.39): the aliases of each cloud's login host.
    [XCLOUD] Graph's crossCloudAzureActiveDirectoryTenant.cloudInstance: "one of
    microsoftonline.com, microsoftonline.us or partner.microsoftonline.cn"
    (microsoft-graph-docs-contrib api-reference/beta/resources/).
    """

    name: str
    graph: str  #: Graph's root URL, and the resource of its ``/.default`` scope [GRAPH]
    login_host: str  #: the Entra token service azure-identity is pointed at [AZID]
    #: ``cloud_instance_name`` of openid-configuration and getuserrealm's CloudInstanceName
    instance_name: str
    #: the initial domain's suffix: ``<prefix>.<suffix>`` is a new tenant's first domain
    initial_domain_suffix: str
    #: ``iss`` of a Graph (v1.0) access token, before ``{tenant}/``
    access_token_issuer: str
    #: openid-configuration's ``tenant_region_scope`` (unconfirmed outside global)
    region_scope: str
    #: getuserrealm's CloudInstanceIssuerUri (confirmed for global only: api-facts §16)
    realm_issuer_uri: str = "urn:federation:MicrosoftOnline"

    @property
    def graph_host(self) -> str:
        """``msgraph_host`` of the cloud's openid-configuration."""
        return self.graph.removeprefix("https://")

    @property
    def graph_scope(self) -> str:
        return f"{self.graph}/.default"


# GCC High (US Gov L4). GCC (moderate) tenants are in the global cloud [GRAPH].
_USGOV = Cloud(
    "usgov",
    graph="https://graph.microsoft.us",
    login_host="login.microsoftonline.us",
    instance_name="microsoftonline.us",  # [XCLOUD]
    # okta-help gcc-high.htm (api-facts "Corrections", GCC High line)
    initial_domain_suffix="onmicrosoft.us",
    access_token_issuer="https://login.microsoftonline.us/",  # unconfirmed
    region_scope="USGov",  # unconfirmed
)

#: Every Microsoft cloud a tenant file may name (``m365.cloud``). Confirmed vs unconfirmed:
#: graph and login_host are confirmed for all four [GRAPH][AZID]; the rest as noted.
CLOUDS: dict[str, Cloud] = {
    "global": Cloud(
        "global",
        graph="https://graph.microsoft.com",
        login_host="login.microsoftonline.com",
        instance_name="microsoftonline.com",  # [XCLOUD]; recorded getuserrealm (§16)
        initial_domain_suffix="onmicrosoft.com",
        access_token_issuer="https://sts.windows.net/",  # Entra access-token claims ref., v1.0
        region_scope="EU",  # varies by tenant (EU, NA, ...)
    ),
    "usgov": _USGOV,
    # DoD (US Gov L5): GCC High's login host and instance, its own Graph [GRAPH]; its
    # initial domain suffix (onmicrosoft.us) is unconfirmed
    "usgov-dod": replace(_USGOV, name="usgov-dod", graph="https://dod-graph.microsoft.us"),
    # Microsoft 365 operated by 21Vianet. The Entra docs (docs.azure.cn
    # entra/identity-platform/authentication-national-cloud) now name
    # login.partner.microsoftonline.cn; Graph's page and azure-identity keep
    # login.chinacloudapi.cn, which msal lists as the same cloud (DEPRECATED_AZURE_CHINA,
    # an alias): the suite follows azure-identity.
    "china": Cloud(
        "china",
        graph="https://microsoftgraph.chinacloudapi.cn",
        login_host="login.chinacloudapi.cn",
        instance_name="partner.microsoftonline.cn",  # [XCLOUD]
        # Microsoft 365 docs, 21Vianet moniker: "tom@fourthcoffee.partner.onmschina.cn"
        # (OfficeDocs admin/setup/domains-faq and "add a domain", o365-21vianet)
        initial_domain_suffix="partner.onmschina.cn",
        access_token_issuer="https://sts.chinacloudapi.cn/",  # unconfirmed
        region_scope="AS",  # unconfirmed
    ),
}


def initial_domain_prefix(domain: str) -> str | None:
    """``contoso`` for an initial domain of any cloud (``contoso.onmicrosoft.com``,
    ``contoso.onmicrosoft.us``, ``contoso.partner.onmschina.cn``), else None.

    >>> initial_domain_prefix("Contoso.partner.onmschina.cn")
    'contoso'
    """
    domain = domain.lower()
    for suffix in {c.initial_domain_suffix for c in CLOUDS.values()}:
        prefix = domain.removesuffix(f".{suffix}")
        if prefix != domain and prefix and "." not in prefix:
            return prefix
    return None


OKTA_TOKEN_PATH = "/oauth2/v1/token"


@dataclass(frozen=True)
class Limits:
    """How patient and how polite the suite is with one tenant's APIs.

    Each request times out after ``timeout_seconds``; a read is retried (on resets,
    timeouts and 5xx the SDKs do not retry) at most ``max_retries`` times and for at most
    ``max_retry_seconds`` in all; each API gets at most ``*_requests_per_minute`` requests,
    so a run stays under the tenant's rate limits instead of hitting them.
    """

    timeout_seconds: float = 60.0
    max_retries: int = 3
    max_retry_seconds: float = 120.0
    okta_requests_per_minute: int = 300
    graph_requests_per_minute: int = 1200


DEFAULT_LIMITS = Limits()


def limits_for(cfg: TenantConfig) -> Limits:
    """The tenant file's limits (``limits:``), or the defaults."""
    declared = getattr(cfg, "limits", None)
    if declared is None:
        return DEFAULT_LIMITS
    return Limits(**{k: getattr(declared, k) for k in Limits.__dataclass_fields__})


@dataclass(frozen=True)
class Endpoints:
    """Where a tenant's APIs are, which CA to trust for them (None: the system's), and the
    route to them (``network``: proxy, hosts reached directly, a CA trusted in addition)."""

    okta_base: str
    graph_base: str  #: ends with /v1.0
    graph_scope: str
    login_authority: str  #: host[:port] of the Entra token service
    ca_file: Path | None = None
    emulated: bool = False
    network: Network = DIRECT

    @classmethod
    def real(cls, cfg: TenantConfig, network: Network = DIRECT) -> Endpoints:
        """The tenant's APIs: the org URL and the real hosts of its cloud (``m365.cloud``):
        Graph, its scope, and the Entra token service, which is also where home-realm
        discovery is asked; each replaced by the tenant file's ``endpoints:`` when set (the
        Graph scope stays the cloud's: it names the resource, not where it is reached)."""
        cloud = CLOUDS[cfg.m365.cloud]
        moved = cfg.endpoints
        okta = (moved.okta if moved else None) or cfg.okta.org_url
        graph = (moved.graph if moved else None) or cloud.graph
        login = moved.login.removeprefix("https://") if moved and moved.login else None
        return cls(
            okta, f"{graph}/v1.0", cloud.graph_scope, login or cloud.login_host, network=network
        )

    @property
    def login_base(self) -> str:
        return f"https://{self.login_authority}"

    @property
    def known_authority(self) -> bool:
        """The token service is a Microsoft cloud's own login host (azure-identity may then
        ask that host's instance discovery; for any other it must not)."""
        return not self.emulated and self.login_authority in {c.login_host for c in CLOUDS.values()}

    def origin(self, api: str) -> Origin:
        """The one origin the named API (okta, graph, login) is reached at."""
        base = {"okta": self.okta_base, "graph": self.graph_base, "login": self.login_base}[api]
        found = origin_of(base)
        if found is None:
            raise ValueError(f"the configured {api} URL {base!r} has no origin")
        return found

    def ssl_context(self, shared: bool = True) -> ssl.SSLContext:
        """The system's CAs (the emulator's alone when emulated), plus network.ca_file: the
        process's one context for them, or (``shared=False``) a new one to add to."""
        return ssl_context(self.ca_file, self.network.ca_file, shared)

    def proxy_for(self, api: str) -> Any:
        """The proxy (clients/network.py ``Proxy``) the named API is reached through, or None."""
        return self.network.proxy_for(self.origin(api))


def endpoints_used(cfg: TenantConfig, endpoints: Endpoints) -> dict[str, Any]:
    """Where each API was reached, against where the tenant file says the tenant is, for the
    report header, the handover appendix and results.json (``endpointsUsed``): a run whose
    requests went elsewhere than the tenant's own hosts (``endpoints:``, the emulator) says
    so plainly, as does a proxy on the way."""
    cloud = CLOUDS[cfg.m365.cloud]
    own = {"okta": cfg.okta.org_url, "graph": cloud.graph, "login": f"https://{cloud.login_host}"}
    used = {
        "okta": endpoints.okta_base.rstrip("/"),
        "graph": endpoints.graph_base.removesuffix("/v1.0"),
        "login": endpoints.login_base,
    }
    apis = {}
    for api, url in used.items():
        proxy = endpoints.proxy_for(api)
        apis[api] = {
            "url": url,
            "tenantUrl": own[api],
            "differs": origin_of(url) != origin_of(own[api]),
            "proxy": proxy.url if proxy else None,
        }
    return {
        "differsFromTenant": any(a["differs"] for a in apis.values()),
        "emulated": endpoints.emulated,
        "apis": apis,
        "network": endpoints.network.facts(),
    }
