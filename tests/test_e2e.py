"""End to end: the compliance suite, through the plugin and the real SDKs, against the emulator.

The golden demo tenant passes every implemented check; a copy broken one way fails exactly
the checks that guard against that break, and every other check keeps its golden verdict.
"""

from __future__ import annotations

import asyncio
import json

from okta_m365_audit.catalog.checks import BY_ID
from okta_m365_audit.collect.collector import collect
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.snapshot import document as snap

from .conftest import run_suite, write_tenant
from .scenarios.access import no_logs_scope
from .scenarios.cred import authentication_failures


def test_error_names_the_missing_scope(pytester, golden):
    """When the token lacks okta.logs.read: the ERROR says which endpoint and which scope."""
    files = write_tenant(pytester.path / "tenants", golden, no_logs_scope)
    run = run_suite(pytester, files.dir, "-rE")
    assert run.verdicts["test_cred_04_no_credential_failures[demo]"] == "error"
    report = (run.outdir / "report.html").read_text()
    assert "okta.logs.read" in report
    assert "/api/v1/logs" in report


def test_report_names_every_check_with_tenant_and_phase(pytester, golden):
    """The demo run's report exists and shows each implemented check's ID, tenant and phase."""
    files = write_tenant(pytester.path / "tenants", golden)
    run = run_suite(pytester, files.dir)
    html = (run.outdir / "report.html").read_text()
    implemented = set(run.checks.values())
    assert implemented >= {c for c in BY_ID if c.split("-")[0] in {"ACCESS", "CRED", "FED"}} - {
        "FED-09"
    }
    for check_id in implemented:
        assert check_id in html, f"{check_id} missing from the report"
        assert BY_ID[check_id].phase_label in html
    assert "demo" in html


def test_run_only_reads(pytester, golden):
    """The emulator's request log of a full run holds only GETs besides the token POSTs."""
    files = write_tenant(pytester.path / "tenants", golden)
    run = run_suite(pytester, files.dir)
    [log_file] = (run.outdir / "snapshots").glob("demo-*.emulator-requests.json")
    log = json.loads(log_file.read_text())
    assert len(log) > 20
    not_get = {(r["service"], r["method"], r["path"]) for r in log if r["method"] != "GET"}
    tenant_id = files.config().m365.tenant_id
    # collected once for the whole run, however many checks read it
    assert [r["path"] for r in log].count("/api/v1/org") == 1
    assert not_get == {
        ("okta", "POST", "/oauth2/v1/token"),
        ("login", "POST", f"/{tenant_id}/oauth2/v2.0/token"),
    }


def test_collection_round_trips_the_golden_snapshot(golden):
    """Collecting from the emulator serving the golden snapshot gives the golden snapshot back."""
    from okta_m365_audit.config import load_tenant

    from .conftest import DEMO_YAML

    cfg = load_tenant(DEMO_YAML)
    with Emulator(golden, registrations_for(cfg)) as emu:
        collected = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
    assert collected["meta"]["source"] == "emulator"
    assert collected["meta"]["partial"] is False
    assert snap.without_collection_meta(collected) == snap.without_collection_meta(golden)


def test_from_snapshot_reproduces_the_verdicts_offline(pytester, golden):
    """When re-run with --from-snapshot on a saved snapshot: the same verdicts, FED-09's
    included (judged on the home-realm answers the snapshot holds), and no network at all."""
    authentication_failures(golden)
    files = write_tenant(pytester.path / "tenants", golden)
    live = run_suite(pytester, files.dir)
    [saved] = (live.outdir / "snapshots").glob("demo-*.snapshot.json")
    # an emulator block that could not start proves that nothing is collected
    broken = write_tenant(
        pytester.path / "offline", golden,
        lambda d: d.update(emulator={"snapshot": "/nonexistent.snapshot.json"}),
    )  # fmt: skip
    offline = run_suite(pytester, broken.dir, "--from-snapshot", str(saved), out="offline-out")
    assert offline.verdicts == live.verdicts
    assert {v for k, v in offline.verdicts.items() if k.startswith("test_fed_09_")} == {"passed"}
    assert offline.verdicts["test_cred_04_no_credential_failures[demo]"] == "failed"
    assert not list((offline.outdir / "snapshots").glob("*.emulator-requests.json"))
