"""The emulator, driven through the official SDKs: tokens, scopes, paging, errors, read-only.

Negative cases assert the real services' codes and messages (moto's way), because a
suite that passes against an emulator more lenient than the real service proves nothing.
"""

from __future__ import annotations

import asyncio
import copy
import json
import subprocess
import sys
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from okta_m365_audit.clients import Endpoints, GraphApi, OktaApi
from okta_m365_audit.collect.collector import collect
from okta_m365_audit.core.errors import ConnectError, ReadOnlyViolation
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.snapshot import document as snap

from .conftest import ROOT, write_tenant


def _collect(cfg, emu, endpoints: Endpoints | None = None) -> dict[str, Any]:
    return asyncio.run(collect(cfg, endpoints or emu.endpoints(), emu.as_of))


def _grow(doc: dict[str, Any], okta_users: int, app_users: int, graph_users: int) -> None:
    """Pad the golden tenant with synthetic copies so lists span several pages."""
    app_id = doc["okta"]["office365Apps"]["data"][0]["id"]
    users = doc["okta"]["users"]["data"]
    for i in range(okta_users - len(users)):
        u = copy.deepcopy(users[0])
        u["id"] = f"00usynth{i:012d}"
        u["profile"]["login"] = u["profile"]["email"] = f"synth{i}@fabrikam.com"
        users.append(u)
    assignments = doc["okta"]["appUsers"][app_id]["data"]
    for i in range(app_users - len(assignments)):
        a = copy.deepcopy(assignments[0])
        a["id"] = f"00usynth{i:012d}"
        assignments.append(a)
    gusers = doc["graph"]["users"]["data"]
    for i in range(graph_users - len(gusers)):
        g = copy.deepcopy(gusers[0])
        g["id"] = f"00000000-0000-4000-8000-{i:012d}"
        g["userPrincipalName"] = f"synth{i}@fabrikam.com"
        gusers.append(g)


# --- paging ----------------------------------------------------------------------------------


def test_okta_and_graph_lists_page_to_the_end(tmp_path, golden):
    """When lists exceed a page: Okta Link headers and Graph nextLinks are followed to the end."""
    _grow(golden, okta_users=450, app_users=1200, graph_users=2500)
    cfg = write_tenant(tmp_path, golden).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = _collect(cfg, emu)
        log = list(emu.requests)
    app_id = golden["okta"]["office365Apps"]["data"][0]["id"]
    assert (doc["okta"]["users"]["pages"], len(doc["okta"]["users"]["data"])) == (3, 450)
    assert doc["okta"]["appUsers"][app_id]["pages"] == 3  # limit 500
    assert doc["okta"]["appUsers"][app_id]["data"] == golden["okta"]["appUsers"][app_id]["data"]
    assert (doc["graph"]["users"]["pages"], len(doc["graph"]["users"]["data"])) == (3, 2500)
    assert doc["graph"]["users"]["data"] == golden["graph"]["users"]["data"]
    user_reads = [r.query for r in log if r.path == "/api/v1/users"]
    user_pages = [q for q in user_reads if "search=" not in q]
    assert [("after=" in q) for q in user_pages] == [False, True, True]
    assert all("limit=200" in q for q in user_reads)
    # and one search for the DEPROVISIONED users a plain list omits (none here)
    assert len([q for q in user_reads if "search=" in q]) == 1
    graph_pages = [r.query for r in log if r.path == "/v1.0/users"]
    assert [("skiptoken" in q) for q in graph_pages] == [False, True, True]
    assert all("top=999" in q for q in graph_pages)


def test_graph_rejects_a_page_size_over_999(tmp_path, golden):
    """When $top is 1000: Graph's 400 with its real message."""
    cfg = write_tenant(tmp_path, golden).config()

    async def go():
        async with GraphApi(cfg, emu.endpoints()) as graph:
            return await graph.get("/users?$top=1000")

    with Emulator(golden, registrations_for(cfg)) as emu:
        resp = asyncio.run(go())
    assert resp.status == 400
    assert resp.body["error"]["code"] == "Request_UnsupportedQuery"
    assert "Must be between 1 and 999 inclusive" in resp.body["error"]["message"]


# --- Okta token service and scopes -----------------------------------------------------------


