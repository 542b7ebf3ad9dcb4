"""What changed since the last run: new, fixed and still-open findings, and previous runs
that must not be compared (another tenant, an incomplete run, another catalog, a file that
is not a results file), each refused with one line.

The end-to-end case audits the demo three times into one reports folder: the golden
tenant, then two domains' certificates foreign (two FED-04 findings), then one of them
repaired and a sign-in URI broken (FED-04 fabrikam.com still open, FED-04 contoso.com
fixed, FED-03 contoso.com new). The unit cases compare results documents directly.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from okta_m365_audit.catalog.version import catalog_version
from okta_m365_audit.outputs.changes import changes_for, compare, item_of
from okta_m365_audit.outputs.results import results_json_schema
from okta_m365_audit.session.tenants import AuditState
from tests.conftest import golden_doc, run_suite, write_tenant
from tests.scenarios.helpers import federation, new_certificate
from tests.test_fleet import make_doc

VALIDATOR = Draft202012Validator(results_json_schema())


def _results(outdir: Path) -> list[dict[str, Any]]:
    """Every bundle's results.json under outdir, oldest run first."""
    docs = [json.loads(p.read_text("utf-8")) for p in outdir.glob("*/results.json")]
    return sorted(docs, key=lambda d: d["run"]["startedAt"])


def _found(entries: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(e["check"], e["item"]) for e in entries}


def test_three_runs_tell_new_fixed_and_still_open(pytester: pytest.Pytester) -> None:
    tenants = pytester.path / "tenants"
    write_tenant(tenants, golden_doc())
    first = run_suite(pytester, tenants)
    assert first.ret == 0

    doc = golden_doc()
    for domain in ("contoso.com", "fabrikam.com"):
        federation(doc, domain)["signingCertificate"] = new_certificate()
    write_tenant(tenants, doc)
    second = run_suite(pytester, tenants)
    assert second.ret == 1

    doc = golden_doc()
    federation(doc, "fabrikam.com")["signingCertificate"] = new_certificate()
    federation(doc, "contoso.com")["passiveSignInUri"] = "https://elsewhere.example/sso"
    write_tenant(tenants, doc)
    third = run_suite(pytester, tenants)
    assert third.ret == 1

    runs = _results(third.outdir)
    assert len(runs) == 3
    for run in runs:
        VALIDATOR.validate(run)
        assert run["run"]["catalogVersion"] == catalog_version()
    assert runs[0]["changes"]["previous"] is None
    assert "first" in runs[0]["changes"]["notCompared"]

    second_changes = runs[1]["changes"]
    assert second_changes["previous"]["runId"] == runs[0]["run"]["id"]
    assert not second_changes["previous"]["file"].startswith("/")  # relative to reports/
    assert _found(second_changes["new"]) == {("FED-04", "contoso.com"), ("FED-04", "fabrikam.com")}
    assert second_changes["fixed"] == [] and second_changes["stillOpen"] == []
    assert all(e["previously"] == "passed" for e in second_changes["new"])

    third_changes = runs[2]["changes"]
    assert third_changes["previous"]["runId"] == runs[1]["run"]["id"]
    assert ("FED-03", "contoso.com") in _found(third_changes["new"])
    assert ("FED-04", "contoso.com") not in _found(third_changes["new"])
    assert _found(third_changes["fixed"]) == {("FED-04", "contoso.com")}
    assert _found(third_changes["stillOpen"]) == {("FED-04", "fabrikam.com")}
    assert third_changes["counts"]["fixed"] == 1 and third_changes["counts"]["stillOpen"] == 1

    # the handover view opens with it, in the bundle's report and the run-wide one
    bundle = next(
        p.parent
        for p in third.outdir.glob("demo-*/results.json")
        if json.loads(p.read_text("utf-8"))["run"]["id"] == runs[2]["run"]["id"]
    )
    bundle_report = (bundle / "report.html").read_text("utf-8")
    top = bundle_report.index("<section class='changes' data-compared='true'>")
    assert top < bundle_report.index("<table class='meta'>")
    assert "data-kind='fixed' data-check='FED-04'" in bundle_report
    assert "data-kind='new' data-check='FED-03'" in bundle_report
    assert "class='changes'" in (third.outdir / "report.html").read_text("utf-8")


def test_previous_option_names_the_run_to_compare_with(pytester: pytest.Pytester) -> None:
    """--previous takes a bundle folder (or a results file) instead of the latest run."""
    tenants = pytester.path / "tenants"
    doc = golden_doc()
    federation(doc, "contoso.com")["signingCertificate"] = new_certificate()
    write_tenant(tenants, doc)
    first = run_suite(pytester, tenants, out="first")
    bundle = next(first.outdir.glob("demo-*/results.json")).parent
    write_tenant(tenants, golden_doc())
    second = run_suite(pytester, tenants, "--previous", str(bundle), out="second")
    changes = _results(second.outdir)[0]["changes"]
    assert changes["previous"]["runId"] == _results(first.outdir)[0]["run"]["id"]
    assert _found(changes["fixed"]) == {("FED-04", "contoso.com")} and changes["new"] == []


# --- unit cases: the comparison and what is refused ------------------------------------------


def _doc(tenant: str = "acme", started: str = "2026-11-20T06:00:00.000Z", **kw: Any) -> dict:
    doc = make_doc(tenant, started, **kw)
    doc["run"]["catalogVersion"] = catalog_version()
    return doc


