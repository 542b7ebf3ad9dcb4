"""A tenant without Entra ID P2 (Microsoft 365 Business Premium: P1 only): Graph answers the
PIM eligibility read (``globalAdminEligibility``) 400 ``AadPremiumLicenseRequired``, "The
tenant needs an AAD Premium 2 license." (sources: catalog/resources.py, NOT_LICENSED_ANSWERS).

That answer is a licence, not a refusal: the read is recorded with outcome not_licensed,
ACCESS-04 passes listing it as "not licensed", and ESS-02/ESS-05 (which only list eligible
holders, never count them) keep their verdicts, saying why no eligibility was read. Any other
400 on the same read, or the same code with a status it does not come with, stays a failed
read: ACCESS-04 fails, never a false pass.

The golden demo tenant is broken by recording the answer in its snapshot (the emulator
answers a recorded failure of that read as recorded), and by the emulator's fault
``graph_p2_required_400``.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from okta_m365_audit.clients.failures import error_of
from okta_m365_audit.clients.responses import RawResponse
from okta_m365_audit.collect.collector import collect
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.emulator.faults import Fault
from okta_m365_audit.snapshot import document as snap

from .conftest import golden_doc, golden_verdicts, run_suite, write_tenant

NAME = "globalAdminEligibility"
P2_CODE = "AadPremiumLicenseRequired"
P2_MESSAGE = "The tenant needs an AAD Premium 2 license."
ESS = ("ESS-02", "ESS-05")


def _answered(doc: dict[str, Any], status: int, code: str, message: str) -> dict[str, Any]:
    """The golden tenant whose PIM eligibility read Graph answered ``status``/``code``."""
    read = doc["graph"][NAME]
    body = {"error": {"code": code, "message": message}}
    error = {"status": status, "code": code, "message": message,
             "needs": "RoleManagement.Read.Directory", "body": body}  # fmt: skip
    doc["graph"][NAME] = snap.make_read(read["request"], status, ok=False, pages=0, error=error)
    return doc


def _results(outdir: Path) -> list[dict[str, Any]]:
    (found,) = outdir.glob("*/results.json")
    return json.loads(found.read_text("utf-8"))["results"]


def _collected(outdir: Path) -> dict[str, Any]:
    (found,) = (outdir / "snapshots").glob("*.snapshot.json")
    return snap.load(found)


def _access_04_param(run) -> str:
    (key,) = [k for k in run.by_check("ACCESS-04") if f"-{NAME}]" in k]
    return key


# --- the classification itself -------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "licence"),
    [
        (400, P2_CODE, "Entra ID P2"),
        (403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Entra ID P1"),
        (401, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Entra ID P1"),
        # the code with a status it is not known to come with: a failed read, not a licence
        (403, P2_CODE, None),
        (400, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", None),
        # another 400 (a refused query) and Graph's permission 403
        (400, "Request_UnsupportedQuery", None),
        (403, "Authorization_RequestDenied", None),
    ],
)
def test_only_a_known_licence_answer_is_not_licensed(status, code, licence):
    """When Graph answers a read: only a licence code with its own status is not_licensed,
    and its message names the licence (and no permission to grant)."""
    res = snap.resource("graph", NAME)
    body = {"error": {"code": code, "message": "x"}}
    error = error_of(res, RawResponse(status=status, headers={}, body=body))
    read = snap.make_read(res.path, status, ok=False, pages=0, error=error)
    assert snap.not_licensed(read) is (licence is not None)
    assert (read.get("outcome") == snap.NOT_LICENSED) is (licence is not None)
    if licence:
        assert f"{licence} needed" in error["message"]
        assert snap.needs_hint(read) is None
    else:
        assert "does not cover this read" not in error["message"]


# --- the emulator serves it ----------------------------------------------------------------


def _collect(folder: Path, doc: dict[str, Any], faults: list[Fault] | None = None) -> dict:
    cfg = write_tenant(folder, doc).config()
    with Emulator(doc, registrations_for(cfg), faults) as emu:
        return asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))


@pytest.mark.parametrize("how", ["recorded", "fault"])
def test_the_emulator_answers_the_pim_read_as_graph_does_without_p2(tmp_path, how):
    """When the tenant has no Entra ID P2 (recorded in the snapshot, or the emulator's fault
    graph_p2_required_400): Graph's 400 AadPremiumLicenseRequired body is served, and the
    collector records it once (no retry) as not_licensed; every other read is unaffected."""
    if how == "recorded":
        doc = _collect(tmp_path, _answered(golden_doc(), 400, P2_CODE, P2_MESSAGE))
    else:
        fault = Fault("graph_p2_required_400", "graph", "/roleEligibilitySchedules$", count=None)
        doc = _collect(tmp_path, golden_doc(), [fault])
    read = doc["graph"][NAME]
    assert (read["status"], read["ok"], read["data"]) == (400, False, None)
    assert read["error"]["code"] == P2_CODE
    assert read["error"]["body"]["error"]["message"] == P2_MESSAGE
    assert read["outcome"] == snap.NOT_LICENSED and snap.not_licensed(read)
    assert snap.needs_hint(read) is None
    assert read["requests"] == 1, "a licence answer is final: no retry"
    assert "Entra ID P2 needed" in read["error"]["message"]
    golden = golden_doc()
    for other in ("globalAdminAssignments", "users", "organization"):
        assert doc["graph"][other]["data"] == golden["graph"][other]["data"]


# --- the verdicts ----------------------------------------------------------------------------


def test_no_p2_passes_access_04_and_keeps_ess_02_05(pytester, tmp_path):
    """When the tenant has no Entra ID P2: ACCESS-04 passes (the PIM read listed as not
    licensed, no permission named), ESS-02 and ESS-05 give their golden verdicts, and their
    evidence says no eligibility was read because the tenant has no Entra ID P2."""
    golden = golden_verdicts(pytester)
    files = write_tenant(tmp_path / "tenants", _answered(golden_doc(), 400, P2_CODE, P2_MESSAGE))
    run = run_suite(pytester, files.dir, out="p2")
    access = run.by_check("ACCESS-04")
    assert access and set(access.values()) == {"passed"}, access
    for check in ESS:
        assert run.by_check(check) == {k: golden[k] for k in run.by_check(check)}, check
    assert snap.not_licensed(_collected(run.outdir)["graph"][NAME])
    results = {r["testId"].split("::")[-1]: r for r in _results(run.outdir)}
    evidence = results[_access_04_param(run)]["evidence"]
    assert evidence["refused"] == [] and evidence["missing"] == []
    (listed,) = evidence["not licensed"]
    assert "roleEligibilitySchedules" in listed and "Entra ID P2 needed" in listed
    assert "needs RoleManagement.Read.Directory" not in listed
    for r in results.values():
        if r["check"] in ESS:
            observed = r["evidence"]["observed"]
            why = " ".join(observed["cannot tell"])
            assert P2_MESSAGE in why and "Entra ID P2 needed" in why, r["check"]
            eligible = next(v for k, v in observed.items() if k.startswith("eligible only"))
            assert eligible == {}, "no eligibility was read: none is listed"


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (400, "Request_UnsupportedQuery", "Unsupported Query."),
        (403, P2_CODE, P2_MESSAGE),  # the P2 code with a status it is not known to come with
    ],
)
def test_another_failure_of_the_pim_read_still_fails_access_04(pytester, tmp_path, status,
                                                               code, message):  # fmt: skip
    """When the PIM read failed any other way (another 400, or the licence code on a 403):
    ACCESS-04 fails on that read (no false pass); ESS-02 and ESS-05 keep their golden
    verdicts (eligibility is listed, never counted) and show the failure as cannot tell."""
    golden = golden_verdicts(pytester)
    files = write_tenant(tmp_path / "tenants", _answered(golden_doc(), status, code, message))
    run = run_suite(pytester, files.dir, out="p2")
    access = run.by_check("ACCESS-04")
    key = _access_04_param(run)
    assert access[key] == "failed", access
    assert {v for k, v in access.items() if k != key} == {"passed"}
    for check in ESS:
        assert run.by_check(check) == {k: golden[k] for k in run.by_check(check)}, check
    collected = _collected(run.outdir)["graph"][NAME]
    assert collected["status"] == status and not snap.not_licensed(collected)
    results = {r["testId"].split("::")[-1]: r for r in _results(run.outdir)}
    assert "not licensed" not in results[key]["evidence"]
    assert message in results[key]["message"]
