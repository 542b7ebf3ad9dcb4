"""Graph route of the tenant's subscriptions (PROV-05): ``GET /v1.0/subscribedSkus`` as the
snapshot recorded it.

Shape and query support: microsoft-graph-docs-contrib api-reference/v1.0/api/
subscribedsku-list.md (a collection; "supports only the $select OData query parameter",
no $filter); the objects are served as stored (``resources/subscribedsku.md``). A snapshot
that never read it answers 404, so PROV-05 ERRORs rather than judge an empty list; a
recorded refusal is answered as recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from aiohttp import web

from .state import Stored, TenantState

#: includes/permissions/subscribedsku-list-permissions.md (application): least privileged
#: Organization.Read.All; higher Directory.Read.All, Directory.ReadWrite.All,
#: Organization.ReadWrite.All
PERMISSIONS = frozenset(
    {
        "Organization.Read.All",
        "Organization.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    }
)

Page = Callable[..., web.Response]
NotFound = Callable[[web.Request, str], web.Response]


def subscribed_skus(state: TenantState, page: Page, not_found: NotFound) -> Callable:
    async def handler(request: web.Request) -> web.Response:
        answer = state.graph.get("subscribedSkus")
        if isinstance(answer, Stored):
            return web.Response(
                status=answer.status, text=json.dumps(answer.body), content_type="application/json"
            )
        if answer is None:
            return not_found(request, "subscribedSkus (never collected)")
        return page(request, "subscribedSkus", answer)

    return handler
