"""Where a tenant's APIs are, and how patient the suite is with them.

``Endpoints`` is the one statement of the origins a credential may go to: the Okta org,
Graph and the Entra token service, exactly as configured (``origins.Origin``). Only the
endpoints and the trust differ between a real tenant and the emulator.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

from ..config import TenantConfig
from .origins import Origin, origin_of

#: Graph and login hosts of each cloud (reference/api-facts.md §14).
CLOUDS: dict[str, tuple[str, str]] = {
    "global": ("https://graph.microsoft.com", "login.microsoftonline.com"),
    "usgov": ("https://graph.microsoft.us", "login.microsoftonline.us"),
    "usgov-dod": ("https://dod-graph.microsoft.us", "login.microsoftonline.us"),
    "china": ("https://microsoftgraph.chinacloudapi.cn", "login.chinacloudapi.cn"),
}

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
        graph, login = CLOUDS[cfg.m365.cloud]
        return cls(cfg.okta.org_url, f"{graph}/v1.0", f"{graph}/.default", login)

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
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
