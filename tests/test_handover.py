"""The customer's handover document (outputs/handover.py): what it holds, in which order,
and that nothing in it comes from the runner or runs as markup. Built with --no-pdf (the PDF
is tests/test_handover_pdf.py's)."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import pytest
import yaml

from okta_m365_audit.config import load_tenant
from okta_m365_audit.core.errors import ConfigError
from okta_m365_audit.outputs.handover import handover_document, specific_remediation

from .conftest import ROOT, run_suite, write_tenant
from .scenarios.across import mfa_enforced
from .scenarios.ess import break_glass_imported
from .scenarios.fed import foreign_certificate

HOSTILE = "<script>alert('x')</script> \"Acme\" & <b>Sons</b>"
WAIVER = {"check": "FED-06", "item": "contoso.com", "reason": "moving to enforce in Q3",
          "approver": "ciso@acme.example", "ticket": "SEC-42", "expires": "2099-01-01"}  # fmt: skip
#: a 1x1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def failing_bundle(pytester: pytest.Pytester, golden: dict, *args: str) -> Path:
    """The bundle of a run of the demo broken three ways (FED-04, ESS-03 and ESS-05 fail, FED-06's
    finding waived), with a hostile customer name and a logo."""
    foreign_certificate(golden)
    break_glass_imported(golden)
    mfa_enforced(golden)
    (pytester.path / "tenants").mkdir(exist_ok=True)
    (pytester.path / "tenants" / "acme-logo.png").write_bytes(PNG)

    def patch(data: dict) -> None:
        data["waivers"] = [WAIVER]
        data["customer"] = {"display_name": HOSTILE, "logo": "acme-logo.png"}

    files = write_tenant(pytester.path / "tenants", golden, patch)
    out = pytester.path / "reports"
    run_suite(pytester, files.dir, "--reports-dir", str(out), *args, pdf="--no-pdf" not in args)
    [folder] = [p for p in out.iterdir() if p.is_dir() and p.name.startswith("demo-")]
    return folder


def test_failing_tenant_handover_document(pytester, golden):
    """Findings first (each with item, message, specific remediation, runbook phase), counts
    by check and by item, the suite's access checks after the runbook's phases, the waiver
    with its original finding, an appendix whose hashes are the manifest's; the customer's
    hostile name escaped; no runner path, operator, Environment table or folded section."""
    folder = failing_bundle(pytester, golden, "--no-pdf")
    page = (folder / "handover.html").read_text("utf-8")
    doc = json.loads((folder / "results.json").read_text())
    manifest = json.loads((folder / "manifest.json").read_text())

    assert "report.pdf" not in manifest["files"]
    assert manifest["notes"] == ["report.pdf: not written: turned off (--no-pdf)"]
    assert "handover.html" in manifest["files"] and "logo.png" in manifest["files"]
    assert yaml.safe_load((folder / "tenant.yaml").read_text())["customer"]["logo"] == "logo.png"
    assert "src='data:image/png;base64," in page

    # the cover: the customer's name, escaped; the verdict in one line; counts said as such
    assert "<script>" not in page and "<b>Sons" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &quot;Acme&quot; &amp;" in page
    assert doc["customer"]["displayName"] == HOSTILE
    verdict = re.search(r"data-verdict-line>([^<]*)<", page)[1]
    assert verdict == "3 findings, 3 critical, 1 waived"
    checks = {r["check"] for r in doc["results"]}
    assert f"By check: {len(checks)} checks: " in page
    assert f"By item: {len(doc['results'])} items: " in page

    # findings first, then the runbook's phases, the suite's access last, waivers, appendix
    marks = ("class='findings'", "data-phase='ORG'", "data-phase='5'", "data-phase='ACCESS'",
             "class='waivers'", "class='appendix'")  # fmt: skip
    order = [page.index(m) for m in marks]
    assert order == sorted(order)
    findings = page[page.index("class='findings'") : page.index("data-phase='ORG'")]
    failed = [r for r in doc["results"] if r["verdict"] == "failed"]
    assert {r["check"] for r in failed} == {"FED-04", "ESS-03", "ESS-05"}
    for r in failed:
        assert f"{r['check']}: " in findings
        for text in (r["item"] or "the whole tenant", r["message"], specific_remediation(r),
                     r["phaseLabel"]):  # fmt: skip
            assert html.escape(text) in findings, text
    ess03 = next(r for r in failed if r["check"] == "ESS-03")
    assert ess03["item"] in specific_remediation(ess03)  # "remove <the account> from Okta"

    # the waiver, with the finding it covers as found
    waivers = page[page.index("class='waivers'") : page.index("class='appendix'")]
    fed06 = next(r for r in doc["results"] if r["verdict"] == "waived")
    assert fed06["message"] and html.escape(fed06["message"]) in waivers
    assert "active, until 2099-01-01" in waivers and "SEC-42" in waivers

    # appendix: provenance and the other files' hashes, as the manifest has them
    appendix = page[page.index("class='appendix'") :]
    assert doc["snapshot"]["sha256"] in appendix
    for name in ("results.json", "snapshot.json", "tenant.yaml", "junit.xml", "logo.png"):
        assert manifest["files"][name]["sha256"] in appendix, name
    assert "emulator" in appendix

    runner = [str(pytester.path), str(ROOT), str(Path.home()) + "/", "/tmp/", "root@"]
    assert not [p for p in runner if p in page]
    for absent in ("<details", "Environment", ">Summary<", "<script"):
        assert absent not in page


def _doc(**extra) -> dict:
    """A minimal results document of one failing and one skipped check."""
    results = [
        {"testId": "t1", "check": "ESS-03", "item": "breakglass2@contoso.onmicrosoft.com",
         "phase": "1", "phaseLabel": "Phase 1: service accounts", "severity": "critical",
         "title": "Excluded accounts stay out of Okta", "verdict": "failed",
         "message": "breakglass2@contoso.onmicrosoft.com is in Okta",
         "remediation": "Runbook phase 1: remove the account from Okta and the app.",
         "evidence": {"observed": [{"login": "<img src=x onerror=alert(1)>", "status": "ACTIVE"}]
                      * 30, "expected": None}, "waiver": None},
        {"testId": "t2", "check": "FED-09", "item": "contoso.com", "phase": "5",
         "phaseLabel": "Phase 5: WS-Federation live", "severity": "high", "title": "HRD",
         "verdict": "skipped", "message": "offline: no home-realm discovery", "remediation": "x",
         "evidence": {}, "waiver": None},
    ]  # fmt: skip
    return {"tenant": "acme", "customer": {"displayName": None}, "run": {"startedAt": "2027"},
            "okta": {"orgUrl": "https://acme.okta.com"},
            "m365": {"tenantId": "t", "cloud": "global"},
            "expectedPhase": 5, "snapshot": None, "configError": None,
            "summary": {"phases": {"1": "failed", "5": "skipped"}}, "results": results,
            "waivers": [], **extra}  # fmt: skip


def test_evidence_is_tables_escaped_and_truncated():
    page = handover_document(_doc())
    assert "<table class='rows'><tr><th>login</th><th>status</th></tr>" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert "... and 5 more (30 in all)" in page
    assert "Skipped:</b> offline: no home-realm discovery" in page
    assert "remove breakglass2@contoso.onmicrosoft.com from Okta" in page
    assert "1 finding, 1 critical" in page


def test_changes_shown_when_the_results_have_them_and_not_otherwise():
    assert "Since the last run" not in handover_document(_doc())
    changes = {"previous": {"startedAt": "2027-01-01T00:00:00Z", "file": "demo-1/results.json"},
               "scope": "every check", "counts": {"new": 1, "fixed": 1, "stillOpen": 0},
               "new": [{"check": "ESS-03", "item": "breakglass2@contoso.onmicrosoft.com"}],
               "fixed": [{"check": "FED-04", "item": "<x>"}], "stillOpen": []}  # fmt: skip
    page = handover_document(_doc(changes=changes))
    block = page[page.index("class='changes'") : page.index("class='findings'")]
    assert "Compared with the run of 2027-01-01T00:00:00Z" in block
    assert "1 new</b>, 1 fixed, 0 still open" in block
    assert "ESS-03</b> breakglass2@contoso.onmicrosoft.com" in block
    assert "&lt;x&gt;" in block and "<x>" not in block


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot be read"),
        (b"GIF89a" + b"\0" * (600 * 1024), "more than 512 KiB"),
        (b"<svg onload='alert(1)'/>", "is not a PNG, JPEG or GIF image"),
    ],
)
def test_a_logo_that_cannot_be_used_is_one_config_line(tmp_path, golden, content, problem):
    files = write_tenant(tmp_path, golden, lambda d: d.update(customer={"logo": "logo.img"}))
    if content is not None:
        (tmp_path / "logo.img").write_bytes(content)
    with pytest.raises(ConfigError) as err:
        load_tenant(files.yaml)
    line = str(err.value)
    assert "\n" not in line
    assert line.startswith(str(files.yaml)) and ": customer.logo: logo.img " in line
    assert problem in line and "Fix: give customer.logo the path of a PNG" in line
