"""Build the official SDK clients from a tenant config: one place, for real and emulated tenants.

Only the endpoints and the trust differ between a real tenant and the emulator
(``Endpoints``). Both transports are read-only by construction: anything but GET toward a
tenant API raises ``ReadOnlyViolation`` before it leaves the process; the only POSTs
allowed are the token requests (Okta ``/oauth2/v1/token``; Entra's token endpoint is
reached by azure-identity's own transport, never through these).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import os
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import httpx
import orjson
from aiolimiter import AsyncLimiter

from . import redact
from .config import GraphCertificateAuth, GraphClientSecretAuth, OktaPrivateKeyAuth, TenantConfig
from .errors import ConfigError, ConnectError, ReadOnlyViolation

#: Graph and login hosts of each cloud (reference/api-facts.md §14).
CLOUDS: dict[str, tuple[str, str]] = {
    "global": ("https://graph.microsoft.com", "login.microsoftonline.com"),
    "usgov": ("https://graph.microsoft.us", "login.microsoftonline.us"),
    "usgov-dod": ("https://dod-graph.microsoft.us", "login.microsoftonline.us"),
    "china": ("https://microsoftgraph.chinacloudapi.cn", "login.chinacloudapi.cn"),
}

OKTA_TOKEN_PATH = "/oauth2/v1/token"


@dataclass(frozen=True)
class Limits:
    """How patient and how polite the suite is with one tenant's APIs.

    Each request times out after ``timeout_seconds``; a read is retried (on resets,
    timeouts and 5xx the SDKs do not retry) at most ``max_retries`` times and for at most
    ``max_retry_seconds`` in all; each API gets at most ``*_requests_per_minute`` requests,
    so a run stays under the tenant's rate limits instead of hitting them.
    """

    timeout_seconds: float = 60.0
    max_retries: int = 3
    max_retry_seconds: float = 120.0
    okta_requests_per_minute: int = 300
    graph_requests_per_minute: int = 1200


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Endpoints:
    """Where a tenant's APIs are, and which CA to trust for them (None: the system's)."""

    okta_base: str
    graph_base: str  #: ends with /v1.0
    graph_scope: str
    login_authority: str  #: host[:port] of the Entra token service
    ca_file: Path | None = None
    emulated: bool = False

    @classmethod
    def real(cls, cfg: TenantConfig) -> Endpoints:
        graph, login = CLOUDS[cfg.m365.cloud]
        return cls(cfg.okta.org_url, f"{graph}/v1.0", f"{graph}/.default", login)

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)


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


# --- secrets, read only when a client is built ------------------------------------------


def _secret_from_env(cfg: TenantConfig, fieldname: str, var: str) -> str:
    value = os.environ.get(var)
    if not value:
        raise ConfigError(
            str(cfg.source_file),
            fieldname,
            f"environment variable {var} is not set (or empty)",
            f"export {var}=<the secret> in the environment that runs the suite; "
            "never write the value into the YAML",
        )
    redact.register(value)  # never shown in a log, message or report
    return value


def _read_file(cfg: TenantConfig, fieldname: str, path: Path) -> bytes:
    full = cfg.resolve(path)
    try:
        data = full.read_bytes()
    except OSError as exc:
        raise ConfigError(
            str(cfg.source_file),
            fieldname,
            f"cannot read {full} ({exc.strerror})",
            "check the path (relative paths start at the tenant file's folder) and permissions",
        ) from None
    redact.register(data)  # key material: its private blocks are never shown
    return data


def okta_private_key(cfg: TenantConfig, auth: OktaPrivateKeyAuth) -> str:
    """The service app's private key as PEM text (JWK JSON files are converted)."""
    from cryptography.hazmat.primitives import serialization

    raw = _read_file(cfg, "okta.auth.private_key_file", auth.private_key_file)
    try:
        if raw.lstrip().startswith(b"{"):
            import jwt

            key = jwt.algorithms.RSAAlgorithm.from_jwk(raw.decode())
        else:
            # the SDK checks the key's consistency when it signs with it (30 ms a check)
            key = serialization.load_pem_private_key(
                raw, password=None, unsafe_skip_rsa_key_validation=True
            )
    except Exception as exc:
        raise ConfigError(
            str(cfg.source_file),
            "okta.auth.private_key_file",
            f"not an unencrypted RSA private key in PEM or JWK form ({type(exc).__name__})",
            "export the service app's private key as PEM (PKCS#8) or JWK JSON",
        ) from None
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    redact.register(pem)
    return pem


