"""Build the official SDK clients from a tenant config: one place, for real and emulated tenants.

Only the endpoints and the trust differ between a real tenant and the emulator
(``Endpoints``). Every transport is read-only and single-origin by construction: anything
but GET toward a tenant API raises ``ReadOnlyViolation``, and any request to an origin
other than its API's configured one raises ``OriginRefused``, before it leaves the process;
no redirect is followed. The only POSTs allowed are the token requests (Okta
``/oauth2/v1/token``; Entra's token endpoint, reached by azure-identity's own transport).

- ``endpoints``: where the APIs are (``Endpoints``, ``CLOUDS``) and the ``Limits``;
- ``network``: the route and trust of each connection (explicit proxy, NO_PROXY, CA file);
- ``origins``: what an origin is, and the refusals (``OriginRefused``, ``TokenRedirect``);
- ``transport``: the read-only, single-origin transports and the request tally;
- ``secrets``: credentials, read when a client is built and registered with the redactor;
- ``okta``, ``graph``: the API clients (``OktaApi``; ``GraphApi``, ``RealmApi``);
- ``okta_token``: what the Okta service app's token needs beyond the SDK (DPoP key and
  proofs, the scopes Okta refused, token failures naming the tenant file's setting);
- ``responses``: what they return (``RawResponse``, ``parse_json``, ``TokenError``);
- ``failures``: why a read failed, in words safe to store (what the collector records).

May import: core, config, catalog (``resources``: what a read needs); never collect or a
later stage.
"""

from __future__ import annotations

from ..core.errors import ConnectError
from .endpoints import (
    CLOUDS,
    DEFAULT_LIMITS,
    OKTA_TOKEN_PATH,
    Endpoints,
    Limits,
    endpoints_used,
    limits_for,
)
from .graph import GraphApi, RealmApi, graph_credential
from .network import Network, Proxy, network_for
from .okta import OktaApi
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
from .secrets import _read_file, _secret_from_env, check_certificate, okta_private_key
from .transport import ReadOnlySession, ReadOnlyTransport, RequestTally, start_tally

__all__ = [
    "CLOUDS",
    "DEFAULT_LIMITS",
    "OKTA_TOKEN_PATH",
    "ConnectError",
    "Endpoints",
    "GraphApi",
    "Limits",
    "Network",
    "OktaApi",
    "Origin",
    "OriginRefused",
    "Proxy",
    "RawResponse",
    "ReadOnlySession",
    "ReadOnlyTransport",
    "RealmApi",
    "RequestTally",
    "TokenError",
    "TokenRedirect",
    "_read_file",
    "_secret_from_env",
    "check_certificate",
    "endpoints_used",
    "graph_credential",
    "limits_for",
    "network_for",
    "okta_private_key",
    "on_origin",
    "origin_of",
    "origin_text",
    "parse_json",
    "redirect_target",
    "start_tally",
]
