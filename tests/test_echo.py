"""Redact what comes back: an answer that echoes the request's credentials stores none.

The emulator answers reads and token requests with a 403 whose body and WWW-Authenticate
header echo what the client sent: the Authorization header (the SSWS token, an Okta or
Graph bearer JWT) and, on a token request, its form (the signed client_assertion or the
client secret). Whatever the run writes (snapshot, results.json, report HTML, JUnit XML,
the bundle and its zip, the console) holds none of them, while ordinary data (an Okta
key's x5c certificate chain) stays intact.
"""

from __future__ import annotations

import asyncio
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from okta_m365_audit import emulator as emulator_module
from okta_m365_audit.clients import RawResponse
from okta_m365_audit.clients.failures import error_of
from okta_m365_audit.collect.collector import collect
from okta_m365_audit.core.redact import MAX_TREE_DEPTH, REDACTED, redact_tree, redact_untrusted
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.emulator.faults import Fault
from okta_m365_audit.snapshot import document as snap

from .conftest import SUITE, write_tenant

SECRET_TOKEN = "EchoOktaApiToken-never-shown-7c41d0"
SECRET_GRAPH = "echo.graph.client.secret.never.shown.5b"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{10,}")
OKTA_USERS, GRAPH_USERS = r"^/api/v1/users$", r"^/v1\.0/users$"
OKTA_TOKEN, ENTRA_TOKEN = r"^/oauth2/v1/token$", r"/oauth2/v2\.0/token$"

#: (auth, where the 403 echo is served, the read it breaks)
CASES = [
    ("api_token", (("okta", OKTA_USERS), ("graph", GRAPH_USERS)), ("okta", "users")),
    ("api_token", (("login", ENTRA_TOKEN),), ("graph", "organization")),
    ("private_key_jwt", (("okta", OKTA_USERS), ("graph", GRAPH_USERS)), ("graph", "users")),
    ("private_key_jwt", (("okta", OKTA_TOKEN), ("login", ENTRA_TOKEN)), ("okta", "org")),
]


def _api_token_auth(data: dict[str, Any]) -> None:
    data["okta"]["auth"] = {"method": "api_token", "token_env": "ECHO_OKTA_TOKEN"}
    data["m365"]["auth"] = {"method": "client_secret", "client_id": data["m365"]["auth"][
        "client_id"], "client_secret_env": "ECHO_GRAPH_SECRET"}  # fmt: skip


def _texts(outdir: Path, console: list[str]) -> dict[str, str]:
    """Every output of the run, by name: each file (each zip member) and the console."""
    texts = {"console": "\n".join(console)}
    for path in (p for p in outdir.rglob("*") if p.is_file()):
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    texts[f"{path.name}:{name}"] = zf.read(name).decode("utf-8", "replace")
        else:
            texts[str(path.relative_to(outdir))] = path.read_text("utf-8", "replace")
    return texts


@pytest.mark.parametrize(
    ("auth", "echoes", "broken"),
    CASES,
    ids=["ssws-reads", "secret-token", "jwt-reads", "jwt-token"],
)
def test_an_echoed_credential_reaches_no_output(pytester, golden, monkeypatch, auth, echoes,
                                                broken):  # fmt: skip
    """When a read or a token request is answered 403 echoing the request's credentials:
    no token, assertion, secret or key appears in any file the run wrote or on its console,
    and the read is recorded failed (its checks ERROR) with the echo redacted."""
    monkeypatch.setenv("ECHO_OKTA_TOKEN", SECRET_TOKEN)
    monkeypatch.setenv("ECHO_GRAPH_SECRET", SECRET_GRAPH)
    files = write_tenant(pytester.path / "tenants", golden,
                         _api_token_auth if auth == "api_token" else None)  # fmt: skip
    faults = [Fault("echo_auth_403", service, path, count=None) for service, path in echoes]
    original = emulator_module.emulator_for

    def faulted(cfg: Any) -> Any:
        emu = original(cfg)
        for fault in faults:
            emu.faults.add(fault)
        return emu

    monkeypatch.setattr(emulator_module, "emulator_for", faulted)
    out = pytester.path / "reports"
    result = pytester.runpytest_inprocess(
        str(SUITE), "--tenants-dir", str(files.dir), "--reports-dir", str(out),
        f"--html={out / 'report.html'}", "-p", "no:randomly", "-rA", "--log-level=DEBUG",
    )  # fmt: skip
    assert result.ret == 1
    assert all(f.fired for f in faults), "an echo was never served"
    texts = _texts(out, result.outlines + result.errlines)
    assert {"report.html", "console"} <= set(texts)
    assert any(name.endswith(".junit.xml") for name in texts)
    assert any(name.endswith("results.json") for name in texts)
    [snapshot_file] = (out / "snapshots").glob("*.snapshot.json")
    read = snap.load(snapshot_file)[broken[0]][broken[1]]
    assert not read["ok"] and REDACTED in read["error"]["message"], read["error"]
    for name, text in texts.items():
        assert SECRET_TOKEN not in text, f"the SSWS token is in {name}"
        assert SECRET_GRAPH not in text, f"the client secret is in {name}"
        assert not JWT.findall(text), f"a JWT is in {name}: {JWT.findall(text)[:1]}"
        assert "PRIVATE KEY" not in text, f"key material is in {name}"
        for value in re.findall(r"client_assertion=([^&\s\"'<]*)", text):
            # the marker itself may be cut where a long message is shortened ("[RE...")
            cut = value.endswith("...") and REDACTED.startswith(value[:-3])
            assert value.startswith(REDACTED) or cut, f"{name}: client_assertion={value[:20]}"


