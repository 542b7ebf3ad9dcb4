"""Deterministic identifiers and times: every id, GUID and timestamp of the demo tenant is
derived from a fixed label (SHA-256 or uuid5 in the demo namespace), never from the clock or
a random source, so the builder writes the same bytes on every run."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid

from okta_m365_audit.snapshot import document as snap

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://okta-m365-audit.invalid/tenants/demo")

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
OKTA_ID_SUFFIX = "0x7"  #: Okta ids end in a cell-specific suffix; this one is invented


def digest(label: str) -> bytes:
    """SHA-256 of a label in the demo's own space: the seed of every derived value."""
    return hashlib.sha256(f"okta-m365-audit demo:{label}".encode()).digest()


def number(label: str, modulo: int) -> int:
    """A stable pseudo-random number in [0, modulo) for a label."""
    return int.from_bytes(digest(label)[:8], "big") % modulo


def guid(label: str) -> str:
    """A stable GUID for a label (uuid5 in the demo namespace)."""
    return str(uuid.uuid5(NAMESPACE, label))


def okta_id(prefix: str, label: str) -> str:
    """A 20-character Okta id: 3-character type prefix, 14 characters, cell suffix."""
    n = int.from_bytes(digest(f"{prefix}:{label}"), "big")
    chars = []
    for _ in range(20 - len(prefix) - len(OKTA_ID_SUFFIX)):
        n, r = divmod(n, len(_B62))
        chars.append(_B62[r])
    return prefix + "".join(chars) + OKTA_ID_SUFFIX


def hex_id(label: str, length: int = 32) -> str:
    return digest(label).hex()[:length]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def at(text: str) -> dt.datetime:
    """A UTC time written as ISO 8601 without zone, e.g. "2026-04-14T09:12:31"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def okta_time(t: dt.datetime) -> str:
    return snap.iso_z(t)


def graph_time(t: dt.datetime) -> str:
    """Graph directory timestamps: whole seconds, "Z"."""
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def graph_time_7(t: dt.datetime, label: str) -> str:
    """Graph timestamps with 100 ns precision (appRoleAssignment.createdDateTime)."""
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{number(label, 10**7):07d}Z"


def jitter(t: dt.datetime, label: str, seconds: int) -> dt.datetime:
    return t + dt.timedelta(seconds=number(label, seconds))


def time_uuid(t: dt.datetime, label: str) -> str:
    """A version-1 UUID for time t, as Okta gives System Log events."""
    ticks = int((t - dt.datetime(1582, 10, 15, tzinfo=dt.UTC)).total_seconds() * 10**7)
    ticks += number(label, 10**4)
    clock_seq = 0x8000 | number(f"clock:{label}", 0x3FFF)
    node = int.from_bytes(digest("log node")[:6], "big")
    return str(
        uuid.UUID(
            fields=(
                ticks & 0xFFFFFFFF,
                (ticks >> 32) & 0xFFFF,
                ((ticks >> 48) & 0x0FFF) | 0x1000,
                clock_seq >> 8,
                clock_seq & 0xFF,
                node,
            )
        )
    )
