"""Register a tenant's credentials with the emulator, as an admin registers them for real.

For private_key_jwt the emulator learns the public half of the service app's key (Okta's
"Public keys" of the app) and whether the app requires DPoP, as ``okta.auth.dpop`` says (a
test registers the opposite to see the two disagree); for a Graph certificate, the
certificate (Entra's "Certificates & secrets"); for secrets, the value from the same
environment variable the suite reads.
The emulator then verifies what the SDKs send against these, so a wrong key fails as it
would against the real service.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ..clients import _read_file, _secret_from_env, okta_private_key
from ..clients.okta_sdk import signing_key
from ..config import (
    GRAPH_READ_PERMISSIONS,
    OKTA_READ_SCOPES,
    GraphCertificateAuth,
    GraphClientSecretAuth,
    OktaPrivateKeyAuth,
    TenantConfig,
)
from ..core.errors import ConfigError
from .tokens import GraphApp, OktaServiceApp, Registrations


def registrations_for(cfg: TenantConfig) -> Registrations:
    reg = Registrations()
    backend = cfg.emulator
    scopes = OKTA_READ_SCOPES
    perms = GRAPH_READ_PERMISSIONS
    if backend and backend.granted_okta_scopes is not None:
        scopes = backend.granted_okta_scopes
    if backend and backend.granted_graph_permissions is not None:
        perms = backend.granted_graph_permissions

    auth = cfg.okta.auth
    if isinstance(auth, OktaPrivateKeyAuth):
        private = signing_key(okta_private_key(cfg, auth))  # parsed once a run, shared
        public = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        reg.okta_apps[auth.client_id] = OktaServiceApp(
            auth.client_id, public, tuple(scopes), requires_dpop=auth.dpop
        )
    else:
        token = _secret_from_env(cfg, "okta.auth.token_env", auth.token_env)
        reg.okta_api_tokens[token] = "audit token"

    gauth = cfg.m365.auth
    if isinstance(gauth, GraphCertificateAuth):
        data = _read_file(cfg, "m365.auth.certificate_file", gauth.certificate_file)
        cert = x509.load_pem_x509_certificate(data)
        reg.graph_apps[gauth.client_id] = GraphApp(
            gauth.client_id,
            tuple(perms),
            certificate_pem=cert.public_bytes(serialization.Encoding.PEM),
        )
    elif isinstance(gauth, GraphClientSecretAuth):
        secret = _secret_from_env(cfg, "m365.auth.client_secret_env", gauth.client_secret_env)
        reg.graph_apps[gauth.client_id] = GraphApp(gauth.client_id, tuple(perms), secret=secret)
    else:
        raise ConfigError(
            str(cfg.source_file),
            "m365.auth.method",
            "default_credential cannot be used with the emulator (it has no managed identity)",
            "use method certificate or client_secret for an emulated tenant",
        )
    return reg