# --- the untrusted net ------------------------------------------------------------------------

#: a credential the redactor never registered, in no documented format
UNKNOWN_SSWS = "q7Rk2ZtW9xLmC4vBn8HsD3fGj6KpY1aE"
UNKNOWN_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwMG91bmtub3duIn0.c2lnbmF0dXJlLXVua25vd24"


def test_an_unregistered_echo_is_redacted_from_the_error() -> None:
    """When a 403 echoes credentials the suite never registered (body, causes, header):
    the recorded error holds neither, and still names the scope and Okta's error code."""
    res = snap.resource("okta", "users")
    body = {
        "errorCode": "E0000006",
        "errorSummary": f"You do not have permission (received SSWS {UNKNOWN_SSWS})",
        "errorCauses": [{"errorSummary": f"Bearer {UNKNOWN_JWT}"}],
        "echo": {"Authorization": f"DPoP {UNKNOWN_JWT}", "seen": UNKNOWN_SSWS},
    }
    www = f'Bearer realm="x", error="insufficient_scope", error_description="SSWS {UNKNOWN_SSWS}"'
    error = error_of(res, RawResponse(403, {"WWW-Authenticate": www}, body))
    text = repr(error)
    assert UNKNOWN_SSWS not in text and "eyJ" not in text, text
    assert error["code"] == "E0000006"
    assert "needs scope okta.users.read" in error["message"]
    assert 'error="insufficient_scope"' in error["message"]


def test_a_text_body_is_redacted_before_it_is_cut() -> None:
    """A token that straddles the 200-character cut of a text body leaves no piece behind."""
    res = snap.resource("graph", "users")
    body = "x" * 180 + f" Bearer {UNKNOWN_JWT}"
    error = error_of(res, RawResponse(500, {}, body))
    assert "eyJ" not in repr(error), error


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ('Bearer authorization_uri="https://acme.okta.com/oauth2/v1/authorize"', True),
        ("Bearer authentication required", True),
        ("request-id 5f8e2c1a-1b2c-4d3e-9f00-123456789abc errorId oae1a2b3c4d5e6f7a8b9c0d", True),
        ("Not found: Resource not found: 0oa1b2c3d4e5f6g7h8i9 (AppInstance)", True),
        (f"received SSWS {UNKNOWN_SSWS}", False),
        (f"token {UNKNOWN_SSWS} seen", False),
        (f"cut: {UNKNOWN_JWT[:30]}", False),
    ],
)
def test_the_untrusted_net_catches_tokens_not_prose(text, kept) -> None:
    assert (redact_untrusted(text) == text) is kept, redact_untrusted(text)


def test_a_tree_keeps_its_shape_and_drops_credential_members() -> None:
    tree = {"a": [1, None, {"client_secret": "s3cr3t-value"}], "cookie": "sid=abc", "n": 2}
    assert redact_tree(tree) == {"a": [1, None, {"client_secret": REDACTED}],
                                 "cookie": REDACTED, "n": 2}  # fmt: skip


def test_successful_reads_are_kept_verbatim(tmp_path, golden) -> None:
    """Ordinary data is not scrubbed: the Office 365 app's signing keys (x5c, long base64)
    come back exactly as the API sent them."""
    cfg = write_tenant(tmp_path, golden).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of, offline=True))
    keys = {app: read["data"] for app, read in doc["okta"]["appKeys"].items()}
    assert keys == {app: read["data"] for app, read in golden["okta"]["appKeys"].items()}
    assert any(key.get("x5c") for data in keys.values() for key in data)


def test_a_body_nested_beyond_reason_is_replaced_not_a_crash() -> None:
    """A hostile error body nested thousands deep is cut, not a RecursionError."""
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]
    tree, depth = redact_tree({"deep": deep})["deep"], 1
    while isinstance(tree, list):
        tree, depth = tree[0], depth + 1
    assert (tree, depth) == (REDACTED, MAX_TREE_DEPTH)


@pytest.mark.parametrize(
    "body",
    [
        {"errorCode": 7, "errorSummary": None, "errorCauses": ["text", 3, {"errorSummary": 1}]},
        {"errorCode": "E0000006", "errorCauses": {"not": "a list"}},
        {"error": {"code": ["x"], "message": {"nested": True}}},
    ],
)
def test_an_error_body_of_the_wrong_types_is_described_not_a_crash(body) -> None:
    error = error_of(snap.resource("okta", "users"), RawResponse(403, {}, body))
    assert isinstance(error["message"], str) and "needs scope okta.users.read" in error["message"]
