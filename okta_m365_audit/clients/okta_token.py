"""The Okta service app's token, beyond what the okta SDK does alone: a fast DPoP key, a
fresh DPoP proof on every attempt, which scopes Okta refused, and token failures in words
that name the tenant file's setting to change.

The SDK obtains and uses DPoP-bound tokens itself (``dpopEnabled``: okta/oauth.py answers
the ``use_dpop_nonce`` challenge, okta/request_executor.py sends ``Authorization: DPoP``
and a proof with ``ath``); its proof generator (okta/dpop.py) builds the claims. Two things
it does not do well enough here are replaced, the protocol left to it:

- its generator makes an RSA 3072 key with pycryptodome (about 1.2 s; ours is made on a
  thread while the run builds its clients) and reloads it from
  PEM for every proof (about 120 ms each, measured on this project's 2-core machine): a
  100k-user tenant is 500+ pages. ``dpop_proofs`` keeps the same generator but holds a
  ``cryptography`` key object, which PyJWT signs with in about a millisecond. The key is
  made in memory for the run and never serialized, so it cannot reach a file or a log.
- its retries of 429/503/504 resend the same request dict, proof included, and a proof's
  ``jti`` may be used once (RFC 9449 §11.1; Okta's DPoP guide: resource servers "must not
  accept that claim more than once"). ``FreshProofs`` re-signs the proof on every attempt.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from typing import Any

from ..core.dpop_keys import KeyInTheMaking, KeyObject, take_key

#: DPoP error codes (RFC 9449 §5 and §8; the SDK's own test, okta/errors/dpop_errors.py)
_DPOP_ERROR_PREFIXES = ("invalid_dpop_", "use_dpop_", "dpop_")

#: Okta's refusal of scopes not granted. Seen live: "The following scopes are not allowed for
#: this request: [task.dispatch]." (oktaforai-okta/fleetops-bifrost-demo README, a custom
#: authorization server); the org authorization server's wording and its separator between
#: several scopes are unconfirmed, so brackets, "for this request", commas and spaces are
#: all optional here.
_NOT_ALLOWED = re.compile(
    r"scopes? (?:are|is) not allowed(?: for this (?:request|client))?\s*:\s*\[?([^\]]*)", re.I
)


def dpop_proofs() -> Any:
    """The SDK's DPoP proof generator with a key made by ``cryptography`` (module docstring).

    The key (RSA 3072, the SDK's size) is made ahead, on a thread of its own
    (core/dpop_keys.py), and waited for when the first proof is signed."""
    import time

    from okta.dpop import DPoPProofGenerator

    class Proofs(DPoPProofGenerator):
        _made: tuple[KeyObject, dict[str, str]] | None = None
        _making: KeyInTheMaking | None = None

        def _rotate_keys_internal(self) -> None:
            self._making = take_key()  # made ahead (core/dpop_keys.py), the next started
            self._key_created_at = time.time()

        def _key(self) -> tuple[KeyObject, dict[str, str]]:
            if self._making is not None:
                self._made, self._making = self._making.result(), None
            assert self._made is not None
            return self._made

        # what the SDK's generator reads (and sets to None in its __init__)
        _rsa_key = property(lambda self: self._key()[0], lambda self, _value: None)
        _public_jwk = property(lambda self: self._key()[1], lambda self, _value: None)

    return Proofs({})


@contextlib.contextmanager
def sdk_uses(proofs: Any) -> Iterator[None]:
    """While an okta Client is built, its OAuth takes ``proofs`` as its DPoP generator (it
    builds one with ``okta.oauth.DPoPProofGenerator(config)`` when ``dpopEnabled``)."""
    if proofs is None:
        yield
        return
    import okta.oauth as oauth

    saved = oauth.DPoPProofGenerator
    oauth.DPoPProofGenerator = lambda _config: proofs  # type: ignore[assignment,misc]
    try:
        yield
    finally:
        oauth.DPoPProofGenerator = saved  # type: ignore[misc]


class FreshProofs:
    """The okta SDK's session, with a new DPoP proof on every attempt that carries one.

    The SDK's HTTP client only calls ``request`` and ``close``; everything goes on to the
    read-only, single-origin session beneath (transport.py), which still decides what may
    be sent and where: this only replaces the value of a ``DPoP`` header already there.
    """

    def __init__(self, session: Any, proofs: Any):
        self._session, self._proofs = session, proofs

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:
        headers = kwargs.get("headers")
        if headers and "DPoP" in headers:
            auth = str(headers.get("Authorization", ""))
            token = auth[5:].strip() if auth.startswith("DPoP ") else None
            proof = self._proofs.generate_proof_jwt(method, str(url), access_token=token)
            kwargs["headers"] = {**headers, "DPoP": proof}
        return self._session.request(method, url, **kwargs)

    async def close(self) -> None:
        await self._session.close()


def is_dpop_error(code: Any) -> bool:
    return isinstance(code, str) and code.lower().startswith(_DPOP_ERROR_PREFIXES)


def refused_scopes(description: str, requested: Sequence[str]) -> list[str] | None:
    """The requested scopes an ``invalid_scope`` text names as not allowed; None when the
    text names none of them (then the caller asks scope by scope)."""
    match = _NOT_ALLOWED.search(description or "")
    if match is None:
        return None
    named = {s.strip(" .'\"") for s in re.split(r"[\s,]+", match.group(1))}
    refused = [s for s in requested if s in named]
    return refused or None


def dpop_failure(code: str, text: str, dpop: bool, where: str) -> str:
    """A DPoP refusal of the token request, naming the setting that decides it.

    Without a proof, an app that requires DPoP answers ``invalid_dpop_proof`` "The DPoP proof
    JWT header is missing." (okta-recorded/oauth2-token/error-400-invalid_dpop_proof-sdkpy.
    json). What Okta answers a proof sent to an app that does not require DPoP is
    unconfirmed (the SDK expects a Bearer token then, which works); should it refuse the
    proof instead, the message names the setting too.
    """
    server = text.split("Server error:", 1)[-1].strip()  # the SDK wraps it in advice
    if not dpop:
        return (
            f"the Okta service app requires DPoP: set okta.auth.dpop: true in {where} "
            f"(Okta answered {code}: {server})"
        )
    return (
        f"Okta refused the suite's DPoP proof ({code}: {server}); if the Okta service app "
        f"does not require DPoP, set okta.auth.dpop: false in {where}"
    )
