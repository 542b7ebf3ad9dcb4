"""The okta SDK's request executor built the way ``okta.client.Client`` builds it, without
importing ``okta.client``.

``okta.client`` is a class with ~100 API mixins that imports ~1,100 pydantic model modules:
2.4-6 s and ~75 MB in a fresh process on this project's 2-core machine (issue 16), for
methods the suite never calls (bodies stay raw: reference/sdk-notes.md). What the suite uses
is what ``Client.__init__`` builds from them: the merged, pruned and validated config, and
``RequestExecutor(config, NoOpCache(), None)``, which brings the SDK's OAuth (private-key
JWT, DPoP with its nonce handling), its HTTP client and its 429/503/504 retries. This module
does exactly that, in the same order, and one thing more: the client assertion.

The SDK's ``OAuth.get_JWT`` (okta/jwt.py ``JWT.create_token``) parses the private key three
times for every token request (jwcrypto from PEM, back to PEM, pycryptodome, then PyJWT from
PEM again): 0.6 s a token on this machine, and a DPoP run asks twice (the nonce challenge).
``ClientAssertion`` makes the same JWT (same claims and header) with the key parsed once
per process, whatever the number of tokens and clients (scope narrowing builds more).
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

from .okta_token import sdk_uses
from .secrets import ENVIRONMENT_LOCK


def request_executor(conf: dict[str, Any], proofs: Any) -> Any:
    """The SDK's ``RequestExecutor`` for ``conf`` (an ``okta.client.Client`` config dict), as
    ``Client(conf).get_request_executor()`` would return it; ``proofs``, when given, is the
    DPoP proof generator its OAuth uses (okta_token.dpop_proofs)."""
    from okta.cache.no_op_cache import NoOpCache
    from okta.config.config_setter import ConfigSetter
    from okta.config.config_validator import ConfigValidator
    from okta.logger import setup_logging
    from okta.request_executor import RequestExecutor

    # what the build patches (the process's environment, the SDK's module settings and its
    # DPoP generator class) is the whole process's: one build at a time, or a tenant read
    # ahead on another thread could take this one's DPoP generator (its key, its nonce) or
    # build while the settings are shown again (a secret read from OKTA_* waits too)
    with ENVIRONMENT_LOCK, isolated_from_okta_settings(), sdk_uses(proofs):
        setter = ConfigSetter()  # defaults (OKTA_* and okta.yaml hidden: see below)
        setter._apply_config({"client": conf})
        config = setter._prune_config(setter.get_config())
        ConfigValidator(config)  # raises ValueError naming what is wrong, as Client does
        executor = RequestExecutor(config, NoOpCache())
    if executor._oauth is not None:  # PrivateKey mode: okta/oauth.py calls self.get_JWT()
        executor._oauth.get_JWT = ClientAssertion(config["client"])
    # Client sets up the SDK's logger and leaves it disabled unless logging is enabled
    # (never, here: its debug log prints request headers)
    setup_logging(log_level=config["client"]["logging"]["logLevel"])
    return executor


@contextlib.contextmanager
def isolated_from_okta_settings() -> Iterator[None]:
    """Build the SDK's config from ours alone.

    The SDK merges ``OKTA_*`` environment variables and ``okta.yaml`` files (in the home and
    working folders) into its config when it is built, and its HTTP client takes
    HTTP(S)_PROXY then (reference/sdk-notes.md): a stray one could change the org, the
    credentials or the route. They are hidden for that moment.
    """
    import okta.config.config_setter as setter

    hidden = ("HTTP_PROXY", "HTTPS_PROXY")  # its HTTP client reads these when it is built
    saved_env = {
        k: os.environ.pop(k)
        for k in list(os.environ)
        if k.startswith("OKTA_") or k.upper() in hidden
    }
    saved_paths = setter._GLOBAL_YAML_PATH, setter._LOCAL_YAML_PATH
    setter._GLOBAL_YAML_PATH = setter._LOCAL_YAML_PATH = os.devnull + ".okta-m365-audit-none"
    try:
        yield
    finally:
        setter._GLOBAL_YAML_PATH, setter._LOCAL_YAML_PATH = saved_paths
        os.environ.update(saved_env)


#: PEM text -> the parsed key, for the life of the process (one parse per key and run)
_KEYS: dict[str, Any] = {}


def signing_key(pem: str) -> Any:
    """The private key of this PEM (as secrets.okta_private_key writes it), parsed once."""
    key = _KEYS.get(pem)
    if key is None:
        from cryptography.hazmat.primitives import serialization

        # validated when the tenant file's key was read (secrets.okta_private_key), which
        # wrote this PEM from the parsed key: checking its consistency again costs 0.15 s
        key = serialization.load_pem_private_key(
            pem.encode(), password=None, unsafe_skip_rsa_key_validation=True
        )
        _KEYS[pem] = key
    return key


class ClientAssertion:
    """``okta.jwt.JWT.create_token`` for the client's config, with the key parsed once: RS256,
    iss = sub = clientId, aud = the org's token URL, iat, exp = iat + the SDK's 50 minutes,
    a fresh jti (Okta consumes it: the SDK asks for a new one on every retry), ``kid`` in
    the header when the config has one."""

    def __init__(self, client: dict[str, Any]):
        from okta.jwt import JWT

        self._lifetime, self._path = JWT.EXPIRATION, JWT.OAUTH_ENDPOINT
        self._org_url, self._client_id = client["orgUrl"], client["clientId"]
        self._pem: str = client["privateKey"]
        self._kid = client.get("kid")

    def __call__(self) -> str:
        import jwt

        now = int(time.time())
        claims = {
            "sub": self._client_id,
            "iat": now,
            "exp": now + self._lifetime,
            "iss": self._client_id,
            "aud": self._org_url + self._path,
            "jti": str(uuid.uuid4()),
        }
        headers = {"kid": self._kid} if self._kid else {}
        return jwt.encode(claims, signing_key(self._pem), "RS256", headers)

    def __repr__(self) -> str:  # never the key
        return f"<ClientAssertion for {self._client_id}>"
