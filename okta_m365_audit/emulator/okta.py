"""Okta Management API routes: thin handlers over TenantState (moto's responses.py idea)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from ..snapshot import parse_time
from . import errors
from .appkeys import BASE_URL
from .paging import (
    BadCursor,
    decode_cursor,
    encode_cursor,
    okta_links,
    page_size,
    query_key,
    slice_page,
)
from .state import Stored, TenantState, UnsupportedQuery, okta_filter

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: path prefix -> the read scope Okta checks (api-facts.md §8); manage implies read.
SCOPES: tuple[tuple[str, str], ...] = (
    ("/api/v1/org", "okta.orgs.read"),
    ("/api/v1/apps", "okta.apps.read"),
    ("/api/v1/users", "okta.users.read"),
    ("/api/v1/groups", "okta.groups.read"),
    ("/api/v1/domains", "okta.domains.read"),
    ("/api/v1/agentPools", "okta.agentPools.read"),
    ("/api/v1/logs", "okta.logs.read"),
)


def _scope_for(path: str) -> str | None:
    return next((s for p, s in SCOPES if path == p or path.startswith(p + "/")), None)


def _ok(body: Any, headers: Any = None) -> web.Response:
    return web.Response(text=json.dumps(body), content_type="application/json", headers=headers)


def _stored(answer: Any) -> web.Response:
    return web.Response(
        status=answer.status, text=json.dumps(answer.body), content_type="application/json"
    )


def _paged(
    request: web.Request, items: list[Any], default: int, maximum: int, cursor: str = "after"
) -> web.Response:
    url = request.url
    try:
        size = page_size(request.query.get("limit"), default, maximum)
    except ValueError:
        return errors.okta_bad_request("limit", ("limit: must be an integer",))
    key = query_key(url, (cursor, "limit"))
    offset = 0
    if cursor in request.query:
        try:
            offset = decode_cursor(request.query[cursor], key)
        except BadCursor:
            return errors.okta_invalid_paging()
    chunk, nxt = slice_page(items, offset, size)
    token = encode_cursor(nxt, key) if nxt is not None else None
    return _ok(chunk, okta_links(url, cursor, token))


class OktaRoutes:
    def __init__(self, state: TenantState):
        self.st = state
        self._listed_users: tuple[int, list[Any]] | None = None

    def _listable_users(self) -> list[Any]:
        """Users a plain list returns (DEPROVISIONED ones need a filter), computed once per
        user list: a 100k-user tenant is paged 500 times."""
        users = self.st.okta["users"]
        if self._listed_users is None or self._listed_users[0] != id(users):
            pool = [u for u in users if u.get("status") != "DEPROVISIONED"]
            self._listed_users = (id(users), pool)
        return self._listed_users[1]

    def add_to(self, app: web.Application) -> None:
        r = app.router
        r.add_get("/api/v1/org", self.org)
        r.add_get("/api/v1/apps", self.apps)
        r.add_get("/api/v1/apps/{id}", self.app)
        r.add_get("/api/v1/apps/{id}/credentials/keys", self.per_app("appKeys", []))
        r.add_get("/api/v1/apps/{id}/features", self.features)
        r.add_get(
            "/api/v1/apps/{id}/connections/default",
            self.per_app(
                "appConnection", {"status": "UNKNOWN", "profile": {"authScheme": "UNKNOWN"}}
            ),
        )
        r.add_get("/api/v1/apps/{id}/users", self.paged_per_app("appUsers", 50, 500))
        r.add_get("/api/v1/apps/{id}/groups", self.paged_per_app("appGroups", 20, 200))
        r.add_get("/api/v1/users", self.users)
        r.add_get("/api/v1/groups", self.groups)
        r.add_get("/api/v1/domains", self.domains)
        r.add_get("/api/v1/agentPools", self.agent_pools)
        r.add_get("/api/v1/logs", self.logs)

    # --- middleware: authentication and scopes ---

    @staticmethod
    def auth_middleware(authority: Any) -> Any:
        @web.middleware
        async def mw(request: web.Request, handler: Handler) -> web.StreamResponse:
            path = request.path
            if not path.startswith("/api/v1/"):
                return await handler(request)
            if request.method != "GET":
                return errors.okta_error(
                    405, "E0000022", "The endpoint does not support the provided HTTP method"
                )
            header = request.headers.get("Authorization", "")
            scopes: set[str] | None = None
            if header.startswith("SSWS"):
                token = header[4:].strip()
                if token not in authority.reg.okta_api_tokens:
                    return errors.okta_invalid_token()
            elif header.startswith("Bearer "):
                claims = authority.verify(header[7:].strip(), request.app[BASE_URL])
                if claims is None:
                    return errors.okta_invalid_token()
                scopes = set(claims.get("scp") or [])
            else:
                return errors.okta_invalid_token()
            need = _scope_for(path)
            if (
                scopes is not None
                and need
                and not (need in scopes or need.replace(".read", ".manage") in scopes)
            ):
                return errors.okta_insufficient_scope(request.app[BASE_URL], need, path)
            response = await handler(request)
            response.headers["X-Rate-Limit-Limit"] = "600"
            response.headers["X-Rate-Limit-Remaining"] = "599"
            response.headers["X-Rate-Limit-Reset"] = str(int(time.time()) + 60)
            response.headers["X-Okta-Request-Id"] = uuid.uuid4().hex[:20]
            return response

        return mw

    # --- handlers ---

    async def org(self, request: web.Request) -> web.Response:
        org = self.st.okta.get("org")
        if isinstance(org, Stored):
            return _stored(org)
        return _ok(org or {})

    def _filtered(self, request: web.Request, items: list[Any], allowed: set[str]) -> Any:
        expr = request.query.get("filter")
        if not expr:
            return items
        try:
            match = okta_filter(expr, allowed)
        except UnsupportedQuery as exc:
            return errors.okta_bad_request(
                "filter", (f"filter: unsupported or invalid filter expression: {exc}",)
            )
        return [i for i in items if match(i)]

    async def apps(self, request: web.Request) -> web.Response:
        items = self._filtered(
            request, self.st.okta["apps"], {"name", "status", "id", "credentials.signing.kid"}
        )
        if isinstance(items, web.Response):
            return items
        # limit defaults to -1 (everything), maximum 200 (api-facts.md §1)
        return _paged(request, items, 200, 200)

    def _app(self, app_id: str) -> dict[str, Any] | None:
        return next((a for a in self.st.okta["apps"] if a.get("id") == app_id), None)

    async def app(self, request: web.Request) -> web.Response:
        found = self._app(request.match_info["id"])
        if found is None:
            return errors.okta_not_found(f"{request.match_info['id']} (AppInstance)")
        return _ok(found)

    def _app_answer(self, request: web.Request, name: str) -> tuple[web.Response | None, Any]:
        """(error response, None) for an unknown app or a stored failure; else (None, data)."""
        app_id = request.match_info["id"]
        if self._app(app_id) is None:
            return errors.okta_not_found(f"{app_id} (AppInstance)"), None
        answer = self.st.okta[name].get(app_id)
        if isinstance(answer, Stored):
            return _stored(answer), None
        return None, answer

    def per_app(self, name: str, default: Any) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            failed, answer = self._app_answer(request, name)
            return failed or _ok(default if answer is None else answer)

        return handler

    async def features(self, request: web.Request) -> web.Response:
        failed, answer = self._app_answer(request, "appFeatures")
        if failed:
            return failed
        if answer is None:
            return errors.okta_bad_request(
                "Provisioning is not enabled for the app instance.",
                ("Provisioning is not enabled for the app instance.",),
            )
        return _ok(answer)

    def paged_per_app(self, name: str, default: int, maximum: int) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            failed, answer = self._app_answer(request, name)
            return failed or _paged(request, answer or [], default, maximum)

        return handler

    async def users(self, request: web.Request) -> web.Response:
        items = self._filtered(
            request,
            self._listable_users(),
            {
                "status",
                "id",
                "profile.login",
                "profile.email",
                "profile.firstName",
                "profile.lastName",
            },
        )
        if isinstance(items, web.Response):
            return items
        return _paged(request, items, 200, 200)

    async def groups(self, request: web.Request) -> web.Response:
        items = self._filtered(request, self.st.okta["groups"], {"type", "id", "profile.name"})
        if isinstance(items, web.Response):
            return items
        return _paged(request, items, 10000, 10000)

    async def domains(self, request: web.Request) -> web.Response:
        answer = self.st.okta.get("domains")
        if isinstance(answer, Stored):
            return _stored(answer)
        return _ok(answer if answer is not None else {"domains": []})

    async def agent_pools(self, request: web.Request) -> web.Response:
        pools = self.st.okta["agentPools"]
        pool_type = request.query.get("poolType")
        if pool_type:
            pools = [p for p in pools if p.get("type") == pool_type]
        return _ok(pools)

    async def logs(self, request: web.Request) -> web.Response:
        q = request.query
        events = self._filtered(
            request,
            self.st.okta["logs"],
            {"eventType", "target.id", "actor.id", "outcome.result", "severity"},
        )
        if isinstance(events, web.Response):
            return events
        try:
            since = parse_time(q["since"]) if "since" in q else None
            until = parse_time(q["until"]) if "until" in q else None
        except ValueError:
            return errors.okta_bad_request("since/until", ("since/until: invalid date format",))
        events = [
            e
            for e in events
            if (since is None or parse_time(e["published"]) >= since)
            and (until is None or parse_time(e["published"]) < until)
        ]
        if q.get("sortOrder", "ASCENDING") == "DESCENDING":
            events = list(reversed(events))
        return _paged(request, events, 100, 1000)