# --- read-only transports ----------------------------------------------------------------


class ReadOnlySession:
    """What the Okta SDK gets as its session: GET only, plus POST to the Okta token endpoint.

    A wrapper rather than a subclass (aiohttp discourages subclassing ClientSession); the
    SDK's HTTP client only calls ``request`` and ``close``.
    """

    def __init__(
        self, session: aiohttp.ClientSession, token_url: str, limiter: AsyncLimiter | None = None
    ):
        self._session = session
        self._token_url = token_url
        self._limiter = limiter

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        bare = str(url).split("?", 1)[0]
        verb = method.upper()
        if verb != "GET" and not (verb == "POST" and bare == self._token_url):
            raise ReadOnlyViolation(
                f"refused {verb} {bare}: the suite only reads (GET) from tenant APIs"
            )
        if verb == "GET":  # token requests are not reads
            _count()
        return _Budgeted(self._limiter, self._session.request(method, url, **kwargs))

    async def close(self) -> None:
        await self._session.close()


class _Budgeted:
    """An aiohttp request context that first waits for the API's request budget."""

    def __init__(self, limiter: AsyncLimiter | None, request: Any):
        self._limiter, self._request = limiter, request

    async def __aenter__(self) -> Any:
        if self._limiter is not None:
            await self._limiter.acquire()
        return await self._request.__aenter__()

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._request.__aexit__(*exc)


class ReadOnlyTransport(httpx.AsyncBaseTransport):
    """httpx transport under the Graph SDK's middleware: every attempt passes here."""

    def __init__(self, inner: httpx.AsyncBaseTransport, limiter: AsyncLimiter | None = None):
        self._inner = inner
        self._limiter = limiter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            raise ReadOnlyViolation(
                f"refused {request.method} {request.url.copy_with(query=None)}: "
                "the suite only reads (GET) from tenant APIs"
            )
        _count()
        if self._limiter is not None:
            await self._limiter.acquire()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


# --- Okta ----------------------------------------------------------------------------------


def parse_json(raw: str | bytes, response: httpx.Response | None = None) -> Any:
    """A body as JSON (orjson: a large tenant is hundreds of MB of it), else as text.

    json.loads has the last word: what orjson refuses (NaN, say) the standard library may
    still read, so a body is judged the same either way. One difference is accepted: an
    integer beyond 64 bits becomes a float (RFC 8259 calls such numbers non-interoperable;
    no Okta or Graph field carries one)."""
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        if isinstance(raw, str):
            return raw
        return response.text if response is not None else raw.decode("utf-8", "replace")


@dataclass
class RawResponse:
    """One HTTP answer, as the collector needs it: status, headers, parsed body, next link."""

    status: int
    headers: dict[str, str]
    body: Any
    next_url: str | None = None


