"""Origins, not substrings: a next link or a redirect to another origin never gets a request.

A second local HTTPS server ("the other origin"), trusted like the emulator (its certificate
comes from the emulator's CA, so TLS would succeed), records every request it receives and
answers with foreign objects. The emulator points next links and redirects at it, for Okta
and Graph, in every form: the org URL as a substring of the query, another host, the same
host on another port, 302 and 307 on reads, 307 on the Okta and Entra token endpoints, and
a redirect of the unauthenticated home-realm probe. Each time: the other origin records no
request at all (so nothing carrying a token, an assertion or a secret), no foreign object
enters the snapshot, the read is recorded failed naming the origin, and the checks that
depend on it ERROR.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiohttp import web

from okta_m365_audit import emulator as emulator_module
from okta_m365_audit.clients import (
    Endpoints,
    GraphApi,
    OktaApi,
    Origin,
    OriginRefused,
    ReadOnlyTransport,
    on_origin,
)
from okta_m365_audit.collect.collector import collect, iter_reads
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.emulator.faults import Fault

from .conftest import golden_verdicts, run_suite, write_tenant

FOREIGN = "FOREIGN-OBJECT-from-the-other-origin"
OKTA_TOKEN = r"^/oauth2/v1/token$"
ENTRA_TOKEN = r"/oauth2/v2\.0/token$"


class OtherOrigin:
    """A local HTTPS server on 127.0.0.1 (port 0), trusted by the suite's clients, that
    records every request it gets and answers as a hostile API would."""

    def __init__(self, ssl_context: Any):
        self._ssl = ssl_context
        self.requests: list[dict[str, Any]] = []
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    async def _answer(self, request: web.Request) -> web.Response:
        self.requests.append({
            "method": request.method, "path": request.path, "query": request.query_string,
            "headers": dict(request.headers), "body": await request.text(),
        })  # fmt: skip
        if request.method == "POST":
            token = {"access_token": FOREIGN, "token_type": "Bearer", "expires_in": 3600}
            return web.json_response(token)
        item = {"id": FOREIGN, "userPrincipalName": f"{FOREIGN}@fabrikam.com"}
        return web.json_response({"value": [item]} if request.path.startswith("/v1.0") else [item])

    def __enter__(self) -> OtherOrigin:
        ready = threading.Event()

        async def serve() -> None:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._answer)
            runner = web.AppRunner(app, handle_signals=False, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=self._ssl)
            await site.start()
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(serve())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="other-origin", daemon=True)
        self._thread.start()
        ready.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop and self._thread:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def url(self, host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.port}"


@dataclass(frozen=True)
class Case:
    """One hostile answer: which request gets it, where it points, which read it breaks."""

    id: str
    service: str
    path: str
    kind: str
    target: str  #: formatted with okta, graph (the emulator's) and other, other_host
    read: tuple[str, str]  #: the read recorded failed (api, name)
    says: str  #: what its message says, formatted like target

    def fault(self, urls: dict[str, str]) -> Fault:
        return Fault(self.kind, self.service, self.path, target=self.target.format(**urls),
                     count=None)  # fmt: skip


OKTA_USERS, GRAPH_USERS = r"^/api/v1/users$", r"^/v1\.0/users$"
NEXT, REDIRECT = "next link to another origin: ", "redirect to another origin: "
CASES = [
    Case("okta-next-substring", "okta", OKTA_USERS, "next_link_to",
         "{other_host}/api/v1/users?after=x&y={okta}", ("okta", "users"), NEXT + "{other_host}"),
    Case("okta-next-other-host", "okta", OKTA_USERS, "next_link_to",
         "{other_host}/api/v1/users?after=x", ("okta", "users"), NEXT + "{other_host}"),
    Case("okta-next-other-port", "okta", OKTA_USERS, "next_link_to",
         "{other}/api/v1/users?after=x", ("okta", "users"), NEXT + "{other}"),
    Case("okta-302", "okta", OKTA_USERS, "redirect_302", "{other}/api/v1/users",
         ("okta", "users"), REDIRECT + "{other}"),
    Case("okta-307", "okta", OKTA_USERS, "redirect_307", "{other}/api/v1/users",
         ("okta", "users"), REDIRECT + "{other}"),
    Case("okta-token-307", "okta", OKTA_TOKEN, "redirect_307", "{other}/oauth2/v1/token",
         ("okta", "org"), "a redirect to another origin: {other}"),
    Case("graph-next-substring", "graph", GRAPH_USERS, "next_link_to",
         "{other_host}/v1.0/users?$skiptoken=x&y={graph}/v1.0", ("graph", "users"),
         NEXT + "{other_host}"),
    Case("graph-next-other-host", "graph", GRAPH_USERS, "next_link_to",
         "{other_host}/v1.0/users?$skiptoken=x", ("graph", "users"), NEXT + "{other_host}"),
    Case("graph-next-other-port", "graph", GRAPH_USERS, "next_link_to",
         "{other}/v1.0/users?$skiptoken=x", ("graph", "users"), NEXT + "{other}"),
    Case("graph-302", "graph", GRAPH_USERS, "redirect_302", "{other}/v1.0/users",
         ("graph", "users"), REDIRECT + "{other}"),
    Case("graph-307", "graph", GRAPH_USERS, "redirect_307", "{other}/v1.0/users",
         ("graph", "users"), REDIRECT + "{other}"),
    Case("entra-token-307", "login", ENTRA_TOKEN, "redirect_307", "{other}/t/oauth2/v2.0/token",
         ("graph", "organization"), "a redirect to another origin: {other}"),
    Case("realm-302", "login", r"^/getuserrealm\.srf$", "redirect_302", "{other}/getuserrealm.srf",
         ("realm", "userRealm"), REDIRECT + "{other}"),
]  # fmt: skip


def _urls(emu: Emulator, other: OtherOrigin) -> dict[str, str]:
    return {"okta": emu.urls["okta"], "graph": emu.urls["graph"],
            "other": other.url(), "other_host": other.url("localhost")}  # fmt: skip


def _api_token_auth(data: dict[str, Any]) -> None:
    """The tenant authenticates with a long-lived SSWS token and a Graph client secret."""
    data["okta"]["auth"] = {"method": "api_token", "token_env": "ORIGINS_OKTA_TOKEN"}
    data["m365"]["auth"] = {"method": "client_secret", "client_id": data["m365"]["auth"][
        "client_id"], "client_secret_env": "ORIGINS_GRAPH_SECRET"}  # fmt: skip


def _failed_reads(doc: dict[str, Any], api: str, name: str) -> list[dict[str, Any]]:
    entry = doc[api][name]
    reads = list(entry.values()) if "ok" not in entry else [entry]
    return [r for r in reads if not r["ok"]]


def _assert_refused(
    case: Case, doc: dict[str, Any], other: OtherOrigin, says: str, own: set[str]
) -> None:
    assert other.requests == [], f"the other origin was asked: {other.requests}"
    assert FOREIGN not in json.dumps(doc), "a foreign object entered the snapshot"
    failed = _failed_reads(doc, *case.read)
    assert failed, f"{case.read} was not recorded failed"
    for read in failed:
        assert read["data"] is None
        assert says in read["error"]["message"], read["error"]["message"]
    assert doc["meta"]["partial"] is True
    for read in iter_reads(doc):  # every answer came from the emulator's own origins
        assert set(read["origins"]) <= own, read["origins"]


@pytest.mark.parametrize("auth", ["private_key_jwt", "api_token"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_no_request_reaches_another_origin(tmp_path, golden, monkeypatch, case, auth):
    """When a next link or a redirect points at another origin: nothing is sent there (no
    token, assertion or secret), nothing of it is kept, and the read fails naming it."""
    monkeypatch.setenv("ORIGINS_OKTA_TOKEN", "00" + "sswsOriginsToken7" * 3)
    monkeypatch.setenv("ORIGINS_GRAPH_SECRET", "abc1Q~origins-client-secret-value-0123")
    patch = _api_token_auth if auth == "api_token" else None
    if auth == "api_token" and case.id == "okta-token-307":
        pytest.skip("an SSWS token needs no token request")
    cfg = write_tenant(tmp_path, golden, patch).config()
    with (
        Emulator(golden, registrations_for(cfg)) as emu,
        OtherOrigin(emu.server_ssl_context()) as other,
    ):
        urls = _urls(emu, other)
        emu.faults.add(case.fault(urls))
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
    _assert_refused(case, doc, other, case.says.format(**urls), set(emu.urls.values()))


SUITE_CASES = ["okta-next-substring", "graph-next-other-port", "okta-token-307",
               "entra-token-307", "realm-302"]  # fmt: skip


@pytest.mark.parametrize("case_id", SUITE_CASES)
def test_checks_that_read_from_another_origin_error(pytester, golden, monkeypatch, case_id):
    """When the suite runs on the demo tenant with the fault: every check whose verdict
    changes ERRORs naming the origin (none passes or fails on foreign data), except the
    ACCESS checks, which judge the reads and FAIL."""
    case = next(c for c in CASES if c.id == case_id)
    files = write_tenant(pytester.path / "tenants", golden)
    baseline = golden_verdicts(pytester)
    original = emulator_module.emulator_for
    seen: dict[str, Any] = {}

    class Faulted:
        def __init__(self, cfg: Any):
            self.emu = original(cfg)

        def __enter__(self) -> Any:
            emu = self.emu.__enter__()
            seen["other"] = other = OtherOrigin(emu.server_ssl_context()).__enter__()
            seen["urls"] = urls = _urls(emu, other)
            emu.faults.add(case.fault(urls))
            return emu

        def __exit__(self, *exc: object) -> None:
            seen["other"].__exit__()
            self.emu.__exit__(*exc)

    monkeypatch.setattr(emulator_module, "emulator_for", Faulted)
    run = run_suite(pytester, files.dir, out=f"out-{case_id}")
    other, says = seen["other"], case.says.format(**seen["urls"])
    assert other.requests == []
    changed = {k: v for k, v in run.verdicts.items() if v != baseline.get(k)}
    # the ACCESS checks judge the reads themselves: a failed read FAILS them, and a per-app
    # read without its app list is not due (tests_integration/test_access.py); every other
    # check ERRORs without its data
    access = {k: v for k, v in changed.items() if run.checks.get(k, "").startswith("ACCESS-")}
    others = {k: v for k, v in changed.items() if k not in access}
    assert set(access.values()) <= {"failed", "skipped"}, access
    assert others and set(others.values()) == {"error"}, others
    [snapshot] = (run.outdir / "snapshots").glob("*.snapshot.json")
    assert FOREIGN not in snapshot.read_text()
    results = [json.loads(p.read_text()) for p in run.outdir.rglob("results.json")]
    messages = [r["message"] or "" for doc in results for r in doc["results"]
                if r["testId"] in others]  # fmt: skip
    assert any(says in m for m in messages), messages[:3]


# --- the rule itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "same"),
    [
        ("https://acme.okta.com/api/v1/users?after=1", True),
        ("https://ACME.okta.com:443/api/v1/users", True),  # host case, default port
        ("/api/v1/users", True),
        ("https://other.example/api/v1/users?y=https://acme.okta.com", False),
        ("https://acme.okta.com.other.example/api/v1/users", False),
        ("https://acme.okta.com:8443/api/v1/users", False),
        ("http://acme.okta.com/api/v1/users", False),
        ("https://other.example\\@acme.okta.com/x", True),  # urllib: the host after the @
        ("//other.example/api/v1/users", False),
        ("https://acme.okta.com:99999/x", False),
        ("javascript:alert(1)", False),
    ],
)
def test_an_origin_is_scheme_host_and_port(url, same):
    origin = Origin("https", "acme.okta.com", 443)
    if same:
        assert on_origin("https://acme.okta.com", origin, url).startswith("https://acme.okta.com/")
    else:
        with pytest.raises(OriginRefused, match="request to another origin"):
            on_origin("https://acme.okta.com", origin, url)


def test_the_transport_refuses_another_origin_before_sending():
    """ReadOnlyTransport, under the Graph SDK's middleware, refuses a request to another
    origin (here the same host on another port) without calling the transport beneath."""
    sent: list[httpx.Request] = []

    class Inner(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            sent.append(request)
            return httpx.Response(200)

    transport = ReadOnlyTransport(Inner(), Origin("https", "graph.example", 443))

    async def go(url: str) -> None:
        async with httpx.AsyncClient(transport=transport) as client:
            await client.get(url, headers={"Authorization": "Bearer x"})

    asyncio.run(go("https://graph.example/v1.0/users"))
    with pytest.raises(OriginRefused, match=r"https://graph\.example:8443"):
        asyncio.run(go("https://graph.example:8443/v1.0/users"))
    assert [str(r.url) for r in sent] == ["https://graph.example/v1.0/users"]


def test_the_clients_refuse_another_origin_before_the_sdks_see_it(tmp_path, golden):
    """OktaApi and GraphApi refuse an absolute URL on another origin; nothing is sent."""
    cfg = write_tenant(tmp_path, golden).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        ep: Endpoints = emu.endpoints()

        async def go() -> list[str]:
            refused = []
            async with OktaApi(cfg, ep) as okta, GraphApi(cfg, ep) as graph:
                for api, url in ((okta, "https://localhost:1/api/v1/users?y=" + ep.okta_base),
                                 (graph, "https://127.0.0.1:1/v1.0/users")):  # fmt: skip
                    with pytest.raises(OriginRefused) as info:
                        await api.get(url)
                    refused.append(str(info.value))
            return refused

        refused = asyncio.run(go())
        assert not [r for r in emu.requests if r.method == "GET"]
    assert refused == ["request to another origin: https://localhost:1",
                       "request to another origin: https://127.0.0.1:1"]  # fmt: skip


def test_a_collected_read_records_its_origin(tmp_path, golden):
    """Every collected read says where its answers came from: its API's configured origin."""
    cfg = write_tenant(tmp_path, golden).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
        expected = {api: [emu.urls[svc]] for api, svc in
                    (("okta", "okta"), ("graph", "graph"), ("realm", "login"))}  # fmt: skip
    for api in expected:
        for name, entry in doc[api].items():
            reads = entry.values() if "ok" not in entry else [entry]
            for read in reads:
                assert read["origins"] == expected[api], (api, name, read["origins"])


def test_a_redirect_within_the_api_is_not_followed_either(tmp_path, golden):
    """When a read is redirected to its own origin: nothing is followed (the APIs the suite
    reads answer in place), and the read fails saying where it pointed."""
    cfg = write_tenant(tmp_path, golden).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        target = f"{emu.urls['okta']}/api/v1/users?moved=1"
        emu.faults.add(Fault("redirect_307", "okta", OKTA_USERS, target=target, count=None))
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of, offline=True))
        moved = [r for r in emu.requests if "moved=1" in r.query]
    read = doc["okta"]["users"]
    assert not read["ok"] and read["status"] == 307 and moved == []
    assert read["error"]["message"] == (
        f"redirect to {emu.urls['okta']}/api/v1/users not followed (no redirect is followed)"
    )
