"""The collector's Okta reads that follow a list: each Office 365 app instance's own reads
after the app list, each custom domain's after the domain list.

The Graph stream's CRED reads need only the apps' provisioning connections (consent.py):
``connections_read`` is set once every connection read is done (whether it succeeded or
not), so they do not wait for the app users' pages read beside the connections, a chain of
hundreds of pages on a large tenant (issue 16). The app list and the connections are links
of the collection's longest chain: their requests take the next free place among the org's
open requests before the reads nothing waits for (clients/gate.py).
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from ..catalog.resources import custom_domain_ids
from ..clients.gate import urgent
from .pages import read_items
from .policies import read_office365_policies

#: what is read of each Office 365 app instance besides its connection
PER_APP = ("appKeys", "appFeatures", "appUsers", "appGroups", "logs")


class _Collector(Protocol):
    doc: dict[str, Any]
    connections_read: asyncio.Event

    async def _read(self, api: str, name: str, key: str | None = None) -> None: ...


async def read_office365_apps(c: _Collector) -> None:
    """The app list, then each instance's connection, reads and policy rules (FED-10)."""

    async def connections(ids: list[str]) -> None:
        try:
            with urgent():  # links of the longest chain: ahead of the leaves (clients/gate.py)
                await asyncio.gather(*(c._read("okta", "appConnection", a) for a in ids))
        finally:
            c.connections_read.set()

    try:
        with urgent():
            await c._read("okta", "office365Apps")
        ids = [a["id"] for a in read_items(c.doc["okta"]["office365Apps"]) if "id" in a]
        await asyncio.gather(
            connections(ids),
            *(c._read("okta", n, a) for a in ids for n in PER_APP),
            read_office365_policies(c),  # policies.py (FED-10)
        )
    finally:
        c.connections_read.set()  # whatever failed: the Graph stream never waits forever


async def read_okta_domains(c: _Collector) -> None:
    """The domain list, then each custom domain alone: only that read has its certificate."""
    await c._read("okta", "domains")
    read = c.doc["okta"]["domains"]
    ids = custom_domain_ids(read.get("data")) if read.get("ok") else []
    await asyncio.gather(*(c._read("okta", "customDomains", d) for d in ids))
