"""A self-signed X.509 certificate: what the emulator, the anonymizer, the demo builder and
the tests each make for a stand-in credential (the Graph app's certificate, an IdP signing
certificate), built one way.

Imports nothing of the package: every stage may use it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID


def self_signed(
    key: Any,
    subject: str | x509.Name,
    not_before: dt.datetime,
    not_after: dt.datetime,
    serial: int | None = None,
    extensions: tuple[tuple[x509.ExtensionType, bool], ...] = (),
) -> x509.Certificate:
    """A certificate of ``key``'s public key, issued by itself (``subject`` a common name or
    a whole name), valid from ``not_before`` to ``not_after``, signed with SHA-256;
    ``extensions``: (value, critical) pairs."""
    name = (
        subject
        if isinstance(subject, x509.Name)
        else x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number() if serial is None else serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    for value, critical in extensions:
        builder = builder.add_extension(value, critical)
    return builder.sign(key, hashes.SHA256())
