"""The route and the trust of a tenant's connections: which proxy (if any) each API is
reached through, and which CAs its TLS is verified against.

Each client talks to one origin only (transport.py), so the proxy is decided once per
client, for that origin, from the NO_PROXY-style list: no client is ever handed the
environment (``trust_env=False``, ``use_env_settings=False`` stay). Through an http://
proxy, HTTPS is tunnelled with CONNECT and TLS is still verified end to end against the
target host, with the CA bundle of ``network.ca_file`` trusted in addition to the system's
(or to the emulator's CA). The read-only and single-origin guards see the target URL: the
proxy is below them.
"""

from __future__ import annotations

import ipaddress
import os
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import TenantConfig
from ..config.network import EffectiveNetwork, RunNetwork, effective_network
from ..core import redact
from .origins import Origin
from .secrets import _secret_from_env


@dataclass(frozen=True)
class Proxy:
    """A proxy to reach an origin through: its URL (never with credentials) and its user."""

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def for_httpx(self, context: ssl.SSLContext) -> Any:
        """httpx's proxy; an https:// proxy's own certificate is verified with ``context``
        too (the system's CAs plus network.ca_file)."""
        import httpx

        auth = (self.username, self.password or "") if self.username else None
        if not self.url.lower().startswith("https://"):  # httpcore refuses one for http://
            return httpx.Proxy(self.url, auth=auth)
        return httpx.Proxy(self.url, auth=auth, ssl_context=context)

    def aiohttp_auth(self) -> Any:
        import aiohttp

        return aiohttp.BasicAuth(self.username, self.password or "") if self.username else None


@dataclass(frozen=True)
class Network:
    """A tenant's proxy, the hosts it does not apply to, and the extra CA bundle."""

    proxy: Proxy | None = None
    no_proxy: tuple[str, ...] = ()
    ca_file: Path | None = None

    def proxy_for(self, origin: Origin) -> Proxy | None:
        """The proxy to reach ``origin`` through, None: directly (no proxy, or NO_PROXY
        names it)."""
        if self.proxy is None or bypasses(self.no_proxy, origin):
            return None
        return self.proxy

    def facts(self) -> dict[str, Any] | None:
        """What a report says about the route: the proxy (URL without credentials), the
        hosts reached directly, the CA file added."""
        if self.proxy is None and self.ca_file is None:
            return None
        return {
            "proxy": self.proxy.url if self.proxy else None,
            "proxyUser": self.proxy.username if self.proxy else None,
            "noProxy": list(self.no_proxy),
            "caFile": str(self.ca_file) if self.ca_file else None,
        }


DIRECT = Network()

#: the fix a TLS verification failure names (a TLS-inspecting proxy re-signs every site
#: with its own CA, which the runner does not trust until told to)
TLS_FIX = (
    "if a TLS-inspecting proxy (or an emulator) signs this certificate, trust its CA with "
    "network.ca_file in the tenant file (or --ca-file)"
)


#: the fix a proxy's refusal of the tunnel names (407: it wants other credentials)
PROXY_FIX = (
    "check network.proxy (or --proxy), network.proxy_username and the password in the "
    "variable network.proxy_password_env names"
)


def proxy_refused(text: str) -> bool:
    """The proxy, not the API, refused: a 407 (or a 403 to CONNECT) will not pass on retry."""
    return "407" in text or "Proxy Authentication Required" in text


def bypasses(entries: tuple[str, ...], origin: Origin) -> bool:
    """True when a NO_PROXY entry names ``origin``: ``*``; the host exactly; a ``.suffix``
    or a bare domain as a suffix of the host (curl's rule); ``host:port`` for that port
    only; an IP address; a CIDR network holding the host's address."""
    host = origin.host.strip("[]").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for raw in entries:
        entry = raw.lower()
        if entry == "*":
            return True
        if "/" in entry:
            if address is not None and address in ipaddress.ip_network(entry, strict=False):
                return True
            continue
        name, port = entry, None
        if entry.startswith("["):
            name, _, rest = entry[1:].partition("]")
            port = rest[1:] or None
        elif entry.count(":") == 1:
            name, port = entry.split(":")
        if port is not None and (not port.isdigit() or int(port) != origin.port):
            continue
        if address is not None:
            try:
                if ipaddress.ip_address(name) == address:
                    return True
            except ValueError:
                pass
            continue
        bare = name.lstrip(".")
        if host == bare or host.endswith("." + bare):
            return True
    return False


def network_for(cfg: TenantConfig, run: RunNetwork | None) -> Network:
    """The tenant's network (its ``network:`` over the run's flags), the proxy's password
    read from its environment variable and registered with the redactor."""
    settings = effective_network(cfg.network, run or RunNetwork(), cfg.resolve)
    return _built(cfg, settings)


def _built(cfg: TenantConfig, settings: EffectiveNetwork) -> Network:
    proxy = None
    if settings.proxy:
        password = settings.proxy_password
        if settings.proxy_password_env:
            password = _secret_from_env(
                cfg, "network.proxy_password_env", settings.proxy_password_env
            )
        redact.register(password)
        proxy = Proxy(settings.proxy, settings.proxy_username, password)
    return Network(proxy, settings.no_proxy, settings.ca_file)


def ssl_context(base_ca: Path | None, extra_ca: Path | None, shared: bool = True) -> ssl.SSLContext:
    """A verifying TLS context: the system's CAs (or ``base_ca`` alone: the emulator's),
    plus ``extra_ca`` (network.ca_file) in addition.

    Made once per process for the same CA files as they are now (the key holds their size
    and time of change, and OpenSSL's variables naming the system's): loading the system's
    CAs is 20 ms of CPU, and each tenant asks three times (Okta, Graph, the token service).
    A context holds only what it trusts: a caller that adds a certificate of its own asks
    for a new one (``shared`` False: graph.py's token transport)."""
    if not shared:
        return _new_context(base_ca, extra_ca)
    system = None if base_ca else (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    key = (_file_key(base_ca), _file_key(extra_ca), system)
    with _CONTEXTS_LOCK:
        ctx = _CONTEXTS.get(key)
        if ctx is None:
            ctx = _CONTEXTS[key] = _new_context(base_ca, extra_ca)
        return ctx


def _new_context(base_ca: Path | None, extra_ca: Path | None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(base_ca) if base_ca else None)
    if extra_ca is not None:
        ctx.load_verify_locations(cafile=str(extra_ca))
    return ctx


_CONTEXTS: dict[tuple[Any, ...], ssl.SSLContext] = {}
_CONTEXTS_LOCK = threading.Lock()


def _file_key(path: Path | None) -> tuple[str, int, int] | None:
    """A CA file as the cache knows it: a file replaced or edited is loaded anew."""
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return (str(path), -1, -1)  # loading it raises, as it always did: never cached
    return (str(path), st.st_mtime_ns, st.st_size)
