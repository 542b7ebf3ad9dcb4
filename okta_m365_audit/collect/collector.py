"""Collect once: read every resource the checks need into a snapshot (ScubaGear's export step).

Okta and Graph are read concurrently; each resource follows its pagination to the end with
the largest page size the endpoint allows (``catalog.resources.request_params``). Every read
is recorded, failed ones included, with the status, the error body and the scope or
permission the endpoint needs, so a check can ERROR with the cause instead of passing.

What the network returns is untrusted (DESIGN.md, "Trust boundaries"): a next link or a
redirect to another origin than the API's own fails the read, naming that origin, before
anything is sent there (the transports refuse it too); every read records the origins its
answers came from; error bodies, messages and exception texts are redacted before they are
stored (``redact.redact_tree``), so an echoed token never reaches an output.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import uuid
from typing import Any, Protocol

from .. import __version__
from ..catalog.resources import role_group_ids
from ..clients import (
    DEFAULT_LIMITS,
    ConnectError,
    Limits,
    OriginRefused,
    RawResponse,
    TokenError,
    origin_of,
    origin_text,
    start_tally,
)
from ..clients.failures import error_of, next_link, redirect_problem, shape_problem
from ..clients.gate import urgent
from ..config import TenantConfig
from ..core.errors import ReadOnlyViolation
from ..core.redact import redact_untrusted
from ..snapshot import document as snap
from .apps import read_office365_apps, read_okta_domains
from .consent import read_okta_principals
from .guards import read_guards
from .late_graph import GraphOnThread
from .memory import gc_paused
from .pages import join_pages, read_items
from .policies import read_admin_console, read_okta_admins
from .progress import NO_PROGRESS, Progress, page_objects
from .realm import realm_logins

MAX_PAGES = 10_000  #: a guard against a next link that loops
#: each stream's first read: alone to meet a failed sign-in, so bad credentials are found
#: once, not once per read (Collector._signed_in)
FIRST_READ = {"okta": "org", "graph": "organization"}


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
        limits: Limits = DEFAULT_LIMITS,
        progress: Progress = NO_PROGRESS,
    ):
        self.cfg, self.okta, self.graph, self.realm = cfg, okta, graph, realm
        self.limits, self.progress = limits, progress
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
        self._stream_failure: dict[str, dict[str, Any]] = {}
        #: api -> what signing in raised, for the stream's first read to meet (FIRST_READ)
        self._sign_in_failed: dict[str, Exception] = {}
        self.connections_read = asyncio.Event()  #: the Graph stream's CRED reads wait for it
        self.users_read = asyncio.Event()  #: the break-glass reads wait for it (guards.py)

    async def run(self) -> dict[str, Any]:
        try:
            with gc_paused():
                await asyncio.gather(self._okta(), self._graph())
        finally:
            self.progress.finished()
        self.doc["meta"]["realmDiscovery"] = "probed" if self.realm else "not probed (offline)"
        self.doc["meta"]["partial"] = any(not r["ok"] for r in iter_reads(self.doc))
        return self.doc

    # --- the two streams ---

    # Every stream starts as soon as what it needs is read (a per-app read waits for the
    # app list, not for the 500 pages of users beside it): the run's wall time is then the
    # longest chain of pages, the latency floor.

    async def _signed_in(self, api: str, rest: Any) -> None:
        """Sign the stream in, then its first read and ``rest()`` at once: the first read
        costs no round trip of its own before the others (issue 16). If signing in failed,
        the first read alone, which records the failure; then the rest, which fail with it
        at once (or, after a passing failure, read)."""
        sign_in = getattr(getattr(self, api), "sign_in", None)
        if sign_in is not None:  # an API double without tokens has none
            try:
                await sign_in()
            except ReadOnlyViolation:
                raise
            except Exception as exc:  # met by the first read (_fetch), as its own
                self._sign_in_failed[api] = exc
        if api in self._sign_in_failed:
            await self._read(api, FIRST_READ[api])
            await rest()
        else:
            await asyncio.gather(self._read(api, FIRST_READ[api]), rest())

    async def _okta(self) -> None:
        # deprovisionedUsers: the plain users list omits them (resources.DEPROVISIONED_SEARCH)
        top = ("adApps", "users", "deprovisionedUsers", "groups", "agentPools", "threatInsight")
        top += ("apiTokens", "office365Logs", "changeLogs")  # changeLogs: drift's actors
        await self._signed_in(
            "okta",
            lambda: asyncio.gather(
                read_office365_apps(self),  # apps.py
                read_okta_domains(self),  # apps.py
                read_admin_console(self),  # policies.py (ORG-05)
                read_okta_admins(self),  # policies.py (ORG-06)
                *(self._read("okta", n) for n in top),
            ),
        )

    async def _graph(self) -> None:
        await self._signed_in(
            "graph",
            lambda: asyncio.gather(
                self._graph_domains(),
                self._graph_users(),
                self._okta_service_principals(),
                self._global_admins(),
                self._read("graph", "graphServicePrincipal"),
                read_guards(self),
                self._read("graph", "signIns"),  # FED-13 (Entra ID P1: may be not licensed)
                self._read("graph", "directoryAudits"),  # drift's actors (change_events.py)
                self._read("graph", "subscribedSkus"),  # PROV-05
            ),
        )

    async def _global_admins(self) -> None:
        """Active and PIM-eligible Global Administrators, then the members of each group
        principal among them (a role-assignable group has no nested groups)."""
        names = ("globalAdminAssignments", "globalAdminEligibility")
        await asyncio.gather(*(self._read("graph", n) for n in names))
        groups = role_group_ids(*(read_items(self.doc["graph"][n]) for n in names))
        await asyncio.gather(*(self._read("graph", "globalAdminGroupMembers", g) for g in groups))

    async def _graph_domains(self) -> None:
        await self._read("graph", "domains")
        domains = read_items(self.doc["graph"]["domains"])
        await asyncio.gather(
            *(self._read("graph", "federationConfiguration", d["id"]) for d in domains if "id" in d)
        )

    async def _graph_users(self) -> None:
        try:
            await self._read("graph", "users")
        finally:
            self.users_read.set()
        if self.realm is not None:
            logins = realm_logins(self.cfg, read_items(self.doc["graph"]["users"]))
            await asyncio.gather(*(self._read("realm", "userRealm", u) for u in logins))

    async def _okta_service_principals(self) -> None:
        await read_okta_principals(self)  # consent.py (CRED-02, CRED-03)

    # --- one read ---

    async def _read(self, api: str, name: str, key: str | None = None) -> None:
        res = snap.resource(api, name)
        windows, codes = self.cfg.expect.windows, self.cfg.expect.federation_error_codes
        params = snap.request_params(res, key, self.as_of, windows.system_log_days,
                                     windows.sign_in_log_days, codes)  # fmt: skip
        line = snap.request_line(res, key, params)
        if api in self._stream_failure:
            error = self._stream_failure[api]
            record = snap.make_read(line, 0, ok=False, pages=0, error=error, origins=[])
        else:
            record = await self._fetch(res, key, line)
        self.progress.read_done(res, key, record)
        section = self.doc[api]
        if res.per_parent:
            section.setdefault(name, {})[key] = record
        else:
            section[name] = record

    async def _fetch(self, res: snap.Resource, key: str | None, line: str) -> dict[str, Any]:
        """Follow one resource's pages; retry what may pass, bounded in tries and time."""
        client = {"okta": self.okta, "graph": self.graph, "realm": self.realm}[res.api]
        assert client is not None
        limits = self.limits
        tally = start_tally()
        url: str | None = line.split(" ", 1)[1]
        own = origin_of(client.base)
        pages: list[Any] = []
        origins: list[str] = []  #: where the answers came from, in order
        last: RawResponse | None = None
        deadline = time.monotonic() + limits.max_retry_seconds
        retries = objects = 0

        def fail(status: int, code: str, message: str) -> dict[str, Any]:
            message = redact_untrusted(message)
            error = {"status": status, "code": code, "message": message, "needs": res.needs}
            return snap.make_read(
                line, status, ok=False, pages=len(pages), requests=tally.attempts, error=error,
                origins=origins,
            )  # fmt: skip

        while url is not None and len(pages) < MAX_PAGES:
            self.progress.reading(res, key, len(pages), objects, retries)
            try:
                if res.name == FIRST_READ.get(res.api) and res.api in self._sign_in_failed:
                    raise self._sign_in_failed.pop(res.api)  # as its own (_signed_in)
                with urgent() if pages else contextlib.nullcontext():  # a next page: a link
                    last = await asyncio.wait_for(  # of a chain (clients/gate.py)
                        client.get(url), timeout=max(0.1, deadline - time.monotonic())
                    )
            except OriginRefused as exc:  # a URL the transport refused: nothing was sent
                return fail(0, "origin_refused", str(exc))
            except TokenError as exc:
                read = fail(exc.status or 401, "token_request_failed",
                            f"the {exc.api} token request failed: {exc}")  # fmt: skip
                self._stream_failure[res.api] = read["error"]
                return read
            except (ConnectError, TimeoutError) as exc:
                transient = getattr(exc, "transient", True)
                cause = str(exc) or f"no answer within {limits.max_retry_seconds:g} s"
                if transient and retries < limits.max_retries and time.monotonic() < deadline:
                    retries += 1
                    await asyncio.sleep(
                        min(2**retries * 0.1, max(0.0, deadline - time.monotonic()))
                    )
                    continue
                read = fail(0, "connect_failed", f"{cause} (after {tally.attempts} attempt(s))")
                if res.name in FIRST_READ.values():  # unreachable: stop the stream
                    self._stream_failure[res.api] = read["error"]
                return read
            except ReadOnlyViolation:
                raise
            except Exception as exc:  # an SDK choking on a broken answer (bad JSON...)
                if retries < limits.max_retries and time.monotonic() < deadline:
                    retries += 1  # a truncated answer may be whole the next time
                    continue
                return fail(last.status if last else 0, "unreadable_response",
                            f"{type(exc).__name__}: {redact_untrusted(str(exc))[:300]} "
                            f"(after {tally.attempts} attempt(s))")  # fmt: skip
            if last.url and origin_text(last.url) not in origins:
                origins.append(origin_text(last.url))
            if 300 <= last.status < 400:  # never followed (clients.transport)
                problem = redirect_problem(last, own, client.base)
                return fail(last.status, "redirect_refused", problem)
            if (
                last.status in RETRY_STATUSES
                and retries < limits.max_retries
                and (time.monotonic() < deadline)
            ):
                retries += 1  # the SDKs retry 429/503/504 themselves; these they do not
                continue
            if last.status == 401 and retries == 0 and hasattr(client, "renew_token") \
                    and not _not_licensed(last):  # fmt: skip
                retries += 1  # a token that expired mid-run: renew it once
                await client.renew_token()
                continue
            if not 200 <= last.status < 300:
                break
            problem = shape_problem(res, last.body)
            if problem and retries < limits.max_retries and time.monotonic() < deadline:
                retries += 1
                continue
            if problem:
                return fail(last.status, "malformed_response",
                            f"{problem} (after {tally.attempts} attempt(s))")  # fmt: skip
            pages.append(last.body)
            objects += page_objects(res, last.body)
            url, refused = next_link(last, own, client.base, res.kind == "wrapped")
            if refused:
                return fail(last.status, "next_link_refused", f"{refused}; {len(pages)} page(s) "
                            "had been read: the list is incomplete")  # fmt: skip
        assert last is not None
        if not 200 <= last.status < 300:
            error = error_of(res, last)
            error["message"] += (
                f" (after {tally.attempts} attempt(s))" if tally.attempts > 1 else ""
            )
            if pages:
                error["message"] += f"; {len(pages)} page(s) had been read: the list is incomplete"
            if last.status == 401 and not snap.not_licensed({"error": error}):
                self._stream_failure.setdefault(res.api, error)  # not a licence: the token
            return snap.make_read(
                line,
                last.status,
                ok=last.status in res.answers and not pages,
                pages=len(pages),
                requests=tally.attempts,
                error=error,
                origins=origins,
            )
        return snap.make_read(
            line,
            last.status,
            ok=True,
            pages=len(pages),
            requests=tally.attempts,
            data=join_pages(res, pages),
            origins=origins,
        )