def test_okta_token_refused_for_a_key_it_does_not_know(tmp_path, golden):
    """When the service app signs with a key Okta has not registered: invalid_client, once."""
    cfg = write_tenant(tmp_path, golden).config()
    reg = registrations_for(cfg)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    reg.okta_apps[cfg.okta.auth.client_id].public_key_pem = other.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with Emulator(golden, reg) as emu:
        doc = _collect(cfg, emu)
        okta_calls = [r for r in emu.requests if r.service == "okta"]
    org = doc["okta"]["org"]
    assert not org["ok"]
    assert "The client_assertion signature is invalid." in org["error"]["message"]
    assert all(not r["ok"] for name, r in doc["okta"].items() if "ok" in r)
    # the credential failure is found once, not once per resource
    assert [(r.method, r.path) for r in okta_calls] == [("POST", "/oauth2/v1/token")]
    assert doc["meta"]["partial"] is True


def test_okta_token_refuses_a_scope_not_granted(tmp_path, golden):
    """When the app requests a scope the admin never granted: Okta refuses the token request
    (invalid_scope naming it), and the suite goes on with the scopes it was granted, so only
    the reads needing that scope fail (tests/test_partial_scopes.py has the whole run)."""
    files = write_tenant(
        tmp_path, golden,
        lambda d: d.setdefault("emulator", {}).update(
            granted_okta_scopes=["okta.orgs.read", "okta.apps.read", "okta.users.read",
                                 "okta.groups.read", "okta.domains.read",
                                 "okta.agentPools.read"]),
    )  # fmt: skip
    cfg = files.config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = _collect(cfg, emu)
        token_statuses = [r.status for r in emu.requests if r.path == "/oauth2/v1/token"]
    assert token_statuses == [400, 400, 200]  # DPoP nonce challenge, invalid_scope, the token
    assert doc["okta"]["org"]["ok"] and doc["okta"]["users"]["ok"]
    [logs] = doc["okta"]["logs"].values()
    assert (logs["status"], logs["error"]["needs"]) == (403, "okta.logs.read")


def test_okta_403_names_the_scope_the_token_lacks(tmp_path, golden):
    """When the token lacks okta.logs.read: 403 E0000006 and the scope in WWW-Authenticate."""
    scopes = ["okta.orgs.read", "okta.apps.read", "okta.users.read", "okta.groups.read",
              "okta.domains.read", "okta.agentPools.read"]  # fmt: skip
    cfg = write_tenant(tmp_path, golden, lambda d: d["okta"]["auth"].update(scopes=scopes)).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = _collect(cfg, emu)
    [logs] = doc["okta"]["logs"].values()
    assert logs["status"] == 403 and not logs["ok"]
    assert logs["error"]["code"] == "E0000006"
    assert logs["error"]["needs"] == "okta.logs.read"
    assert 'scope="okta.logs.read"' in logs["error"]["message"]
    assert doc["okta"]["users"]["ok"]


def test_okta_api_token_mode(tmp_path, golden, monkeypatch):
    """When the tenant uses an SSWS API token from the environment: reads work, and the token
    appears nowhere in the snapshot."""
    monkeypatch.setenv("DEMO_OKTA_TOKEN", "00demo-ssws-token-value-1234567890")
    files = write_tenant(
        tmp_path, golden,
        lambda d: d["okta"].update(auth={"method": "api_token", "token_env": "DEMO_OKTA_TOKEN"}),
    )  # fmt: skip
    cfg = files.config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = _collect(cfg, emu)
    assert doc["okta"]["org"]["ok"]
    assert "00demo-ssws-token-value" not in json.dumps(doc)


# --- Entra token service and Graph permissions ------------------------------------------------


def _secret_tenant(tmp_path, golden, monkeypatch, secret="demo-client-secret-value-42"):
    monkeypatch.setenv("DEMO_GRAPH_SECRET", secret)
    return write_tenant(
        tmp_path, golden,
        lambda d: d["m365"].update(auth={"method": "client_secret",
                                         "client_id": d["m365"]["auth"]["client_id"],
                                         "client_secret_env": "DEMO_GRAPH_SECRET"}),
    ).config()  # fmt: skip


def test_graph_client_secret_accepted_and_never_stored(tmp_path, golden, monkeypatch):
    """When Graph uses a client secret: reads work and the secret is nowhere in the snapshot."""
    cfg = _secret_tenant(tmp_path, golden, monkeypatch)
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = _collect(cfg, emu)
    assert doc["graph"]["organization"]["ok"]
    assert "demo-client-secret-value-42" not in json.dumps(doc)


