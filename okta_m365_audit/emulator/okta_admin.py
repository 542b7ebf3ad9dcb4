"""Okta routes of the org's admin baseline: authentication policy rules (ORG-05, FED-10),
the users holding admin roles and each one's roles (ORG-06); and the JSON answers every
Okta route builds on.

A resource the snapshot never read answers 404, as Okta does for an unknown id (and the
checks then ERROR), never an empty list that a check could pass on.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from . import errors
from .paging import okta_window
from .projections import served
from .state import Stored, TenantState


def json_ok(body: Any, headers: Any = None) -> web.Response:
    return web.Response(text=json.dumps(body), content_type="application/json", headers=headers)


def stored(answer: Stored) -> web.Response:
    return web.Response(
        status=answer.status, text=json.dumps(answer.body), content_type="application/json"
    )


class AdminRoutes:
    st: TenantState

    def add_admin_routes(self, r: web.UrlDispatcher) -> None:
        r.add_get("/api/v1/policies/{id}/rules", self.policy_rules)
        r.add_get("/api/v1/iam/assignees/users", self.role_assignees)
        r.add_get("/api/v1/users/{id}/roles", self.user_roles)

    async def policy_rules(self, request: web.Request) -> web.Response:
        """Every rule of a policy in one answer (an authentication policy has a handful; the
        spec's limit has no default)."""
        answer = self.st.okta["policyRules"].get(request.match_info["id"])
        if isinstance(answer, Stored):
            return stored(answer)
        if answer is None:
            return errors.okta_not_found(f"{request.match_info['id']} (Policy)")
        return json_ok(served("listPolicyRules", answer))

    async def role_assignees(self, request: web.Request) -> web.Response:
        """spec listUsersWithRoleAssignments: ``{"value": [...], "_links": {"next": ...}}``,
        ``limit`` default 100 (no maximum given), paged by ``after`` in the body's next link
        (spec RoleAssignedUsersResponseExample)."""
        answer = self.st.okta.get("roleAssignees")
        if isinstance(answer, Stored):
            return stored(answer)
        if answer is None:
            return errors.okta_not_found("iam/assignees/users (never collected)")
        window = okta_window(request, answer, 100, None)
        if isinstance(window, web.Response):
            return window
        chunk, after, size = window
        links: dict[str, Any] = {}
        if after is not None:
            links["next"] = {"href": str(request.url.update_query(after=after, limit=size))}
        return json_ok(served("listUsersWithRoleAssignments", {"value": chunk, "_links": links}))

    async def user_roles(self, request: web.Request) -> web.Response:
        """spec listAssignedRolesForUser: every role of the user, one answer."""
        uid = request.match_info["id"]
        answer = self.st.okta["userRoles"].get(uid)
        if isinstance(answer, Stored):
            return stored(answer)
        if answer is None:
            known = any(u.get("id") == uid for u in self.st.okta["users"])
            return (
                json_ok(served("listAssignedRolesForUser", []))
                if known
                else (errors.okta_not_found(f"{uid} (User)"))
            )
        return json_ok(served("listAssignedRolesForUser", answer))