def _state(tmp_path: Path, *previous: Path) -> AuditState:
    state = AuditState(reports_dir=tmp_path / "reports", previous=list(previous))
    state.run_id = "this-run"
    return state


def _write(path: Path, doc: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), "utf-8")
    return path


def test_item_of_strips_the_tenant() -> None:
    assert item_of("test_fed_04_x[acme-contoso.com]", "acme") == "contoso.com"
    assert item_of("test_org_01_x[acme]", "acme") == ""
    assert item_of("test_ess_03_x[acme-svc-okta@x.example]", "acme") == "svc-okta@x.example"


def test_a_finding_is_fixed_only_by_a_pass() -> None:
    before = _doc(verdicts={"FED-04": "failed", "FED-01": "failed", "PREP-01": "error"})
    now = _doc("acme", "2026-11-21T06:00:00.000Z",
               verdicts={"FED-04": "failed", "FED-01": "waived", "ORG-03": "failed"})  # fmt: skip
    lists = compare(now, before)
    assert _found(lists["new"]) == {("ORG-03", "")}
    assert _found(lists["stillOpen"]) == {("FED-04", "")}
    assert _found(lists["fixed"]) == {("PREP-01", "")}
    assert [(e["check"], e["now"]) for e in lists["closedWithoutPass"]] == [("FED-01", "waived")]


def test_a_partial_run_compares_only_what_it_ran() -> None:
    before = _doc(verdicts={"FED-04": "failed", "ORG-03": "failed"})
    now = _doc("acme", "2026-11-21T06:00:00.000Z")
    now["results"] = [r for r in now["results"] if r["check"].startswith("FED")]
    now["run"]["partial"] = True
    lists = compare(now, before)
    assert _found(lists["fixed"]) == {("FED-04", "")}  # ORG-03 was not run: not fixed
    assert lists["closedWithoutPass"] == []


def _refused(tmp_path: Path, previous: Any, *, name: str = "results.json") -> str:
    path = _write(tmp_path / "prev" / name, previous)
    state = _state(tmp_path, path)
    changes = changes_for(state, _doc("acme", "2026-11-21T06:00:00.000Z"))
    assert "new" not in changes, changes
    line = changes["notCompared"]
    assert "\n" not in line and "prev/results.json" in line, line  # one line, naming it
    return line


def test_another_tenants_run_is_refused(tmp_path: Path) -> None:
    line = _refused(tmp_path, _doc("globex"))
    assert "no --previous file is a results file of acme" in line
    assert "a run of tenant globex" in line


def test_another_org_of_the_same_name_is_refused(tmp_path: Path) -> None:
    other = _doc()
    other["okta"]["orgUrl"] = "https://someone-else.okta.example"
    assert "Okta org 'https://someone-else.okta.example'" in _refused(tmp_path, other)


def test_an_incomplete_run_is_refused(tmp_path: Path) -> None:
    partial = _doc()
    partial["run"] |= {"partial": True, "selection": {"keyword": "FED"}}
    assert "partial run (-k FED), not the tenant's full audit" in _refused(tmp_path, partial)
    interrupted = _doc()
    interrupted["run"]["interrupted"] = True
    assert "an interrupted run" in _refused(tmp_path, interrupted)


def test_another_catalog_is_refused(tmp_path: Path) -> None:
    old = _doc()
    old["run"]["catalogVersion"] = "catalog-000000000000"
    assert "catalog version 'catalog-000000000000'" in _refused(tmp_path, old)
    del old["run"]["catalogVersion"]
    assert "records no catalog version" in _refused(tmp_path, old)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("{not json", "not a readable JSON file"),
        ({"format": "someone-else/results"}, "not a results file"),
        ("[1, 2]", "not a results file"),
        ("hostile-verdict", "results[0].verdict is 'pwned'"),
        ("hostile-tenant", "tenant"),
        ("later", "did not start before this run"),
    ],
)
def test_untrusted_previous_files_are_refused_with_one_line(
    tmp_path: Path, content: Any, said: str
) -> None:
    if content == "hostile-verdict":
        content = _doc()
        content["results"][0]["verdict"] = "pwned"
    elif content == "hostile-tenant":
        content = _doc()
        content["tenant"] = "../../etc\n::error::x"
    elif content == "later":
        content = _doc("acme", "2027-01-01T00:00:00.000Z")
    line = _refused(tmp_path, content)
    assert said in line, line


def test_found_under_the_reports_folder_skips_incomplete_and_foreign_runs(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    complete = _doc(verdicts={"FED-04": "failed"})
    _write(reports / "acme-1/results.json", complete)
    later_partial = _doc("acme", "2026-11-20T12:00:00.000Z")
    later_partial["run"]["partial"] = True
    _write(reports / "acme-2/results.json", later_partial)
    _write(reports / "globex-1/results.json", _doc("globex", "2026-11-20T13:00:00.000Z"))
    _write(reports / "junk/results.json", "{broken")
    state = _state(tmp_path)
    changes = changes_for(state, _doc("acme", "2026-11-21T06:00:00.000Z"))
    assert changes["previous"]["file"] == "acme-1/results.json"
    assert _found(changes["fixed"]) == {("FED-04", "")}
    # computed once per run: the run-wide report, the bundle and the terminal agree
    assert changes_for(state, copy.deepcopy(_doc("acme", "2026-11-21T06:00:00Z"))) is changes
