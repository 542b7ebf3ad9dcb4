"""Key material: the Okta API service app's key pair, the Entra app's certificate and the
Office 365 app's signing certificates (loaded when present under tenants/demo/, generated
when missing), and the JWK fields the snapshot publishes for them."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from okta_m365_audit.core.certs import self_signed

from .facts import AS_OF, DEMO, KEY_ROTATED, O365_APP_CREATED, OKTA_SUBDOMAIN
from .ids import b64url

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----\n?", re.S)


def _private_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def okta_service_key() -> rsa.RSAPrivateKey:
    """The demo Okta API service app's key pair (private_key_jwt)."""
    path = DEMO / "okta-service-app.pem"
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    else:
        key = _new_key()
        path.write_bytes(_private_pem(key))
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (DEMO / "okta-service-app.pub.pem").write_bytes(public)
    return key


def graph_app_certificate() -> x509.Certificate:
    """The Entra app registration's certificate credential: certificate + key, one PEM."""
    path = DEMO / "graph-app.pem"
    if path.exists():
        return x509.load_pem_x509_certificate(path.read_bytes())
    key = _new_key()
    start = AS_OF - dt.timedelta(days=365)
    not_ca = (x509.BasicConstraints(ca=False, path_length=None), True)
    cert = self_signed(key, "okta-m365-audit demo Graph app", start,
                       start + dt.timedelta(days=3652), extensions=(not_ca,))  # fmt: skip
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + _private_pem(key))
    return cert


#: The Office 365 app's signing keys: (label, created). The last one is active.
SIGNING_KEYS = (("original", O365_APP_CREATED), ("rotated", KEY_ROTATED))


def _okta_signing_certificate(key: rsa.RSAPrivateKey, created: dt.datetime) -> x509.Certificate:
    """A certificate shaped like Okta's app signing certificates (10 years, serial = ms)."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "California"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "San Francisco"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Okta"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "SSOProvider"),
            x509.NameAttribute(NameOID.COMMON_NAME, OKTA_SUBDOMAIN),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, "info@okta.com"),
        ]
    )
    valid = (created - dt.timedelta(minutes=1), created.replace(year=created.year + 10))
    return self_signed(key, name, *valid, int(created.timestamp() * 1000))


def okta_signing_certificates() -> list[x509.Certificate]:
    """The app's signing certificates, stored as certificate + private key pairs."""
    path = DEMO / "okta-app-signing-keys.pem"
    if path.exists():
        blocks = [m.group(0) for m in _PEM_BLOCK.finditer(path.read_bytes())]
        certs = [x509.load_pem_x509_certificate(b) for b in blocks if b"CERTIFICATE" in b[:30]]
        if len(certs) == len(SIGNING_KEYS):
            return certs
        raise SystemExit(
            f"{path}: expected {len(SIGNING_KEYS)} certificates; delete it to regenerate"
        )
    certs, out = [], b""
    for _label, created in SIGNING_KEYS:
        key = _new_key()
        cert = _okta_signing_certificate(key, created)
        certs.append(cert)
        out += cert.public_bytes(serialization.Encoding.PEM) + _private_pem(key)
    path.write_bytes(out)
    return certs


def jwk_fields(cert: x509.Certificate) -> dict[str, str]:
    """kid (RFC 7638 thumbprint), x5c, x5t#S256, e and n of a signing certificate."""
    der = cert.public_bytes(serialization.Encoding.DER)
    numbers = cert.public_key().public_numbers()

    def _b(n: int) -> str:
        return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))

    e, n = _b(numbers.e), _b(numbers.n)
    thumbprint = json.dumps({"e": e, "kty": "RSA", "n": n}, separators=(",", ":"))
    return {
        "kid": b64url(hashlib.sha256(thumbprint.encode()).digest()),
        "x5c": base64.b64encode(der).decode(),
        "x5t#S256": b64url(hashlib.sha256(der).digest()),
        "e": e,
        "n": n,
    }
