"""The Okta Management API through the official okta SDK: its auth, retries and transport;
bodies kept raw.

The SDK's response models reject real Office 365 apps (reference/sdk-notes.md), so requests
go through its request executor and the JSON is kept as the API sent it. Every URL handed
to the SDK is first held to the org's origin (``origins.on_origin``): the SDK itself
attaches the Authorization header to any URL that merely contains the org URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Iterator
from typing import Any

import aiohttp
from aiolimiter import AsyncLimiter

from ..config import OktaPrivateKeyAuth, TenantConfig
from ..errors import ConnectError
from .endpoints import DEFAULT_LIMITS, OKTA_TOKEN_PATH, Endpoints, Limits
from .origins import TokenRedirect, on_origin
from .responses import RawResponse, TokenError, parse_json
from .secrets import _secret_from_env, okta_private_key
from .transport import ReadOnlySession


class OktaApi:
    """The official okta SDK client, used for auth, retries and transport; bodies stay raw."""

    def __init__(self, cfg: TenantConfig, endpoints: Endpoints, limits: Limits = DEFAULT_LIMITS):
        from okta.client import Client

        self.base = endpoints.okta_base.rstrip("/")
        self.origin = endpoints.origin("okta")
        self.limits = limits
        auth = cfg.okta.auth
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
            }
            if auth.key_id:
                conf["kid"] = auth.key_id
        else:
            conf |= {
                "authorizationMode": "SSWS",
                "token": _secret_from_env(cfg, "okta.auth.token_env", auth.token_env),
            }
        with _isolated_from_okta_settings():
            self._client = Client(conf)
        self._ssl = endpoints.ssl_context()
        self._session: ReadOnlySession | None = None

    async def __aenter__(self) -> OktaApi:
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(ssl=self._ssl, limit=8),
            trust_env=False,
            timeout=aiohttp.ClientTimeout(total=self.limits.timeout_seconds),
        )
        limiter = AsyncLimiter(self.limits.okta_requests_per_minute, 60)
        self._session = ReadOnlySession(session, self.origin, self.base + OKTA_TOKEN_PATH, limiter)
        self._client.get_request_executor().set_session(self._session)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def renew_token(self) -> None:
        """Drop the cached access token, so the next request fetches a new one."""
        self._client.get_request_executor().clear_cached_token()

    async def get(self, url: str) -> RawResponse:
        """GET a path or a URL on the org's origin (OriginRefused for any other, before the
        SDK sees it); raise ConnectError when nothing answered."""
        url = on_origin(self.base, self.origin, url)
        executor = self._client.get_request_executor()
        try:
            request, error = await executor.create_request("GET", url, headers={})
        except TokenRedirect as exc:
            raise TokenError("okta", str(exc), exc.status) from None
        if isinstance(error, aiohttp.ClientError | asyncio.TimeoutError):
            raise ConnectError(
                f"Okta token endpoint {self.base}: {_connect_cause(error)}", _transient(error)
            )
        if error is not None:
            raise TokenError("okta", _okta_error_text(error), _okta_error_status(error))
        # fire_request_helper is execute() minus its two extra json.loads of every body (a
        # cache probe and an error check we do not use): the SDK's transport and its 429
        # retries, with each page parsed once, here
        _, response, text, error = await executor.fire_request_helper(request, 0, time.time())
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


@contextlib.contextmanager
def _isolated_from_okta_settings() -> Iterator[None]:
    """Build the okta Client from our config alone.

    The SDK merges ``OKTA_*`` environment variables and ``okta.yaml`` files (in the home and
    working folders) into its config when a Client is built, and its HTTP client takes
    HTTP(S)_PROXY then (reference/sdk-notes.md): a stray one could change the org, the
    credentials or the route. They are hidden for that moment.
    """
    import okta.config.config_setter as setter

    hidden = ("HTTP_PROXY", "HTTPS_PROXY")  # its HTTP client reads these when it is built
    saved_env = {
        k: os.environ.pop(k)
        for k in list(os.environ)
        if k.startswith("OKTA_") or k.upper() in hidden
    }
    saved_paths = setter._GLOBAL_YAML_PATH, setter._LOCAL_YAML_PATH
    setter._GLOBAL_YAML_PATH = setter._LOCAL_YAML_PATH = os.devnull + ".okta-m365-audit-none"
    try:
        yield
    finally:
        setter._GLOBAL_YAML_PATH, setter._LOCAL_YAML_PATH = saved_paths
        os.environ.update(saved_env)


def _okta_error_status(error: Any) -> int | None:
    return getattr(error, "status", None)


def _okta_error_text(error: Any) -> str:
    summary = getattr(error, "error_summary", None) or getattr(error, "message", None)
    return str(summary or error)


def _transient(error: BaseException | None) -> bool:
    """A reset or a timeout may pass; a refused certificate will not."""
    return not isinstance(error, aiohttp.ClientSSLError | aiohttp.ClientConnectorCertificateError)


def _connect_cause(error: BaseException | None) -> str:
    """The real cause of a failed connection (the SDKs tend to hide it)."""
    if error is None:
        return "no response"
    if isinstance(error, aiohttp.ClientConnectorCertificateError):
        return f"TLS certificate not trusted ({error.certificate_error})"
    if isinstance(error, aiohttp.ClientSSLError):
        return f"TLS handshake failed ({error})"
    if isinstance(error, aiohttp.ClientConnectorError):
        return f"cannot connect to {error.host}:{error.port} ({error.os_error})"
    if isinstance(error, asyncio.TimeoutError):
        return "timed out"
    return f"{type(error).__name__}: {error}"
