"""Waivers per item: a waiver names a check and optionally one item (domain, account...);
the finding it covers keeps its own message beside the waiver (results.json, report,
terminal); a waiver expiring within 14 days is warned about, an expired one is named as such
and waives nothing, and one naming an item the run never produced is reported as stale."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from okta_m365_audit.catalog.waivers import EXPIRY_WARNING_DAYS, waiver_for, waiver_notes
from okta_m365_audit.config import TenantConfig, Waiver
from okta_m365_audit.outputs.results import results_json_schema
from okta_m365_audit.snapshot import document as snap

from .conftest import SUITE, demo_yaml_data, write_tenant
from .scenarios.across import mfa_enforced_everywhere
from .scenarios.fed import foreign_certificate

TODAY = dt.date(2027, 1, 10)
CONTOSO = "test_fed_06_mfa_behavior_as_declared[demo-contoso.com]"
FABRIKAM = "test_fed_06_mfa_behavior_as_declared[demo-fabrikam.com]"


def _waiver(check: str, expires: dt.date, item: str | None = None) -> dict[str, Any]:
    found = {"check": check, "reason": "agreed with the customer", "approver": "J. Doe",
             "ticket": "CHG-7", "expires": expires.isoformat()}  # fmt: skip
    return found | ({"item": item} if item else {})


def _cfg(*waivers: dict[str, Any]) -> TenantConfig:
    data = demo_yaml_data()
    data.pop("emulator")
    return TenantConfig.model_validate(data | {"waivers": list(waivers)})


def test_an_item_waiver_covers_that_item_alone_normalised():
    """When a waiver names Contoso.COM. (any case, a trailing dot): it covers contoso.com as
    the checks compare it, and neither fabrikam.com nor another check."""
    cfg = _cfg(_waiver("FED-06", TODAY, "Contoso.COM."))
    assert waiver_for("FED-06", "contoso.com", cfg, TODAY) is not None
    assert waiver_for("FED-06", "fabrikam.com", cfg, TODAY) is None
    assert waiver_for("FED-06", None, cfg, TODAY) is None  # a tenant-wide test of the check
    assert waiver_for("FED-04", "contoso.com", cfg, TODAY) is None
    login = _cfg(_waiver("ESS-03", TODAY, "BreakGlass1@ContosoDemo.onmicrosoft.com"))
    assert waiver_for("ESS-03", "breakglass1@contosodemo.onmicrosoft.com", login, TODAY)
    resource = _cfg(_waiver("ACCESS-02", TODAY, "office365Apps"))  # a name keeps its case
    assert waiver_for("ACCESS-02", "office365Apps", resource, TODAY)


def test_a_check_wide_waiver_covers_every_item_and_says_so():
    cfg = _cfg(_waiver("FED-06", TODAY))
    state = waiver_for("FED-06", "fabrikam.com", cfg, TODAY)
    assert state is not None and state.describe()["scope"] == "check-wide"
    assert "check-wide" in state.text()


def test_an_active_waiver_counts_before_an_expired_one():
    """When an item's waiver expired but a check-wide one still runs: the active one counts;
    on the day after its expiry a waiver is expired, on its expiry day it still waives."""
    cfg = _cfg(_waiver("FED-06", TODAY - dt.timedelta(days=1), "contoso.com"),
               _waiver("FED-06", TODAY))  # fmt: skip
    state = waiver_for("FED-06", "contoso.com", cfg, TODAY)
    assert state is not None and not state.expired and state.waiver.item is None
    state = waiver_for("FED-06", "contoso.com", cfg, TODAY + dt.timedelta(days=1))
    assert state is not None and state.expired
    assert state.describe()["status"] == f"expired on {TODAY}"


def test_notes_warn_of_expiring_expired_and_stale_waivers():
    cfg = _cfg(
        _waiver("FED-06", TODAY + dt.timedelta(days=EXPIRY_WARNING_DAYS), "contoso.com"),
        _waiver("FED-04", TODAY - dt.timedelta(days=3)),
        _waiver("FED-03", TODAY + dt.timedelta(days=90), "northwind.com"),
        _waiver("FED-07", TODAY + dt.timedelta(days=EXPIRY_WARNING_DAYS + 1)),
        _waiver("ESS-05", TODAY + dt.timedelta(days=90), "nobody"),  # its check did not run
    )
    results = [
        {"testId": CONTOSO, "check": "FED-06", "item": "contoso.com", "verdict": "waived"},
        {"testId": FABRIKAM, "check": "FED-06", "item": "fabrikam.com", "verdict": "failed"},
        {"testId": "f3", "check": "FED-03", "item": "contoso.com", "verdict": "passed"},
    ]
    notes = {n["check"]: n for n in waiver_notes(cfg, results, TODAY)}
    assert notes["FED-06"]["status"] == "expiring" and notes["FED-06"]["waived"] == [CONTOSO]
    assert f"expires in {EXPIRY_WARNING_DAYS} day(s)" in notes["FED-06"]["warning"]
    assert notes["FED-04"]["status"] == "expired"
    assert f"expired on {TODAY - dt.timedelta(days=3)}" in notes["FED-04"]["warning"]
    assert notes["FED-03"]["stale"] and "never produced" in notes["FED-03"]["warning"]
    assert "contoso.com" in notes["FED-03"]["warning"]  # the items it could have named
    assert notes["FED-07"]["warning"] is None and notes["FED-07"]["scope"] == "check-wide"
    assert notes["ESS-05"]["warning"] is None and not notes["ESS-05"]["stale"]


def test_run_keeps_findings_beside_waivers_and_warns(pytester, golden):
    """A run where FED-06 fails on both domains and FED-04 on contoso.com, with waivers: one
    for FED-06 on contoso.com expiring in 5 days, an expired check-wide one for FED-04, and
    a stale one for FED-03 on a domain the tenant does not have. Only contoso.com's FED-06
    is waived, its own finding kept in results.json, report and terminal; fabrikam.com's
    still fails, FED-04 fails with its waiver named as expired, and the terminal and report
    carry one warning line for each of the three waivers."""
    mfa_enforced_everywhere(golden)
    foreign_certificate(golden)
    as_of = snap.parse_time(golden["meta"]["collectedAt"]).date()  # the run's date
    waivers = [
        _waiver("FED-06", as_of + dt.timedelta(days=5), "contoso.com"),
        _waiver("FED-04", as_of - dt.timedelta(days=1)),
        _waiver("FED-03", as_of + dt.timedelta(days=200), "northwind.com"),
    ]
    files = write_tenant(pytester.path / "tenants", golden, lambda d: d.update(waivers=waivers))
    out = pytester.path / "reports"
    result = pytester.runpytest_inprocess(
        str(SUITE), "--tenants-dir", str(files.dir), "--reports-dir", str(out),
        "-p", "no:randomly", "--assert=plain", "-rA",
    )  # fmt: skip
    assert result.ret == 1
    [folder] = [p for p in out.iterdir() if p.is_dir() and p.name.startswith("demo-")]
    doc = json.loads((folder / "results.json").read_text())
    Draft202012Validator(results_json_schema()).validate(doc)
    by_id = {r["testId"]: r for r in doc["results"]}
    waived, failing = by_id[CONTOSO], by_id[FABRIKAM]
    assert waived["verdict"] == "waived" and failing["verdict"] == "failed"
    assert waived["message"] == (
        "contoso.com: federatedIdpMfaBehavior is enforceMfaByFederatedIdp; the tenant file "
        "declares acceptIfMfaDoneByFederatedIdp"
    )
    assert waived["item"] == "contoso.com" and waived["waiver"]["scope"] == "item"
    assert waived["waiver"]["status"] == f"active until {as_of + dt.timedelta(days=5)}"
    assert failing["waiver"] is None
    fed04 = by_id["test_fed_04_certificate_is_oktas_active_key[demo-contoso.com]"]
    assert fed04["verdict"] == "failed" and fed04["waiver"]["expired"] is True
    assert "is not the Office 365 app's active key" in fed04["message"]
    warnings = [w["warning"] for w in doc["waivers"]]
    assert [w["status"] for w in doc["waivers"]] == ["expiring", "expired", "active"]
    assert "expires in 5 day(s)" in warnings[0]
    assert f"expired on {as_of - dt.timedelta(days=1)}" in warnings[1]
    assert doc["waivers"][2]["stale"] and "northwind.com" in warnings[2]

    report = (folder / "report.html").read_text()
    assert "Finding:</b> contoso.com: federatedIdpMfaBehavior is enforceMfaByFederatedIdp" in report
    assert "item contoso.com" in report and "check-wide" in report
    for warning in warnings:
        assert warning.replace("'", "&#x27;") in report

    terminal = "\n".join(result.outlines)
    assert "okta-m365-audit: waivers of demo" in terminal
    assert f"WAIVED FED-06 {CONTOSO}: {waived['message']}" in terminal
    for warning in warnings:
        assert f"WARNING {warning}" in terminal
    bundled = yaml.safe_load((folder / "tenant.yaml").read_text())  # the waivers travel too
    items = [Waiver.model_validate(w).item for w in bundled["waivers"]]
    assert items == ["contoso.com", None, "northwind.com"]


def test_check_item_recorded_per_result(pytester, golden):
    """Every results line names its item (what the test id names after the tenant), so a
    waiver can name it; a test of the whole tenant has none."""
    files = write_tenant(pytester.path / "tenants", golden)
    out = pytester.path / "reports"
    pytester.runpytest_inprocess(
        str(SUITE), "--tenants-dir", str(files.dir), "--reports-dir", str(out),
        "-p", "no:randomly", "--assert=plain", "-k", "FED-01 or ESS-05 or PROV-02",
    )  # fmt: skip
    [folder] = [p for p in out.iterdir() if p.is_dir() and p.name.startswith("demo-")]
    for r in json.loads((folder / "results.json").read_text())["results"]:
        suffix = r["testId"].split("[demo", 1)[1].rstrip("]")
        assert r["item"] == (suffix[1:] if suffix else None), r["testId"]
    assert Path(folder / "tenant.yaml").is_file()
