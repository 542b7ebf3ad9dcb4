"""The last point before a request leaves the process: read-only, one origin, no redirects.

Both SDKs' requests pass here on every attempt (the okta SDK's aiohttp session, the Graph
SDK's httpx transport under its middleware). A request is refused here, before anything is
sent, when it is not a GET (the only POST allowed is Okta's token request) or when its URL
is not on the origin its API was configured with (``origins``). Redirects are never
followed: a 3xx on a read goes back to the collector, which records the read as failed;
a 3xx on a token request is a token failure (``TokenRedirect``).
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
from aiolimiter import AsyncLimiter
from yarl import URL

from ..core.errors import ReadOnlyViolation
from .gate import ConnectionGate
from .origins import Origin, OriginRefused, TokenRedirect, origin_of, origin_text, redirect_target

# --- request accounting ------------------------------------------------------------------


@dataclass
class RequestTally:
    """HTTP attempts made for one read (retries included), filled by the transports."""

    attempts: int = 0
    statuses: list[int] = field(default_factory=list)


_current_tally: contextvars.ContextVar[RequestTally | None] = contextvars.ContextVar(
    "okta_m365_audit_tally", default=None
)


def start_tally() -> RequestTally:
    tally = RequestTally()
    _current_tally.set(tally)
    return tally


def _count() -> None:
    tally = _current_tally.get()
    if tally is not None:
        tally.attempts += 1


def check_origin(url: Any, origin: Origin) -> None:
    """Raise OriginRefused unless ``url`` (as the HTTP client parsed it) is on ``origin``."""
    if origin_of(url) != origin:
        raise OriginRefused("request", origin_text(url))


def _read_only(verb: str, url: Any) -> ReadOnlyViolation:
    bare = str(url).split("?", 1)[0]
    return ReadOnlyViolation(f"refused {verb} {bare}: the suite only reads (GET) from tenant APIs")


# --- Okta: aiohttp -----------------------------------------------------------------------


class ReadOnlySession:
    """What the Okta SDK gets as its session: GET only, plus POST to the Okta token endpoint,
    all to the org's origin, no redirect followed.

    A wrapper rather than a subclass (aiohttp discourages subclassing ClientSession); the
    SDK's HTTP client only calls ``request`` and ``close``.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        origin: Origin,
        token_url: str,
        limiter: AsyncLimiter | None = None,
        proxy: Any = None,
        gate: ConnectionGate | None = None,
    ):
        self._session = session
        self._origin = origin
        self._token_url = token_url
        self._limiter = limiter
        self._gate = gate
        #: the tenant's explicit proxy for this origin (clients/network.py ``Proxy``), if any
        self._proxy = proxy

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:
        verb = method.upper()
        token = verb == "POST" and str(url).split("?", 1)[0] == self._token_url
        if verb != "GET" and not token:
            raise _read_only(verb, url)
        target = url if isinstance(url, URL) else URL(str(url))
        check_origin(target, self._origin)  # what aiohttp will connect to
        if not token:  # token requests are not reads
            _count()
        # aiohttp follows redirects by default, re-POSTing a form on 307 (aiohttp docs,
        # "allow_redirects"): the collector sees every 3xx instead
        kwargs["allow_redirects"] = False
        # the route is ours alone: whatever proxy the SDK's client may have been given
        kwargs["proxy"] = self._proxy.url if self._proxy is not None else None
        kwargs["proxy_auth"] = self._proxy.aiohttp_auth() if self._proxy is not None else None
        request = self._session.request(method, target, **kwargs)
        return _Budgeted(self._limiter, request, self._origin if token else None, self._gate)

    async def close(self) -> None:
        await self._session.close()


class _Budgeted:
    """An aiohttp request context that first waits for a place among the org's open
    requests (gate.py: a token request ahead of reads) and for the API's request budget;
    for a token request (``token_origin`` set), a 3xx answer raises TokenRedirect."""

    def __init__(
        self,
        limiter: AsyncLimiter | None,
        request: Any,
        token_origin: Origin | None,
        gate: ConnectionGate | None = None,
    ):
        self._limiter, self._request, self._token_origin = limiter, request, token_origin
        self._gate = gate

    async def __aenter__(self) -> Any:
        if self._gate is not None:
            await self._gate.acquire(first=self._token_origin is not None)
        try:
            return await self._enter()
        except BaseException:
            self._release()
            raise

    async def _enter(self) -> Any:
        if self._limiter is not None:
            await self._limiter.acquire()
        response = await self._request.__aenter__()
        if self._token_origin is not None and 300 <= response.status < 400:
            where, same = redirect_target(
                str(response.url), response.headers.get("Location", ""), self._token_origin
            )
            await self._request.__aexit__(None, None, None)
            raise TokenRedirect(response.status, where, same)
        return response

    async def __aexit__(self, *exc: Any) -> Any:
        try:
            return await self._request.__aexit__(*exc)
        finally:
            self._release()

    def _release(self) -> None:
        if self._gate is not None:
            self._gate.release()
            self._gate = None  # once


# --- Graph and home-realm discovery: httpx --------------------------------------------------


class ReadOnlyTransport(httpx.AsyncBaseTransport):
    """httpx transport under the Graph SDK's middleware: every attempt passes here."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, origin: Origin, limiter: AsyncLimiter | None = None
    ):
        self._inner = inner
        self._origin = origin
        self._limiter = limiter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            raise _read_only(request.method, request.url.copy_with(query=None))
        check_origin(request.url, self._origin)  # what httpx will connect to
        _count()
        if self._limiter is not None:
            await self._limiter.acquire()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