def test_graph_wrong_client_secret(tmp_path, golden, monkeypatch):
    """When the secret is wrong: AADSTS7000215 in the error, and no secret in it."""
    cfg = _secret_tenant(tmp_path, golden, monkeypatch)
    reg = registrations_for(cfg)
    reg.graph_apps[cfg.m365.auth.client_id].secret = "the-registered-secret"
    with Emulator(golden, reg) as emu:
        doc = _collect(cfg, emu)
    message = doc["graph"]["organization"]["error"]["message"]
    assert "AADSTS7000215" in message
    assert "demo-client-secret-value-42" not in json.dumps(doc)


def test_graph_certificate_not_registered(tmp_path, golden):
    """When the app signs with a certificate Entra does not hold: AADSTS700027."""
    cfg = write_tenant(tmp_path, golden).config()
    reg = registrations_for(cfg)
    signing_cert = (ROOT / "tenants/demo/okta-app-signing-keys.pem").read_bytes()
    reg.graph_apps[cfg.m365.auth.client_id].certificate_pem = signing_cert
    with Emulator(golden, reg) as emu:
        doc = _collect(cfg, emu)
    assert "AADSTS700027" in doc["graph"]["organization"]["error"]["message"]


def test_graph_token_for_another_tenant(tmp_path, golden):
    """When the tenant file names another tenant id: AADSTS90002, tenant not found."""
    cfg = write_tenant(
        tmp_path, golden,
        lambda d: d["m365"].update(tenant_id="00000000-1111-2222-3333-444444444444"),
    ).config()  # fmt: skip
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = _collect(cfg, emu)
    assert "AADSTS90002" in doc["graph"]["organization"]["error"]["message"]


def test_graph_403_names_the_missing_permission(tmp_path, golden):
    """When Domain.Read.All was never consented: 403 Authorization_RequestDenied on domains."""
    perms = ["Organization.Read.All", "User.Read.All", "RoleManagement.Read.Directory",
             "Application.Read.All"]  # fmt: skip
    cfg = write_tenant(
        tmp_path, golden,
        lambda d: d.setdefault("emulator", {}).update(granted_graph_permissions=perms),
    ).config()  # fmt: skip
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = _collect(cfg, emu)
    domains = doc["graph"]["domains"]
    assert domains["status"] == 403
    assert domains["error"]["code"] == "Authorization_RequestDenied"
    assert "Domain.Read.All" in domains["error"]["message"]
    assert doc["graph"]["users"]["ok"]
    assert doc["graph"]["oauth2PermissionGrants"] == {
        k: v for k, v in doc["graph"]["oauth2PermissionGrants"].items() if v["status"] == 403
    }


# --- TLS and read-only -----------------------------------------------------------------------


def test_untrusted_certificate_surfaces_its_cause(tmp_path, golden):
    """When the emulator's CA is not trusted: every read fails with the TLS cause, no pass."""
    cfg = write_tenant(tmp_path, golden).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        ep = emu.endpoints()
        untrusted = Endpoints(ep.okta_base, ep.graph_base, ep.graph_scope, ep.login_authority,
                              ca_file=None, emulated=True)  # fmt: skip
        doc = _collect(cfg, emu, untrusted)
    assert "certificate" in doc["okta"]["org"]["error"]["message"].lower()
    assert doc["okta"]["org"]["error"]["code"] == "connect_failed"
    assert "certificate" in doc["graph"]["organization"]["error"]["message"].lower()
    assert not any(r["ok"] for r in (doc["okta"]["org"], doc["graph"]["organization"]))


