"""Collect once: read every resource the checks need into a snapshot (ScubaGear's export step).

Okta and Graph are read concurrently; each resource follows its pagination to the end
with the largest page size the endpoint allows (``snapshot.request_params``). Every read
is recorded, failed ones included, with the status, the error body and the scope or
permission the endpoint needs, so a check can ERROR with the cause instead of passing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any, Protocol

from . import __version__
from . import snapshot as snap
from .clients import ConnectError, RawResponse, TokenError, start_tally
from .config import TenantConfig

MAX_PAGES = 10_000  #: a guard against a next link that loops
FIRST_READ = {"okta": "org", "graph": "organization"}  #: read first; finds bad credentials once


class Api(Protocol):
    base: str

    async def get(self, url: str) -> RawResponse: ...


class Collector:
    """Fills one snapshot for one tenant from an Okta and a Graph API."""

    def __init__(
        self,
        cfg: TenantConfig,
        okta: Api,
        graph: Api,
        as_of: dt.datetime | None = None,
        source: str = "live",
        realm: Api | None = None,
    ):
        self.cfg, self.okta, self.graph, self.realm = cfg, okta, graph, realm
        self.as_of = as_of or dt.datetime.now(dt.UTC)
        self.doc = snap.new_snapshot(
            {
                "tenant": cfg.name,
                "suiteVersion": __version__,
                "runId": str(uuid.uuid4()),
                "collectedAt": snap.iso_z(self.as_of),
                "source": source,
                "partial": False,
                "okta": {"orgUrl": cfg.okta.org_url, "endpoint": okta.base},
                "graph": {
                    "tenantId": cfg.m365.tenant_id,
                    "cloud": cfg.m365.cloud,
                    "baseUrl": graph.base,
                },
            }
        )
        self._auth_failure: dict[str, dict[str, Any]] = {}

    async def run(self) -> dict[str, Any]:
        await asyncio.gather(self._okta(), self._graph())
        self.doc["meta"]["realmDiscovery"] = "probed" if self.realm else "not probed (offline)"
        self.doc["meta"]["partial"] = any(not r["ok"] for r in iter_reads(self.doc))
        return self.doc

    # --- the two streams ---

    async def _okta(self) -> None:
        await self._read("okta", FIRST_READ["okta"])
        await asyncio.gather(
            *(
                self._read("okta", n)
                for n in ("office365Apps", "adApps", "users", "groups", "domains", "agentPools")
            )
        )
        apps = _items(self.doc["okta"]["office365Apps"])
        per_app = ("appKeys", "appFeatures", "appConnection", "appUsers", "appGroups", "logs")
        await asyncio.gather(
            *(self._read("okta", n, a["id"]) for a in apps if "id" in a for n in per_app)
        )

    async def _graph(self) -> None:
        await self._read("graph", FIRST_READ["graph"])
        top = ("domains", "users", "globalAdminAssignments", "oktaServicePrincipals")
        await asyncio.gather(*(self._read("graph", n) for n in (*top, "graphServicePrincipal")))
        jobs = [
            self._read("graph", "federationConfiguration", d["id"])
            for d in _items(self.doc["graph"]["domains"])
            if "id" in d
        ]
        for sp in _items(self.doc["graph"]["oktaServicePrincipals"]):
            if "id" in sp:
                jobs += [
                    self._read("graph", "appRoleAssignments", sp["id"]),
                    self._read("graph", "oauth2PermissionGrants", sp["id"]),
                ]
        if self.realm is not None:
            users = _items(self.doc["graph"]["users"])
            jobs += [self._read("realm", "userRealm", u) for u in realm_logins(self.cfg, users)]
        await asyncio.gather(*jobs)

    # --- one read ---

    async def _read(self, api: str, name: str, key: str | None = None) -> None:
        res = snap.resource(api, name)
        params = snap.request_params(res, key, self.as_of, self.cfg.expect.windows.system_log_days)
        line = snap.request_line(res, key, params)
        if api in self._auth_failure:
            record = snap.make_read(line, 0, ok=False, pages=0, error=self._auth_failure[api])
        else:
            record = await self._fetch(res, key, line)
        section = self.doc[api]
        if res.per_parent:
            section.setdefault(name, {})[key] = record
        else:
            section[name] = record

    async def _fetch(self, res: snap.Resource, key: str | None, line: str) -> dict[str, Any]:
        client = {"okta": self.okta, "graph": self.graph, "realm": self.realm}[res.api]
        assert client is not None
        tally = start_tally()
        url: str | None = line.split(" ", 1)[1]
        pages: list[Any] = []
        last: RawResponse | None = None
        try:
            while url is not None and len(pages) < MAX_PAGES:
                last = await client.get(url)
                if not 200 <= last.status < 300:
                    break
                pages.append(last.body)
                url = last.next_url
        except TokenError as exc:
            error = {
                "status": exc.status or 401,
                "code": "token_request_failed",
                "message": f"the {exc.api} token request failed: {exc}",
                "needs": res.needs,
            }
            self._auth_failure[res.api] = error
            return snap.make_read(line, 0, ok=False, pages=0, requests=tally.attempts, error=error)
        except ConnectError as exc:
            error = {"status": 0, "code": "connect_failed", "message": str(exc), "needs": res.needs}
            if res.name in FIRST_READ.values():  # the service is unreachable: stop its stream
                self._auth_failure[res.api] = error
            return snap.make_read(line, 0, ok=False, pages=0, requests=tally.attempts, error=error)
        assert last is not None
        if not 200 <= last.status < 300:
            error = _error(res, last)
            if last.status == 401:
                self._auth_failure.setdefault(res.api, error)
            return snap.make_read(
                line,
                last.status,
                ok=last.status in res.answers,
                pages=len(pages),
                requests=tally.attempts,
                error=error,
            )
        return snap.make_read(
            line,
            last.status,
            ok=True,
            pages=len(pages),
            requests=tally.attempts,
            data=_join(res, pages),
        )


def realm_logins(cfg: TenantConfig, graph_users: list[dict[str, Any]]) -> list[str]:
    """Whom to ask home-realm discovery about: one sample user per domain to federate (the
    first enabled, licensed member by UPN, not excluded) and every excluded account."""
    excluded = set(cfg.expect.excluded_accounts) | {cfg.expect.service_account}
    candidates = sorted(
        (u.get("userPrincipalName") or "").lower()
        for u in graph_users
        if u.get("accountEnabled") is True
        and u.get("assignedLicenses")
        and u.get("userType") != "Guest"
    )
    samples = []
    for domain in cfg.expect.domains_to_federate:
        on_domain = [
            upn for upn in candidates if upn.endswith("@" + domain) and upn not in excluded
        ]
        samples += on_domain[:1]
    return samples + sorted(excluded)


def _join(res: snap.Resource, pages: list[Any]) -> Any:
    """The items of every page as one list (objects and wrapped bodies stay as sent)."""
    if res.kind != "list":
        return pages[0]
    items: list[Any] = []
    for body in pages:
        items.extend(body["value"] if res.api == "graph" and isinstance(body, dict) else body)
    return items


def _error(res: snap.Resource, resp: RawResponse) -> dict[str, Any]:
    """Status, code and message of a failed read, in both APIs' shapes, plus what it needs."""
    body = resp.body
    code, message = None, f"HTTP {resp.status}"
    if isinstance(body, dict) and "errorCode" in body:  # Okta
        code = body.get("errorCode")
        causes = "; ".join(c.get("errorSummary", "") for c in body.get("errorCauses") or [])
        message = body.get("errorSummary", message) + (f" ({causes})" if causes else "")
    elif isinstance(body, dict) and isinstance(body.get("error"), dict):  # Graph
        code = body["error"].get("code")
        message = body["error"].get("message", message)
    elif isinstance(body, str) and body:
        message = f"HTTP {resp.status}: {body[:200]}"
    if resp.status == 403:
        www = next((v for k, v in resp.headers.items() if k.lower() == "www-authenticate"), "")
        kind = "scope" if res.api == "okta" else "application permission"
        message += f" (needs {kind} {res.needs})" + (f" [{www}]" if www else "")
    return {
        "status": resp.status,
        "code": code,
        "message": message,
        "needs": res.needs,
        "body": body,
    }


def _items(read: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not read or not read.get("ok") or not isinstance(read.get("data"), list):
        return []
    return read["data"]


def iter_reads(doc: dict[str, Any]):
    """Every Read record of a snapshot, with per-parent ones flattened."""
    for api in snap.APIS:
        for name, entry in doc[api].items():
            if snap.resource(api, name).per_parent:
                yield from entry.values()
            else:
                yield entry


async def collect(
    cfg: TenantConfig, endpoints: Any, as_of: dt.datetime | None = None, offline: bool = False
) -> dict[str, Any]:
    """Build the SDK clients for a tenant and collect its snapshot.

    ``offline``: skip Microsoft's public home-realm discovery (FED-09 then skips).
    """
    from .clients import GraphApi, OktaApi, RealmApi

    source = "emulator" if endpoints.emulated else "live"
    async with OktaApi(cfg, endpoints) as okta, GraphApi(cfg, endpoints) as graph:
        if offline:
            return await Collector(cfg, okta, graph, as_of, source).run()
        async with RealmApi(endpoints) as realm:
            return await Collector(cfg, okta, graph, as_of, source, realm).run()
