"""DPoP (RFC 9449) as Okta enforces it for a service app that requires it: the token
endpoint's nonce challenge and proof checks, and the proof on every API call.

An emulator that let a client without DPoP through, or took any proof, would turn a
customer's first failing run into a green report (DESIGN.md, "Fidelity"). So the proof is
checked as RFC 9449 §4.3 lists, with Okta's answers where they are on record:

- token endpoint, no ``DPoP`` header: 400 ``invalid_dpop_proof`` "The DPoP proof JWT header
  is missing." (okta-recorded/oauth2-token/error-400-invalid_dpop_proof-sdkpy.json);
- token endpoint, a proof without the server's nonce: 400 ``use_dpop_nonce`` "Authorization
  server requires nonce in DPoP proof." with a ``DPoP-Nonce`` header, after the proof itself
  was verified (error-400-use_dpop_nonce-sdkpy.json; Okta's DPoP guide, okta-developer-docs
  guides/dpop/main/index.md, which also says the nonce lives 24 h and stays valid 3 days);
- the token then has ``token_type`` DPoP (client-credentials-private_key_jwt-dpop-200-
  sdkpy.json) and a ``cnf.jkt``, the JWK SHA-256 thumbprint of the proof key (same guide);
- API calls: ``Authorization: DPoP <token>`` and a fresh proof with ``ath``; Okta checks
  ``ath`` and the key binding and does not require a nonce there (guides/dpop/main/
  oktaresourceserver/requestresource.md and validate.md), refuses a ``jti`` seen before
  (guides/dpop/main/index.md, "Overview"), and answers a bad proof with 400 and
  ``WWW-Authenticate: DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", ...,
  error="invalid_dpop_proof", error_description="'htu' claim in the DPoP proof JWT is
  invalid."`` (okta/okta-sdk-nodejs issues 453 and 521; okta/okta-sdk-python issue 541).

Unconfirmed, modelled on the one recorded text: the other claims' descriptions ("'htm'
claim ...", "'iat' ...", "'ath' ...", "'jti' ..."), the accepted ``iat`` window (here 300 s
back, 60 s ahead), the body of an API call's 400 (here the OAuth error shape) and Okta's
answer to a DPoP-bound token presented as ``Bearer`` (here 401 E0000011, RFC 9449 §7.1).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from typing import Any
from urllib.parse import urlsplit

import jwt
from aiohttp import web

from . import errors
from .appkeys import BASE_URL

#: Algorithms Okta accepts for DPoP proofs (the WWW-Authenticate of okta-sdk-nodejs#453).
ALGS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
IAT_PAST_S = 300  #: how old a proof may be (unconfirmed for Okta; RFC 9449 §11.1)
IAT_AHEAD_S = 60  #: how far ahead a client clock may be (unconfirmed)
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")


class ProofRefused(Exception):
    """The proof fails a check; ``error`` is the OAuth error code, the message its text."""

    def __init__(self, description: str, error: str = "invalid_dpop_proof"):
        super().__init__(description)
        self.error = error


def _claim(name: str) -> ProofRefused:
    return ProofRefused(f"'{name}' claim in the DPoP proof JWT is invalid.")


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint, base64url: the ``cnf.jkt`` a bound token carries."""
    members = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}[jwk["kty"]]
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def access_token_hash(token: str) -> str:
    """The ``ath`` claim: base64url SHA-256 of the access token (RFC 9449 §4.2)."""
    return _b64url(hashlib.sha256(token.encode("ascii")).digest())


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _same_uri(htu: Any, url: str) -> bool:
    """htu against the request URI, query and fragment ignored (RFC 9449 §4.3 step 9)."""
    if not isinstance(htu, str):
        return False
    a, b = urlsplit(htu), urlsplit(url)
    return (a.scheme.lower(), a.netloc.lower(), a.path) == (b.scheme.lower(), b.netloc.lower(),
                                                            b.path)  # fmt: skip


