"""Certificates as the APIs carry them, compared as certificates whatever the encoding.

Okta's app keys carry each certificate as ``x5c[0]``: base64 DER without line breaks (RFC
7517 section 4.7; okta-management-openapi.yaml ``JsonWebKey.x5c``). Entra's
``internalDomainFederation.signingCertificate`` and ``nextSigningCertificate`` are "a Base64
encoded string of the public portion of the federated IdP's token signing certificate"
(Learn, internalDomainFederation resource type), and what an admin or a script wrote there
may keep its line breaks or even its PEM armour (RFC 7468). So a value is read as: PEM armour
removed where present, every whitespace removed, strict base64, then an X.509 DER
certificate; two values are the same certificate when their DER bytes are equal.

A value that is not a certificate (empty, not base64, not DER, several PEM blocks) raises
:class:`DataUnavailable` naming the field: the check ERRORs, it never passes nor fails on a
guess.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass
from dataclasses import field as _field
from functools import cached_property
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from .base import DataUnavailable

#: RFC 7468 section 2: "-----BEGIN CERTIFICATE-----" ... "-----END CERTIFICATE-----"
PEM_BLOCK = re.compile(
    r"-----BEGIN (?P<label>[A-Z0-9 ]+)-----(?P<body>.*?)-----END (?P=label)-----", re.S
)
_WHITESPACE = re.compile(r"\s+")


def certificate_der(value: Any) -> bytes | None:
    """The DER bytes of a certificate written as base64 DER (with or without line breaks)
    or PEM; None when ``value`` holds no single X.509 certificate."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    blocks = list(PEM_BLOCK.finditer(text))
    if blocks:
        outside = PEM_BLOCK.sub("", text).strip()
        if len(blocks) != 1 or blocks[0]["label"] != "CERTIFICATE" or outside:
            return None
        text = blocks[0]["body"]
    elif "-----" in text:  # armour cut short
        return None
    compact = _WHITESPACE.sub("", text)
    if not compact:
        return None
    try:
        der = base64.b64decode(compact, validate=True)
        x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError):
        return None
    return der


@dataclass(frozen=True, eq=False)
class Certificate:
    """One X.509 certificate, from an API value in any of the encodings above.

    >>> a = Certificate(tenant.active_certificate.b64)
    >>> wrapped = "\\n".join(a.b64[i : i + 64] for i in range(0, len(a.b64), 64))
    >>> Certificate(f"-----BEGIN CERTIFICATE-----\\n{wrapped}\\n-----END CERTIFICATE-----"
    ...             ).same_as(a)
    True
    """

    value: Any  #: as the API carried it
    #: what the value is, for the ERROR when it is no certificate ("contoso.com
    #: signingCertificate", "app key <kid> x5c[0]")
    what: str = "certificate"
    der: bytes = _field(init=False, repr=False)

    def __post_init__(self) -> None:
        der = certificate_der(self.value)
        if der is None:
            shown = repr(self.value)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise DataUnavailable(
                f"{self.what} is not a certificate (base64 DER or PEM expected): {shown}"
            )
        object.__setattr__(self, "der", der)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Certificate) and self.der == other.der

    def __hash__(self) -> int:
        return hash(self.der)

    @property
    def b64(self) -> str:
        """The certificate as base64 DER without line breaks (the x5c form)."""
        return base64.b64encode(self.der).decode()

    @cached_property
    def x509(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.der)

    @property
    def not_after(self) -> dt.datetime:
        return self.x509.not_valid_after_utc

    @property
    def subject(self) -> str:
        return self.x509.subject.rfc4514_string()

    @property
    def sha1(self) -> str:
        """The SHA-1 thumbprint, as Entra and Okta's console show it."""
        return self.x509.fingerprint(hashes.SHA1()).hex().upper()

    def same_as(self, other: Certificate) -> bool:
        """The same certificate: equal DER bytes, whatever either value's encoding."""
        return self.der == other.der

    def summary(self) -> dict[str, Any]:
        """Subject, SHA-1 thumbprint and expiry, as evidence shows a certificate."""
        return {"subject": self.subject, "sha1": self.sha1, "notAfter": self.not_after.isoformat()}


def key_certificate(key: dict[str, Any]) -> Certificate:
    """The certificate of an Okta JSON Web Key (``x5c[0]``); ERROR when it carries none."""
    x5c = key.get("x5c") or []
    if not x5c:
        raise DataUnavailable(f"key {key.get('kid')} has no x5c certificate")
    return Certificate(x5c[0], f"app key {key.get('kid')} x5c[0]")


def cert_summary(value: Any, what: str = "certificate") -> dict[str, Any]:
    """Subject, SHA-1 thumbprint and expiry of a certificate value ({} when there is
    none); DataUnavailable naming ``what`` when the value is not a certificate."""
    if value is None or value == "":
        return {}
    cert = value if isinstance(value, Certificate) else Certificate(value, what)
    return cert.summary()
