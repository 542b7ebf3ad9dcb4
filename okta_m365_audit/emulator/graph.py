"""Microsoft Graph v1.0 routes: OData collections with $select, $filter, $top and nextLinks."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from . import errors
from .appkeys import BASE_URL, TENANT_ID
from .audit import AuditRoutes
from .guards import GuardRoutes
from .licences import PERMISSIONS as _SUBSCRIBED_SKUS
from .licences import subscribed_skus
from .paging import BadCursor, decode_cursor, encode_cursor, graph_next_link, query_key, slice_page
from .sign_ins import SignInRoutes
from .state import Stored, TenantState, UnsupportedQuery, graph_filter, graph_select

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

DEFAULT_PAGE = 100
MAX_TOP = 999

#: path prefix -> application permissions any one of which allows the read (Graph docs).
#: a group's members, direct or transitive (group-list-members.md and
#: group-list-transitivemembers.md list the same permissions)
_GROUP_MEMBERS = frozenset(
    {
        "GroupMember.Read.All",
        "Group.Read.All",
        "GroupMember.ReadWrite.All",
        "Group.ReadWrite.All",
        "Directory.Read.All",
    }
)

PERMISSIONS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "/v1.0/organization",
        frozenset(
            {
                "Organization.Read.All",
                "Organization.ReadWrite.All",
                "Directory.Read.All",
                "Directory.ReadWrite.All",
            }
        ),
    ),
    (
        "/v1.0/domains/{id}/federationConfiguration",
        frozenset(
            {
                "Domain.Read.All",
                "Domain.ReadWrite.All",
                "Domain-InternalFederation.Read.All",
                "Domain-InternalFederation.ReadWrite.All",
            }
        ),
    ),
    (
        "/v1.0/domains",
        frozenset(
            {
                "Domain.Read.All",
                "Domain.ReadWrite.All",
                "Directory.Read.All",
                "Directory.ReadWrite.All",
            }
        ),
    ),
    (
        "/v1.0/users",
        frozenset(
            {"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
        ),
    ),
    (
        # not Directory.Read.All: microsoft-graph-docs-contrib api-reference/v1.0/api/
        # rbacapplication-list-roleeligibilityschedules.md (Application permissions)
        "/v1.0/roleManagement/directory/roleEligibilitySchedules",
        frozenset(
            {
                "RoleEligibilitySchedule.Read.Directory",
                "RoleManagement.Read.Directory",
                "RoleManagement.Read.All",
                "RoleEligibilitySchedule.ReadWrite.Directory",
                "RoleManagement.ReadWrite.Directory",
            }
        ),
    ),
    (
        "/v1.0/roleManagement",
        frozenset(
            {
                "RoleManagement.Read.Directory",
                "RoleManagement.Read.All",
                "RoleManagement.ReadWrite.Directory",
                "Directory.Read.All",
            }
        ),
    ),
    (
        "/v1.0/servicePrincipals",
        frozenset({"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All"}),
    ),
    (
        # microsoft-graph-docs-contrib api-reference/v1.0/api/group-list-members.md
        "/v1.0/groups/{id}/members",
        _GROUP_MEMBERS,
    ),
    (
        # group-list-transitivemembers.md: the same permissions as the direct members
        "/v1.0/groups/{id}/transitiveMembers",
        _GROUP_MEMBERS,
    ),
    (
        # conditionalaccessroot-list-policies.md and
        # identitysecuritydefaultsenforcementpolicy-get.md (application permissions)
        "/v1.0/identity/conditionalAccess/policies",
        frozenset({"Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"}),
    ),
    (
        "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
        frozenset({"Policy.Read.All", "Policy.ReadWrite.SecurityDefaults"}),
    ),
    ("/v1.0/subscribedSkus", _SUBSCRIBED_SKUS),
    (
        # includes/permissions/signin-list-permissions.md: AuditLog.Read.All, higher
        # Directory.Read.All (application)
        "/v1.0/auditLogs/signIns",
        frozenset({"AuditLog.Read.All", "Directory.Read.All"}),
    ),
    (
        # directoryaudit-list-permissions.md: "AuditLog.Read.All and Directory.Read.All";
        # the suite holds the latter for oauth2PermissionGrants (ACCESS-04 reports both)
        "/v1.0/auditLogs/directoryAudits",
        frozenset({"AuditLog.Read.All"}),
    ),
    (
        "/v1.0/oauth2PermissionGrants",
        frozenset(
            {"Directory.Read.All", "DelegatedPermissionGrant.Read.All", "Directory.ReadWrite.All"}
        ),
    ),
)


def _accepted(request: web.Request) -> frozenset[str] | None:
    route = request.match_info.route.resource
    canonical = route.canonical if route is not None else request.path
    for prefix, perms in PERMISSIONS:
        if canonical == prefix or canonical.startswith(prefix + "/"):
            return perms
    return None


class GraphRoutes:
    def __init__(self, state: TenantState):
        self.st = state

    def add_to(self, app: web.Application) -> None:
        r = app.router
        r.add_get("/v1.0/organization", self.collection("organization", set()))
        r.add_get("/v1.0/domains", self.collection("domains", set()))
        r.add_get("/v1.0/domains/{id}", self.domain)
        r.add_get("/v1.0/domains/{id}/federationConfiguration", self.federation)
        r.add_get(
            "/v1.0/users",
            self.collection(
                "users", {"userPrincipalName", "id", "mail", "accountEnabled", "userType"}
            ),
        )
        for roles in ("roleAssignments", "roleEligibilitySchedules"):
            handler = self.collection(
                roles, {"roleDefinitionId", "principalId"}, expands=frozenset({"principal"})
            )
            if roles == "roleEligibilitySchedules":
                handler = self._recorded("roleEligibilityRefusal", handler)
            r.add_get(f"/v1.0/roleManagement/directory/{roles}", handler)
        r.add_get("/v1.0/groups/{id}/members", self.group_members)
        guards = GuardRoutes(self.st, self._page, self._not_found)
        r.add_get("/v1.0/groups/{id}/transitiveMembers", guards.group_transitive_members)
        r.add_get("/v1.0/identity/conditionalAccess/policies", guards.ca_policies)
        r.add_get(
            "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy", guards.security_defaults
        )
        r.add_get("/v1.0/users/{id}/transitiveMemberOf", guards.user_transitive_member_of)
        sign_ins = SignInRoutes(self.st, self._page, self._not_found)
        r.add_get("/v1.0/auditLogs/signIns", sign_ins.sign_ins)
        r.add_get("/v1.0/auditLogs/directoryAudits", AuditRoutes(self.st, self._page).list)
        r.add_get("/v1.0/subscribedSkus", subscribed_skus(self.st, self._page, self._not_found))
        r.add_get(
            "/v1.0/servicePrincipals",
            self.collection("servicePrincipals", {"displayName", "appId", "id"}),
        )
        r.add_get("/v1.0/servicePrincipals/{id}/appRoleAssignments", self.app_role_assignments)
        r.add_get(
            "/v1.0/oauth2PermissionGrants",
            self.collection("oauth2PermissionGrants", {"clientId", "resourceId", "consentType"}),
        )

    @staticmethod
    def auth_middleware(authority: Any) -> Any:
        @web.middleware
        async def mw(request: web.Request, handler: Handler) -> web.StreamResponse:
            if not request.path.startswith("/v1.0/"):
                return await handler(request)
            rid = request.headers.get("client-request-id") or str(uuid.uuid4())
            if request.method != "GET":
                return errors.graph_error(
                    405, "Request_BadRequest", "The emulator serves reads only.", rid
                )
            header = request.headers.get("Authorization", "")
            if not header.startswith("Bearer ") or not header[7:].strip():
                return errors.graph_error(
                    401, "InvalidAuthenticationToken", "Access token is empty.", rid
                )
            # a token for the tenant's own cloud's Graph only (one for another cloud's is
            # refused at the token service already)
            claims = authority.verify(header[7:].strip(), authority.cloud.graph)
            if claims is None or claims.get("tid") != request.app[TENANT_ID]:
                return errors.graph_error(
                    401,
                    "InvalidAuthenticationToken",
                    "Access token validation failure. Invalid audience.",
                    rid,
                )
            accepted = _accepted(request)
            if accepted is not None and not accepted & set(claims.get("roles") or []):
                return errors.graph_error(
                    403,
                    "Authorization_RequestDenied",
                    "Insufficient privileges to complete the operation.",
                    rid,
                )
            response = await handler(request)
            response.headers["request-id"] = rid
            response.headers["client-request-id"] = rid
            return response

        return mw

    # --- helpers ---

    def _page(
        self, request: web.Request, entity_set: str, items: list[Any], maximum: int = MAX_TOP
    ) -> web.Response:
        q = request.query
        rid = request.headers.get("client-request-id") or str(uuid.uuid4())
        size = DEFAULT_PAGE
        if "$top" in q:
            try:
                size = int(q["$top"])
            except ValueError:
                size = -1
            if not 1 <= size <= maximum:
                return errors.graph_error(
                    400,
                    "Request_UnsupportedQuery",
                    f"Invalid page size specified: '{q['$top']}'. Must be between 1 and "
                    f"{maximum} inclusive.",
                    rid,
                )
        key = query_key(request.url, ("$skiptoken",))
        offset = 0
        if "$skiptoken" in q:
            try:
                offset = decode_cursor(q["$skiptoken"], key)
            except BadCursor:
                return errors.graph_error(
                    400,
                    "Directory_ExpiredPageToken",
                    "The specified page token value has expired "
                    "and can no longer be included in your request.",
                    rid,
                )
        chunk, nxt = slice_page(items, offset, size)
        chunk = graph_select(chunk, q.get("$select"))
        base = f"{request.app[BASE_URL]}/v1.0/$metadata#{entity_set}"
        if q.get("$select"):
            base += f"({q['$select']})"
        body: dict[str, Any] = {"@odata.context": base}
        link = graph_next_link(request.url, encode_cursor(nxt, key) if nxt is not None else None)
        if link:
            body["@odata.nextLink"] = link
        body["value"] = chunk
        return web.Response(text=json.dumps(body), content_type="application/json")

    def _filtered(self, request: web.Request, items: list[Any], allowed: set[str]) -> Any:
        expr = request.query.get("$filter")
        if not expr:
            return items
        try:
            match = graph_filter(expr, allowed)
        except UnsupportedQuery:
            rid = request.headers.get("client-request-id") or str(uuid.uuid4())
            return errors.graph_error(400, "Request_UnsupportedQuery", "Unsupported Query.", rid)
        return [i for i in items if match(i)]

    def collection(
        self, name: str, filterable: set[str], expands: frozenset[str] = frozenset()
    ) -> Handler:
        """A collection; ``expands``: navigation properties stored expanded, served only
        when ``$expand`` asks for them (as Graph does)."""

        async def handler(request: web.Request) -> web.Response:
            items = self._filtered(request, self.st.graph[name], filterable)
            if isinstance(items, web.Response):
                return items
            asked = {e.strip() for e in request.query.get("$expand", "").split(",")}
            drop = expands - asked
            if drop:
                items = [{k: v for k, v in i.items() if k not in drop} for i in items]
            return self._page(request, name, items)

        return handler

    def _recorded(self, name: str, handler: Handler) -> Handler:
        """``handler``, unless the snapshot recorded a failure (``Stored``) for ``name``."""

        async def answer(request: web.Request) -> web.StreamResponse:
            stored = self.st.graph.get(name)
            if not isinstance(stored, Stored):
                return await handler(request)
            return web.Response(status=stored.status, text=json.dumps(stored.body),
                                content_type="application/json")  # fmt: skip

        return answer

    # --- single objects and children ---

    def _domain(self, domain_id: str) -> dict[str, Any] | None:
        return next(
            (d for d in self.st.graph["domains"] if d.get("id", "").lower() == domain_id.lower()),
            None,
        )

    def _not_found(self, request: web.Request, what: str) -> web.Response:
        rid = request.headers.get("client-request-id") or str(uuid.uuid4())
        return errors.graph_error(
            404,
            "Request_ResourceNotFound",
            f"Resource '{what}' does not exist or one of its queried reference-property objects "
            "are not present.",
            rid,
        )

    async def domain(self, request: web.Request) -> web.Response:
        found = self._domain(request.match_info["id"])
        if found is None:
            return self._not_found(request, request.match_info["id"])
        return web.json_response(found)

    async def federation(self, request: web.Request) -> web.Response:
        domain_id = request.match_info["id"]
        found = self._domain(domain_id)
        if found is None:
            return self._not_found(request, domain_id)
        answer = self.st.graph["federationConfiguration"].get(found["id"])
        if isinstance(answer, Stored):
            return web.Response(
                status=answer.status, text=json.dumps(answer.body), content_type="application/json"
            )
        if answer is None:
            return self._not_found(request, domain_id)
        return self._page(request, f"domains('{found['id']}')/federationConfiguration", answer)

    async def app_role_assignments(self, request: web.Request) -> web.Response:
        sp_id = request.match_info["id"]
        if not any(sp.get("id") == sp_id for sp in self.st.graph["servicePrincipals"]):
            return self._not_found(request, sp_id)
        answer = self.st.graph["appRoleAssignments"].get(sp_id)
        if isinstance(answer, Stored):
            return web.Response(
                status=answer.status, text=json.dumps(answer.body), content_type="application/json"
            )
        return self._page(request, f"servicePrincipals('{sp_id}')/appRoleAssignments", answer or [])

    async def group_members(self, request: web.Request) -> web.Response:
        group_id = request.match_info["id"]
        if group_id not in self.st.graph["groups"]:
            return self._not_found(request, group_id)
        answer = self.st.graph["groupMembers"].get(group_id)
        if isinstance(answer, Stored):
            return web.Response(
                status=answer.status, text=json.dumps(answer.body), content_type="application/json"
            )
        return self._page(request, "directoryObjects", answer or [])
