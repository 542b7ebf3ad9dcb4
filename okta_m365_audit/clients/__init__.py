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

import importlib
from typing import TYPE_CHECKING, Any

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
from .network import Network, Proxy, network_for
from .origins import (
    Origin,
    OriginRefused,
    TokenRedirect,
    on_origin,
    origin_of,
    origin_text,
    redirect_target,
)
from .secrets import _read_file, _secret_from_env, check_certificate, okta_private_key

#: names of the modules that reach the APIs, imported when one is first asked for (PEP 562):
#: their HTTP stacks (aiohttp, which makes its TLS contexts as it is imported, and httpx:
#: 0.3 s of a start-up on this project's machine) are not needed by a process that reads
#: no API (an xdist controller, which places and reports; the fleet page; the emulator's
#: own command), and a process that does read one imports them on the thread that reads
_LAZY = {
    "GraphApi": "graph",
    "RealmApi": "graph",
    "graph_credential": "graph",
    "OktaApi": "okta",
    "RawResponse": "responses",
    "TokenError": "responses",
    "parse_json": "responses",
    "ReadOnlySession": "transport",
    "ReadOnlyTransport": "transport",
    "RequestTally": "transport",
    "start_tally": "transport",
}

if TYPE_CHECKING:
    from .graph import GraphApi, RealmApi, graph_credential
    from .okta import OktaApi
    from .responses import RawResponse, TokenError, parse_json
    from .transport import ReadOnlySession, ReadOnlyTransport, RequestTally, start_tally


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


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
