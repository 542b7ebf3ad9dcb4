"""DPoP (RFC 9449) end to end: a service app that requires it is served through the real okta
SDK; a client without it is refused as Okta refuses it; the emulator holds the nonce, replay,
method, URL, time and ``ath`` rules; a tenant file that disagrees with its app gets an error
naming ``okta.auth.dpop``; proofs and tokens never reach an output.

Okta's answers are checked against its recordings (../shared/reference/okta-recorded/
oauth2-token), read in place and never copied here; where Okta's answer is not on record
the emulator's docstring (emulator/dpop.py) says so.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from okta_m365_audit.clients import OktaApi, ReadOnlySession
from okta_m365_audit.collect.collector import collect
from okta_m365_audit.config import load_tenant
from okta_m365_audit.core.redact import redact_untrusted
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.emulator.dpop import jwk_thumbprint
from okta_m365_audit.emulator.faults import Fault

from .conftest import DEMO_YAML, ROOT, run_suite, write_tenant
from .scenarios.access import dpop_required_but_not_declared

RECORDED = ROOT.parent / "shared" / "reference" / "okta-recorded" / "oauth2-token"


def _recorded(name: str) -> dict[str, Any] | None:
    path = RECORDED / name
    return json.loads(path.read_text()) if path.is_file() else None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class ProofKey:
    """A client's DPoP key, making proofs by hand (to break them one rule at a time)."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        n = self.key.public_key().public_numbers()
        self.jwk = {"kty": "RSA", "n": _b64(n.n.to_bytes(256, "big")), "e": _b64(b"\x01\x00\x01")}

    def proof(self, htm: str, htu: str, **claims: Any) -> str:
        header = {"typ": claims.pop("typ", "dpop+jwt"), "jwk": claims.pop("jwk", self.jwk)}
        body = {"jti": str(uuid.uuid4()), "htm": htm, "htu": htu, "iat": int(time.time())}
        body |= {k: v for k, v in claims.items() if k != "sign_with"}
        signer = claims.get("sign_with", self.key)
        return jwt.encode(body, signer, algorithm="RS256", headers=header)


class OktaTokenClient:
    """Token requests made by hand: the demo service app's client assertion, then any proof."""

    def __init__(self, emu: Emulator, cfg: Any):
        self.base = emu.urls["okta"]
        self.url = f"{self.base}/oauth2/v1/token"
        self.cfg = cfg
        pem = Path(cfg.resolve(cfg.okta.auth.private_key_file)).read_bytes()
        self.signing_key = serialization.load_pem_private_key(pem, password=None)
        self.http = httpx.Client(verify=str(emu.ca_file), timeout=10)

    def assertion(self) -> str:
        now = int(time.time())
        cid = self.cfg.okta.auth.client_id
        claims = {"iss": cid, "sub": cid, "aud": self.url, "iat": now, "exp": now + 300,
                  "jti": str(uuid.uuid4())}  # fmt: skip
        return jwt.encode(claims, self.signing_key, algorithm="RS256")

    def token(self, proof: str | None, scopes: str = "okta.orgs.read") -> httpx.Response:
        form = {
            "grant_type": "client_credentials",
            "scope": scopes,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": self.assertion(),
        }
        return self.http.post(self.url, data=form, headers={"DPoP": proof} if proof else {})

    def api(self, path: str, auth: str, proof: str | None) -> httpx.Response:
        headers = {"Authorization": auth} | ({"DPoP": proof} if proof else {})
        return self.http.get(self.base + path, headers=headers)


@pytest.fixture
def demo_cfg():
    return load_tenant(DEMO_YAML)


@pytest.fixture
def served(golden, demo_cfg):
    """The demo (its service app requires DPoP) served, and a hand-made client for it."""
    with Emulator(golden, registrations_for(demo_cfg)) as emu:
        yield emu, OktaTokenClient(emu, demo_cfg), ProofKey()


def _dpop_token(client: OktaTokenClient, key: ProofKey) -> tuple[str, httpx.Response]:
    challenge = client.token(key.proof("POST", client.url))
    nonce = challenge.headers["DPoP-Nonce"]
    answer = client.token(key.proof("POST", client.url, nonce=nonce))
    return nonce, answer


def _ath(token: str) -> str:
    return _b64(hashlib.sha256(token.encode()).digest())


# --- the real SDK, end to end -------------------------------------------------------------------


