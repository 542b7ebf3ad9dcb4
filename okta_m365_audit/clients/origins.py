"""Origins, not substrings: a credential goes only to the exact origin of its API.

An origin is (scheme, host, port) as RFC 6454 §4 defines it: the host compared without
case, a default port (443 for https, 80 for http) the same as none. A URL is held to the
origin of the API it was configured for, whatever it contains elsewhere: the okta SDK's own
test is a substring one (``orgUrl not in url``, okta/request_executor.py), so
``https://other.example/x?y=https://<org>`` passes it and gets the token.

What the network sends (next links, ``Location`` headers) is untrusted: a URL to another
origin is refused with ``OriginRefused`` before anything is sent to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int | None

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = DEFAULT_PORTS.get(self.scheme)
        port = "" if self.port is None or self.port == default else f":{self.port}"
        return f"{self.scheme}://{host}{port}"


def origin_of(url: Any) -> Origin | None:
    """The origin of a URL: a str (parsed as urllib does), or a yarl or httpx URL (the very
    object the HTTP client connects to, so no parser can disagree). None: it has none."""
    if isinstance(url, str):
        try:
            parts = urlsplit(url)
            scheme, host, port = parts.scheme, parts.hostname, parts.port
        except ValueError:  # a port that is not a number
            return None
    else:
        scheme, host, port = url.scheme, url.host, url.port
    if not scheme or not host:
        return None
    scheme = scheme.lower()
    return Origin(scheme, host.lower(), port or DEFAULT_PORTS.get(scheme))


def origin_text(url: Any) -> str:
    """How a refused URL's origin is named in a message."""
    found = origin_of(url)
    if found is not None:
        return str(found)
    text = str(url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return f"(no origin in {text[:80]!r})"
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"(no origin in {text[:80]!r})"


class OriginRefused(Exception):
    """A request (or a next link, or a redirect) to an origin its API was not configured
    with; raised before anything is sent there."""

    def __init__(self, what: str, target: str):
        super().__init__(f"{what} to another origin: {target}")
        self.what, self.target = what, target


class TokenRedirect(Exception):
    """A token endpoint answered with a redirect: never followed (a 307 re-POSTs the signed
    client_assertion or the client secret to wherever it points)."""

    def __init__(self, status: int, where: str, same: bool):
        super().__init__(
            f"the token endpoint answered {status}, a redirect to "
            f"{where if same else 'another origin: ' + where}; "
            "redirects are never followed on a token endpoint"
        )
        self.status = status


def redirect_target(url: str, location: str, own: Origin | None) -> tuple[str, bool]:
    """Where a ``Location`` points (resolved against the URL that answered), as a text for a
    message, and whether that is ``own``'s origin."""
    target = urljoin(url, location)
    same = origin_of(target) == own
    return (target.split("?", 1)[0] if same else origin_text(target)), same


def on_origin(base: str, origin: Origin, url: str, what: str = "request") -> str:
    """``url`` (a path, or an absolute URL) as an absolute URL on ``origin``, built on
    ``base``; raise OriginRefused for any other origin, before anything is sent."""
    if url.startswith("/") and not url.startswith("//"):
        return base + url
    if origin_of(url) != origin:
        raise OriginRefused(what, origin_text(url))
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    # rebuilt on the configured base: the okta SDK prefixes its org URL to any URL that
    # does not contain it verbatim (a host in other case, say)
    root = base.rstrip("/")
    return root.removesuffix(urlsplit(root).path) + path
