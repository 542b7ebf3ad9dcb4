"""Where a run's requests went, in words: the report header, the handover document's
appendix and the Environment table say so plainly whenever an API was reached anywhere but
the tenant's own hosts (``endpoints:`` overrides, the emulator), and name a proxy on the way.

A green report of a tenant whose org URL went stale, because the requests went to an
override, must not pass for the tenant's audit unnoticed. Plain text here; every caller
escapes it where it becomes HTML.
"""

from __future__ import annotations

from typing import Any

from ..clients import Endpoints, Network, Proxy, endpoints_used
from ..config import TenantConfig
from ..config.network import RunNetwork, effective_network

#: what each API's tenant URL is called in the tenant file
_NAMES = {
    "okta": ("Okta API", "org_url"),
    "graph": ("Microsoft Graph", "m365.cloud's Graph"),
    "login": ("Entra token service", "m365.cloud's login host"),
}


def route_lines(used: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, sentence) rows: one per API reached elsewhere than the tenant's own host,
    one per proxy used; none for a run that went straight to the tenant's hosts."""
    if not used:
        return []
    rows = []
    for api, facts in (used.get("apis") or {}).items():
        name, own = _NAMES.get(api, (api, "own URL"))
        if facts.get("differs"):
            by = " (the emulator)" if used.get("emulated") else ""
            rows.append(
                (
                    f"{name} endpoint",
                    f"{name} reached at {facts.get('url')}{by}, not the tenant file's {own} "
                    f"{facts.get('tenantUrl')}",
                )
            )
        if facts.get("proxy"):
            rows.append((f"{name} proxy", f"{name} reached through the proxy {facts['proxy']}"))
    network = used.get("network") or {}
    if network.get("caFile"):
        rows.append(("Extra trusted CA", f"TLS also trusted the CA file {network['caFile']}"))
    return rows


def planned_route(cfg: TenantConfig, run: RunNetwork) -> list[tuple[str, str]]:
    """The rows ``route_lines`` gives for a tenant before its collection (the report's
    Environment table is written first): its ``endpoints:`` overrides and its proxy. An
    emulated tenant's ports are known only once it serves (its "backend" row says
    emulator; its section's header gives the URLs)."""
    if cfg.emulator is not None:
        return []
    settings = effective_network(cfg.network, run, cfg.resolve)
    proxy = Proxy(settings.proxy, settings.proxy_username) if settings.proxy else None
    network = Network(proxy, settings.no_proxy, settings.ca_file)
    return route_lines(endpoints_used(cfg, Endpoints.real(cfg, network)))
