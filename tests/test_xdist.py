"""Many tenants in parallel: ``pytest tests_integration -n 2`` (pytest-xdist).

Five tenants (copies of the demo tenant: one untouched, one with a foreign federation
certificate, one whose token lacks a scope, one in phase 4 with a waived failure, one whose
tenant file is broken) are audited once without xdist and once with two workers, each run
in its own process as a user would start it. A probe plugin (``-p audit_probe``) logs every
collection and the worker that set up each test. The parallel run must collect each tenant
exactly once, on one worker, and leave the same outputs as the serial run, verdict for
verdict; a worker that crashes loses nothing and fails the run.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from okta_m365_audit.session.parallel import tenant_of, tenant_scopes, tenants_of

from .conftest import ROOT, SUITE, golden_doc, write_tenant
from .scenarios.access import no_logs_scope
from .scenarios.cred import connection_disabled
from .scenarios.fed import foreign_certificate
from .test_fleet import FleetTable

#: logs each collection, and each tenant test's worker, as JSON lines to $AUDIT_PROBE_LOG;
#: the first collection of tenant $AUDIT_PROBE_CRASH_TENANT, or the first run of the test
#: named $AUDIT_PROBE_CRASH_TEST, kills its worker. The collection that kills it does so
#: once its worker has been sent that tenant's tests and is about to begin the first: the
#: worker reads ahead from its start, in a thread of its own, so without this wait it would
#: die before or after it was sent them depending on how fast the machine is
PROBE = """
import json, os, threading, time
import pytest
import okta_m365_audit.collect.collector as collect_module

_collect = collect_module.collect


def _log(**record):
    record["worker"] = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(os.environ["AUDIT_PROBE_LOG"], "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\\n")


_MARKER = os.environ["AUDIT_PROBE_LOG"] + ".crashed"
_FIRST_TEST_DUE = threading.Event()


def _crash_once():
    if not os.path.exists(_MARKER):
        open(_MARKER, "w").close()
        os._exit(3)


async def collect(cfg, *args, **kwargs):
    _log(collected=cfg.name, thread=threading.current_thread().name)
    if os.environ.get("AUDIT_PROBE_CRASH_TENANT") == cfg.name and not os.path.exists(_MARKER):
        _FIRST_TEST_DUE.wait(60)
        _crash_once()
    return await _collect(cfg, *args, **kwargs)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item):
    callspec = getattr(item, "callspec", None)
    tenant = callspec.params.get("_tenant") if callspec is not None else None
    if tenant == os.environ.get("AUDIT_PROBE_CRASH_TENANT") and not os.path.exists(_MARKER):
        _FIRST_TEST_DUE.set()  # sent its tests, not yet begun one: now the read dies
        deadline = time.monotonic() + 60
        while not os.path.exists(_MARKER) and time.monotonic() < deadline:
            time.sleep(0.02)


collect_module.collect = collect


def pytest_runtest_setup(item):
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "_tenant" in callspec.params:
        _log(test=item.nodeid, tenant=callspec.params["_tenant"])


def pytest_runtest_call(item):
    if item.name == os.environ.get("AUDIT_PROBE_CRASH_TEST"):
        _crash_once()
"""

COLLECTED = ["alpha", "alpha-eu", "bravo", "charlie"]  #: "delta" cannot be loaded
HOST = re.compile(r"127\.0\.0\.1:\d+")  #: each emulator listens on a port of its own


def _phase4_waived(data: dict[str, Any]) -> None:
    data["expect"]["phase"] = 4
    data["waivers"] = [{
        "check": "CRED-01", "reason": "connection re-authorized in the change window",
        "approver": "J. Doe (MSP security lead)", "ticket": "CHG-2001", "expires": "2099-12-31",
    }]  # fmt: skip


@dataclass
class Run:
    ret: int
    out: Path
    stdout: str
    probe: list[dict[str, Any]]

    def collections(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.probe:
            if "collected" in r:
                counts[r["collected"]] = counts.get(r["collected"], 0) + 1
        return counts

    def workers(self) -> dict[str, set[str]]:
        """Tenant -> the workers that set up its tests."""
        found: dict[str, set[str]] = {}
        for r in self.probe:
            if "test" in r:
                found.setdefault(r["tenant"], set()).add(r["worker"])
        return found

    def results(self) -> dict[str, dict[str, Any]]:
        """Tenant -> its bundle's results file."""
        docs = [json.loads(p.read_text()) for p in self.out.glob("*-*/results.json")]
        return {d["tenant"]: d for d in docs}

    def summary(self) -> str:
        """pytest's last line, without the time."""
        last = self.stdout.strip().splitlines()[-1]
        return re.sub(r" in [\d.]+s.*", "", last).strip("= ")


