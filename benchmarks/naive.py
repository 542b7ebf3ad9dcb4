"""The naive baseline: the obvious SDK code (typed models, default page sizes, one list
after another) reading the three lists that grow with the tenant, and its figures at the
tenant's full size, extrapolated where it stopped early."""

from __future__ import annotations

import asyncio
import math
import time
from pathlib import Path
from typing import Any

from measure import DEMO, fixed_cost, import_sdks, usage

#: the lists that grow with the tenant: (snapshot api, resource) -> SDK default page size
LARGE_LISTS = {("okta", "users"): 200, ("okta", "appUsers"): 50, ("graph", "users"): 100}


async def _naive_reads(cfg: Any, endpoints: Any, app_id: str, cap: int) -> dict[str, Any]:
    """The obvious SDK code: typed models, default page sizes, lists one after another."""
    from okta_m365_audit.clients import GraphApi, OktaApi, limits_for
    from okta_m365_audit.snapshot import document as snap

    out: dict[str, Any] = {}
    kept: list[Any] = []  # a naive collector holds its models, as ours holds its JSON
    limits = limits_for(cfg)
    async with OktaApi(cfg, endpoints, limits) as okta_api, GraphApi(cfg, endpoints, limits) as g:
        # the obvious code builds okta.client.Client (its typed list methods); it is given
        # the suite's read-only session so that both go through the same transport
        from okta.client import Client

        from okta_m365_audit.clients.okta_sdk import isolated_from_okta_settings
        from okta_m365_audit.clients.okta_token import sdk_uses

        # the same DPoP key as the session's fresh proofs (okta_token.FreshProofs)
        with isolated_from_okta_settings(), sdk_uses(okta_api._proofs):
            client = Client(okta_api._conf)
        client.get_request_executor().set_session(okta_api._sdk_session())

        async def okta_list(method: Any, *args: Any) -> tuple[int, int]:
            from okta.pagination import PaginationHelper

            objects = pages = 0
            cursor: str | None = None
            while True:  # the SDK's cursor pagination, at the server's default page size
                kwargs = {"after": cursor} if cursor else {}
                items, resp, err = await method(*args, **kwargs)
                if err:
                    raise RuntimeError(f"naive Okta read failed: {err}")
                kept.extend(items or [])
                objects, pages = objects + len(items or []), pages + 1
                cursor = PaginationHelper.extract_next_cursor(resp.headers)
                if not cursor or objects >= cap:
                    return objects, pages

        async def graph_users() -> tuple[int, int]:
            from msgraph.generated.users.users_request_builder import UsersRequestBuilder

            # the same fields as ours (without them no check could run), default page size
            query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
                select=list(snap.GRAPH_USER_FIELDS)
            )
            config = UsersRequestBuilder.UsersRequestBuilderGetRequestConfiguration(
                query_parameters=query
            )
            page = await g.client.users.get(request_configuration=config)
            kept.extend(page.value or [])
            objects, pages = len(page.value or []), 1
            while page.odata_next_link and objects < cap:
                page = await g.client.users.with_url(page.odata_next_link).get()
                kept.extend(page.value or [])
                objects, pages = objects + len(page.value or []), pages + 1
            return objects, pages

        for key, read in (
            (("okta", "users"), lambda: okta_list(client.list_users)),
            (("okta", "appUsers"), lambda: okta_list(client.list_application_users, app_id)),
            (("graph", "users"), graph_users),
        ):
            cpu0, _ = usage()
            t0 = time.perf_counter()
            objects, pages = await read()
            cpu1, _ = usage()
            out[".".join(key)] = {
                "objects": objects,
                "pages": pages,
                "wall_s": time.perf_counter() - t0,
                "cpu_s": cpu1 - cpu0,
            }
    return out


def worker_naive(tenant_file: Path, app_id: str, cap: int) -> dict[str, Any]:
    from okta_m365_audit.config import load_tenant
    from okta_m365_audit.emulator import emulator_for
    from okta_m365_audit.snapshot import document as snap

    imports = import_sdks()
    demo_cfg = load_tenant(DEMO)
    demo_doc = snap.load(demo_cfg.resolve(demo_cfg.emulator.snapshot))
    demo_app_id = demo_doc["okta"]["office365Apps"]["data"][0]["id"]  # read before the clock

    def demo(cfg: Any, emu: Any) -> int:
        read = asyncio.run(_naive_reads(cfg, emu.endpoints(), demo_app_id, cap))
        return sum(v["objects"] for v in read.values())

    fixed_cpu, fixed_objects = fixed_cost(demo)
    cfg = load_tenant(tenant_file)
    with emulator_for(cfg) as emu:
        cpu0, _ = usage()
        t0 = time.perf_counter()
        lists = asyncio.run(_naive_reads(cfg, emu.endpoints(cfg.m365.cloud), app_id, cap))
        wall = time.perf_counter() - t0
        cpu1, rss = usage()
        log = emu.requests
    return {
        "wall_s": wall,
        "cpu_s": cpu1 - cpu0,
        "rss_peak_mib": rss,
        "imports_s": imports,
        "fixed_cpu_s": fixed_cpu,
        "fixed_objects": fixed_objects,
        "requests": sum(1 for r in log if r.method == "GET"),
        "lists": lists,
    }


def naive_full(naive: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """Naive figures at the tenant's full size (extrapolated per object where it stopped)."""
    requests = cpu = wall = 0.0
    sampled = False
    for (api, name), page in LARGE_LISTS.items():
        key = f"{api}.{name}"
        got, full = naive["lists"][key], facts["large_counts"][key]
        pages = max(1, math.ceil(full / page))
        requests += pages
        scale = full / got["objects"] if got["objects"] else 1.0
        sampled |= got["objects"] < full
        cpu += got["cpu_s"] * scale
        wall += got["wall_s"] * (pages / got["pages"])
    return {"requests": int(requests), "cpu_s": cpu, "wall_s": wall, "sampled": sampled}
