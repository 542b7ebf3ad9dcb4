"""How the suite reaches a tenant's APIs when they are not at their public addresses.

``network.ca_file``: a PEM of CAs trusted in addition to the system's (a TLS-inspecting
proxy's CA, or the standalone emulator's). ``endpoints``: where the Okta API, Graph and the
Entra token service are reached when not at the org URL and the cloud's hosts (a private
gateway, or the standalone emulator); ``okta.org_url`` stays the org's identity, which the
checks judge against. Both are absent for a customer reached directly.

Minimal on this branch (the ``net`` branch's fuller version supersedes it: proxies).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from .fields import ORIGIN_RE, Strict, file_path


class Network(Strict):
    """How connections are made: the CAs trusted in addition to the system's."""

    ca_file: Path | None = Field(
        None,
        description="PEM of CAs trusted in addition to the system's (e.g. the standalone "
        "emulator's); relative to the tenant file.",
    )

    _path = field_validator("ca_file", mode="before")(file_path)


def _origin(url: str) -> str:
    like = "like https://127.0.0.1:8443"
    match = ORIGIN_RE.fullmatch(url)
    if not url.lower().startswith("https://") or match is None:
        raise ValueError(f"must be an https:// origin with no path, query or user ({like})")
    if match["port"] is not None and not 0 < int(match["port"]) < 65536:
        raise ValueError(f"has port {match['port']}, outside 1-65535 ({like})")
    return "https://" + url[len("https://") :].rstrip("/")


class EndpointOverrides(Strict):
    """Where each API is reached, when not at its public address (default: the public one)."""

    okta: str | None = Field(
        None, description="Where the Okta API is reached (default: okta.org_url)."
    )
    graph: str | None = Field(
        None, description="Graph's root, without /v1.0 (default: the cloud's Graph)."
    )
    login: str | None = Field(
        None, description="The Entra token service (default: the cloud's login host)."
    )

    _origins = field_validator("okta", "graph", "login")(
        lambda v: None if v is None else _origin(v)
    )
