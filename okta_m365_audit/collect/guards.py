"""The collector's reads of the Entra guards around federation (ESS-06, FED-12): the
Conditional Access policies and Security Defaults, the groups each break-glass account is in
(it needs the users list, for the accounts' ids), and the members of each group an enabled
policy excludes (it needs the policies). catalog/guards.py says who is break-glass and which
groups are read.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from ..catalog.guards import break_glass_logins, excluded_group_ids
from ..catalog.scope import upn_of
from ..config import TenantConfig
from .pages import read_items


class _Collector(Protocol):
    doc: dict[str, Any]
    cfg: TenantConfig
    users_read: asyncio.Event

    async def _read(self, api: str, name: str, key: str | None = None) -> None: ...


def break_glass_ids(cfg: TenantConfig, graph_users: list[dict[str, Any]]) -> list[str]:
    """Entra object ids of the break-glass accounts Graph listed, in login order (an account
    Graph did not list has no id to read by; ESS-03 fails for it and ESS-06 ERRORs)."""
    by_login = {upn_of(u): u.get("id") for u in graph_users if isinstance(u, dict)}
    logins = break_glass_logins(cfg.expect.excluded_accounts, cfg.expect.service_account)
    return [i for lg in logins if isinstance(i := by_login.get(lg), str) and i]


async def read_guards(c: _Collector) -> None:
    async def member_of() -> None:
        await c.users_read.wait()
        ids = break_glass_ids(c.cfg, read_items(c.doc["graph"].get("users")))
        await asyncio.gather(*(c._read("graph", "breakGlassMemberOf", i) for i in ids))

    async def policies() -> None:
        await c._read("graph", "caPolicies")
        groups = excluded_group_ids(read_items(c.doc["graph"].get("caPolicies")))
        await asyncio.gather(*(c._read("graph", "caExcludedGroupMembers", g) for g in groups))

    await asyncio.gather(policies(), c._read("graph", "securityDefaults"), member_of())
