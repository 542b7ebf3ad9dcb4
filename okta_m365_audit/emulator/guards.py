"""Graph routes of the Entra guards (ESS-06, FED-12): Conditional Access policies, Security
Defaults, a user's transitive groups and a group's transitive members, as the snapshot
recorded them.

A snapshot that never read one of them answers 404, so the checks ERROR rather than pass on
an empty list. A user's groups or a group's members not recorded are derived from the
Global Administrator group members the snapshot holds (so a broken snapshot answers
consistently); an unknown user or group is 404, as Graph answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .state import Stored, TenantState

Page = Callable[..., web.Response]
NotFound = Callable[[web.Request, str], web.Response]


def _stored(answer: Stored) -> web.Response:
    return web.Response(
        status=answer.status, text=json.dumps(answer.body), content_type="application/json"
    )


class GuardRoutes:
    def __init__(self, state: TenantState, page: Page, not_found: NotFound):
        self.st = state
        self._page = page
        self._not_found = not_found

    async def ca_policies(self, request: web.Request) -> web.Response:
        answer = self.st.graph.get("caPolicies")
        if isinstance(answer, Stored):
            return _stored(answer)
        if answer is None:
            return self._not_found(request, "conditionalAccess/policies (never collected)")
        return self._page(request, "identity/conditionalAccess/policies", answer)

    async def security_defaults(self, request: web.Request) -> web.Response:
        answer = self.st.graph.get("securityDefaults")
        if isinstance(answer, Stored):
            return _stored(answer)
        if not isinstance(answer, dict):
            return self._not_found(request, "identitySecurityDefaultsEnforcementPolicy")
        # the object as stored, as the domain route serves one (Graph adds an
        # @odata.context, which no check reads and the collection would record as a change)
        return web.json_response(answer)

    async def user_transitive_member_of(self, request: web.Request) -> web.Response:
        uid = request.match_info["id"].lower()
        answer = (self.st.graph.get("memberOf") or {}).get(uid)
        if isinstance(answer, Stored):
            return _stored(answer)
        if answer is None:
            user = next(
                (u for u in self.st.graph["users"] if str(u.get("id")).lower() == uid
                 or str(u.get("userPrincipalName")).lower() == uid), None)  # fmt: skip
            if user is None:
                return self._not_found(request, request.match_info["id"])
            answer = [
                group
                for gid, group in self.st.graph["groups"].items()
                if any(
                    str(m.get("id")).lower() == str(user.get("id")).lower()
                    for m in _list(self.st.graph["groupMembers"].get(gid))
                )
            ]
        return self._page(request, "directoryObjects", answer)

    async def group_transitive_members(self, request: web.Request) -> web.Response:
        gid = request.match_info["id"]
        answer = (self.st.graph.get("transitiveMembers") or {}).get(gid)
        if isinstance(answer, Stored):
            return _stored(answer)
        if answer is None:
            if gid not in self.st.graph["groups"]:
                return self._not_found(request, gid)
            answer = _list(self.st.graph["groupMembers"].get(gid))
        return self._page(request, "directoryObjects", answer)


def _list(answer: Any) -> list[Any]:
    return answer if isinstance(answer, list) else []