#: statuses the collector retries itself (the SDKs retry 429, 503 and 504)
RETRY_STATUSES = (500, 502)


def _not_licensed(resp: RawResponse) -> bool:
    """A 401 that says the tenant lacks the licence (not an expired token: no renewal)."""
    body = resp.body if isinstance(resp.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    return snap.is_not_licensed(resp.status, error.get("code"))


def iter_reads(doc: dict[str, Any]):
    """Every Read record of a snapshot, with per-parent ones flattened."""
    for api in snap.APIS:
        for name, entry in doc[api].items():
            if snap.resource(api, name).per_parent:
                yield from entry.values()
            else:
                yield entry


async def collect(
    cfg: TenantConfig,
    endpoints: Any,
    as_of: dt.datetime | None = None,
    offline: bool = False,
    progress: Progress = NO_PROGRESS,
) -> dict[str, Any]:
    """Build the SDK clients for a tenant and collect its snapshot: the Okta stream starts
    reading while the Graph client is still being built (late_graph.py).

    ``offline``: skip Microsoft's public home-realm discovery (FED-09 then skips).
    """
    from ..clients import OktaApi, RealmApi, limits_for

    source = "emulator" if endpoints.emulated else "live"
    limits = limits_for(cfg)
    async with (
        OktaApi(cfg, endpoints, limits) as okta,
        GraphOnThread(cfg, endpoints, limits) as graph,
        contextlib.nullcontext() if offline else RealmApi(endpoints, limits) as realm,
    ):
        collector = Collector(cfg, okta, graph, as_of, source, realm, limits, progress)
        return await graph.run(collector.run())
