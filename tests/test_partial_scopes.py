"""Scopes granted partly: one scope the service app was never granted makes Okta refuse the
whole token request (400 invalid_scope), so the suite finds which scopes are granted, goes
on with them, and only the reads needing the others ERROR, each naming its own scope;
ACCESS-02 names exactly the missing scopes; every other check keeps its golden verdict.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from okta_m365_audit.clients import OktaApi, TokenError
from okta_m365_audit.clients.okta_token import refused_scopes
from okta_m365_audit.config import OKTA_READ_SCOPES
from okta_m365_audit.emulator import Emulator, registrations_for, tokens

from .conftest import golden_verdicts, run_suite, write_tenant

ALL = list(OKTA_READ_SCOPES)


def _granted_all_but(*missing: str):
    def patch(data):
        data["emulator"]["granted_okta_scopes"] = [s for s in ALL if s not in missing]

    return patch


def _results(run) -> dict[str, dict]:
    [results] = run.outdir.glob("demo-*/results.json")
    return {r["testId"]: r for r in json.loads(results.read_text())["results"]}


# --- the whole run -------------------------------------------------------------------------------


def test_one_scope_not_granted_errors_only_its_reads(pytester, golden):
    """When okta.logs.read was never granted (the tenant file asks for every scope): only
    the checks reading the System Log ERROR, each naming okta.logs.read; ACCESS-02 fails for
    the logs read naming it as not granted; every other check keeps its golden verdict,
    exactly as when the token simply lacks that scope (scenario "a token without
    okta.logs.read")."""
    files = write_tenant(pytester.path / "tenants", golden, _granted_all_but("okta.logs.read"))
    run = run_suite(pytester, files.dir, out="partial")  # apart from the golden run's outputs
    baseline = golden_verdicts(pytester)
    changed = {k: v for k, v in run.verdicts.items() if baseline.get(k) != v}
    assert changed == {
        "test_access_02_okta_read_allowed[demo-logs]": "failed",
        "test_access_02_okta_read_allowed[demo-office365Logs]": "failed",
        "test_access_02_okta_read_allowed[demo-changeLogs]": "failed",  # drift's actors
        "test_cred_04_no_credential_failures[demo]": "error",
        "test_cred_04_no_general_failures[demo]": "error",
        "test_cred_04_recent_provisioning_activity[demo]": "error",
    }
    assert set(run.verdicts) == set(baseline)
    results = _results(run)
    access = results["test_access_02_okta_read_allowed[demo-logs]"]
    assert access["message"].startswith(
        "Okta scope okta.logs.read not granted to the service app (Okta API Scopes): "
    )
    assert access["evidence"]["missing"] == ["okta.logs.read"]
    for test_id, verdict in changed.items():
        if verdict == "error":
            assert "needs scope okta.logs.read" in results[test_id]["message"], test_id


# --- how the granted scopes are found ------------------------------------------------------------


def _read_org_and_logs(cfg, emu):
    async def go():
        async with OktaApi(cfg, emu.endpoints()) as okta:
            org = await okta.get("/api/v1/org")
            logs = await okta.get("/api/v1/logs")
            return okta.ungranted_scopes, org.status, logs.status

    return asyncio.run(go())


def _token_statuses(emu) -> list[int]:
    return [r.status for r in emu.requests if r.path == "/oauth2/v1/token"]


@pytest.mark.parametrize("missing", [("okta.logs.read",), ("okta.domains.read", "okta.logs.read")])
def test_refused_scopes_read_from_okta_answer(tmp_path, golden, missing):
    """When Okta's refusal names the scopes: one more token request, without them."""
    cfg = write_tenant(tmp_path, golden, _granted_all_but(*missing)).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        ungranted, org, logs = _read_org_and_logs(cfg, emu)
        statuses = _token_statuses(emu)
    assert ungranted == missing
    assert (org, logs) == (200, 403)
    assert statuses == [400, 400, 200]  # DPoP nonce challenge, invalid_scope, the token


def test_refused_scopes_found_scope_by_scope(tmp_path, golden, monkeypatch):
    """When Okta's refusal does not name the scopes (its wording for the org authorization
    server is unconfirmed): each scope is asked for alone, one token request each."""
    monkeypatch.setattr(tokens, "scopes_not_allowed", lambda refused: "Invalid scope.")
    cfg = write_tenant(tmp_path, golden, _granted_all_but("okta.logs.read")).config()
    with Emulator(golden, registrations_for(cfg)) as emu:
        ungranted, org, logs = _read_org_and_logs(cfg, emu)
        statuses = _token_statuses(emu)
    assert ungranted == ("okta.logs.read",)
    assert (org, logs) == (200, 403)
    assert len(statuses) == 2 + len(ALL) + 1  # challenge, refusal, one per scope, the token
    assert statuses[-1] == 200


def test_no_scope_granted_is_a_token_failure_naming_them(tmp_path, golden):
    """When no requested scope is granted: nothing to go on with; the token failure names
    Okta's refusal of every scope."""
    cfg = write_tenant(tmp_path, golden, _granted_all_but(*ALL)).config()

    async def go():
        async with OktaApi(cfg, emu.endpoints()) as okta:
            await okta.get("/api/v1/org")

    with Emulator(golden, registrations_for(cfg)) as emu:
        with pytest.raises(TokenError) as caught:
            asyncio.run(go())
        assert len(_token_statuses(emu)) == 2  # the DPoP challenge, the refusal: no more
    assert str(caught.value) == tokens.scopes_not_allowed(ALL)


@pytest.mark.parametrize(
    "text, refused",
    [
        ("The following scopes are not allowed for this request: [okta.logs.read].",
         ["okta.logs.read"]),
        ("The following scopes are not allowed for this request: [okta.domains.read, "
         "okta.logs.read].", ["okta.domains.read", "okta.logs.read"]),
        ("The following scopes are not allowed: okta.logs.read okta.users.read",
         ["okta.users.read", "okta.logs.read"]),
        ("The following scopes are not allowed: [okta.clients.read]", None),  # not ours
        ("The requested scope is invalid, unknown, or malformed.", None),
    ],
    ids=["one-bracketed", "two-bracketed", "spaces", "not-ours", "unnamed"],
)  # fmt: skip
def test_refusal_text_parsed_defensively(text, refused):
    assert refused_scopes(text, ALL) == refused
