"""Fault injection: the ways real tenants throttle, fail and time out, on chosen requests.

A fault names the service and a path pattern (and optionally a query pattern: two resources
may share a path), lets the first ``after`` matching requests
through, then affects the next ``count`` (None: all). The control plane accepts the same
as JSON (``POST /_emulator/faults``), so a standalone emulator can be made to misbehave.

``KINDS`` are the ways real services fail; ``HOSTILE_KINDS`` are what a hostile or
compromised answer does to a client (next links and redirects to another origin, an error
that echoes the request's credentials), for the trust-boundary tests.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from aiohttp import web

from . import errors

KINDS = (
    "okta_429",  # Okta rate limit: X-Rate-Limit-Limit/Remaining/Reset, E0000047
    "okta_429_concurrent",  # Okta concurrent limit: Limit and Remaining both 0
    "graph_429",  # Graph throttling, Retry-After
    "graph_503",  # Graph service unavailable, Retry-After
    "http_500",
    "http_502",
    "http_504",
    "slow",  # answer after `seconds` (beyond the client's timeout)
    "reset",  # drop the connection without an answer
    "truncated",  # the JSON body cut in half
    "malformed",  # a body that is not JSON
    "next_404",  # a next-page link that 404s
    "token_expired",  # a token that expires mid-run: 401 on a read
)

_NO_P1 = ("Authentication_RequestFromNonPremiumTenantOrB2CTenant",
          "Neither tenant is B2C or tenant doesn't have premium license")  # fmt: skip
#: a tenant whose licence does not cover the read, as Graph answers it (catalog
#: NOT_LICENSED_ANSWERS): not a fault to survive but an answer; kept out of KINDS' matrix and
#: of the refused reads. Kind -> status, code, message.
LICENCE_ANSWERS = {
    # no Entra ID P1 (the sign-in log): the body of microsoft-graph-docs-contrib issue 3808
    "graph_not_licensed_403": (403, *_NO_P1),
    "graph_not_licensed_401": (401, *_NO_P1),
    # no Entra ID P2 (a PIM read): JulianHayward/Azure-MG-Sub-Governance-Reporting issue 114,
    # "(StatusCode: '400') ... <.error.code: 'AadPremiumLicenseRequired'> ... <.error.message:
    # 'The tenant needs an AAD Premium 2 license.'>"
    "graph_p2_required_400": (
        400,
        "AadPremiumLicenseRequired",
        "The tenant needs an AAD Premium 2 license.",
    ),
}
LICENCE_KINDS = tuple(LICENCE_ANSWERS)

HOSTILE_KINDS = (
    "next_link_to",  # the answer's next link (Okta Link header, Graph nextLink) is `target`
    "redirect_302",  # 302 Found, Location: `target`
    "redirect_307",  # 307 Temporary Redirect (a POST is re-sent as is), Location: `target`
    "echo_auth_403",  # 403 whose body and WWW-Authenticate echo the Authorization header
)


@dataclass
class Fault:
    kind: str
    service: str = "*"  #: okta | graph | login | *
    path: str = ""  #: regular expression searched in the request path
    query: str = ""  #: and in its (decoded) query string: apps of one name, say
    after: int = 0
    count: int | None = 1
    seconds: float = 1.0  #: Retry-After / X-Rate-Limit-Reset distance / delay
    target: str = ""  #: where next_link_to and redirect_* point
    seen: int = field(default=0, compare=False)
    fired: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS + HOSTILE_KINDS + LICENCE_KINDS:
            known = ", ".join(KINDS + HOSTILE_KINDS + LICENCE_KINDS)
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {known}")

    def applies(self, service: str, request: web.Request) -> bool:
        if self.service not in ("*", service) or not re.search(self.path, request.path):
            return False
        if self.query and not re.search(self.query, request.query_string):
            return False
        if self.kind == "next_404" and not ({"after", "$skiptoken"} & set(request.query)):
            return False
        self.seen += 1
        if self.seen <= self.after:
            return False
        if self.count is not None and self.fired >= self.count:
            return False
        self.fired += 1
        return True


class FaultPlan:
    """The faults of one emulator, thread-safe (tests add them from the test thread)."""

    def __init__(self, faults: list[Fault] | None = None):
        self._faults = list(faults or [])
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pick(self, service: str, request: web.Request) -> Fault | None:
        with self._lock:
            return next((f for f in self._faults if f.applies(service, request)), None)

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def middleware(self, service: str) -> Any:
        @web.middleware
        async def mw(request: web.Request, handler: Any) -> web.StreamResponse:
            if request.path.startswith("/_emulator/"):
                return await handler(request)
            fault = self.pick(service, request)
            if fault is None:
                return await handler(request)
            return await _apply(fault, service, request, handler)

        return mw

    async def control(self, request: web.Request) -> web.Response:
        """POST a fault (JSON), DELETE to clear, GET to list."""
        if request.method == "POST":
            try:
                self.add(Fault(**await request.json()))
            except (TypeError, ValueError) as exc:
                return web.json_response({"error": str(exc)}, status=400)
        elif request.method == "DELETE":
            self.clear()
        return web.json_response(self.describe())


async def _apply(fault: Fault, service: str, request: web.Request, handler: Any):
    rid = str(uuid.uuid4())
    kind = fault.kind
    if kind in ("okta_429", "okta_429_concurrent"):
        concurrent = kind == "okta_429_concurrent"
        return errors.okta_error(
            429, "E0000047", "API call exceeded rate limit due to too many requests.",
            headers={
                "X-Rate-Limit-Limit": "0" if concurrent else "600",
                "X-Rate-Limit-Remaining": "0",
                # the SDK waits Reset - Date + 1 seconds
                "X-Rate-Limit-Reset": str(int(time.time()) + int(fault.seconds) - 1),
            },
        )  # fmt: skip
    if kind in ("graph_429", "graph_503"):
        status = 429 if kind == "graph_429" else 503
        code = "TooManyRequests" if status == 429 else "ServiceUnavailable"
        response = errors.graph_error(status, code, "Please retry after the time given.", rid)
        response.headers["Retry-After"] = str(int(fault.seconds))
        return response
    if kind.startswith("http_5"):
        status = int(kind[5:])
        return _service_error(service, status, rid)
    if kind == "slow":
        await asyncio.sleep(fault.seconds)
        return await handler(request)
    if kind == "reset":
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=500)
    if kind == "next_404":
        return _service_error(service, 404, rid)
    if kind in HOSTILE_KINDS:
        return await _hostile(fault, service, request, handler, rid)
    if kind in LICENCE_ANSWERS:
        return errors.graph_error(*LICENCE_ANSWERS[kind], rid)
    if kind == "token_expired":
        if service == "okta":
            return errors.okta_invalid_token()
        return errors.graph_error(
            401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.",
            rid,
        )  # fmt: skip
    response = await handler(request)
    body = response.text or ""
    broken = body[: len(body) // 2] if kind == "truncated" else "<html>upstream error</html>"
    return web.Response(status=response.status, text=broken, content_type="application/json")


async def _hostile(
    fault: Fault, service: str, request: web.Request, handler: Any, rid: str
) -> web.StreamResponse:
    if fault.kind.startswith("redirect_"):
        return web.Response(status=int(fault.kind[-3:]), headers={"Location": fault.target})
    if fault.kind == "echo_auth_403":
        return await _echo(service, request, rid)
    response = await handler(request)  # next_link_to: the real page, with a crafted next link
    if response.status != 200 or not isinstance(response, web.Response):
        return response
    if service == "graph":
        body = json.loads(response.text or "{}")
        body["@odata.nextLink"] = fault.target
        response.text = json.dumps(body)
        return response
    links = [v for v in response.headers.getall("Link", []) if 'rel="next"' not in v]
    response.headers.popall("Link", None)
    for link in [*links, f'<{fault.target}>; rel="next"']:
        response.headers.add("Link", link)
    return response


async def _echo(service: str, request: web.Request, rid: str) -> web.Response:
    """A 403 that echoes what the client sent: its Authorization header and, on a token
    request, its form (client_assertion, client_secret), in the body and WWW-Authenticate."""
    sent = request.headers.get("Authorization", "")
    form = await request.text() if request.method == "POST" else ""
    echo = f"received {sent}" + (f" with {form}" if form else "")
    www = f'Bearer realm="emulator", error="insufficient_scope", error_description="{echo}"'
    if service == "graph":
        response = errors.graph_error(403, "Authorization_RequestDenied", echo, rid)
    elif service == "login":
        response = errors.entra_error(403, "invalid_client", 7000215, echo)
    else:
        response = errors.okta_error(403, "E0000006", echo, tuple(c for c in (sent, form) if c))
    response.headers["WWW-Authenticate"] = www
    return response


def _service_error(service: str, status: int, rid: str) -> web.Response:
    if service == "graph":
        code = {404: "Request_ResourceNotFound", 500: "generalException", 502: "BadGateway",
                504: "GatewayTimeout"}.get(status, "generalException")  # fmt: skip
        return errors.graph_error(status, code, f"Emulated {status}.", rid)
    if status == 404:
        return errors.okta_not_found("the paging cursor's page")
    return errors.okta_error(status, "E0000009", "Internal Server Error")


def fault_from_json(text: str) -> Fault:
    return Fault(**json.loads(text))
