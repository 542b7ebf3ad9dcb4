"""One customer per bundle, and runs that say what they are.

Three tenants are audited in one run, serially and with ``-n 2``. Each is made
distinguishable: its own name, M365 tenant ID and a marker in its snapshot's data (the Okta
org's company name). A bundle is what is handed to one customer, so every file in it (report,
JUnit XML, results, snapshot, request log, manifest, and the zip's copies) must mention no
other tenant of the run.

Then one tenant's history: a full run that finds a critical failure, a ``-k`` run of checks
that pass, a run interrupted by Ctrl-C. Its results say partial and interrupted, and the
fleet page keeps the full run's verdict as the tenant's state.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SUITE, golden_doc, write_tenant
from tests.scenarios.fed import foreign_certificate

TENANTS = {
    "tenant-amber": "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa",
    "tenant-birch": "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb",
    "tenant-cedar": "cccccccc-3333-4333-8333-cccccccccccc",
}


def marker(name: str) -> str:
    return f"Marker {name.split('-')[1].capitalize()} Person"


def _own_data(name: str) -> dict[str, Any]:
    """The golden tenant with an Okta org company name no other tenant has."""
    doc = golden_doc()
    doc["okta"]["org"]["data"]["companyName"] = marker(name)
    return doc


def run_audit(root: Path, out: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(root)
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(SUITE), "--tenants-dir", str(root / "tenants"),
         "--reports-dir", str(root / out), "-p", "no:randomly", "-p", "no:cacheprovider",
         "-p", "no:hypothesispytest", "-q", "--no-pdf", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("three")
    for name, tenant_id in TENANTS.items():

        def patch(data: dict[str, Any], tenant_id: str = tenant_id) -> None:
            data["m365"]["tenant_id"] = tenant_id

        write_tenant(root / "tenants", _own_data(name), patch, name=name)
    return root


def _texts_of_bundle(folder: Path) -> dict[str, str]:
    """Every file of a bundle and of its zip, as text."""
    texts = {p.name: p.read_text("utf-8", errors="replace") for p in folder.iterdir()}
    with zipfile.ZipFile(folder.with_suffix(".zip")) as zf:
        for info in zf.infolist():
            texts[f"zip:{info.filename}"] = zf.read(info).decode("utf-8", errors="replace")
    return texts


@pytest.mark.parametrize("mode", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_each_bundle_holds_its_own_tenant_alone(three: Path, mode: tuple[str, ...]) -> None:
    out = f"out-{'xdist' if mode else 'serial'}"
    run = run_audit(three, out, *mode)
    assert run.returncode in (0, 1), run.stdout[-3000:] + run.stderr[-3000:]
    bundles = {p.name.rsplit("-", 2)[0]: p for p in (three / out).glob("tenant-*-*") if p.is_dir()}
    assert sorted(bundles) == sorted(TENANTS)
    for name, folder in bundles.items():
        texts = _texts_of_bundle(folder)
        assert {"report.html", "junit.xml", "results.json", "snapshot.json"} <= set(texts)
        assert name in texts["report.html"] and marker(name) in texts["snapshot.json"]
        for other, other_id in TENANTS.items():
            if other == name:
                continue
            for needle in (other, other_id, marker(other)):
                leaks = [f for f, text in texts.items() if needle in text]
                assert not leaks, f"{name}'s bundle mentions {needle!r} in {leaks}"
    # the run's combined report stays beside the bundles, for the operator
    combined = next((three / out).glob("audit-*.html")).read_text("utf-8")
    assert all(name in combined for name in TENANTS)
    # the fleet page links each tenant to its own bundle's report
    index = (three / out / "index.html").read_text("utf-8")
    for name in TENANTS:
        assert f"{name}-" in index and "/report.html" in index


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A failing tenant audited three times: whole, then -k ORG, then interrupted."""
    root = tmp_path_factory.mktemp("history")
    doc = golden_doc()
    foreign_certificate(doc)  # FED-04 fails: critical
    write_tenant(root / "tenants", doc, name="acme")
    (root / "interrupt_probe.py").write_text(
        "import pytest\n"
        "seen = []\n"
        "@pytest.hookimpl(tryfirst=True)\n"
        "def pytest_runtest_call(item):\n"
        "    seen.append(item)\n"
        "    if len(seen) == 12:\n"
        "        raise KeyboardInterrupt\n",
        encoding="utf-8",
    )
    full = run_audit(root, "reports")
    assert full.returncode == 1, full.stdout[-2000:]
    partial = run_audit(root, "reports", "-k", "ORG")
    assert partial.returncode == 0, partial.stdout[-2000:]
    interrupted = run_audit(root, "reports", "-p", "interrupt_probe")
    assert interrupted.returncode == 2, interrupted.stdout[-2000:]
    return root


def _runs(root: Path) -> list[dict[str, Any]]:
    docs = [json.loads(p.read_text()) for p in (root / "reports").glob("acme-*/results.json")]
    return sorted(docs, key=lambda d: d["run"]["startedAt"])


def test_results_say_partial_and_interrupted(history: Path) -> None:
    full, partial, interrupted = (d["run"] for d in _runs(history))
    assert (full["partial"], full["interrupted"]) == (False, False)
    assert (partial["partial"], partial["interrupted"]) == (True, False)
    assert partial["selection"]["keyword"] == "ORG" and "checks" in partial["selection"]
    assert interrupted["interrupted"] is True


def test_the_fleet_keeps_the_last_complete_run(history: Path) -> None:
    page = (history / "reports" / "index.html").read_text("utf-8")
    full = _runs(history)[0]
    row = page[page.index("acme") :]
    assert "FAILED" in row and "CRITICAL" in row.upper()
    assert full["run"]["id"] in page or "partial" in page.lower()
    assert "interrupted" in page.lower() and "partial" in page.lower()
