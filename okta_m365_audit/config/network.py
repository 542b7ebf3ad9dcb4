"""How a runner reaches the tenant's APIs: an explicit proxy, a CA bundle to trust, and where
each API is (``network:`` and ``endpoints:`` of a tenant file).

Runners at MSPs sit behind egress proxies and TLS-inspecting ones; a standalone emulator or
a sovereign endpoint sits elsewhere than the org URL and the cloud's hosts. Each of these is
stated in the tenant file (or by a run's flag), never picked up from the environment: a
proxy variable left in a shell must not silently route credentials through another host.

``okta.org_url`` stays the org's identity (what checks judge values against) whatever
``endpoints.okta`` says; only where requests go changes. Secrets stay references: the
proxy's password is the name of an environment variable.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pydantic import Field, ValidationInfo, field_validator

from ..core import redact
from .fields import ENV_NAME_RE, Strict, file_path, https_origin

_PROXY_LIKE = "like http://proxy.example:3128"


def proxy_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a proxy URL (None: it can): http:// or https://, a host, an
    optional port, no path, query or credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return f"is not a URL with a valid port ({_PROXY_LIKE})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"must be an http:// or https:// proxy URL ({_PROXY_LIKE}), not {parts.scheme!r}"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return (
            "must not hold credentials; put the user in network.proxy_username and the "
            "password's environment variable name in network.proxy_password_env"
        )
    if not parts.hostname:
        return f"has no host ({_PROXY_LIKE})"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"must have no path, query or fragment ({_PROXY_LIKE})"
    if port is not None and not 0 < port < 65536:
        return f"has port {port}, outside 1-65535 ({_PROXY_LIKE})"
    return None


def ca_file_problem(path: Path) -> str | None:
    """Why ``path`` is no usable CA bundle (None: it is): it must exist and hold PEM
    certificates only (a TLS context would otherwise fail later, in the middle of a run)."""
    from cryptography import x509

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return f"{path} does not exist"
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror})"
    if b"-----BEGIN CERTIFICATE-----" not in data:
        return f"{path} holds no PEM certificate"
    try:
        x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        return f"{path} is not a PEM bundle of certificates ({exc})"
    return None


def no_proxy_problem(entry: str) -> str | None:
    """Why a NO_PROXY entry is not one (None: it is): ``*``, a host or ``.suffix``, an
    optional ``:port``, an IP address, or a CIDR network."""
    if entry == "*":
        return None
    if "/" in entry:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return f"{entry!r} is not a CIDR network like 10.0.0.0/8"
        return None
    host = entry.strip("[]") if entry.startswith("[") else entry.rsplit(":", 1)[0]
    if entry.count(":") > 1 and not entry.startswith("["):  # a bare IPv6 address
        host = entry
    if not host or any(c.isspace() or c in "@?#," for c in host):
        return f"{entry!r} is not a host, .suffix, IP address, CIDR network or *"
    return None


class NetworkConfig(Strict):
    """How this tenant's APIs are reached: a proxy, hosts reached directly, a CA to trust.
    Each field set here wins over the run's flag of the same meaning (--proxy, --no-proxy,
    --ca-file)."""

    proxy: str | None = Field(
        None,
        description="Proxy for every API of this tenant: http:// or https:// URL with no "
        "path and no credentials (HTTPS goes through it with CONNECT, verified end to end).",
    )
    proxy_username: str | None = Field(None, min_length=1, description="Proxy user, if any.")
    proxy_password_env: str | None = Field(
        None, pattern=ENV_NAME_RE, description="Environment variable with the proxy's password."
    )
    no_proxy: tuple[str, ...] | None = Field(
        None,
        description="Hosts reached directly, NO_PROXY syntax: exact host, .suffix (or suffix), "
        "host:port, IP address, CIDR network, or *.",
    )
    ca_file: Path | None = Field(
        None,
        description="PEM bundle of CA certificates trusted in addition to the system's (a "
        "TLS-inspecting proxy's CA, an emulator's CA); relative to the tenant file.",
    )

    _path = field_validator("ca_file", mode="before")(file_path)

    @field_validator("proxy")
    @classmethod
    def _proxy(cls, url: str | None) -> str | None:
        if url is None:
            return None
        problem = proxy_url_problem(url)
        if problem:
            raise ValueError(problem)
        return url.rstrip("/")

    @field_validator("no_proxy")
    @classmethod
    def _no_proxy(cls, entries: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if entries is None:
            return None
        for entry in entries:
            problem = no_proxy_problem(entry.strip())
            if problem:
                raise ValueError(problem)
        return tuple(e.strip().lower() for e in entries if e.strip())

    @field_validator("proxy_password_env")
    @classmethod
    def _password_needs_user(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not info.data.get("proxy_username"):
            raise ValueError("needs network.proxy_username too (the user the password is for)")
        return value


_LIKE = "like https://127.0.0.1:8443"


class EndpointOverrides(Strict):
    """Where each API is reached, when not at the tenant's own hosts (a standalone emulator,
    a sovereign or private endpoint). The org URL and the cloud stay the tenant's identity."""

    okta: str | None = Field(
        None, description="Origin the Okta API is reached at (default: okta.org_url)."
    )
    graph: str | None = Field(
        None, description="Graph root without /v1.0 (default: the Graph of m365.cloud)."
    )
    login: str | None = Field(
        None,
        description="Origin of the Entra token service and home-realm discovery (default: "
        "the login host of m365.cloud).",
    )

    @field_validator("okta", "graph", "login")
    @classmethod
    def _origin(cls, url: str | None) -> str | None:
        return None if url is None else https_origin(url, _LIKE)