def test_dpop_app_served_end_to_end_through_the_sdk(golden, demo_cfg):
    """When the demo's app requires DPoP: the SDK answers the nonce challenge, gets a DPoP
    token bound to its key, and every read succeeds with it."""
    assert demo_cfg.okta.auth.dpop
    issued: list[dict[str, Any]] = []
    with Emulator(golden, registrations_for(demo_cfg)) as emu:
        issue = emu.authority.issue
        emu.authority.issue = lambda claims: issued.append(claims) or issue(claims)  # type: ignore[method-assign]
        doc = asyncio.run(collect(demo_cfg, emu.endpoints(), emu.as_of))
        okta = [(r.method, r.path, r.status) for r in emu.requests if r.service == "okta"]
    assert doc["meta"]["partial"] is False
    posts = [o for o in okta if o[0] == "POST"]
    assert posts == [("POST", "/oauth2/v1/token", 400), ("POST", "/oauth2/v1/token", 200)]
    assert all(status == 200 for m, _, status in okta if m == "GET")
    [okta_token] = [c for c in issued if "scp" in c]
    assert set(okta_token["cnf"]) == {"jkt"}  # bound to the SDK's key (Okta's DPoP guide)


def test_sdk_retry_of_a_429_sends_a_fresh_proof(golden, demo_cfg, monkeypatch):
    """When Okta answers 429 and the SDK retries (it resends the same request, proof
    included): the retry leaves with a new proof, since a proof's jti may be used once
    (RFC 9449 §11.1), and the read succeeds."""
    sent: list[tuple[str, str]] = []
    real = ReadOnlySession.request

    def recording(self, method, url, **kwargs):
        proof = (kwargs.get("headers") or {}).get("DPoP")
        if proof and str(url).split("?")[0].endswith("/api/v1/groups"):
            sent.append((jwt.decode(proof, options={"verify_signature": False})["jti"], proof))
        return real(self, method, url, **kwargs)

    monkeypatch.setattr(ReadOnlySession, "request", recording)
    faults = [Fault("okta_429", service="okta", path=r"^/api/v1/groups$", seconds=0)]
    with Emulator(golden, registrations_for(demo_cfg), faults) as emu:
        doc = asyncio.run(collect(demo_cfg, emu.endpoints(), emu.as_of))
        groups = [r.status for r in emu.requests if r.path == "/api/v1/groups"]
    assert groups == [429, 200]
    assert doc["okta"]["groups"]["ok"]
    assert len(sent) == 2 and sent[0][0] != sent[1][0]


def test_app_without_dpop_still_served_with_bearer(tmp_path, golden):
    """When the app does not require DPoP and the file says so: a Bearer token, every read
    succeeds (the setup of most service apps made before 2024)."""
    cfg = write_tenant(tmp_path, golden, lambda d: d["okta"]["auth"].update(dpop=False)).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
        posts = [r.status for r in emu.requests if r.method == "POST" and r.service == "okta"]
    assert doc["meta"]["partial"] is False
    assert posts == [200]


def test_dpop_file_with_an_app_that_does_not_require_it(golden, demo_cfg):
    """When the file says dpop: true but the app does not require it: Okta's answer is
    unconfirmed; modelled as the SDK expects it (a Bearer token, the proof ignored), the run
    succeeds."""
    reg = registrations_for(demo_cfg)
    reg.okta_apps[demo_cfg.okta.auth.client_id].requires_dpop = False
    with Emulator(golden, reg) as emu:
        doc = asyncio.run(collect(demo_cfg, emu.endpoints(), emu.as_of))
    assert doc["meta"]["partial"] is False


# --- a client without DPoP: refused as Okta refuses it ------------------------------------------


def test_token_request_without_a_proof_is_refused_as_okta_refuses_it(served):
    """When an app that requires DPoP gets a token request without a proof: Okta's recorded
    400 invalid_dpop_proof, "The DPoP proof JWT header is missing."."""
    _, client, _ = served
    answer = client.token(None)
    assert (answer.status_code, answer.json()) == (400, {
        "error": "invalid_dpop_proof", "error_description": "The DPoP proof JWT header is missing."
    })  # fmt: skip
    recorded = _recorded("error-400-invalid_dpop_proof-sdkpy.json")
    if recorded is not None:  # the recording read in place, never copied
        assert (answer.status_code, answer.json()) == (recorded["status"], recorded["body"])


def test_mismatched_setting_fails_access_01_naming_it(pytester, golden, monkeypatch):
    """When the app requires DPoP and the tenant file says dpop: false: ACCESS-01 fails with
    "the Okta service app requires DPoP: set okta.auth.dpop: true in <file>", every other Okta
    check ERRORs, and Graph's checks are untouched."""
    files = dpop_required_but_not_declared(monkeypatch, pytester, golden)
    run = run_suite(pytester, files.dir, out="mismatch")
    assert run.verdicts["test_access_01_okta_token_and_active_org[demo]"] == "failed"
    assert run.verdicts["test_access_03_graph_token_for_this_tenant[demo]"] == "passed"
    [results] = run.outdir.glob("demo-*/results.json")
    by_id = {r["testId"]: r for r in json.loads(results.read_text())["results"]}
    message = by_id["test_access_01_okta_token_and_active_org[demo]"]["message"]
    # the results document names the tenant file without the runner's folder (bundles never
    # name the runner's paths); the terminal keeps the full path
    assert (
        f"the Okta service app requires DPoP: set okta.auth.dpop: true in {files.yaml.name} "
        in message
    )
    assert str(files.yaml.parent) not in message
    assert "The DPoP proof JWT header is missing." in message


