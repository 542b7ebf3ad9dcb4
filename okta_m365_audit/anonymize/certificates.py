"""Certificates re-issued under pseudonyms, and the JWK fields derived from them.

A certificate names its holder (subject, issuer, alternative names) and its key is a
fingerprint of the tenant, so it cannot stay. It is re-issued: same validity (FED-05 and
ORG-03 judge expiry), same key type and size, same serial-number length, same signature
hash, subject and issuer pseudonymised attribute by attribute, SAN entries mapped, key
identifiers recomputed. The same original certificate always becomes the same new one,
so FED-04 (Entra's certificate equals Okta's active key) keeps its verdict; so does the
same original *key* (two certificates of one key keep sharing a key).

Keys are derived from the salt and the original public key, not drawn from the OS, so one
salt gives byte-identical output: RSA primes are searched from an HMAC stream (Miller-Rabin
with bases from the same stream), EC scalars and Ed25519/Ed448 seeds are taken from it, and
signatures are deterministic (PKCS#1 v1.5, RFC 6979 ECDSA, EdDSA). Keys are cached per
process by (salt, original key), since a 2048-bit search costs a few hundred ms.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

from ..views.certificates import certificate_der
from .identities import Identities

_SMALL_PRIMES = [p for p in range(3, 4000) if all(p % d for d in range(2, int(p**0.5) + 1))]
_KEYS: dict[tuple[bytes, bytes], Any] = {}  #: (salt key, original SPKI digest) -> new key

#: Subject/issuer attributes kept as they are (a country is not a holder).
_KEEP_ATTRIBUTES = {NameOID.COUNTRY_NAME}


def _stream(seed: bytes) -> Callable[[int], bytes]:
    counter = [0]

    def take(size: int) -> bytes:
        out = b""
        while len(out) < size:
            out += hashlib.sha256(seed + counter[0].to_bytes(8, "big")).digest()
            counter[0] += 1
        return out[:size]

    return take


def _probably_prime(n: int, take: Callable[[int], bytes], rounds: int) -> bool:
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(rounds):
        a = 2 + int.from_bytes(take(len(str(n))), "big") % (n - 3)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int, e: int, take: Callable[[int], bytes]) -> int:
    while True:
        n = int.from_bytes(take((bits + 7) // 8), "big") >> (-bits % 8)
        n |= (3 << (bits - 2)) | 1  # two top bits: p*q has exactly 2*bits bits
        if any(n % p == 0 for p in _SMALL_PRIMES) or (n - 1) % e == 0:
            continue
        if _probably_prime(n, take, 1) and _probably_prime(n, take, 24):
            return n


def _rsa_key(bits: int, e: int, seed: bytes) -> rsa.RSAPrivateKey:
    take = _stream(seed)
    p = _prime(bits - bits // 2, e, take)
    q = _prime(bits // 2, e, take)
    while q == p:
        q = _prime(bits // 2, e, take)
    n, phi = p * q, (p - 1) * (q - 1)
    d = pow(e, -1, phi)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, n)
    )
    return numbers.private_key(unsafe_skip_rsa_key_validation=True)


def derived_key(salt_key: bytes, public_key: Any) -> Any:
    """The new private key standing for ``public_key``: same type and size."""
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    cache_key = (salt_key, hashlib.sha256(spki).digest())
    if cache_key in _KEYS:
        return _KEYS[cache_key]
    seed = hashlib.sha256(salt_key + b"\0key\0" + spki).digest()
    if isinstance(public_key, rsa.RSAPublicKey):
        numbers = public_key.public_numbers()
        key: Any = _rsa_key(public_key.key_size, numbers.e, seed)
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        size = public_key.curve.key_size
        scalar = int.from_bytes(_stream(seed)((size + 7) // 8 + 8), "big") >> (64 + 1 - size % 8)
        key = ec.derive_private_key(max(scalar % (1 << (size - 1)), 1), public_key.curve)
    elif isinstance(public_key, ed25519.Ed25519PublicKey):
        key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    elif isinstance(public_key, ed448.Ed448PublicKey):
        key = ed448.Ed448PrivateKey.from_private_bytes(_stream(seed)(57))
    else:  # DSA and the like: an RSA key of the common size, said in the README
        key = _rsa_key(2048, 65537, seed)
    _KEYS[cache_key] = key
    return key


def jwk_thumbprint(public_key: Any) -> str | None:
    """RFC 7638 SHA-256 thumbprint (Okta's kid), base64url; None for other key types."""
    if isinstance(public_key, rsa.RSAPublicKey):
        numbers = public_key.public_numbers()
        members = {"e": _b64int(numbers.e), "kty": "RSA", "n": _b64int(numbers.n)}
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        numbers = public_key.public_numbers()
        size = (public_key.curve.key_size + 7) // 8
        crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
        members = {
            "crv": crv.get(public_key.curve.name, public_key.curve.name), "kty": "EC",
            "x": _b64(numbers.x.to_bytes(size, "big")), "y": _b64(numbers.y.to_bytes(size, "big")),
        }  # fmt: skip
    else:
        return None
    return _b64(hashlib.sha256(json.dumps(members, separators=(",", ":")).encode()).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64int(n: int) -> str:
    return _b64(n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big"))


def load_b64(value: str) -> x509.Certificate | None:
    """The certificate a string holds (x5c, signingCertificate), or None: base64 DER with
    or without line breaks or PEM armour, read as the checks read it
    (views/certificates.py), so a certificate in any encoding is re-issued and FED-04 keeps
    its verdict. The re-issued one is written as base64 DER."""
    if "MII" not in value[:40] or len(value) < 200:
        return None
    der = certificate_der(value)
    return x509.load_der_x509_certificate(der) if der is not None else None


class Certificates:
    """Re-issues the certificates of one run; see the module docstring."""

    def __init__(self, identities: Identities):
        self.ids = identities
        self.salt_key = identities.p.key
        self.reissued: dict[bytes, x509.Certificate] = {}  #: original DER -> new

    def reissue_b64(self, value: str) -> str | None:
        """The new certificate of a base64 DER string, or None when it holds none."""
        cert = load_b64(value)
        if cert is None:
            return None
        new = self.safe_reissue(cert)
        if new is None:
            return None
        return base64.b64encode(new.public_bytes(serialization.Encoding.DER)).decode()

    def safe_reissue(self, cert: x509.Certificate) -> x509.Certificate | None:
        """:meth:`reissue`, or None when cryptography cannot rebuild the certificate (an
        extension or a key it cannot parse): the caller then maps it as an opaque string."""
        try:
            return self.reissue(cert)
        except (ValueError, TypeError):
            return None

    def reissue(self, cert: x509.Certificate) -> x509.Certificate:
        der = cert.public_bytes(serialization.Encoding.DER)
        if der in self.reissued:
            return self.reissued[der]
        key = derived_key(self.salt_key, cert.public_key())
        subject = self.name(cert.subject)
        issuer = self.name(cert.issuer)
        signer = key
        if cert.issuer != cert.subject:  # CA-issued: signed by a stand-in of the CA
            signer = issuer_key(self.salt_key, cert.issuer)
        serial_bits = max(cert.serial_number.bit_length(), 1)
        serial = int.from_bytes(
            hashlib.sha256(self.salt_key + b"\0serial\0" + der).digest() * 4, "big"
        ) % (1 << serial_bits) | (1 << (serial_bits - 1))
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(cert.not_valid_before_utc)
            .not_valid_after(cert.not_valid_after_utc)
        )
        for ext in cert.extensions:
            value = self._extension(ext.value, key, signer)
            if value is not None:
                builder = builder.add_extension(value, ext.critical)
        algorithm = cert.signature_hash_algorithm
        if isinstance(signer, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
            algorithm = None
        elif algorithm is None or isinstance(algorithm, hashes.SHA1 | hashes.MD5):
            algorithm = hashes.SHA256()  # cryptography refuses to sign with them
        kwargs = (
            {"ecdsa_deterministic": True} if isinstance(signer, ec.EllipticCurvePrivateKey) else {}
        )
        new = builder.sign(signer, algorithm, **kwargs)
        self.reissued[der] = new
        return new

    def name(self, name: x509.Name) -> x509.Name:
        rdns = []
        for rdn in name.rdns:
            attributes = []
            for attr in rdn:
                value = attr.value if isinstance(attr.value, str) else attr.value.hex()
                if attr.oid not in _KEEP_ATTRIBUTES:
                    value = self._attribute(attr.oid, value)
                attributes.append(x509.NameAttribute(attr.oid, value, _type=attr._type))
            rdns.append(x509.RelativeDistinguishedName(attributes))
        return x509.Name(rdns)

    def _attribute(self, oid: x509.ObjectIdentifier, value: str) -> str:
        if oid == NameOID.EMAIL_ADDRESS or "@" in value:
            return self.ids.email(value)
        if oid == NameOID.COMMON_NAME and "." in value and " " not in value:
            return self.ids.domain(value)
        return self.ids.words(value)

    def _extension(self, value: Any, key: Any, signer: Any) -> Any:
        if isinstance(value, x509.BasicConstraints | x509.KeyUsage | x509.ExtendedKeyUsage):
            return value
        if isinstance(value, x509.SubjectKeyIdentifier):
            return x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        if isinstance(value, x509.AuthorityKeyIdentifier):
            return x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key())
        if isinstance(value, x509.SubjectAlternativeName):
            names = [n for g in value if (n := self._general_name(g)) is not None]
            return x509.SubjectAlternativeName(names) if names else None
        return None  # anything else could name the holder: dropped

    def _general_name(self, name: x509.GeneralName) -> x509.GeneralName | None:
        if isinstance(name, x509.DNSName):
            wildcard = name.value.startswith("*.")
            host = self.ids.domain(name.value[2:] if wildcard else name.value)
            return x509.DNSName(("*." if wildcard else "") + host)
        if isinstance(name, x509.RFC822Name):
            return x509.RFC822Name(self.ids.email(name.value))
        if isinstance(name, x509.UniformResourceIdentifier):
            return x509.UniformResourceIdentifier(self.ids.url(name.value))
        if isinstance(name, x509.IPAddress):
            return x509.IPAddress(ipaddress.ip_address(self.ids.p.ip(str(name.value))))
        if isinstance(name, x509.DirectoryName):
            return x509.DirectoryName(self.name(name.value))
        return None  # an OtherName (a smart card's UPN...), a RegisteredID: dropped

    # --- JWKs (Okta app keys) ---

    def jwk(self, key: dict[str, Any], rewrite: Callable[[str, Any], Any]) -> dict[str, Any]:
        """An Okta JWK with x5c: the certificate re-issued, and n/e (or x/y), kid,
        x5t#S256 and x5t recomputed where the original derived them from it; other
        fields through ``rewrite(field, value)``."""
        x5c = key.get("x5c")
        first = (
            load_b64(x5c[0]) if isinstance(x5c, list) and x5c and isinstance(x5c[0], str) else None
        )
        new = self.safe_reissue(first) if first is not None else None
        if first is None or new is None:
            return {k: rewrite(k, v) for k, v in key.items()}
        old_der = first.public_bytes(serialization.Encoding.DER)
        new_der = new.public_bytes(serialization.Encoding.DER)
        out: dict[str, Any] = {}
        for field, value in key.items():
            if field == "x5c":
                out[field] = [rewrite("x5c", c) for c in value]
            elif field == "x5t#S256" and value == _b64(hashlib.sha256(old_der).digest()):
                out[field] = _b64(hashlib.sha256(new_der).digest())
            elif field == "x5t" and value == _b64(hashlib.sha1(old_der).digest()):
                out[field] = _b64(hashlib.sha1(new_der).digest())
            elif field in ("n", "e", "x", "y", "crv") and isinstance(value, str):
                out[field] = _jwk_member(new.public_key(), field, value)
            else:
                out[field] = rewrite(field, value)
        return out

    def kid_for(self, key: dict[str, Any]) -> str | None:
        """The new kid of a JWK whose kid is its key's RFC 7638 thumbprint, else None."""
        x5c = key.get("x5c")
        first = (
            load_b64(x5c[0]) if isinstance(x5c, list) and x5c and isinstance(x5c[0], str) else None
        )
        if first is None or key.get("kid") != jwk_thumbprint(first.public_key()):
            return None
        new = self.safe_reissue(first)
        return jwk_thumbprint(new.public_key()) if new is not None else None


def _jwk_member(public_key: Any, field: str, original: str) -> str:
    if isinstance(public_key, rsa.RSAPublicKey) and field in ("n", "e"):
        return _b64int(getattr(public_key.public_numbers(), field))
    if isinstance(public_key, ec.EllipticCurvePublicKey) and field in ("x", "y"):
        size = (public_key.curve.key_size + 7) // 8
        return _b64(getattr(public_key.public_numbers(), field).to_bytes(size, "big"))
    return original


def issuer_key(salt_key: bytes, issuer: x509.Name) -> rsa.RSAPrivateKey:
    """The key that signs in place of a CA: RSA 2048 per issuer name (cached)."""
    cache_key = (salt_key, hashlib.sha256(b"issuer\0" + issuer.public_bytes()).digest())
    if cache_key not in _KEYS:
        seed = hashlib.sha256(salt_key + b"\0issuer\0" + issuer.public_bytes()).digest()
        _KEYS[cache_key] = _rsa_key(2048, 65537, seed)
    return _KEYS[cache_key]
