"""The two token services: Okta's /oauth2/v1/token (private_key_jwt, DPoP for an app that
requires it: dpop.py) and Entra's v2.0 token endpoint (client secret or certificate), plus the
registrations they check credentials against.

Access tokens are JWTs signed with the emulator's own key; the API routes verify them and
read the granted Okta scopes (``scp``) or Graph application permissions (``roles``), and a
DPoP-bound token's key thumbprint (``cnf.jkt``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..clients.endpoints import CLOUDS, Cloud
from ..config import GRAPH_READ_PERMISSIONS, OKTA_READ_SCOPES
from . import errors
from .appkeys import BASE_URL, TENANT_ID
from .dpop import DPoPVerifier

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: every cloud's Graph resource: a scope naming one of another cloud is refused as that
#: cloud's token service refuses it (invalid_resource), not as a malformed scope
GRAPH_AUDIENCES = tuple(c.graph for c in CLOUDS.values())
TOKEN_LIFETIME_S = 3600


def scopes_not_allowed(refused: list[str]) -> str:
    """Okta's refusal of scopes the app was not granted. The text Okta was seen to send live
    for one scope is "The following scopes are not allowed for this request: [task.dispatch]."
    (a custom authorization server: oktaforai-okta/fleetops-bifrost-demo README, "What is
    proven, live"); the org authorization server's text and the separator between several
    scopes are unconfirmed (the client parses defensively: clients/okta_token.py)."""
    return f"The following scopes are not allowed for this request: [{', '.join(refused)}]."


@dataclass
class OktaServiceApp:
    client_id: str
    public_key_pem: bytes
    granted_scopes: tuple[str, ...] = OKTA_READ_SCOPES
    #: "Require Demonstrating Proof of Possession (DPoP) header in token requests" (dpop.py)
    requires_dpop: bool = False


@dataclass
class GraphApp:
    client_id: str
    granted_permissions: tuple[str, ...] = GRAPH_READ_PERMISSIONS
    secret: str | None = None
    certificate_pem: bytes | None = None  #: the public certificate registered on the app


@dataclass
class Registrations:
    """The credentials the emulated services know, as an admin would have registered them."""

    okta_apps: dict[str, OktaServiceApp] = field(default_factory=dict)
    okta_api_tokens: dict[str, str] = field(default_factory=dict)  #: token -> its name
    graph_apps: dict[str, GraphApp] = field(default_factory=dict)


class TokenAuthority:
    """Issues and verifies the emulator's access tokens."""

    def __init__(self, registrations: Registrations, cloud: Cloud = CLOUDS["global"]):
        """``cloud``: the emulated tenant's cloud, whose shapes the Entra token service
        serves (issuer, ``cloud_instance_name``, ``msgraph_host``) and whose Graph alone its
        tokens are for."""
        self.reg = registrations
        self.cloud = cloud
        # the signing key (RS256, as Okta's and Entra's tokens are) is made on a thread while
        # the emulator starts serving: OpenSSL releases the GIL, and 0.1-0.2 s of every
        # emulated tenant's start would otherwise hold up the run that waits for it
        self._making = ThreadPoolExecutor(1).submit(
            rsa.generate_private_key, public_exponent=65537, key_size=2048
        )
        self._seen_jti: set[str] = set()
        self.dpop = DPoPVerifier()

    @property
    def _key(self) -> rsa.RSAPrivateKey:
        return self._making.result()

    def issue(self, claims: dict[str, Any]) -> str:
        now = int(time.time())
        body = {"iat": now, "nbf": now, "exp": now + TOKEN_LIFETIME_S, "jti": uuid.uuid4().hex}
        return jwt.encode(body | claims, self._key, algorithm="RS256", headers={"kid": "emu"})

    def verify(self, token: str, audience: str | tuple[str, ...]) -> dict[str, Any] | None:
        try:
            return jwt.decode(
                token, self._key.public_key(), algorithms=["RS256"], audience=audience
            )
        except jwt.PyJWTError:
            return None

    # --- Okta ---

    async def okta_token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("grant_type") != "client_credentials":
            return errors.oauth_error(
                400, "unsupported_grant_type", "The grant type is not supported by this server."
            )
        if form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE or not form.get(
            "client_assertion"
        ):
            return errors.oauth_error(
                401,
                "invalid_client",
                "Client authentication failed: a client_assertion "
                "(private_key_jwt) is required for this client.",
            )
        assertion = str(form["client_assertion"])
        try:
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            return errors.oauth_error(401, "invalid_client", "The client_assertion is malformed.")
        app = self.reg.okta_apps.get(str(unverified.get("iss")))
        if app is None:
            return errors.oauth_error(
                401, "invalid_client", "The client_assertion token has an invalid issuer."
            )
        token_url = f"{request.app[BASE_URL]}/oauth2/v1/token"
        try:
            claims = jwt.decode(
                assertion,
                app.public_key_pem,
                algorithms=["RS256", "RS384", "RS512", "ES256"],
                audience=token_url,
                options={"require": ["exp", "iat", "iss", "sub", "aud", "jti"]},
            )
        except jwt.InvalidAudienceError:
            return errors.oauth_error(
                401,
                "invalid_client",
                "The audience claim for client_assertion must be the "
                "endpoint invoked for the request.",
            )
        except jwt.InvalidSignatureError:
            return errors.oauth_error(
                401, "invalid_client", "The client_assertion signature is invalid."
            )
        except jwt.PyJWTError as exc:
            return errors.oauth_error(
                401, "invalid_client", f"The client_assertion is invalid: {exc}"
            )
        if claims["sub"] != claims["iss"]:
            return errors.oauth_error(
                401, "invalid_client", "The client_assertion sub claim must equal its iss."
            )
        if claims["jti"] in self._seen_jti:
            return errors.oauth_error(
                401, "invalid_client", "The client_assertion token has already been used."
            )
        self._seen_jti.add(claims["jti"])  # consumed even when DPoP refuses (okta/oauth.py)
        jkt = self.dpop.token_request(request) if app.requires_dpop else None
        if isinstance(jkt, web.Response):
            return jkt
        # an app that does not require DPoP: any proof is ignored and the token is Bearer
        # (unconfirmed; the okta SDK expects that answer: okta/oauth.py warns "DPoP was
        # enabled but server returned Bearer token")
        requested = str(form.get("scope", "")).split()
        if not requested:
            return errors.oauth_error(
                400,
                "invalid_scope",
                "The authorization server resource "
                "does not have any configured default scopes, 'scope' "
                "must be provided.",
            )
        refused = [s for s in requested if s not in app.granted_scopes]
        if refused:
            return errors.oauth_error(400, "invalid_scope", scopes_not_allowed(refused))
        claims = {"iss": request.app[BASE_URL], "aud": request.app[BASE_URL],
                  "cid": app.client_id, "sub": app.client_id, "scp": requested}  # fmt: skip
        if jkt is not None:
            claims["cnf"] = {"jkt": jkt}
        return web.json_response(
            {
                "token_type": "DPoP" if jkt else "Bearer",
                "expires_in": TOKEN_LIFETIME_S,
                "access_token": self.issue(claims),
                "scope": " ".join(requested),
            },
            headers={"DPoP-Nonce": self.dpop.nonce} if jkt else None,
        )

    # --- Entra ---

    async def entra_openid(self, request: web.Request) -> web.Response:
        """The v2.0 openid-configuration of the tenant's cloud. Hosts are the emulator's
        (it stands in for the cloud's login host); the cloud's names are the real ones.
        Fields as in a recorded global answer (panva/wellknown issuers/entra-common);
        ``cloud_instance_name`` per cloud from Graph's crossCloudAzureActiveDirectoryTenant
        docs; ``msgraph_host`` per cloud from Graph's national-cloud page (for usgov and
        china as served by Entra: unconfirmed)."""
        tenant = request.match_info["tenant"]
        base = request.app[BASE_URL]
        return web.json_response(
            {
                "token_endpoint": f"{base}/{tenant}/oauth2/v2.0/token",
                "authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/authorize",
                "issuer": f"{base}/{tenant}/v2.0",
                "jwks_uri": f"{base}/{tenant}/discovery/v2.0/keys",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "private_key_jwt",
                    "client_secret_basic",
                ],
                "response_types_supported": ["code", "id_token", "code id_token", "token"],
                "tenant_region_scope": self.cloud.region_scope,
                "cloud_instance_name": self.cloud.instance_name,
                "msgraph_host": self.cloud.graph_host,
            }
        )

    async def entra_token(self, request: web.Request) -> web.Response:
        tenant = request.match_info["tenant"].lower()
        if tenant != request.app[TENANT_ID]:
            return errors.entra_error(
                400,
                "invalid_request",
                90002,
                f"Tenant '{tenant}' not found. Check to make "
                "sure you have the correct tenant ID and are signing into the correct cloud.",
            )
        form = await request.post()
        client_id = str(form.get("client_id", "")).lower()
        app = self.reg.graph_apps.get(client_id)
        if app is None:
            return errors.entra_error(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' "
                f"was not found in the directory '{tenant}'.",
            )
        if form.get("grant_type") != "client_credentials":
            return errors.entra_error(
                400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type."
            )
        if form.get("client_secret") is not None:
            if app.secret is None or not hmac.compare_digest(
                str(form["client_secret"]), app.secret
            ):
                return errors.entra_error(
                    401,
                    "invalid_client",
                    7000215,
                    "Invalid client secret provided. Ensure the "
                    "secret being sent in the request is the client secret value, not the "
                    "client secret ID.",
                )
        elif form.get("client_assertion") is not None:
            failure = self._verify_certificate_assertion(
                app, str(form["client_assertion"]), f"{request.app[BASE_URL]}/{tenant}"
            )
            if failure:
                return errors.entra_error(401, "invalid_client", *failure)
        else:
            return errors.entra_error(
                401,
                "invalid_client",
                7000218,
                "The request body must contain the following "
                "parameter: 'client_assertion' or 'client_secret'.",
            )
        scope = str(form.get("scope", ""))
        resource = scope.split()[0].removesuffix("/.default") if scope else ""
        if resource in GRAPH_AUDIENCES and resource != self.cloud.graph:
            # another cloud's Graph: the AADSTS500011 answer (its wording for a
            # cross-cloud resource: unconfirmed)
            return errors.entra_error(
                400,
                "invalid_resource",
                500011,
                f"The resource principal named {resource} was not found in the tenant "
                f"named {tenant}. This can happen if the application has not been installed "
                "by the administrator of the tenant or consented to by any user in the tenant. "
                "You might have sent your authentication request to the wrong tenant.",
            )
        if not scope.endswith("/.default") or resource not in GRAPH_AUDIENCES:
            return errors.entra_error(
                400,
                "invalid_scope",
                1002012,
                f"The provided value for scope {scope} is not "
                "valid. Client credential flows must have a scope value with /.default suffixed "
                "to the resource identifier (application ID URI).",
            )
        token = self.issue(
            {
                "iss": f"{self.cloud.access_token_issuer}{tenant}/",
                "aud": resource,
                "tid": tenant,
                "appid": app.client_id,
                "roles": list(app.granted_permissions),
                "idtyp": "app",
                "ver": "1.0",
            }
        )
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME_S,
                "ext_expires_in": TOKEN_LIFETIME_S,
                "access_token": token,
            }
        )

    def _verify_certificate_assertion(
        self, app: GraphApp, assertion: str, tenant_base: str
    ) -> tuple[int, str] | None:
        if app.certificate_pem is None:
            return 700027, "The certificate used to sign the client assertion is not registered."
        cert = x509.load_pem_x509_certificate(app.certificate_pem)
        der = cert.public_bytes(serialization.Encoding.DER)
        thumbs = {
            _b64url(hashlib.sha1(der).digest()),  # x5t is SHA-1 by definition
            _b64url(hashlib.sha256(der).digest()),
        }
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            return 50027, "The client assertion is malformed."
        # thumbprints are base64url; MSAL keeps the padding, RFC 7515 drops it
        sent = {str(header[h]).rstrip("=") for h in ("x5t", "x5t#S256") if header.get(h)}
        if not sent & thumbs:
            return 700027, (
                "Client assertion failed signature validation: the key was not found "
                "(thumbprint does not match a registered certificate)."
            )
        try:
            claims = jwt.decode(
                assertion,
                cert.public_key(),
                algorithms=["RS256", "PS256"],
                audience=[f"{tenant_base}/oauth2/v2.0/token", f"{tenant_base}/v2.0"],
                options={"require": ["exp", "iss", "sub", "aud"]},
            )
        except jwt.InvalidAudienceError:
            return (
                700212,
                "No matching federated identity record found for presented assertion audience.",
            )
        except jwt.PyJWTError as exc:
            return 700027, f"Client assertion failed signature validation ({exc})."
        if claims["iss"].lower() != app.client_id or claims["sub"].lower() != app.client_id:
            return 700023, "Client assertion audience or issuer does not match the client."
        return None


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def random_secret() -> str:
    return secrets.token_urlsafe(32)
