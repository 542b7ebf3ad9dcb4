"""Microsoft Graph through msgraph-sdk (azure-identity auth, kiota retries), raw JSON; and
Microsoft's public home-realm discovery.

Each is held to its configured origin at its transport (``transport.ReadOnlyTransport``)
and in ``get`` (``origins.on_origin``): kiota's own guard, ``allowed_hosts``, compares the
host alone, so a next link to the same host on another port would get the token. kiota's
redirect handler is switched off, and the Entra token service's transport refuses any
other origin and every redirect.
"""

from __future__ import annotations

from typing import Any

import httpx
from aiolimiter import AsyncLimiter

from ..config import GraphCertificateAuth, GraphClientSecretAuth, TenantConfig
from ..core.errors import ConnectError
from .endpoints import DEFAULT_LIMITS, Endpoints, Limits
from .network import PROXY_FIX, TLS_FIX, proxy_refused
from .origins import (
    Origin,
    OriginRefused,
    TokenRedirect,
    on_origin,
    origin_of,
    origin_text,
    redirect_target,
)
from .responses import RawResponse, TokenError, parse_json
from .secrets import _read_file, _secret_from_env, check_certificate
from .transport import ReadOnlyTransport


def graph_credential(cfg: TenantConfig, endpoints: Endpoints) -> Any:
    """An azure-identity async credential for the tenant's Graph app registration."""
    from azure.identity import aio

    auth = cfg.m365.auth
    # a certificate or secret goes to the token service alone; DefaultAzureCredential may
    # also ask a managed identity endpoint (IMDS), so only redirects are refused for it
    own = endpoints.origin("login")
    only = own if isinstance(auth, GraphCertificateAuth | GraphClientSecretAuth) else None
    common: dict[str, Any] = {
        "authority": endpoints.login_authority,
        "transport": _token_transport(endpoints, own, only),
    }
    if not endpoints.known_authority:  # an emulator or an endpoints.login override
        common["disable_instance_discovery"] = True
    if isinstance(auth, GraphCertificateAuth):
        password = None
        if auth.certificate_password_env:
            password = _secret_from_env(
                cfg, "m365.auth.certificate_password_env", auth.certificate_password_env
            )
        data = _read_file(cfg, "m365.auth.certificate_file", auth.certificate_file)
        check_certificate(cfg, data, password)
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


def _token_transport(endpoints: Endpoints, own: Origin, only: Origin | None) -> Any:
    """azure-core's aiohttp transport (which never follows redirects itself: it passes
    allow_redirects=False), refusing another origin before sending, and failing on a 3xx
    (azure's retry policy re-raises ClientAuthenticationError at once).

    Proxy variables must not change where the token requests go (``use_env_settings``
    off, as for Okta and Graph): the tenant's explicit proxy, if any, is given on each
    request, and TLS is verified with the endpoints' context (system CAs, or the emulator's,
    plus network.ca_file), which azure-core's ``connection_verify`` cannot express (a CA
    path there replaces the system's)."""
    from azure.core.exceptions import AzureError, ClientAuthenticationError
    from azure.core.pipeline.transport import AioHttpTransport

    proxy = endpoints.proxy_for("login")
    context = endpoints.ssl_context()

    class TokenServiceTransport(AioHttpTransport):
        async def send(self, request: Any, **kwargs: Any) -> Any:
            if only is not None and origin_of(request.url) != only:
                refused = OriginRefused("token request", origin_text(request.url))
                raise ClientAuthenticationError(message=str(refused))
            kwargs.pop("proxies", None)  # from the environment: never (see above)
            if proxy is not None and origin_of(request.url) == own:
                kwargs["proxy"], kwargs["proxy_auth"] = proxy.url, proxy.aiohttp_auth()
            try:
                response = await super().send(request, **kwargs)
            except AzureError as exc:
                lasting = _lasting_failure(exc)
                if lasting is None:
                    raise
                raise ClientAuthenticationError(message=lasting) from None
            if 300 <= response.status_code < 400:
                location = response.headers.get("Location", "")
                where, same = redirect_target(request.url, location, own)
                refused = TokenRedirect(response.status_code, where, same)
                raise ClientAuthenticationError(message=str(refused))
            return response

        def _build_ssl_config(self, cert: Any, verify: Any) -> Any:
            if cert:  # a client certificate: in a context of its own, never the shared one
                own_context = endpoints.ssl_context(shared=False)
                own_context.load_cert_chain(*cert)
                return own_context
            return context

    return TokenServiceTransport(use_env_settings=False)