def audit(root: Path, name: str, *args: str, crash: dict[str, str] | None = None) -> Run:
    """Run the compliance suite in a process of its own, as a user would."""
    out = root / name
    log = root / f"{name}.probe.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env |= {"PYTHONPATH": str(root), "AUDIT_PROBE_LOG": str(log)}
    for what, value in (crash or {}).items():
        env[f"AUDIT_PROBE_CRASH_{what.upper()}"] = value
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(SUITE), "-p", "audit_probe",
         "--tenants-dir", str(root / "tenants"), "--reports-dir", str(out),
         "-p", "no:randomly", "-p", "no:cacheprovider",
         "-p", "no:hypothesispytest",  # a dev tool that imports all of hypothesis at exit
         "--no-pdf",  # tests/test_handover_pdf.py judges the PDF
         *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stdout[-3000:] + proc.stderr[-3000:]
    probe = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return Run(proc.returncode, out, proc.stdout, probe)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xdist")
    (root / "audit_probe.py").write_text(PROBE, encoding="utf-8")
    tenants = root / "tenants"
    write_tenant(tenants, golden_doc(), name="alpha")
    foreign = golden_doc()
    foreign_certificate(foreign)  # FED-04 fails (critical)
    write_tenant(tenants, foreign, name="alpha-eu")  # its ids start like alpha's
    write_tenant(tenants, golden_doc(), no_logs_scope, name="bravo")  # CRED-04 errors
    disabled = golden_doc()
    connection_disabled(disabled)  # CRED-01 fails, but is waived; FED not yet due
    write_tenant(tenants, disabled, _phase4_waived, name="charlie")
    (tenants / "delta.yaml").write_text("name: delta\nokta: {org_url: 42}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def serial(fleet: Path) -> Run:
    return audit(fleet, "serial", "-p", "no:xdist")


@pytest.fixture(scope="module")
def parallel(fleet: Path) -> Run:
    return audit(fleet, "parallel", "-n", "2")


def test_each_tenant_is_collected_once_on_one_worker(serial: Run, parallel: Run) -> None:
    """With -n 2: each tenant's snapshot is read once, by the one worker that runs every
    test of it; both workers get tenants."""
    assert serial.collections() == dict.fromkeys(COLLECTED, 1)
    assert parallel.collections() == dict.fromkeys(COLLECTED, 1)
    workers = parallel.workers()
    assert sorted(workers) == [*COLLECTED, "delta"]
    assert all(len(w) == 1 for w in workers.values()), workers
    assert set().union(*workers.values()) == {"gw0", "gw1"}
    tests = {r["test"] for r in parallel.probe if "test" in r}
    assert tests == {r["test"] for r in serial.probe if "test" in r}
    # the emulators' request logs: one per collected tenant, each with one read of the org
    logs = sorted((parallel.out / "snapshots").glob("*.emulator-requests.json"))
    names = [p.name.removesuffix(".emulator-requests.json").rsplit("-", 2)[0] for p in logs]
    assert names == COLLECTED
    for path in logs:
        requests = json.loads(path.read_text())
        assert [r["path"] for r in requests].count("/api/v1/org") == 1, path.name


def test_each_worker_reads_its_next_tenant_ahead(serial: Run, parallel: Run) -> None:
    """Each worker holds two tenants at a time (session/parallel.py) and reads the second
    while it checks the first (plugin/ahead.py), as a run without workers reads the next
    tenants while it checks one. No worker is told a first tenant here (alpha and alpha-eu
    could share a unit, plugin/ahead.first_for_worker): each reads its first one in its
    first check."""
    by_worker: dict[str, list[dict[str, Any]]] = {}
    for r in parallel.probe:
        if "collected" in r:
            by_worker.setdefault(r["worker"], []).append(r)
    for records in by_worker.values():  # its first tenant read by its checks, no other
        own = [r for r in records if r["thread"] != f"collect-{r['collected']}"]
        assert len(own) == 1 and own[0]["thread"] == "MainThread", by_worker
    assert sum(len(rs) for rs in by_worker.values()) > len(by_worker)  # some read ahead
    threads = {r["collected"]: r["thread"] for r in serial.probe if "collected" in r}
    assert threads == {name: f"collect-{name}" for name in COLLECTED}


def test_each_worker_reads_the_tenant_it_was_told_from_its_start(fleet: Path) -> None:
    """bravo and charlie (names that share no part with another tenant's): the controller
    tells gw0 it checks bravo first and gw1 charlie, as it starts them; each reads its own
    before any test reaches it, on a thread, and keeps it (one snapshot each); each tenant
    is read once."""
    run = audit(fleet, "told", "-n", "2", "--tenant", "bravo", "--tenant", "charlie")
    assert run.collections() == {"bravo": 1, "charlie": 1}
    for worker, tenant in (("gw0", "bravo"), ("gw1", "charlie")):
        mine = [r for r in run.probe if r["worker"] == worker]
        assert mine[0] == {"collected": tenant, "thread": f"collect-{tenant}", "worker": worker}
        assert {r["tenant"] for r in mine if "test" in r} == {tenant}
    kept = sorted(p.name.split("-")[0] for p in (run.out / "snapshots").iterdir())
    assert kept == ["bravo", "bravo", "charlie", "charlie"]


def _same(doc: dict[str, Any], out: Path) -> dict[str, Any]:
    """A results file without what differs between any two runs: the run's id and times,
    the snapshot's file and hash (it records the emulator's port), the emulator ports."""
    doc = json.loads(HOST.sub("HOST", json.dumps(doc)).replace(str(out), "OUT"))
    doc["run"] = {k: v for k, v in doc["run"].items() if k not in ("id", "startedAt",
                                                                     "finishedAt")}  # fmt: skip
    if doc["snapshot"]:
        doc["snapshot"] = {k: v for k, v in doc["snapshot"].items() if k not in ("file",
                                                                             "sha256")}  # fmt: skip
    return doc


def test_results_and_exit_code_equal_a_serial_run(serial: Run, parallel: Run) -> None:
    """With -n 2: the same exit code, terminal tally and results file per tenant, verdict
    for verdict, evidence and messages included."""
    assert parallel.ret == serial.ret == 1
    assert parallel.summary() == serial.summary()
    one, two = serial.results(), parallel.results()
    assert sorted(two) == [*COLLECTED, "delta"]
    verdicts = {t: {r["testId"]: r["verdict"] for r in d["results"]} for t, d in two.items()}
    assert verdicts == {t: {r["testId"]: r["verdict"] for r in d["results"]}
                        for t, d in one.items()}  # fmt: skip
    assert "failed" in verdicts["alpha-eu"].values() and "error" in verdicts["bravo"].values()
    assert {"waived", "not_due"} <= set(verdicts["charlie"].values())
    assert two["delta"]["configError"] and two["alpha"]["snapshot"]["sha256"]
    for tenant in one:
        assert _same(two[tenant], parallel.out) == _same(one[tenant], serial.out), tenant


def test_bundles_fleet_page_and_junit_equal_a_serial_run(serial: Run, parallel: Run) -> None:
    """With -n 2: every tenant has its bundle with the same files, the fleet page shows the
    same matrix, and the JUnit XML holds the same test cases, outcomes and properties."""

    def bundles(run: Run) -> dict[str, list[str]]:
        return {
            d.name.rsplit("-", 2)[0]: sorted(p.name for p in d.iterdir())
            for d in run.out.iterdir()
            if d.is_dir() and d.name != "snapshots"
        }

    assert bundles(parallel) == bundles(serial)
    assert "emulator-requests.json" in bundles(parallel)["alpha"]

    def matrix(run: Run) -> list[tuple[Any, ...]]:
        rows = FleetTable((run.out / "index.html").read_text("utf-8")).rows
        return [(r["tenant"], r["phases"], r.get("worst"), r["counts"]) for r in rows]

    assert matrix(parallel) == matrix(serial)
    assert len(matrix(parallel)) == 5

    def junit(run: Run) -> tuple[dict[str, str], dict[tuple[str, str], Any]]:
        [path] = run.out.glob("audit-*.junit.xml")
        root = ET.parse(path).getroot()
        suite = root if root.tag == "testsuite" else root[0]
        counts = {k: suite.get(k) for k in ("tests", "errors", "failures", "skipped")}
        cases = {}
        for case in suite.iter("testcase"):
            outcome = [(c.tag, HOST.sub("H", c.get("message") or "")) for c in case
                       if c.tag != "properties"]  # fmt: skip
            props = [(p.get("name"), HOST.sub("H", p.get("value") or ""))
                     for p in case.iter("property")]  # fmt: skip
            cases[(case.get("classname"), case.get("name"))] = (outcome, props)
        return counts, cases

    assert junit(parallel) == junit(serial)


def _report(run: Run) -> tuple[dict[str, Any], str]:
    """The HTML report: pytest-html's rows (result, cells, extras) by test, and the handover
    view with what differs between any two runs replaced."""
    [path] = run.out.glob("audit-*.html")
    page = path.read_text("utf-8")
    blob = json.loads(html.unescape(re.search(r'data-jsonblob="([^"]*)"', page)[1]))
    rows = {
        test: [
            (r["result"], [c for c in r["resultsTableRow"] if "col-duration" not in c],
             HOST.sub("H", json.dumps(r["extras"])))
            for r in reports
        ]
        for test, reports in blob["tests"].items()
    }  # fmt: skip
    view = page[page.index("<div class='audit'>") : page.rindex("</section></div>")]
    for pattern in (HOST, re.compile(r"[0-9a-f]{64}"), re.compile(r"\d{8}-\d{6}"),
                    re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+Z")):  # fmt: skip
        view = pattern.sub("X", view)
    return rows, view.replace(str(run.out), "OUT")


def test_html_report_equals_a_serial_run(serial: Run, parallel: Run) -> None:
    """With -n 2: the report written by the controller has every row of the serial one with
    the same result, Tenant/Check/Phase/Severity cells and evidence, and the same handover
    view; the environment table names every tenant."""
    rows, view = _report(parallel)
    serial_rows, serial_view = _report(serial)
    assert rows == serial_rows
    assert view == serial_view
    assert view.count("<section class='audit-tenant'") == 5
    assert "data-verdict='waived'" in view and "data-verdict='failed'" in view
    page = next(parallel.out.glob("audit-*.html")).read_text("utf-8")
    for tenant in [*COLLECTED, "delta"]:
        assert f"Tenant {tenant}" in page


def test_a_crashed_worker_loses_nothing_and_fails_the_run(fleet: Path, parallel: Run) -> None:
    """When the worker reading alpha dies: it was told at its start that alpha is its first
    tenant, and read it from then, so it dies before its first check. The run fails with a
    line naming the worker and alpha; the worker that replaces it reads alpha again and runs
    every one of its checks; bravo's results are whole; the report and bundles are written;
    nothing of the dead worker's read is kept (one snapshot and one request log of alpha)."""
    run = audit(fleet, "crash", "-n", "2", "--tenant", "alpha", "--tenant", "bravo",
                crash={"tenant": "alpha"})  # fmt: skip
    assert run.ret == 1
    assert run.collections() == {"alpha": 2, "bravo": 1}
    first = next(r for r in run.probe if r.get("collected") == "alpha")
    assert first["thread"] == "collect-alpha"  # read from the worker's start, not its checks
    assert "okta-m365-audit: error: xdist worker gw0 died" in run.stdout
    assert "it was to check alpha first" in run.stdout
    results, complete = run.results(), parallel.results()
    for tenant in ("alpha", "bravo"):
        mine, whole = _same(results[tenant], run.out), _same(complete[tenant], parallel.out)
        assert (mine["results"], mine["summary"]) == (whole["results"], whole["summary"])
    kept = sorted(p.name.split("-")[0] for p in (run.out / "snapshots").iterdir())
    assert kept == ["alpha", "alpha", "bravo", "bravo"]  # a snapshot and a request log each
    bundles = {d.name.rsplit("-", 2)[0] for d in run.out.iterdir() if d.is_dir()}
    assert bundles == {"alpha", "bravo", "snapshots"}
    assert (run.out / "index.html").is_file()


def test_a_worker_that_dies_fails_a_run_that_would_pass(fleet: Path) -> None:
    """alpha alone passes every check; its worker dies reading it, the replacement checks
    it whole: the run still fails (a worker's death is never silent)."""
    run = audit(fleet, "crash-alone", "-n", "2", "--tenant", "alpha", crash={"tenant": "alpha"})
    assert run.ret == 1
    assert run.collections() == {"alpha": 2}
    [doc] = run.results().values()
    found = {verdict for verdict, count in doc["summary"]["verdicts"].items() if count}
    assert found <= {"passed", "skipped", "not_due"}, found


def test_a_worker_that_dies_in_a_check_errs_that_check(fleet: Path) -> None:
    """The worker dies in alpha's ACCESS-01: that check is an ERROR in alpha's results, the
    run fails, and alpha's other checks run on the worker that replaces it."""
    run = audit(fleet, "crash-check", "-n", "2", "--tenant", "alpha",
                crash={"test": "test_access_01_okta_token_and_active_org[alpha]"})  # fmt: skip
    assert run.ret == 1
    [doc] = run.results().values()
    errors = [r for r in doc["results"] if r["verdict"] == "error"]
    assert [r["testId"] for r in errors] == ["test_access_01_okta_token_and_active_org[alpha]"]
    assert "crashed" in errors[0]["message"]
    assert "crashed" in next(run.out.glob("audit-*.html")).read_text("utf-8")


def test_a_crash_fails_the_run_whatever_fail_on_says(fleet: Path) -> None:
    """When a worker dies in ORG-04 (low) and the run fails only on critical findings: the
    run still fails, and ORG-04 is an ERROR in the results; alpha's other checks ran."""
    run = audit(fleet, "crash-low", "-n", "2", "--tenant", "alpha", "--fail-on", "critical",
                crash={"test": "test_org_04_company_name[alpha]"})  # fmt: skip
    assert run.ret == 1
    [doc] = run.results().values()
    failing = {r["testId"]: r for r in doc["results"] if r["verdict"] in ("failed", "error")}
    assert list(failing) == ["test_org_04_company_name[alpha]"]
    assert failing["test_org_04_company_name[alpha]"]["severity"] == "low"
    assert doc["summary"]["verdicts"]["passed"] > 90


def test_scopes_keep_each_tenant_whole() -> None:
    """The controller's grouping: known ids go to their tenant; an id that two tenants
    could own joins them into one unit; a test of no tenant is left to xdist."""
    tenants = {
        "acme": {"acme", "acme-contoso.com", "acme-eu-contoso.com"},
        "acme-eu": {"acme-eu", "acme-eu-fabrikam.com"},
        "globex": {"globex", "globex-contoso.com"},
        "initech": set(),  # a tenant file that could not be loaded: no ids known
    }
    ids = [
        "t.py::test_a[acme]", "t.py::test_b[acme-eu-contoso.com]",
        "t.py::test_a[acme-eu]", "t.py::test_b[acme-eu-fabrikam.com]",
        "t.py::test_a[globex]", "t.py::test_b[globex-contoso.com]",
        "t.py::test_a[initech]", "t.py::test_b[initech-(tenant not loaded)]", "t.py::test_c",
    ]  # fmt: skip
    assert tenant_scopes(ids, tenants) == {
        "t.py::test_a[acme]": "tenant:acme",
        "t.py::test_b[acme-eu-contoso.com]": "tenant:acme",
        "t.py::test_a[acme-eu]": "tenant:acme-eu",
        "t.py::test_b[acme-eu-fabrikam.com]": "tenant:acme-eu",
        "t.py::test_a[globex]": "tenant:globex",
        "t.py::test_b[globex-contoso.com]": "tenant:globex",
        "t.py::test_a[initech]": "tenant:initech",
        "t.py::test_b[initech-(tenant not loaded)]": "tenant:initech",
    }
    # an id no tenant is known to produce (another plugin's parameter added) that either
    # could own: both tenants become one unit, never split
    merged = tenant_scopes([*ids, "t.py::test_d[x-acme-eu-1]"], tenants)
    assert {merged[i] for i in ids[:4]} == {"tenant:acme+acme-eu"}
    assert merged["t.py::test_a[globex]"] == "tenant:globex"
    assert tenant_of("t.py::test_b[acme-eu-contoso.com]", tenants) == "acme"
    assert tenant_of("t.py::test_d[x-acme-eu-1]", tenants) is None
    every = [*ids, "t.py::test_d[x-acme-eu-1]"]
    assert tenants_of(every, tenants) == {i: tenant_of(i, tenants) for i in every}


def test_plugin_without_xdist_installed_does_not_import_it() -> None:
    """The plugin module itself never imports xdist: only the scheduler module does."""
    code = "import sys; sys.modules['xdist'] = None; import okta_m365_audit.plugin; print('ok')"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert proc.stdout.strip() == "ok", proc.stderr
