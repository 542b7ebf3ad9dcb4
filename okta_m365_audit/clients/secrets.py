"""The tenant's credentials, read only when a client is built, and registered with the
redactor the moment they are read (so no log, message or report can show them)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ..config import OktaPrivateKeyAuth, TenantConfig
from ..core import redact
from ..core.errors import ConfigError

#: held while the okta SDK's client is built (okta_sdk.py): the build hides the process's
#: OKTA_* variables, which a tenant's secret may be named like, for that moment
ENVIRONMENT_LOCK = threading.RLock()


def _secret_from_env(cfg: TenantConfig, fieldname: str, var: str) -> str:
    with ENVIRONMENT_LOCK:  # never read while another thread's SDK build hides it
        value = os.environ.get(var)
    if not value:
        raise ConfigError(
            str(cfg.source_file),
            fieldname,
            f"environment variable {var} is not set (or empty)",
            f"export {var}=<the secret> in the environment that runs the suite; "
            "never write the value into the YAML",
        )
    redact.register(value)  # never shown in a log, message or report
    return value


def _read_file(cfg: TenantConfig, fieldname: str, path: Path) -> bytes:
    full = cfg.resolve(path)
    try:
        data = full.read_bytes()
    except OSError as exc:
        raise ConfigError(
            str(cfg.source_file),
            fieldname,
            f"cannot read {full} ({exc.strerror})",
            "check the path (relative paths start at the tenant file's folder) and permissions",
        ) from None
    redact.register(data)  # key material: its private blocks are never shown
    return data


def okta_private_key(cfg: TenantConfig, auth: OktaPrivateKeyAuth) -> str:
    """The service app's private key as PEM text (JWK JSON files are converted)."""
    from cryptography.hazmat.primitives import serialization

    raw = _read_file(cfg, "okta.auth.private_key_file", auth.private_key_file)
    cached = _PEM_OF.get(raw)
    if cached is not None:  # the same key read again (the emulator's registration, a client)
        return cached
    try:
        if raw.lstrip().startswith(b"{"):
            import jwt

            key = jwt.algorithms.RSAAlgorithm.from_jwk(raw.decode())
        else:
            # the SDK checks the key's consistency when it signs with it (30 ms a check)
            key = serialization.load_pem_private_key(
                raw, password=None, unsafe_skip_rsa_key_validation=True
            )
    except Exception as exc:
        raise ConfigError(
            str(cfg.source_file),
            "okta.auth.private_key_file",
            f"not an unencrypted RSA private key in PEM or JWK form ({type(exc).__name__})",
            "export the service app's private key as PEM (PKCS#8) or JWK JSON",
        ) from None
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    redact.register(pem)
    _PEM_OF[raw] = pem
    return pem


#: the key file's bytes -> its PEM, for the life of the process: each key is parsed once
_PEM_OF: dict[bytes, str] = {}


def check_certificate(cfg: TenantConfig, data: bytes, password: str | None) -> None:
    """The Graph app's certificate file holds a certificate and its private key."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key, pkcs12

    pw = password.encode() if password else None
    try:
        if b"-----BEGIN" in data:
            x509.load_pem_x509_certificate(data)
            # azure-identity checks the key's consistency when it loads it
            load_pem_private_key(data, password=pw, unsafe_skip_rsa_key_validation=True)
        else:
            pkcs12.load_key_and_certificates(data, pw)
    except Exception as exc:
        raise ConfigError(
            str(cfg.source_file),
            "m365.auth.certificate_file",
            f"must hold the certificate and its private key ({type(exc).__name__})",
            "use a PEM with both the CERTIFICATE and PRIVATE KEY blocks, or a .pfx "
            "(with certificate_password_env when it is encrypted)",
        ) from None
