"""The real services' default behaviour, each with its source (issue 11, item 2): Okta's list
defaults (DEPROVISIONED users left out of a plain list), page sizes and ``Link`` headers per
operation, the custom domain's certificate only on its own read; and the collector reading
what the checks need in the states they need (deactivated users included).
"""

from __future__ import annotations

import asyncio
import copy
import re
from typing import Any

import pytest

from okta_m365_audit.catalog.resources import DEPROVISIONED_SEARCH
from okta_m365_audit.clients import OktaApi
from okta_m365_audit.collect.collector import collect
from okta_m365_audit.config import load_tenant
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.snapshot import document as snap
from okta_m365_audit.views import TenantView

from .conftest import DEMO_YAML, write_tenant
from .okta_spec import TENANTS


def _link_headers(doc: dict[str, Any], urls: list[str]) -> dict[str, list[str]]:
    """The ``Link`` headers (all of them: the SDK keeps one) of the emulator's Okta routes
    for each of ``urls``, over a local HTTP server without the token check."""
    import aiohttp
    from aiohttp import web
    from aiohttp.test_utils import TestServer

    from okta_m365_audit.emulator.okta import OktaRoutes
    from okta_m365_audit.emulator.state import TenantState

    async def go() -> dict[str, list[str]]:
        app = web.Application()
        OktaRoutes(TenantState.from_snapshot(doc)).add_to(app)
        async with TestServer(app) as server, aiohttp.ClientSession() as http:
            out = {}
            for url in urls:
                async with http.get(server.make_url(url)) as r:
                    assert r.status == 200, url
                    out[url] = r.headers.getall("Link", [])
            return out

    return asyncio.run(go())


@pytest.mark.parametrize("tenant", [t[0] for t in TENANTS])
def test_every_paged_answer_has_okta_link_headers(tenant):
    """When a list is served: absolute ``Link`` headers, self first naming the page size
    in force, next only while more pages exist (SOURCES.md, "Link headers"; okta-recorded/
    apps-users/list-limit50-link-self.json: no limit asked, ?limit=50 in self; apps-list/
    list-limit2-link-next-sdkpy.json: self then next)."""
    doc = snap.load(next(t for t in TENANTS if t[0] == tenant)[2])
    app = doc["okta"]["office365Apps"]["data"][0]["id"]
    urls = {  # url -> (page size the self link names, whether more pages follow)
        "/api/v1/users?limit=2": ("limit=2", True),
        "/api/v1/users": ("limit=200", False),
        f"/api/v1/apps/{app}/users": ("limit=50", False),
        f"/api/v1/apps/{app}/groups": ("limit=20", False),
        "/api/v1/groups": ("limit=10000", False),
        "/api/v1/apps?limit=1": ("limit=1", True),
    }
    headers = _link_headers(doc, list(urls))
    for url, (size, more) in urls.items():
        links = [re.fullmatch(r'<(https?://[^>]+)>; rel="(\w+)"', h) for h in headers[url]]
        assert all(links), headers[url]
        rels = [m.group(2) for m in links if m]
        assert rels == (["self", "next"] if more else ["self"]), url
        assert size in links[0].group(1), url  # type: ignore[union-attr]


def test_listing_users_by_default_omits_deprovisioned_ones(golden):
    """When a user is DEPROVISIONED: a plain GET /api/v1/users omits it, the search
    status eq "DEPROVISIONED" and a status filter return it (spec listUsers description and
    its search/filter parameters; api-facts.md, Corrections)."""
    gone = golden["okta"]["users"]["data"][0]
    gone.update(status="DEPROVISIONED")
    cfg = load_tenant(DEMO_YAML)

    async def go() -> dict[str, list[str]]:
        async with OktaApi(cfg, emu.endpoints()) as okta:
            urls = {
                "plain": "/api/v1/users?limit=200",
                "search": f"/api/v1/users?search={DEPROVISIONED_SEARCH}&limit=200",
                "filter": f"/api/v1/users?filter={DEPROVISIONED_SEARCH}&limit=200",
            }
            return {k: [u["id"] for u in (await okta.get(v)).body] for k, v in urls.items()}

    with Emulator(golden, registrations_for(cfg)) as emu:
        ids = asyncio.run(go())
    assert gone["id"] not in ids["plain"]
    assert ids["search"] == ids["filter"] == [gone["id"]]


# --- the collector reads what the checks need ---------------------------------------------


def test_deactivated_users_are_collected_and_seen_by_the_views(tmp_path, golden):
    """When an Okta user is DEPROVISIONED: a plain GET /api/v1/users omits it (spec listUsers:
    "This operation omits users that have a status of DEPROVISIONED"), so the collector
    reads them with search=status eq "DEPROVISIONED" and the views still see the account."""
    gone = golden["okta"]["users"]["data"][0]
    gone["status"] = "DEPROVISIONED"
    cfg = write_tenant(tmp_path, golden).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
    assert gone["id"] not in [u["id"] for u in doc["okta"]["users"]["data"]]
    assert [u["id"] for u in doc["okta"]["deprovisionedUsers"]["data"]] == [gone["id"]]
    view = TenantView(cfg, doc)
    assert view.okta_by_login[gone["profile"]["login"].lower()]["status"] == "DEPROVISIONED"


def test_custom_domain_certificate_comes_from_the_single_read(tmp_path, golden):
    """When domains are collected: the list carries no publicCertificate (spec
    DomainListResponse, okta-recorded/domains/list-*.json); each custom domain is read
    again with GET /api/v1/domains/{id}, which does; Okta's own domain ("default") is not."""
    cfg = write_tenant(tmp_path, golden).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
    listed = doc["okta"]["domains"]["data"]["domains"]
    assert listed and not any("publicCertificate" in d for d in listed)
    custom = [d["id"] for d in listed if d["id"] != "default"]
    assert sorted(doc["okta"]["customDomains"]) == sorted(custom)
    for domain_id in custom:
        single = doc["okta"]["customDomains"][domain_id]
        assert single["request"] == f"GET /api/v1/domains/{domain_id}"
        assert single["data"]["publicCertificate"]["expiration"]


def test_unknown_domain_is_okta_404(tmp_path, golden):
    """When a domain id does not exist: 404 E0000007 naming it, as for every Okta object
    (okta-recorded/brands/error-404-brand-not-found-sdkpy.json: "... (Brand)")."""
    cfg = write_tenant(tmp_path, golden).config()

    async def go():
        async with OktaApi(cfg, emu.endpoints()) as okta:
            return await okta.get("/api/v1/domains/OcDnosuchdomain00x7")

    with Emulator(golden, registrations_for(cfg)) as emu:
        resp = asyncio.run(go())
    assert resp.status == 404
    assert resp.body["errorCode"] == "E0000007"
    assert (
        resp.body["errorSummary"] == "Not found: Resource not found: OcDnosuchdomain00x7 (Domain)"
    )


def test_agent_pools_page_by_five(tmp_path, golden):
    """When an org has more than five AD agent pools: pages of five (spec listAgentPools:
    limitPerPoolType defaults to 5, no maximum given), and the collector follows the next
    links to the end."""
    pools = golden["okta"]["agentPools"]["data"]
    for i in range(11):
        pool = copy.deepcopy(pools[0])
        pool.update(id=f"0oapool{i:013d}", name=f"ad{i}.contoso.com")
        pools.append(pool)
    cfg = write_tenant(tmp_path, golden).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
    read = doc["okta"]["agentPools"]
    assert (read["pages"], len(read["data"])) == (3, 12)
    assert read["data"] == pools