class OktaApi:
    """The official okta SDK client, used for auth, retries and transport; bodies stay raw.

    The SDK's response models reject real Office 365 apps (reference/sdk-notes.md), so
    requests go through its request executor and the JSON is kept as the API sent it.
    """

    def __init__(self, cfg: TenantConfig, endpoints: Endpoints, limits: Limits = DEFAULT_LIMITS):
        from okta.client import Client

        self.base = endpoints.okta_base.rstrip("/")
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
        self._session = ReadOnlySession(session, self.base + OKTA_TOKEN_PATH, limiter)
        self._client.get_request_executor().set_session(self._session)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def renew_token(self) -> None:
        """Drop the cached access token, so the next request fetches a new one."""
        self._client.get_request_executor().clear_cached_token()

    async def get(self, url: str) -> RawResponse:
        """GET a path or absolute URL on the org; raise ConnectError when nothing answered."""
        executor = self._client.get_request_executor()
        request, error = await executor.create_request("GET", url, headers={})
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
        links = response.links
        nxt = links.get("next")
        return RawResponse(
            response.status,
            {k: v for k, v in response.headers.items()},
            body,
            str(nxt["url"]) if nxt else None,
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


class TokenError(Exception):
    """The token service refused the suite's credentials."""

    def __init__(self, api: str, message: str, status: int | None = None):
        super().__init__(message)
        self.api, self.status = api, status


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


# --- Microsoft Graph -----------------------------------------------------------------------


def limits_for(cfg: TenantConfig) -> Limits:
    """The tenant file's limits (``limits:``), or the defaults."""
    declared = getattr(cfg, "limits", None)
    if declared is None:
        return DEFAULT_LIMITS
    return Limits(**{k: getattr(declared, k) for k in Limits.__dataclass_fields__})


def graph_credential(cfg: TenantConfig, endpoints: Endpoints) -> Any:
    """An azure-identity async credential for the tenant's Graph app registration."""
    from azure.identity import aio

    auth = cfg.m365.auth
    from azure.core.pipeline.transport import AioHttpTransport

    # proxy variables must not change where the token requests go (as for Okta and Graph)
    verify: Any = str(endpoints.ca_file) if endpoints.ca_file else True
    common: dict[str, Any] = {
        "authority": endpoints.login_authority,
        "transport": AioHttpTransport(use_env_settings=False, connection_verify=verify),
    }
    if endpoints.emulated:
        common["disable_instance_discovery"] = True
    if isinstance(auth, GraphCertificateAuth):
        password = None
        if auth.certificate_password_env:
            password = _secret_from_env(
                cfg, "m365.auth.certificate_password_env", auth.certificate_password_env
            )
        data = _read_file(cfg, "m365.auth.certificate_file", auth.certificate_file)
        _check_certificate(cfg, data, password)
        return aio.CertificateCredential(
            cfg.m365.tenant_id, auth.client_id, certificate_data=data, password=password, **common
        )
    if isinstance(auth, GraphClientSecretAuth):
        secret = _secret_from_env(cfg, "m365.auth.client_secret_env", auth.client_secret_env)
        return aio.ClientSecretCredential(cfg.m365.tenant_id, auth.client_id, secret, **common)
    kwargs = dict(common)
    if auth.managed_identity_client_id:
        kwargs["managed_identity_client_id"] = auth.managed_identity_client_id
    return aio.DefaultAzureCredential(**kwargs)


def _check_certificate(cfg: TenantConfig, data: bytes, password: str | None) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key, pkcs12

    pw = password.encode() if password else None
    try:
        if b"-----BEGIN" in data:
            x509.load_pem_x509_certificate(data)
            # azure-identity checks the key's consistency when it loads it
            load_pem_private_key(data, password=pw, unsafe_skip_rsa_key_validation=True)
        else:
            pkcs12.load_key_and_certificates(data, pw)
    except Exception as exc:
        raise ConfigError(
            str(cfg.source_file),
            "m365.auth.certificate_file",
            f"must hold the certificate and its private key ({type(exc).__name__})",
            "use a PEM with both the CERTIFICATE and PRIVATE KEY blocks, or a .pfx "
            "(with certificate_password_env when it is encrypted)",
        ) from None


class GraphApi:
    """The msgraph-sdk request adapter (azure-identity auth, kiota retries) over raw JSON.

    Deserializing into SDK models costs about 11-13 ms an object (reference/sdk-notes.md);
    the native response handler hands back the HTTP response so bodies stay verbatim.
    """

    def __init__(self, cfg: TenantConfig, endpoints: Endpoints, limits: Limits = DEFAULT_LIMITS):
        from kiota_authentication_azure.azure_identity_authentication_provider import (
            AzureIdentityAuthenticationProvider,
        )
        from msgraph import GraphRequestAdapter, GraphServiceClient
        from msgraph_core import GraphClientFactory

        self.base = endpoints.graph_base.rstrip("/")
        self.credential = graph_credential(cfg, endpoints)
        inner = httpx.AsyncHTTPTransport(verify=endpoints.ssl_context(), retries=0)
        limiter = AsyncLimiter(limits.graph_requests_per_minute, 60)
        self._http = GraphClientFactory.create_with_default_middleware(
            client=httpx.AsyncClient(
                transport=ReadOnlyTransport(inner, limiter),
                trust_env=False,
                timeout=httpx.Timeout(limits.timeout_seconds),
            )
        )
        host = urlsplit(self.base).hostname or ""
        provider = AzureIdentityAuthenticationProvider(
            self.credential, scopes=[endpoints.graph_scope], allowed_hosts=[host]
        )
        self.adapter = GraphRequestAdapter(provider, client=self._http)
        self.adapter.base_url = self.base
        self.client = GraphServiceClient(request_adapter=self.adapter)

    async def __aenter__(self) -> GraphApi:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()
        await self.credential.close()

    async def renew_token(self) -> None:
        """azure-identity renews by the token's expiry; a retry asks it again."""

    async def get(self, url: str) -> RawResponse:
        from kiota_abstractions.method import Method
        from kiota_abstractions.native_response_handler import NativeResponseHandler
        from kiota_abstractions.request_information import RequestInformation
        from kiota_http.middleware.options import ResponseHandlerOption

        info = RequestInformation(Method.GET)
        info.url = url if url.startswith("https://") else self.base + url
        info.headers.try_add("Accept", "application/json")
        info.add_request_options([ResponseHandlerOption(NativeResponseHandler())])
        try:
            response: httpx.Response = await self.adapter.send_primitive_async(info, "bytes", {})
        except httpx.TimeoutException:
            raise ConnectError(f"Graph {self.base}: timed out") from None
        except httpx.TransportError as exc:
            cause = _httpx_cause(exc)
            raise ConnectError(f"Graph {self.base}: {cause}", "CERTIFICATE" not in cause) from None
        except Exception as exc:
            from azure.core.exceptions import ClientAuthenticationError, ServiceRequestError

            if isinstance(exc, ClientAuthenticationError):
                raise TokenError("graph", _credential_message(exc)) from None
            if isinstance(exc, ServiceRequestError):
                message = _credential_message(exc)
                raise ConnectError(
                    f"Entra token service: {message}", "CERTIFICATE" not in message
                ) from None
            raise
        body = parse_json(response.content, response)
        nxt = body.get("@odata.nextLink") if isinstance(body, dict) else None
        return RawResponse(response.status_code, dict(response.headers), body, nxt)


def _httpx_cause(exc: httpx.TransportError) -> str:
    cause = exc.__cause__ or exc.__context__
    text = str(exc) or str(cause)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return f"TLS certificate not trusted ({text})"
    return text or type(exc).__name__


def _credential_message(exc: Exception) -> str:
    """First lines of azure-identity's message: the AADSTS code and reason, no secrets."""
    text = str(getattr(exc, "message", None) or exc)
    return " ".join(text.split())[:600]


# --- Microsoft's public home-realm discovery ------------------------------------------------


class RealmApi:
    """``getuserrealm.srf`` on the cloud's login host: public, unauthenticated, GET only."""

    def __init__(self, endpoints: Endpoints, limits: Limits = DEFAULT_LIMITS):
        self.base = f"https://{endpoints.login_authority}"
        inner = httpx.AsyncHTTPTransport(verify=endpoints.ssl_context(), retries=1)
        self._http = httpx.AsyncClient(
            transport=ReadOnlyTransport(inner),
            trust_env=False,
            timeout=httpx.Timeout(limits.timeout_seconds),
            headers={"Accept": "application/json"},
        )

    async def __aenter__(self) -> RealmApi:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def get(self, url: str) -> RawResponse:
        try:
            response = await self._http.get(url if url.startswith("https://") else self.base + url)
        except httpx.TimeoutException:
            raise ConnectError(f"home-realm discovery {self.base}: timed out") from None
        except httpx.TransportError as exc:
            cause = _httpx_cause(exc)
            raise ConnectError(
                f"home-realm discovery {self.base}: {cause}", "CERTIFICATE" not in cause
            ) from None
        body = parse_json(response.content, response)
        return RawResponse(response.status_code, dict(response.headers), body)