# --- the token endpoint's rules ------------------------------------------------------------------


def test_nonce_challenge_then_a_dpop_bound_token(served):
    """When the first proof has no nonce: 400 use_dpop_nonce with a DPoP-Nonce header (Okta's
    recorded answer); with it: token_type DPoP, bound to the proof key's thumbprint."""
    emu, client, key = served
    challenge = client.token(key.proof("POST", client.url))
    assert challenge.status_code == 400
    assert challenge.json() == {
        "error": "use_dpop_nonce",
        "error_description": "Authorization server requires nonce in DPoP proof.",
    }
    recorded = _recorded("error-400-use_dpop_nonce-sdkpy.json")
    if recorded is not None:
        assert (challenge.status_code, challenge.json()) == (recorded["status"], recorded["body"])
    nonce = challenge.headers["DPoP-Nonce"]
    wrong = client.token(key.proof("POST", client.url, nonce="not-the-nonce"))
    assert wrong.json()["error"] == "use_dpop_nonce"
    answer = client.token(key.proof("POST", client.url, nonce=nonce))
    body = answer.json()
    assert answer.status_code == 200 and body["token_type"] == "DPoP"
    recorded = _recorded("client-credentials-private_key_jwt-dpop-200-sdkpy.json")
    if recorded is not None:
        assert set(body) == set(recorded["body"])
    claims = emu.authority.verify(body["access_token"], emu.urls["okta"])
    assert claims["cnf"] == {"jkt": jwk_thumbprint(key.jwk)}


@pytest.mark.parametrize(
    "broken, error_description",
    [
        ({"htm": "GET"}, "'htm' claim in the DPoP proof JWT is invalid."),
        ({"htu": "https://elsewhere.example/oauth2/v1/token"},
         "'htu' claim in the DPoP proof JWT is invalid."),
        ({"iat": int(time.time()) - 3600}, "'iat' claim in the DPoP proof JWT is invalid."),
        ({"iat": int(time.time()) + 3600}, "'iat' claim in the DPoP proof JWT is invalid."),
        ({"typ": "JWT"}, "'typ' header in the DPoP proof JWT is invalid."),
        ({"sign_with": rsa.generate_private_key(public_exponent=65537, key_size=2048)},
         "The DPoP proof JWT signature is invalid."),
    ],
    ids=["wrong-htm", "wrong-htu", "stale-iat", "future-iat", "wrong-typ", "other-key"],
)  # fmt: skip
def test_token_endpoint_refuses_a_broken_proof(served, broken, error_description):
    """When the proof breaks one rule of RFC 9449 §4.3: 400 invalid_dpop_proof naming it."""
    _, client, key = served
    nonce = client.token(key.proof("POST", client.url)).headers["DPoP-Nonce"]
    claims = {"htm": "POST", "htu": client.url, "nonce": nonce} | broken
    answer = client.token(key.proof(claims.pop("htm"), claims.pop("htu"), **claims))
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_dpop_proof", "error_description": error_description}


def test_token_endpoint_refuses_a_replayed_proof(served):
    """When a proof that got a token is sent again: its jti is refused."""
    _, client, key = served
    nonce = client.token(key.proof("POST", client.url)).headers["DPoP-Nonce"]
    proof = key.proof("POST", client.url, nonce=nonce)
    assert client.token(proof).status_code == 200
    again = client.token(proof)
    assert again.status_code == 400
    assert again.json()["error_description"] == "'jti' claim in the DPoP proof JWT is invalid."


def test_token_endpoint_refuses_a_private_jwk(served):
    """When the proof's jwk holds the private key: refused (RFC 9449 §4.3 step 7)."""
    _, client, key = served
    private = key.jwk | {"d": "AQAB"}
    answer = client.token(key.proof("POST", client.url, jwk=private))
    assert answer.json()["error"] == "invalid_dpop_proof"


# --- API calls -----------------------------------------------------------------------------------


