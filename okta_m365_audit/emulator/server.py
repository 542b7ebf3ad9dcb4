"""The emulated sandbox tenant: Okta, Graph and Entra's token service over real HTTPS.

Three aiohttp sites on 127.0.0.1 (port 0: the OS picks, or fixed ports), one per service,
each with a certificate from a CA made at start (trustme) or kept by the caller. Three
sites, not one routed by path: each service is its own origin, as for real, and the suite
sends each credential to its own origin only (clients/origins.py). It runs in a background
thread with its own event loop, so the SDKs under test talk to it over real sockets exactly
as to the real services. Every request it serves is recorded (``requests``), which is how
tests prove that the suite only reads, and count requests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import json
import ssl
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trustme
from aiohttp import web

from ..clients import CLOUDS, Endpoints
from ..snapshot import document as snap
from .appkeys import BASE_URL, TENANT_ID
from .faults import Fault, FaultPlan
from .graph import GraphRoutes
from .latency import Latency
from .okta import OktaRoutes
from .state import Stored, TenantState
from .tokens import Registrations, TokenAuthority

HOST = "127.0.0.1"


def emulated_endpoints(urls: dict[str, str], ca_file: Path, cloud: str = "global") -> Endpoints:
    """Where the SDKs find an emulator's three services (``urls``: okta, graph, login).

    The emulator stands in for ``cloud``'s hosts: its local Graph and login sites take the
    place of the cloud's Graph and login hosts (``CLOUDS``), so the origins a credential
    may go to are the local ones; the Graph scope is the cloud's real resource, as the
    token service of that cloud expects it."""
    return Endpoints(
        okta_base=urls["okta"],
        graph_base=urls["graph"] + "/v1.0",
        graph_scope=CLOUDS[cloud].graph_scope,
        login_authority=urls["login"].removeprefix("https://"),
        ca_file=ca_file,
        emulated=True,
    )


class PortUnavailable(OSError):
    """A fixed port (``--port``/``--ports``) cannot be listened on: in use, or not allowed."""

    def __init__(self, service: str, port: int, exc: OSError):
        reason = "in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        super().__init__(
            f"cannot serve {service} on {HOST}:{port}: {reason}; choose other ports with "
            "--port N (N, N+1, N+2) or --ports OKTA,GRAPH,LOGIN"
        )


@dataclass
class LoggedRequest:
    service: str  #: okta | graph | login
    method: str
    path: str
    query: str
    status: int
    time: str


class Emulator:
    """Serve one snapshot. Use as a context manager, or start()/stop()."""

    def __init__(
        self,
        doc: dict[str, Any],
        registrations: Registrations,
        faults: list[Fault] | None = None,
        latency: Latency | None = None,
        copy: bool = True,
        ca: trustme.CA | None = None,
        ca_file: Path | None = None,
        ports: dict[str, int] | None = None,
    ):
        """``copy=False`` serves ``doc`` itself (no deep copy: large tenants); the caller
        must not change it afterwards. ``ca`` and ``ca_file`` (its certificate, written by
        the caller): a CA kept across starts (the standalone emulator's state folder), so a
        tenant file trusting it stays valid; default a fresh one. ``ports``: the port of
        each service (okta, graph, login); default 0, the OS picks."""
        self.doc = snap.validate(doc, "emulator snapshot")
        self.state = TenantState.from_snapshot(self.doc, copy=copy)
        self.authority = TokenAuthority(registrations, self.state.cloud)
        self.requests: list[LoggedRequest] = []
        self.faults = FaultPlan(faults)
        self.latency = latency or Latency()
        self._lock = threading.Lock()
        self._dir = tempfile.TemporaryDirectory(prefix="okta-m365-emulator-")
        self._ca = ca or trustme.CA()
        if ca is None or ca_file is None:
            ca_file = Path(self._dir.name) / "emulator-ca.pem"
            self._ca.cert_pem.write_to_path(str(ca_file))
        self.ca_file = ca_file
        self.ports = dict(ports or {})
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runners: list[web.AppRunner] = []
        self.urls: dict[str, str] = {}

    @property
    def tenant_id(self) -> str:
        return self.state.tenant_id

    @property
    def as_of(self) -> dt.datetime:
        """The snapshot's clock: what 'now' is in the emulated tenant."""
        return snap.parse_time(self.doc["meta"]["collectedAt"])

    def endpoints(self, cloud: str = "global") -> Endpoints:
        return emulated_endpoints(self.urls, self.ca_file, cloud)

    # --- lifecycle ---

    def start(self) -> Emulator:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._serve())
            except BaseException as exc:  # surfaced to the caller of start()
                failure.append(exc)
                for runner in self._runners:  # the sites already bound, unbound
                    loop.run_until_complete(runner.cleanup())
                loop.close()
                ready.set()
                return
            ready.set()
            loop.run_forever()
            for runner in self._runners:
                loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="okta-m365-emulator", daemon=True)
        self._thread.start()
        ready.wait(30)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop and self._thread:
            if not self._loop.is_closed():  # closed already: it failed to start
                self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._dir.cleanup()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the three services ---

    def server_ssl_context(self, *hosts: str) -> ssl.SSLContext:
        """A server TLS context with a certificate from this emulator's CA, for ``hosts``
        (default: 127.0.0.1 and localhost): what the emulator serves with, and what another
        local server needs to be trusted by the same clients (the hostile-origin tests)."""
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._ca.issue_cert(*(hosts or (HOST, "localhost"))).configure_cert(ctx)
        return ctx

    async def _serve(self) -> None:
        ctx = self.server_ssl_context()

        apps: dict[str, web.Application] = {}
        apps["okta"] = web.Application(
            middlewares=[
                self._log_mw("okta"),
                self.latency.middleware(),
                self.faults.middleware("okta"),
                OktaRoutes.auth_middleware(self.authority),
            ]
        )
        OktaRoutes(self.state).add_to(apps["okta"])
        apps["okta"].router.add_post("/oauth2/v1/token", self.authority.okta_token)
        apps["graph"] = web.Application(
            middlewares=[
                self._log_mw("graph"),
                self.latency.middleware(),
                self.faults.middleware("graph"),
                GraphRoutes.auth_middleware(self.authority),
            ]
        )
        GraphRoutes(self.state).add_to(apps["graph"])
        apps["login"] = web.Application(
            middlewares=[
                self._log_mw("login"),
                self.latency.middleware(),
                self.faults.middleware("login"),
            ]
        )
        apps["login"].router.add_get(
            "/{tenant}/v2.0/.well-known/openid-configuration", self.authority.entra_openid
        )
        apps["login"].router.add_post("/{tenant}/oauth2/v2.0/token", self.authority.entra_token)
        apps["login"].router.add_get("/getuserrealm.srf", self._user_realm)
        for app in apps.values():
            app[TENANT_ID] = self.state.tenant_id
            app.router.add_get("/_emulator/requests", self._request_log)
            app.router.add_route("*", "/_emulator/faults", self.faults.control)

        for name, app in apps.items():
            runner = web.AppRunner(app, handle_signals=False, access_log=None)
            await runner.setup()
            self._runners.append(runner)
            port = self.ports.get(name, 0)
            site = web.TCPSite(runner, HOST, port, ssl_context=ctx)
            try:
                await site.start()
            except OSError as exc:
                raise PortUnavailable(name, port, exc) from None
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.urls[name] = f"https://{HOST}:{port}"
            app[BASE_URL] = self.urls[name]

    def _log_mw(self, service: str) -> Any:
        @web.middleware
        async def mw(request: web.Request, handler: Any) -> web.StreamResponse:
            if request.path.startswith("/_emulator/"):
                return await handler(request)
            # logged on arrival (status 0 until answered): a request whose client gave up
            # waiting is still in the log, in the order requests came
            entry = LoggedRequest(
                service, request.method, request.path, request.query_string, 0,
                snap.iso_z(dt.datetime.now(dt.UTC)),
            )  # fmt: skip
            with self._lock:
                self.requests.append(entry)
            try:
                response = await handler(request)
            except web.HTTPException as exc:
                response = exc
            entry.status = response.status
            if isinstance(response, web.HTTPException) and response.status >= 400:
                raise response
            return response

        return mw

    async def _user_realm(self, request: web.Request) -> web.Response:
        """Microsoft's public home-realm discovery (no token, like the real one)."""
        login = request.query.get("login", "")
        answer = self.state.user_realm(login)
        if isinstance(answer, Stored):
            return web.Response(status=answer.status, text=json.dumps(answer.body),
                                content_type="application/json")  # fmt: skip
        return web.json_response(answer)

    async def _request_log(self, request: web.Request) -> web.Response:
        with self._lock:
            rows = [r.__dict__ for r in self.requests]
        return web.json_response(rows)
