"""The Okta Management API through the official okta SDK: its auth, retries and transport;
bodies kept raw.

The SDK's response models reject real Office 365 apps (reference/sdk-notes.md), so requests
go through its request executor and the JSON is kept as the API sent it. Every URL handed
to the SDK is first held to the org's origin (``origins.on_origin``): the SDK itself
attaches the Authorization header to any URL that merely contains the org URL.

Two things about the service app's token are handled here, where the token is obtained:

- DPoP (``okta.auth.dpop``): the SDK's own implementation (``dpopEnabled``: nonce challenge,
  proofs with ``ath``, ``Authorization: DPoP``), with a faster key and a fresh proof on
  every attempt (okta_token.py); an app and a tenant file that disagree give a token error
  naming the setting.
- Scopes granted partly: Okta refuses the whole token request when one scope was never
  granted (``invalid_scope``), so the refused scopes are dropped and the run goes on with
  the others (``_narrow_scopes``); each read needing a dropped scope then gets Okta's own
  403 naming it, and ``ungranted_scopes`` lists them.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
from aiolimiter import AsyncLimiter

from ..config import OktaPrivateKeyAuth, TenantConfig
from ..core.errors import ConnectError
from .endpoints import DEFAULT_LIMITS, OKTA_TOKEN_PATH, Endpoints, Limits
from .gate import OKTA_CONNECTIONS, ConnectionGate
from .network import PROXY_FIX, TLS_FIX, proxy_refused
from .okta_sdk import request_executor
from .okta_token import FreshProofs, dpop_failure, dpop_proofs, is_dpop_error, refused_scopes
from .origins import TokenRedirect, on_origin
from .responses import RawResponse, TokenError, parse_json
from .secrets import _secret_from_env, okta_private_key
from .transport import ReadOnlySession


class OktaApi:
    """The official okta SDK's request executor (its auth, retries and transport); bodies
    stay raw. ``_client`` is that executor, rebuilt when the scopes are narrowed."""

    def __init__(self, cfg: TenantConfig, endpoints: Endpoints, limits: Limits = DEFAULT_LIMITS):
        self.base = endpoints.okta_base.rstrip("/")
        self.origin = endpoints.origin("okta")
        self.limits = limits
        self._where = str(cfg.source_file or "the tenant file")
        auth = cfg.okta.auth
        self._dpop = isinstance(auth, OktaPrivateKeyAuth) and auth.dpop
        self._proofs = dpop_proofs() if self._dpop else None  #: one key for the whole run
        self._scopes: list[str] = list(auth.scopes) if isinstance(auth, OktaPrivateKeyAuth) else []
        #: scopes the token endpoint refused (never granted to the service app)
        self.ungranted_scopes: tuple[str, ...] = ()
        self._narrowing = asyncio.Lock()
        conf: dict[str, Any] = {
            "orgUrl": self.base,
            # per attempt (the collector bounds a read's retries in all: max_retry_seconds)
            "requestTimeout": max(1, int(limits.timeout_seconds)),
            "rateLimit": {"maxRetries": limits.max_retries},
            "cache": {"enabled": False},
            # the SDK's debug log prints request headers (tokens): never on, whatever OKTA_* says
            "logging": {"enabled": False},
            "raiseException": False,
        }
        if isinstance(auth, OktaPrivateKeyAuth):
            conf |= {
                "authorizationMode": "PrivateKey",
                "clientId": auth.client_id,
                "scopes": list(auth.scopes),
                "privateKey": okta_private_key(cfg, auth),
                "dpopEnabled": auth.dpop,
            }
            if auth.key_id:
                conf["kid"] = auth.key_id
        else:
            conf |= {
                "authorizationMode": "SSWS",
                "token": _secret_from_env(cfg, "okta.auth.token_env", auth.token_env),
            }
        self._conf = conf
        self._session: ReadOnlySession | None = None
        self._client = self._build_client(self._scopes)
        self._ssl = endpoints.ssl_context()
        self._proxy = endpoints.proxy_for("okta")

    def _build_client(self, scopes: list[str]) -> Any:
        """The SDK's request executor asking for ``scopes`` (all of them share the run's DPoP
        key), built as ``okta.client.Client`` builds it without importing it (okta_sdk.py)."""
        conf = self._conf | ({"scopes": list(scopes)} if scopes else {})
        executor = request_executor(conf, self._proofs)
        if self._session is not None:
            executor.set_session(self._sdk_session())
        return executor

    def _sdk_session(self) -> Any:
        assert self._session is not None
        return FreshProofs(self._session, self._proofs) if self._proofs else self._session

    async def __aenter__(self) -> OktaApi:
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(ssl=self._ssl, limit=OKTA_CONNECTIONS),
            trust_env=False,
            timeout=aiohttp.ClientTimeout(total=self.limits.timeout_seconds),
        )
        limiter = AsyncLimiter(self.limits.okta_requests_per_minute, 60)
        self._session = ReadOnlySession(
            session,
            self.origin,
            self.base + OKTA_TOKEN_PATH,
            limiter,
            self._proxy,
            ConnectionGate(OKTA_CONNECTIONS),  # the places, handed out urgent first
        )
        self._client.set_session(self._sdk_session())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def renew_token(self) -> None:
        """Drop the cached access token, so the next request fetches a new one."""
        self._client.clear_cached_token()

    async def sign_in(self) -> None:
        """The access token every request then carries (DPoP-bound when the app requires
        it), obtained now as a request obtains it (the scopes Okta refuses dropped); raises
        as ``get`` raises when the token endpoint refuses or cannot be reached."""
        await self._request_for(self.base)  # a request made, never sent: its token kept

    async def get(self, url: str) -> RawResponse:
        """GET a path or a URL on the org's origin (OriginRefused for any other, before the
        SDK sees it); raise ConnectError when nothing answered."""
        url = on_origin(self.base, self.origin, url)
        client, request = await self._request_for(url)
        # fire_request_helper is execute() minus its two extra json.loads of every body (a
        # cache probe and an error check we do not use): the SDK's transport and its 429
        # retries, with each page parsed once, here
        _, response, text, error = await client.fire_request_helper(request, 0, time.time())
        if response is None:
            raise ConnectError(f"Okta {self.base}: {_connect_cause(error)}", _transient(error))
        body = parse_json(text)
        nxt = response.links.get("next")  # resolved on the answering URL by aiohttp
        return RawResponse(
            response.status,
            {k: v for k, v in response.headers.items()},
            body,
            str(nxt["url"]) if nxt else None,
            str(response.url),
        )

    # --- the token ---

    async def _request_for(self, url: str) -> tuple[Any, Any]:
        """The SDK client and its request for ``url``, with a token (obtained if the client
        has none, the scopes Okta refuses dropped); TokenError or ConnectError if none."""
        client = self._client
        for _ in range(len(self._scopes) + 1):  # each narrowing drops a scope at least
            request, error = await self._create_request(client, url)
            if not (_is_scope_refusal(error) and await self._narrow_scopes(client, error)):
                break
            client = self._client
        if isinstance(error, aiohttp.ClientError | asyncio.TimeoutError):
            raise ConnectError(
                f"Okta token endpoint {self.base}: {_connect_cause(error)}", _transient(error)
            )
        if error is not None:
            raise self._token_error(error)
        return client, request

    @staticmethod
    async def _create_request(client: Any, url: str) -> tuple[Any, Any]:
        """The SDK's request for ``url``, for which it first obtains a token if it has none
        (the error is then the token endpoint's)."""
        try:
            return await client.create_request("GET", url, headers={})
        except TokenRedirect as exc:
            raise TokenError("okta", str(exc), exc.status) from None

    async def _narrow_scopes(self, refused_by: Any, error: Any) -> bool:
        """After ``invalid_scope``: go on with the scopes Okta grants. True when there is a
        new client to try (at most one narrowing per refused scope, so this ends).

        The refused scopes are read from Okta's answer when it names them; otherwise each
        scope is asked for alone, one token request per scope (``len(scopes)`` at most)."""
        async with self._narrowing:
            if self._client is not refused_by:  # another read narrowed them meanwhile
                return True
            refused = refused_scopes(_okta_error_text(error), self._scopes)
            if refused is None:
                refused = await self._probe_scopes()
            granted = [s for s in self._scopes if s not in (refused or ())]
            if not refused or not granted:
                return False  # nothing to drop, or nothing left: the refusal stands
            self.ungranted_scopes += tuple(refused)
            self._scopes = granted
            self._client = self._build_client(granted)
            return True

    async def _probe_scopes(self) -> list[str] | None:
        """The scopes Okta refuses when each is asked for alone; None if a token request
        fails for another reason (that failure is then reported as it was)."""
        refused = []
        for scope in self._scopes:
            _, error = await self._create_request(self._build_client([scope]), self.base)
            if _is_scope_refusal(error):
                refused.append(scope)
            elif error is not None:
                return None
        return refused

    def _token_error(self, error: Any) -> TokenError:
        code = getattr(error, "error_code", None)
        text = _okta_error_text(error)
        if is_dpop_error(code):
            text = dpop_failure(code, text, self._dpop, self._where)
        return TokenError("okta", text, _okta_error_status(error))


def _is_scope_refusal(error: Any) -> bool:
    return getattr(error, "error_code", None) == "invalid_scope"


def _okta_error_status(error: Any) -> int | None:
    return getattr(error, "status", None)


def _okta_error_text(error: Any) -> str:
    summary = getattr(error, "error_summary", None) or getattr(error, "message", None)
    return str(summary or error)


def _transient(error: BaseException | None) -> bool:
    """A reset or a timeout may pass; a refused certificate or proxy credentials will not."""
    if isinstance(error, aiohttp.ClientHttpProxyError):
        return not proxy_refused(f"{error.status} {error.message}")
    return not isinstance(error, aiohttp.ClientSSLError | aiohttp.ClientConnectorCertificateError)


def _connect_cause(error: BaseException | None) -> str:
    """The real cause of a failed connection (the SDKs tend to hide it)."""
    if error is None:
        return "no response"
    if isinstance(error, aiohttp.ClientConnectorCertificateError):
        return f"TLS certificate not trusted ({error.certificate_error}); {TLS_FIX}"
    if isinstance(error, aiohttp.ClientHttpProxyError):
        return f"the proxy answered {error.status} {error.message} to CONNECT; {PROXY_FIX}"
    if isinstance(error, aiohttp.ClientSSLError):
        return f"TLS handshake failed ({error})"
    if isinstance(error, aiohttp.ClientConnectorError):
        return f"cannot connect to {error.host}:{error.port} ({error.os_error})"
    if isinstance(error, asyncio.TimeoutError):
        return "timed out"
    return f"{type(error).__name__}: {error}"