def test_api_call_rules(served):
    """With a DPoP-bound token, an API call needs ``Authorization: DPoP`` and a fresh proof
    of this method and URL, with ``ath`` and the bound key; a proof is used once; Okta does
    not ask for a nonce there (guides/dpop/main/oktaresourceserver)."""
    _, client, key = served
    _, answer = _dpop_token(client, key)
    token = answer.json()["access_token"]
    url = client.base + "/api/v1/org"
    ok = key.proof("GET", url, ath=_ath(token))
    assert client.api("/api/v1/org", f"DPoP {token}", ok).status_code == 200

    def refused(auth: str, proof: str | None) -> tuple[int, str]:
        r = client.api("/api/v1/org", auth, proof)
        return r.status_code, r.headers.get("WWW-Authenticate", "")

    status, www = refused(f"DPoP {token}", ok)  # the same proof again
    assert status == 400 and "'jti' claim" in www and 'error="invalid_dpop_proof"' in www
    assert www.startswith('DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512"')
    assert refused(f"DPoP {token}", key.proof("GET", url))[0] == 400  # no ath
    assert "'ath' claim" in refused(f"DPoP {token}", key.proof("GET", url, ath=_ath("x")))[1]
    assert "'htm' claim" in refused(f"DPoP {token}", key.proof("POST", url, ath=_ath(token)))[1]
    other_url = client.base + "/api/v1/users"
    assert "'htu' claim" in refused(f"DPoP {token}", key.proof("GET", other_url,
                                                                 ath=_ath(token)))[1]  # fmt: skip
    stale = key.proof("GET", url, ath=_ath(token), iat=int(time.time()) - 3600)
    assert "'iat' claim" in refused(f"DPoP {token}", stale)[1]
    other_key = ProofKey().proof("GET", url, ath=_ath(token))
    assert "does not match" in refused(f"DPoP {token}", other_key)[1]
    assert "is missing" in refused(f"DPoP {token}", None)[1]
    status, www = refused(f"Bearer {token}", None)  # a bound token presented as Bearer
    assert status == 401 and 'error="invalid_token"' in www


# --- secrets -------------------------------------------------------------------------------------


def test_proofs_and_dpop_tokens_are_redacted(served):
    """A DPoP token or proof echoed in an answer never reaches an output: the untrusted net
    catches ``Authorization: DPoP <token>`` and a proof (a JWT) alike."""
    _, client, key = served
    _, answer = _dpop_token(client, key)
    token = answer.json()["access_token"]
    proof = key.proof("GET", client.base + "/api/v1/org", ath=_ath(token))
    echoed = f"Authorization: DPoP {token}\nDPoP: {proof}\n{{'DPoP': '{proof}'}} DPoP {token}"
    cleaned = redact_untrusted(echoed)
    assert token not in cleaned and proof not in cleaned
    assert token[:40] not in cleaned and proof.split(".")[1][:40] not in cleaned


def test_dpop_key_is_made_in_memory_and_never_shown(demo_cfg, golden):
    """The run's DPoP key is made in memory (no file names it) and its repr shows nothing."""
    with Emulator(golden, registrations_for(demo_cfg)) as emu:
        api = OktaApi(demo_cfg, emu.endpoints())
    proofs = api._proofs
    assert proofs is not None
    shown = repr(proofs._rsa_key) + repr(vars(proofs))
    assert "PRIVATE" not in shown and str(proofs._rsa_key.export_key().private_numbers().d)[
        :20] not in shown  # fmt: skip


def test_clients_built_at_once_each_keep_their_own_dpop_generator(demo_cfg, monkeypatch):
    """Tenants read ahead build their Okta clients on threads of their own, at once. The
    build patches process-wide things for its moment (the SDK's DPoP generator class, the
    OKTA_* variables); built without a lock, a client took another tenant's generator (its
    key, its nonce: another org's token then failed). Each keeps its own, and an OKTA_*
    secret read meanwhile is never found missing."""
    import threading

    import okta.config.config_validator as validator

    from okta_m365_audit.clients import Endpoints
    from okta_m365_audit.clients.secrets import _secret_from_env
    from okta_m365_audit.core import dpop_keys

    monkeypatch.setattr(dpop_keys, "KeyInTheMaking", lambda *a: object())  # no key needed
    real_validator = validator.ConfigValidator

    def slow_validator(config):  # widens the build's moment
        time.sleep(0.02)
        return real_validator(config)

    monkeypatch.setattr(validator, "ConfigValidator", slow_validator)
    monkeypatch.setenv("OKTA_AUDIT_TEST_SECRET", "s3cret-value")
    endpoints = Endpoints.real(demo_cfg)
    built: list[Any] = []
    missing: list[str] = []

    def build() -> None:
        built.append(OktaApi(demo_cfg, endpoints))

    def read_secret() -> None:
        for _ in range(20):
            try:
                _secret_from_env(demo_cfg, "okta.auth.token_env", "OKTA_AUDIT_TEST_SECRET")
            except Exception as exc:
                missing.append(str(exc))
            time.sleep(0.005)

    threads = [threading.Thread(target=build) for _ in range(8)]
    threads.append(threading.Thread(target=read_secret))
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(built) == 8
    assert all(api._client._oauth._dpop_generator is api._proofs for api in built)
    assert missing == []
