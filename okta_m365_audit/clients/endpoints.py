"""Where a tenant's APIs are, and how patient the suite is with them.

``Endpoints`` is the one statement of the origins a credential may go to: the Okta org,
Graph and the Entra token service, exactly as configured (``origins.Origin``). Only the
endpoints and the trust differ between a real tenant and the emulator.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import TenantConfig
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
    """Where a tenant's APIs are, and which CA to trust for them (None: the system's)."""

    okta_base: str
    graph_base: str  #: ends with /v1.0
    graph_scope: str
    login_authority: str  #: host[:port] of the Entra token service
    ca_file: Path | None = None
    emulated: bool = False

    @classmethod
    def real(cls, cfg: TenantConfig) -> Endpoints:
        """The real hosts of the tenant's cloud (``m365.cloud``): Graph, its scope, and the
        Entra token service, which is also where home-realm discovery is asked; or where
        the tenant file's ``endpoints:`` say they are reached, trusting ``network.ca_file``."""
        cloud = CLOUDS[cfg.m365.cloud]
        over = cfg.endpoints
        network = cfg.network
        graph = (over and over.graph) or cloud.graph
        login = (over and over.login) or f"https://{cloud.login_host}"
        return cls(
            (over and over.okta) or cfg.okta.org_url,
            f"{graph}/v1.0",
            cloud.graph_scope,  # the token's audience is the cloud's Graph, wherever reached
            login.removeprefix("https://"),
            cfg.resolve(network.ca_file) if network and network.ca_file else None,
        )

    @property
    def custom_login(self) -> bool:
        """The token service is not one of Microsoft's login hosts (``endpoints.login``, the
        emulator): azure-identity must not ask Microsoft's instance discovery about it."""
        return self.emulated or self.login_authority not in {c.login_host for c in CLOUDS.values()}

    @property
    def login_base(self) -> str:
        return f"https://{self.login_authority}"

    def origin(self, api: str) -> Origin:
        """The one origin the named API (okta, graph, login) is reached at."""
        base = {"okta": self.okta_base, "graph": self.graph_base, "login": self.login_base}[api]
        found = origin_of(base)
        if found is None:
            raise ValueError(f"the configured {api} URL {base!r} has no origin")
        return found

    def ssl_context(self) -> ssl.SSLContext:
        """The system's trust, plus ``ca_file`` (``network.ca_file``, the emulator's CA)."""
        ctx = ssl.create_default_context()
        if self.ca_file:
            ctx.load_verify_locations(cafile=str(self.ca_file))
        return ctx