def _lasting_failure(exc: Exception) -> str | None:
    """A token request's failure no retry will mend (an untrusted certificate, a proxy
    refusing its credentials), in words naming the fix; None for any other. azure-core
    retries connection failures with back-off on every token request: these would only
    make a run wait."""
    import aiohttp

    inner = getattr(exc, "inner_exception", None) or exc.__cause__
    if isinstance(inner, aiohttp.ClientConnectorCertificateError):
        return f"TLS certificate not trusted ({inner.certificate_error}); {TLS_FIX}"
    if isinstance(inner, aiohttp.ClientHttpProxyError):
        if proxy_refused(f"{inner.status} {inner.message}"):
            return f"the proxy answered {inner.status} {inner.message} to CONNECT; {PROXY_FIX}"
    return None


class GraphApi:
    """The msgraph-sdk request adapter (azure-identity auth, kiota retries) over raw JSON.

    Deserializing into SDK models costs about 11-13 ms an object (reference/sdk-notes.md);
    the native response handler hands back the HTTP response so bodies stay verbatim.
    """

    def __init__(self, cfg: TenantConfig, endpoints: Endpoints, limits: Limits = DEFAULT_LIMITS):
        from kiota_authentication_azure.azure_identity_authentication_provider import (
            AzureIdentityAuthenticationProvider,
        )
        from kiota_http.middleware.options import RedirectHandlerOption
        from msgraph import GraphRequestAdapter, GraphServiceClient
        from msgraph_core import GraphClientFactory

        self.base = endpoints.graph_base.rstrip("/")
        self.origin = endpoints.origin("graph")
        self.credential = graph_credential(cfg, endpoints)
        inner = _http_transport(endpoints, "graph", retries=0)
        limiter = AsyncLimiter(limits.graph_requests_per_minute, 60)
        # kiota follows redirects (scrubbing the token only when the origin changes): off, so
        # that every 3xx reaches the collector
        no_redirects = RedirectHandlerOption(should_redirect=False)
        self._http = GraphClientFactory.create_with_default_middleware(
            client=httpx.AsyncClient(
                transport=ReadOnlyTransport(inner, self.origin, limiter),
                trust_env=False,
                timeout=httpx.Timeout(limits.timeout_seconds),
            ),
            options={RedirectHandlerOption.get_key(): no_redirects},
        )
        provider = AzureIdentityAuthenticationProvider(
            self.credential, scopes=[endpoints.graph_scope], allowed_hosts=[self.origin.host]
        )
        self._tokens = provider.access_token_provider
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

    async def sign_in(self) -> None:
        """The access token every request then carries, obtained now, as kiota obtains it
        for a request (same scopes and options: the credential caches it for them); raises
        as ``get`` raises when the token service refuses or cannot be reached."""
        try:
            await self._tokens.get_authorization_token(self.base + "/")
        except Exception as exc:
            raise _credential_failure(exc) from None

    async def get(self, url: str) -> RawResponse:
        """GET a path or a URL on Graph's origin (OriginRefused for any other)."""
        from kiota_abstractions.method import Method
        from kiota_abstractions.native_response_handler import NativeResponseHandler
        from kiota_abstractions.request_information import RequestInformation
        from kiota_http.middleware.options import ResponseHandlerOption

        info = RequestInformation(Method.GET)
        info.url = on_origin(self.base, self.origin, url)
        info.headers.try_add("Accept", "application/json")
        info.add_request_options([ResponseHandlerOption(NativeResponseHandler())])
        try:
            response: httpx.Response = await self.adapter.send_primitive_async(info, "bytes", {})
        except httpx.TimeoutException:
            raise ConnectError(f"Graph {self.base}: timed out") from None
        except httpx.TransportError as exc:
            cause = _httpx_cause(exc)
            raise ConnectError(f"Graph {self.base}: {cause}", _transient(cause)) from None
        except Exception as exc:
            raise _credential_failure(exc) from None
        body = parse_json(response.content, response)
        nxt = body.get("@odata.nextLink") if isinstance(body, dict) else None
        return RawResponse(
            response.status_code, dict(response.headers), body, nxt, str(response.url)
        )