def test_transports_refuse_anything_but_get(tmp_path, golden):
    """When code tries to write through either SDK: ReadOnlyViolation, nothing reaches the API."""
    from msgraph.generated.models.user import User

    cfg = write_tenant(tmp_path, golden).config()
    app_id = golden["okta"]["office365Apps"]["data"][0]["id"]

    async def go():
        async with OktaApi(cfg, emu.endpoints()) as okta, GraphApi(cfg, emu.endpoints()) as graph:
            # the SDK's own request for what ApplicationApi.deactivate_application sends
            executor = okta._client
            path = f"/api/v1/apps/{app_id}/lifecycle/deactivate"
            request, error = await executor.create_request("POST", path, headers={})
            assert error is None
            with pytest.raises(ReadOnlyViolation, match="refused POST"):
                await executor.fire_request(request)
            with pytest.raises(ReadOnlyViolation, match="refused POST"):
                await graph.client.users.post(User(display_name="x"))
            with pytest.raises(ReadOnlyViolation, match="refused DELETE"):
                await graph.client.domains.by_domain_id("contoso.com").delete()

    with Emulator(golden, registrations_for(cfg)) as emu:
        asyncio.run(go())
        writes = [r for r in emu.requests if r.method != "GET" and "token" not in r.path]
    assert writes == []


def test_connect_error_names_the_endpoint(tmp_path, golden):
    """When nothing listens at the org URL: a ConnectError naming host and port."""
    cfg = write_tenant(tmp_path, golden).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        ep = emu.endpoints()
    ep = Endpoints(ep.okta_base, ep.graph_base, ep.graph_scope, ep.login_authority)

    async def go():
        async with OktaApi(cfg, ep) as okta:
            await okta.get("/api/v1/org")

    with pytest.raises(ConnectError, match=r"cannot connect to 127\.0\.0\.1"):
        asyncio.run(go())


# --- the standalone emulator -----------------------------------------------------------------


def test_emulator_command_prints_endpoints_and_enforces_tokens():
    """`python -m okta_m365_audit.emulator --snapshot FILE` serves over TLS and wants tokens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "okta_m365_audit.emulator", "--json",
         "--snapshot", "tenants/demo/golden.snapshot.json", "--tenant", "tenants/demo.yaml"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        info = json.loads(proc.stdout.readline())
        assert set(info) >= {"okta", "graph", "login", "tenantId", "caFile"}
        with httpx.Client(verify=info["caFile"]) as http:
            users = http.get(info["graph"] + "/users")
            org = http.get(info["okta"] + "/api/v1/org")
            openid = http.get(
                f"{info['login']}/{info['tenantId']}/v2.0/.well-known/openid-configuration"
            )
            log = http.get(info["okta"] + "/_emulator/requests").json()
        assert users.status_code == 401
        assert users.json()["error"]["code"] == "InvalidAuthenticationToken"
        assert org.status_code == 401 and org.json()["errorCode"] == "E0000011"
        assert openid.json()["token_endpoint"].endswith("/oauth2/v2.0/token")
        assert any(r["path"] == "/api/v1/org" and r["status"] == 401 for r in log)
    finally:
        proc.terminate()
        proc.wait(10)


def test_snapshot_with_a_wrong_format_is_refused(tmp_path):
    """When a file is not a snapshot of this version: a clear SnapshotError, not a pass."""
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"format": "okta-m365-audit/snapshot", "schemaVersion": 99}))
    with pytest.raises(snap.SnapshotError, match="schemaVersion 99"):
        snap.load(bad)


def test_stray_okta_settings_and_proxies_change_nothing(tmp_path, golden, monkeypatch):
    """When OKTA_* variables, okta.yaml files and proxy variables point elsewhere: the suite
    still connects where its tenant file says, with the credentials it names."""
    home = tmp_path / "home"
    (home / ".okta").mkdir(parents=True)
    evil = "okta:\n  client:\n    orgUrl: https://evil.example.com\n    token: stolen\n"
    (home / ".okta" / "okta.yaml").write_text(evil)
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "okta.yaml").write_text(evil)
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("HOME", str(home))
    for name, value in {
        "OKTA_CLIENT_ORGURL": "https://evil.example.com",
        "OKTA_CLIENT_AUTHORIZATIONMODE": "SSWS",
        "OKTA_CLIENT_TOKEN": "stolen",
        "OKTA_CLIENT_PROXY_HOST": "127.0.0.1",
        "OKTA_CLIENT_PROXY_PORT": "9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "ALL_PROXY": "http://127.0.0.1:9",
    }.items():
        monkeypatch.setenv(name, value)
    cfg = write_tenant(tmp_path / "tenants", golden).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = _collect(cfg, emu)
    assert doc["meta"]["partial"] is False
    assert doc["okta"]["org"]["ok"] and doc["graph"]["organization"]["ok"]
    assert {r["request"].split(" ")[0] for r in [doc["okta"]["org"]]} == {"GET"}
