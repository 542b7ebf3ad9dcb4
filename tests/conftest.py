"""Shared fixtures for the project's own tests: the golden demo tenant, copies of it broken
one way at a time, and a runner that executes the compliance suite in-process."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from okta_m365_audit.config import load_tenant
from okta_m365_audit.snapshot import document as snap

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tests_integration"
DEMO_YAML = ROOT / "tenants" / "demo.yaml"
GOLDEN = ROOT / "tenants" / "demo" / "golden.snapshot.json"

_golden_cache: dict[str, Any] = {}


def golden_doc() -> dict[str, Any]:
    """A fresh deep copy of the golden snapshot (loaded from disk once)."""
    if "doc" not in _golden_cache:
        _golden_cache["doc"] = snap.load(GOLDEN)
    return copy.deepcopy(_golden_cache["doc"])


@pytest.fixture(scope="session", autouse=True)
def _warm_sdk_imports() -> None:
    """Run one collection before any test, so that the SDKs' lazy imports (pycryptodome's
    cffi modules, httpcore, h2, azure's aiohttp transport...) happen once. pytester restores
    sys.modules after each in-process run; a cffi module imported again fails
    ("multiple declarations of function MD5_init")."""
    import asyncio

    from okta_m365_audit.collect.collector import collect
    from okta_m365_audit.emulator import Emulator, registrations_for

    cfg = load_tenant(DEMO_YAML)
    with Emulator(golden_doc(), registrations_for(cfg)) as emu:
        asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))


@pytest.fixture
def golden() -> dict[str, Any]:
    return golden_doc()


def demo_yaml_data() -> dict[str, Any]:
    """The demo tenant file as data, with its relative paths made absolute."""
    data = yaml.safe_load(DEMO_YAML.read_text())
    base = DEMO_YAML.parent
    data["okta"]["auth"]["private_key_file"] = str(base / data["okta"]["auth"]["private_key_file"])
    data["m365"]["auth"]["certificate_file"] = str(base / data["m365"]["auth"]["certificate_file"])
    return data


@dataclass
class TenantFiles:
    dir: Path
    yaml: Path
    snapshot: Path

    def config(self):
        return load_tenant(self.yaml)


def write_tenant(
    folder: Path,
    doc: dict[str, Any],
    patch: Callable[[dict[str, Any]], None] | None = None,
    name: str = "demo",
) -> TenantFiles:
    """A tenants folder holding one tenant file (the demo's, optionally patched) that names
    ``doc`` as its emulated backend."""
    folder.mkdir(parents=True, exist_ok=True)
    snapshot_file = snap.save(doc, folder / f"{name}.snapshot.json")
    data = demo_yaml_data()
    data["name"] = name
    data["emulator"] = {"snapshot": str(snapshot_file)}
    if patch:
        patch(data)
    yaml_file = folder / f"{name}.yaml"
    yaml_file.write_text(yaml.safe_dump(data, sort_keys=False))
    return TenantFiles(folder, yaml_file, snapshot_file)


@dataclass
class SuiteRun:
    """Outcome of one in-process run of tests_integration: verdict per test id."""

    verdicts: dict[str, str]  #: "test_fed_01_domain_federated[demo-contoso.com]" -> outcome
    checks: dict[str, str]  #: same key -> check ID
    ret: int
    outdir: Path
    reports: list[pytest.TestReport]  #: every test report of the run, as pytest made it

    def by_check(self, check_id: str) -> dict[str, str]:
        return {k: v for k, v in self.verdicts.items() if self.checks.get(k) == check_id}


def run_suite(
    pytester: pytest.Pytester, tenants_dir: Path, *args: str, out: str = "out", pdf: bool = False
) -> SuiteRun:
    """Run the compliance suite through the plugin, in this process (SDK imports are shared).

    The handover PDF is printed only when a test asks (``pdf=True``): Chromium costs 1.5-2 s
    a run, and hundreds of runs here judge verdicts, not the PDF (tests/test_handover_pdf.py
    judges the PDF)."""
    outdir = pytester.path / out
    rec = pytester.inline_run(
        str(SUITE),
        "--tenants-dir",
        str(tenants_dir),
        "--reports-dir",  # JUnit XML, bundles and the fleet page stay out of the project
        str(outdir),
        "--snapshot-out",
        str(outdir / "snapshots"),
        f"--html={outdir / 'report.html'}",
        "-p",
        "no:randomly",
        "--assert=plain",  # verdicts only: skip re-rewriting the suite's asserts every run
        *(() if pdf else ("--no-pdf",)),
        *args,
    )
    verdicts: dict[str, str] = {}
    checks: dict[str, str] = {}
    reports = rec.getreports("pytest_runtest_logreport")
    for rep in reports:
        key = rep.nodeid.split("::")[-1]
        props = dict(rep.user_properties)
        if "check" in props:
            checks[key] = props["check"]
        if rep.when == "call" and not (rep.failed and key in verdicts):
            verdicts[key] = "waived" if hasattr(rep, "wasxfail") else rep.outcome
        elif rep.when == "setup" and rep.failed:
            verdicts[key] = "error"
        elif rep.when == "setup" and rep.skipped:
            verdicts[key] = "skipped"
    return SuiteRun(verdicts, checks, int(rec.ret), outdir, reports)


def golden_verdicts(pytester: pytest.Pytester) -> dict[str, str]:
    """Verdicts of the untouched golden tenant, computed once per session."""
    if "verdicts" not in _golden_cache:
        files = write_tenant(pytester.path / "golden-tenants", golden_doc())
        _golden_cache["verdicts"] = run_suite(pytester, files.dir).verdicts
    return dict(_golden_cache["verdicts"])


def as_json(obj: Any) -> str:
    return json.dumps(obj, indent=1, sort_keys=True, default=str)