def _credential_failure(exc: Exception) -> Exception:
    """What the credential raised, as the collector knows it: a refused token (TokenError),
    an unreachable token service (ConnectError), or the exception itself."""
    from azure.core.exceptions import ClientAuthenticationError, ServiceRequestError

    if isinstance(exc, ClientAuthenticationError):
        return TokenError("graph", _credential_message(exc))
    if isinstance(exc, ServiceRequestError):
        message = _credential_message(exc)
        if "CERTIFICATE_VERIFY_FAILED" in message:
            message = f"TLS certificate not trusted ({message}); {TLS_FIX}"
        elif proxy_refused(message):
            message = f"the proxy refused the tunnel ({message}); {PROXY_FIX}"
        return ConnectError(f"Entra token service: {message}", _transient(message))
    return exc


def _http_transport(endpoints: Endpoints, api: str, retries: int) -> httpx.AsyncHTTPTransport:
    """httpx's transport to the named API: TLS verified with the endpoints' context, through
    the tenant's proxy when one applies to that origin (CONNECT: TLS still end to end)."""
    proxy, context = endpoints.proxy_for(api), endpoints.ssl_context()
    return httpx.AsyncHTTPTransport(
        verify=context,
        retries=retries,
        proxy=proxy.for_httpx(context) if proxy is not None else None,
    )


def _httpx_cause(exc: httpx.TransportError) -> str:
    cause = exc.__cause__ or exc.__context__
    text = str(exc) or str(cause)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return f"TLS certificate not trusted ({text}); {TLS_FIX}"
    if isinstance(exc, httpx.ProxyError) and proxy_refused(text):
        return f"the proxy answered {text} to CONNECT; {PROXY_FIX}"
    return text or type(exc).__name__


def _transient(cause: str) -> bool:
    """A reset or a timeout may pass; a refused certificate or proxy credentials will not."""
    return "CERTIFICATE" not in cause and not proxy_refused(cause)


def _credential_message(exc: Exception) -> str:
    """First lines of azure-identity's message: the AADSTS code and reason (the collector
    redacts it before it is stored)."""
    text = str(getattr(exc, "message", None) or exc)
    return " ".join(text.split())[:600]


# --- Microsoft's public home-realm discovery ------------------------------------------------


class RealmApi:
    """``getuserrealm.srf`` on the cloud's login host: public, unauthenticated, GET only,
    and still held to the login origin (no redirect followed: httpx's default)."""

    def __init__(self, endpoints: Endpoints, limits: Limits = DEFAULT_LIMITS):
        self.base = endpoints.login_base
        self.origin = endpoints.origin("login")
        inner = _http_transport(endpoints, "login", retries=1)
        self._http = httpx.AsyncClient(
            transport=ReadOnlyTransport(inner, self.origin),
            trust_env=False,
            timeout=httpx.Timeout(limits.timeout_seconds),
            headers={"Accept": "application/json"},
            follow_redirects=False,
        )

    async def __aenter__(self) -> RealmApi:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def get(self, url: str) -> RawResponse:
        try:
            response = await self._http.get(on_origin(self.base, self.origin, url))
        except httpx.TimeoutException:
            raise ConnectError(f"home-realm discovery {self.base}: timed out") from None
        except httpx.TransportError as exc:
            cause = _httpx_cause(exc)
            raise ConnectError(
                f"home-realm discovery {self.base}: {cause}", _transient(cause)
            ) from None
        body = parse_json(response.content, response)
        url = str(response.url)
        return RawResponse(response.status_code, dict(response.headers), body, url=url)