class DPoPVerifier:
    """Checks proofs for one emulated org: its nonce, and the ``jti`` values already used."""

    def __init__(self) -> None:
        self.nonce = secrets.token_urlsafe(24)
        self._seen: dict[str, float] = {}  #: jti -> when it may be forgotten

    def check(
        self,
        request: web.Request,
        url: str,
        *,
        access_token: str | None = None,
        jkt: str | None = None,
        need_nonce: bool = False,
    ) -> str:
        """The proof key's thumbprint when the request's ``DPoP`` proof holds; ProofRefused
        naming the first check it fails, in RFC 9449 §4.3's order."""
        sent = request.headers.getall("DPoP", [])
        if not sent:
            raise ProofRefused("The DPoP proof JWT header is missing.")
        if len(sent) > 1:
            raise ProofRefused("Only one DPoP proof JWT header is allowed.")
        proof = sent[0]
        try:
            header = jwt.get_unverified_header(proof)
        except jwt.PyJWTError:
            raise ProofRefused("The DPoP proof JWT is malformed.") from None
        if header.get("typ") != "dpop+jwt":
            raise ProofRefused("'typ' header in the DPoP proof JWT is invalid.")
        if header.get("alg") not in ALGS:
            raise ProofRefused("'alg' header in the DPoP proof JWT is invalid.")
        key = header.get("jwk")
        if not isinstance(key, dict) or key.get("kty") not in ("RSA", "EC"):
            raise ProofRefused("'jwk' header in the DPoP proof JWT is invalid.")
        if any(m in key for m in _PRIVATE_MEMBERS):
            raise ProofRefused("'jwk' header in the DPoP proof JWT must not hold a private key.")
        try:
            thumbprint = jwk_thumbprint(key)
            public = jwt.PyJWK(key, header["alg"]).key
            claims = jwt.decode(
                proof, public, algorithms=[header["alg"]],
                options={"verify_iat": False, "require": ["jti", "htm", "htu", "iat"]},
            )  # fmt: skip
        except jwt.MissingRequiredClaimError as exc:
            raise _claim(exc.claim) from None
        except (jwt.PyJWTError, ValueError, KeyError):
            raise ProofRefused("The DPoP proof JWT signature is invalid.") from None
        if claims["htm"] != request.method:
            raise _claim("htm")
        if not _same_uri(claims["htu"], url):
            raise _claim("htu")
        now = time.time()
        iat = claims["iat"]
        if not isinstance(iat, int | float) or not now - IAT_PAST_S <= iat <= now + IAT_AHEAD_S:
            raise _claim("iat")
        if access_token is not None and claims.get("ath") != access_token_hash(access_token):
            raise _claim("ath")
        if jkt is not None and thumbprint != jkt:
            raise ProofRefused("The DPoP proof JWT key does not match the access token binding.")
        jti = claims["jti"]
        self._forget_old(now)
        if not isinstance(jti, str) or not jti or jti in self._seen:
            raise _claim("jti")
        if need_nonce and claims.get("nonce") != self.nonce:
            raise ProofRefused(
                "Authorization server requires nonce in DPoP proof.", "use_dpop_nonce"
            )
        self._seen[jti] = now + IAT_PAST_S + IAT_AHEAD_S
        return thumbprint

    def _forget_old(self, now: float) -> None:
        """A jti whose proof is outside the iat window cannot come back: forget it."""
        if len(self._seen) > 1000:
            self._seen = {j: t for j, t in self._seen.items() if t > now}

    # --- the two places a proof is checked ---

    def token_request(self, request: web.Request) -> str | web.Response:
        """The proof of a token request to an app that requires DPoP: the key's thumbprint
        (the token's ``cnf.jkt``), or Okta's 400."""
        url = f"{request.app[BASE_URL]}/oauth2/v1/token"
        try:
            return self.check(request, url, need_nonce=True)
        except ProofRefused as exc:
            nonce = {"DPoP-Nonce": self.nonce} if exc.error == "use_dpop_nonce" else {}
            return web.json_response(
                {"error": exc.error, "error_description": str(exc)}, status=400, headers=nonce
            )

    def api_request(self, authority: Any, request: web.Request, header: str) -> Any:
        """An API call's ``Authorization`` (``Bearer`` or ``DPoP``) and proof: the token's
        claims, or the refusal to send back (a ``web.Response``)."""
        base = request.app[BASE_URL]
        scheme, _, token = header.partition(" ")
        token = token.strip()
        claims = authority.verify(token, base)
        if claims is None:
            return errors.okta_invalid_token()
        jkt = (claims.get("cnf") or {}).get("jkt")
        if scheme == "Bearer" and jkt is None:
            return claims
        if scheme == "Bearer" or jkt is None:  # a bound token as Bearer, or the reverse
            why = (
                "The access token is DPoP-bound." if jkt else "The access token is not DPoP-bound."
            )
            return _api_refusal(base, request.path, 401, "invalid_token", why)
        try:
            self.check(request, base + request.path, access_token=token, jkt=jkt)
        except ProofRefused as exc:
            return _api_refusal(base, request.path, 400, exc.error, str(exc))
        return claims


def _api_refusal(base: str, path: str, status: int, error: str, description: str) -> web.Response:
    """Okta's DPoP challenge on an API call (okta-sdk-nodejs#453's header)."""
    www = (
        f'DPoP algs="{" ".join(ALGS)}", authorization_uri="{base}/oauth2/v1/authorize", '
        f'realm="{base}", error="{error}", error_description="{description}", resource="{path}"'
    )
    if status == 401:
        return errors.okta_error(401, "E0000011", "Invalid token provided", headers={
            "WWW-Authenticate": www})  # fmt: skip
    body = {"error": error, "error_description": description}
    return web.json_response(body, status=status, headers={"WWW-Authenticate": www})
