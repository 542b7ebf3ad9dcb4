"""The collector's Entra reads for CRED-02 and CRED-03: Okta's service principals, the one
whose appId is the provisioning connection's client id (found by appId, whatever its name),
the permissions each holds, and the directory roles of each legacy "Okta AAD Service
Principal" and of every other Okta principal but the current connection's client (CRED-05:
a former provisioning principal may keep a role; catalog/consent.py says what identifies
each).

The principal read by appId needs the connections, which the Okta stream reads: the Graph
stream waits for ``connections_read`` (set by the collector once every Office 365 app's
connection read is done, whether it succeeded or not), not for the whole Okta stream nor
for the app users' pages read beside the connections.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from ..catalog.consent import connection_client_ids, role_read_principal_ids
from .pages import read_items

#: what each service principal found is read for (its application and delegated permissions)
PER_PRINCIPAL = ("appRoleAssignments", "oauth2PermissionGrants")


class _Collector(Protocol):
    doc: dict[str, Any]
    connections_read: asyncio.Event

    async def _read(self, api: str, name: str, key: str | None = None) -> None: ...


async def read_okta_principals(c: _Collector) -> None:
    async def by_client_id() -> None:
        await c.connections_read.wait()
        ids = connection_client_ids(c.doc["okta"].get("appConnection"))
        await asyncio.gather(*(c._read("graph", "oktaClientPrincipal", i) for i in ids))

    await asyncio.gather(c._read("graph", "oktaServicePrincipals"), by_client_id())
    graph = c.doc["graph"]
    listed = read_items(graph.get("oktaServicePrincipals"))
    by_app_id = [
        sp for r in (graph.get("oktaClientPrincipal") or {}).values() for sp in read_items(r)
    ]
    ids = list(
        dict.fromkeys(sp["id"] for sp in listed + by_app_id if isinstance(sp.get("id"), str))
    )
    clients = connection_client_ids(c.doc["okta"].get("appConnection"))
    with_roles = role_read_principal_ids(listed, clients)
    await asyncio.gather(
        *(c._read("graph", n, sp) for sp in ids for n in PER_PRINCIPAL),
        *(c._read("graph", "legacyPrincipalRoles", sp) for sp in with_roles),
    )