@dataclass(frozen=True)
class RunNetwork:
    """The run's own network settings (--proxy, --no-proxy, --ca-file, --proxy-from-env),
    the defaults of every tenant's ``network:``. Only --proxy-from-env reads the
    environment's https_proxy and no_proxy: a proxy is never used because a variable happens
    to be set."""

    proxy: str | None = None
    proxy_username: str | None = None
    #: a password that came with an https_proxy URL (--proxy-from-env); never printed
    proxy_password: str | None = field(default=None, repr=False)
    no_proxy: tuple[str, ...] = ()
    ca_file: Path | None = None

    @classmethod
    def from_options(
        cls,
        proxy: str | None,
        no_proxy: str | None,
        ca_file: str | None,
        from_env: bool,
        environ: Mapping[str, str],
    ) -> RunNetwork:
        """The flags as given (ValueError with a one-line message for a bad one); with
        ``from_env``, the environment's proxy and NO_PROXY where no flag is given."""
        username = password = None
        if from_env and proxy is None:
            found = _env(environ, "https_proxy")
            if found:
                proxy, username, password = _split_credentials(found)
                redact.register(password)  # never shown in a log, message or report
        if from_env and no_proxy is None:
            no_proxy = _env(environ, "no_proxy")
        if proxy is not None:
            problem = proxy_url_problem(proxy)
            if problem:
                source = "https_proxy (--proxy-from-env)" if username or from_env else "--proxy"
                raise ValueError(f"{source} {problem}")
        entries = tuple(e.strip().lower() for e in (no_proxy or "").split(",") if e.strip())
        for entry in entries:
            problem = no_proxy_problem(entry)
            if problem:
                raise ValueError(f"--no-proxy: {problem}")
        path = None
        if ca_file:
            path = Path(ca_file).resolve()
            problem = ca_file_problem(path)
            if problem:
                raise ValueError(f"--ca-file: {problem}; give a PEM file of CA certificates")
        return cls(proxy.rstrip("/") if proxy else None, username, password, entries, path)


def _env(environ: Mapping[str, str], name: str) -> str | None:
    """A proxy variable as curl reads it: the lower-case name first."""
    return environ.get(name) or environ.get(name.upper()) or None


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """An environment proxy URL without its credentials, and them (unquoted)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, None, None
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    bare = parts._replace(netloc=host).geturl()
    return bare, unquote(user) or None, unquote(password) if password else None


@dataclass(frozen=True)
class EffectiveNetwork:
    """One tenant's network settings: its ``network:`` field by field over the run's.
    ``proxy_password_env`` is still a reference; the client reads it (clients/network.py)."""

    proxy: str | None = None
    proxy_username: str | None = None
    proxy_password_env: str | None = None
    proxy_password: str | None = field(default=None, repr=False)
    no_proxy: tuple[str, ...] = ()
    ca_file: Path | None = None


def effective_network(
    declared: NetworkConfig | None, run: RunNetwork, resolve: Callable[[Path], Path]
) -> EffectiveNetwork:
    """The tenant file's ``network:`` wins over the run's flags, field by field (``resolve``:
    a path of the tenant file made absolute)."""
    mine = declared or NetworkConfig()
    own_proxy = mine.proxy is not None
    return EffectiveNetwork(
        proxy=mine.proxy if own_proxy else run.proxy,
        proxy_username=mine.proxy_username or (None if own_proxy else run.proxy_username),
        proxy_password_env=mine.proxy_password_env,
        # the environment's password goes with the environment's proxy only
        proxy_password=None if own_proxy or mine.proxy_password_env else run.proxy_password,
        no_proxy=mine.no_proxy if mine.no_proxy is not None else run.no_proxy,
        ca_file=resolve(mine.ca_file) if mine.ca_file is not None else run.ca_file,
    )
