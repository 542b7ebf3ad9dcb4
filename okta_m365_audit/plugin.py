"""pytest wiring only (testinfra's plugin.py idea): options, tenant parametrization, collection
once per tenant, check metadata and the report columns.

Tests in ``tests_integration/`` ask for fixtures (``tenant``, ``office365_app``,
``federation``...) and never call an API: the fixtures read the tenant's snapshot, and a
fixture whose data could not be read raises during setup, so the check ERRORs.

With pytest-xdist (``-n N``) the tenants run on worker processes, each tenant on one worker
(parallel.py), and every output is written by the controller alone. What a worker learns
travels to the controller inside the test reports, which xdist forwards as they are made:
the reports of a check carry its ID, tenant and results line (``audit_result``), and the
first report after a tenant's collection carries the tenant's facts (``audit_tenant``:
snapshot file and hash, request log, collection error, drift). The same hooks read them in
a run without xdist, so both runs build their results, report, bundles and exit status
from the same data, and a worker that crashes loses nothing it already reported.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import html
import json
import os
import re
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from . import __version__, drift, fleet, redact
from . import snapshot as snap
from .catalog import BY_ID, Check
from .config import TenantConfig, load_tenants
from .errors import AuditError
from .policy import SEVERITY_CHOICES, fails_run, not_due_reason, waiver_for
from .report import audit_html, evidence_table
from .results import PHASE_ORDER, results_document, write_bundle
from .views import DataUnavailable, TenantView

GROUP = "okta-m365-audit"


@dataclass
class TenantEntry:
    """A tenant selected for this run: its config, or why it could not be loaded."""

    name: str
    path: Path | None
    cfg: TenantConfig | None = None
    error: str | None = None
    from_snapshot: Path | None = None
    view: TenantView | None = None
    collect_error: str | None = None
    snapshot_file: Path | None = None
    snapshot_sha256: str | None = None
    request_log: Path | None = None
    announced: bool = False  #: its facts were put on a report (see _tenant_facts)


@dataclass
class AuditState:
    tenants: dict[str, TenantEntry] = field(default_factory=dict)
    snapshot_out: Path | None = None
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    failed_severities: list[Any] = field(default_factory=list)
    offline: bool = False
    reports_dir: Path | None = None
    selection: dict[str, Any] = field(default_factory=dict)
    baselines: dict[str, Path] = field(default_factory=dict)
    fail_on: str = "low"
    run_id: str = ""
    operator: str = ""
    #: tenant -> node id -> results line, as the reports brought them (worker or not)
    results: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: tenant -> what its collection left (_tenant_facts), as the reports brought it
    collected: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: node id -> (tenant, check ID) of every check reported so far (to place a crash)
    reported: dict[str, tuple[str, str]] = field(default_factory=dict)
    drift: dict[str, Any] = field(default_factory=dict)
    bundles: dict[str, Path] = field(default_factory=dict)


STATE_KEY = pytest.StashKey[AuditState]()
#: what an xdist controller hands its workers: the run's id and start (file names, results)
WORKER_INPUT_KEY = "okta_m365_audit"


def _is_worker(config: pytest.Config) -> bool:
    """True in an xdist worker process (which writes no report, results or bundle)."""
    return hasattr(config, "workerinput")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(GROUP, "okta-m365-audit: Okta / Microsoft 365 integration audit")
    group.addoption(
        "--tenant",
        action="append",
        default=[],
        metavar="NAME",
        help="audit this tenant (repeatable); default: every tenant file in the tenants folder",
    )
    group.addoption(
        "--tenants-dir",
        default=None,
        metavar="DIR",
        help="folder of tenant YAML files (default: tenants/ beside the rootdir)",
    )
    group.addoption(
        "--from-snapshot",
        action="append",
        default=[],
        metavar="FILE",
        help="evaluate a saved snapshot instead of collecting (no network at all); repeatable",
    )
    group.addoption(
        "--fail-on",
        default="low",
        choices=SEVERITY_CHOICES,
        help="fail the run when a check of this severity or above fails or errors "
        "(default: low; info checks never fail a run)",
    )
    group.addoption(
        "--offline",
        action="store_true",
        help="make no call to public endpoints (Microsoft's home-realm discovery, FED-09)",
    )
    group.addoption(
        "--baseline",
        action="append",
        default=[],
        metavar="SNAPSHOT",
        help="an earlier snapshot of a tenant (e.g. at handover): report what changed since, "
        "and who changed it per the System Log; repeatable, matched by tenant",
    )
    group.addoption(
        "--reports-dir",
        default=None,
        metavar="DIR",
        help="where reports, results and evidence bundles go (default: reports/)",
    )
    group.addoption(
        "--snapshot-out",
        default=None,
        metavar="DIR",
        help="where to save each tenant's snapshot (default: reports/snapshots)",
    )


def _audit_run(config: pytest.Config) -> bool:
    """True when this session runs the compliance suite (not the project's own tests)."""
    suite = Path(config.rootpath, "tests_integration").resolve()
    args = [a.split("::")[0] for a in config.args] or [str(suite)]
    for arg in args:
        p = Path(config.invocation_params.dir, arg).resolve()
        if p == suite or suite in p.parents:
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    redact.install()  # secrets never reach a log record, whoever logs them
    for check_marker in ("check(id)", "tenant_level"):
        config.addinivalue_line("markers", check_marker)
    for marker in {c.marker for c in BY_ID.values()}:
        config.addinivalue_line("markers", f"{marker}: checks of that runbook phase")
    state = AuditState()
    config.stash[STATE_KEY] = state
    _SESSION_STATE.append(state)
    if not _audit_run(config):
        return
    reports = Path(config.getoption("--reports-dir") or Path(config.rootpath, "reports"))
    state.reports_dir = reports
    state.run_id = str(uuid.uuid4())
    shared = getattr(config, "workerinput", {}).get(WORKER_INPUT_KEY)
    if shared:  # an xdist worker: the controller's run, so the same snapshot file names
        state.run_id = shared["runId"]
        state.started = dt.datetime.fromisoformat(shared["startedAt"])
    state.operator = (
        os.environ.get("AUDIT_OPERATOR") or f"{getpass.getuser()}@{socket.gethostname()}"
    )
    state.offline = bool(config.getoption("--offline"))
    state.fail_on = config.getoption("--fail-on")
    state.selection = {
        k: v
        for k, v in {
            "keyword": config.option.keyword,
            "markers": config.option.markexpr,
            "offline": state.offline,
        }.items()
        if v
    }
    out = config.getoption("--snapshot-out")
    state.snapshot_out = Path(out) if out else reports / "snapshots"
    stamp = state.started.strftime("%Y%m%d-%H%M%S")
    if getattr(config.option, "htmlpath", None) is None and hasattr(config.option, "htmlpath"):
        config.option.htmlpath = str(reports / f"audit-{stamp}.html")
        config.option.self_contained_html = True
    if getattr(config.option, "xmlpath", None) is None:
        config.option.xmlpath = str(reports / f"audit-{stamp}.junit.xml")
    _select_tenants(config, state)


def _select_tenants(config: pytest.Config, state: AuditState) -> None:
    tenants_dir = Path(config.getoption("--tenants-dir") or Path(config.rootpath, "tenants"))
    wanted: list[str] = list(config.getoption("--tenant"))
    snapshots: dict[str, Path] = {}
    for raw in config.getoption("--from-snapshot"):
        path = Path(raw)
        try:
            meta = snap.load(path)["meta"]
        except snap.SnapshotError as exc:
            raise pytest.UsageError(str(exc)) from None
        snapshots[meta["tenant"]] = path
        if meta["tenant"] not in wanted:
            wanted.append(meta["tenant"])
    for raw in config.getoption("--baseline"):
        try:
            base_meta = snap.load(raw)["meta"]
        except snap.SnapshotError as exc:
            raise pytest.UsageError(f"--baseline: {exc}") from None
        state.baselines[base_meta["tenant"]] = Path(raw)
    configs, errors = (
        load_tenants(tenants_dir, known_checks=BY_ID) if tenants_dir.is_dir() else ({}, [])
    )
    broken: dict[str, list[Any]] = {}
    for err in errors:
        broken.setdefault(getattr(err, "tenant", None) or Path(err.file).stem, []).append(err)
    by_stem = {c.source_file.stem: c for c in configs.values() if c.source_file}
    if not wanted:
        wanted = sorted(set(configs) | set(broken))
    if not wanted:
        raise pytest.UsageError(
            f"no tenant files in {tenants_dir}: add one (see tenants/example.yaml) "
            "or pass --tenants-dir"
        )
    for name in sorted(set(wanted)):
        cfg = configs.get(name) or by_stem.get(name)
        key = cfg.name if cfg else name
        path = cfg.source_file if cfg else (Path(broken[name][0].file) if name in broken else None)
        entry = TenantEntry(key, path, from_snapshot=snapshots.get(name))
        if name in broken:
            entry.error = redact.redact("\n".join(str(e) for e in broken[name]))
        elif cfg is None:
            known = ", ".join(sorted(set(configs) | set(broken))) or "none"
            entry.error = (
                f"no tenant named {name} in {tenants_dir} (known: {known}); "
                "create it from tenants/example.yaml"
            )
        else:
            entry.cfg = cfg
        state.tenants[key] = entry


# --- pytest-xdist: tenants on workers ------------------------------------------------------


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Controller: each worker audits under this run's id and start time."""
    state = node.config.stash.get(STATE_KEY, None)
    if state is not None and state.reports_dir is not None:
        node.workerinput[WORKER_INPUT_KEY] = {
            "runId": state.run_id,
            "startedAt": state.started.isoformat(),
        }


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Controller: one tenant, one worker (parallel.TenantScheduling), whichever load mode
    -n chose; ``--dist each`` (every test on every worker) is left to xdist."""
    state = config.stash.get(STATE_KEY, None)
    if state is None or state.reports_dir is None or config.getvalue("dist") == "each":
        return None
    from .parallel import TenantScheduling

    return TenantScheduling(config, log, tenants=_param_ids(state))


@pytest.hookimpl(optionalhook=True)
def pytest_handlecrashitem(crashitem: str, report: pytest.TestReport, sched: Any) -> None:
    """Controller: a worker died while running a check. The check is an ERROR of its tenant
    in the results (when its tenant and check can be told), and the run fails whatever
    --fail-on says. The rest of the tenant's checks go to the worker that replaces it."""
    config = getattr(sched, "config", None)
    state = config.stash.get(STATE_KEY, None) if config is not None else None
    if state is None or state.reports_dir is None:
        return
    from .parallel import tenant_of

    tenant, check_id = state.reported.get(crashitem, (None, None))
    tenant = tenant or tenant_of(crashitem, _param_ids(state))
    if check_id is None:
        found = re.match(r"test_([a-z]+)_(\d{2})_", crashitem.rsplit("::", 1)[-1])
        check_id = f"{found[1].upper()}-{found[2]}" if found else None
    report.audit_crash = True  # type: ignore[attr-defined]
    if tenant is None or check_id not in BY_ID:
        return
    check = BY_ID[check_id]
    report.check_id = check.id  # type: ignore[attr-defined]
    report.tenant = tenant  # type: ignore[attr-defined]
    report.audit_result = _result_line(  # type: ignore[attr-defined]
        crashitem.rsplit("::", 1)[-1], check, "error", f"could not evaluate: {report.longrepr}", {}
    )


# --- parametrization -----------------------------------------------------------------------


#: fixture name -> the items of a tenant it is parametrized over
PER_ITEM: dict[str, Any] = {
    "domain": lambda cfg: cfg.expect.domains_to_federate,
    "excluded_account": lambda cfg: sorted(
        set(cfg.expect.excluded_accounts) | {cfg.expect.service_account}
    ),
    "okta_resource": lambda cfg: [r.name for r in snap.RESOURCES if r.api == "okta"],
    "graph_resource": lambda cfg: [r.name for r in snap.RESOURCES if r.api == "graph"],
}
NOT_LOADED = "(tenant not loaded)"


def _items_of(entry: TenantEntry, argname: str) -> list[Any]:
    return PER_ITEM[argname](entry.cfg) if entry.cfg else [NOT_LOADED]


def _param_ids(state: AuditState) -> dict[str, set[str]]:
    """Tenant -> the parameter ids pytest_generate_tests gives its tests (xdist's controller,
    which collects nothing, tells the tenants of node ids by them)."""
    return {
        entry.name: {entry.name}
        | {f"{entry.name}-{item}" for argname in PER_ITEM for item in _items_of(entry, argname)}
        for entry in state.tenants.values()
    }


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "_tenant" not in metafunc.fixturenames:
        return
    state = metafunc.config.stash[STATE_KEY]
    names, values, ids = [], [], []
    argname = next((n for n in PER_ITEM if n in metafunc.fixturenames), None)
    for entry in state.tenants.values():
        if argname is None:
            names = ["_tenant"]
            values.append(entry.name)
            ids.append(entry.name)
            continue
        names = ["_tenant", argname]
        for item in _items_of(entry, argname):
            values.append((entry.name, item))
            ids.append(f"{entry.name}-{item}")
    if not values:
        return
    argnames: str | list[str] = names if len(names) > 1 else names[0]
    metafunc.parametrize(argnames, values, ids=ids, indirect=["_tenant"], scope="session")


# --- collection once per tenant ------------------------------------------------------------


def _collect(entry: TenantEntry, state: AuditState) -> TenantView:
    cfg = entry.cfg
    assert cfg is not None
    if entry.from_snapshot is not None:
        doc = snap.load(entry.from_snapshot)
        entry.snapshot_file = entry.from_snapshot
    elif cfg.emulator is not None:
        from .collect import collect
        from .emulator import emulator_for

        with emulator_for(cfg) as emu:
            doc = asyncio.run(
                collect(cfg, emu.endpoints(cfg.m365.cloud), emu.as_of, offline=state.offline)
            )
            log = [r.__dict__ for r in emu.requests]
        if state.snapshot_out is not None:
            # what the emulator served: proof that the run only read
            stamp = state.started.strftime("%Y%m%d-%H%M%S")
            entry.request_log = state.snapshot_out / f"{cfg.name}-{stamp}.emulator-requests.json"
            entry.request_log.parent.mkdir(parents=True, exist_ok=True)
            entry.request_log.write_text(json.dumps(log, indent=1) + "\n", encoding="utf-8")
    else:
        from .clients import Endpoints
        from .collect import collect

        doc = asyncio.run(collect(cfg, Endpoints.real(cfg), offline=state.offline))
    if entry.snapshot_file is None and state.snapshot_out is not None:
        stamp = state.started.strftime("%Y%m%d-%H%M%S")
        entry.snapshot_file = snap.save(
            doc, state.snapshot_out / f"{cfg.name}-{stamp}.snapshot.json"
        )
    entry.snapshot_sha256 = snap.digest(doc)
    if cfg.name in state.baselines:
        _compare_with_baseline(state, cfg.name, doc)
    view = TenantView(cfg, doc)
    if entry.from_snapshot is not None:
        view.realm_skip_reason = (
            "home-realm discovery is a live probe; not run with --from-snapshot "
            f"(the snapshot's answers, if any, are kept as evidence: {doc['realm'] != {}})"
        )
    elif state.offline:
        view.realm_skip_reason = "home-realm discovery not probed: --offline"
    return view


def _compare_with_baseline(state: AuditState, name: str, doc: dict[str, Any]) -> None:
    """Drift since the baseline; a baseline of another org or tenant is said, not compared."""
    path = state.baselines[name]
    try:
        report = drift.compare(snap.load(path), doc)
    except drift.DriftError as exc:
        state.drift[name] = {"error": str(exc), "baseline": {"file": str(path)}}
        return
    report["baseline"]["file"] = str(path)
    state.drift[name] = report


def _drift_html(report: dict[str, Any]) -> str:
    if "error" in report:
        return (
            "<section class='drift'><h3>Drift</h3><p>Not compared: "
            f"{html.escape(str(report['error']))}</p></section>"
        )
    return drift.render_html(report)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(STATE_KEY, None)
    for name, report in (state.drift if state else {}).items():
        terminalreporter.write_sep("-", f"okta-m365-audit: drift of {name} since its baseline")
        if "error" in report:
            terminalreporter.write_line(f"not compared: {report['error']}")
        else:
            terminalreporter.write_line(drift.render_text(report))


@pytest.fixture(scope="session")
def _tenant(request: pytest.FixtureRequest) -> TenantView:
    state = request.config.stash[STATE_KEY]
    entry = state.tenants[request.param]
    if entry.error:
        raise AuditConfigError(entry.error)
    if entry.view is None and entry.collect_error is None:
        try:
            entry.view = _collect(entry, state)
        except (AuditError, snap.SnapshotError) as exc:
            entry.collect_error = str(exc)
    if entry.collect_error:
        raise AuditConfigError(entry.collect_error)
    assert entry.view is not None
    return entry.view


class AuditConfigError(Exception):
    """A tenant could not be loaded or collected: every check of it ERRORs with this."""


@pytest.fixture(scope="session")
def tenant(_tenant: TenantView) -> TenantView:
    return _tenant


tenant.__doc__ = TenantView.__doc__


@pytest.fixture
def evidence(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Observed and expected values a check records; the report shows them."""
    store: dict[str, Any] = {}
    request.node.stash[EVIDENCE_KEY] = store
    return store


EVIDENCE_KEY = pytest.StashKey[dict]()


@pytest.fixture
def office365_app(tenant: TenantView) -> dict[str, Any]:
    return tenant.office365_app


@pytest.fixture
def active_certificate(tenant: TenantView):
    return tenant.active_certificate


@pytest.fixture
def connection(tenant: TenantView) -> dict[str, Any]:
    return tenant.connection


@pytest.fixture
def entra_domain(tenant: TenantView, domain: str) -> dict[str, Any]:
    return tenant.domain(domain)


@pytest.fixture
def federation(tenant: TenantView, domain: str) -> dict[str, Any]:
    """The domain's federation configuration. Checks that read it ERROR when there is none:
    FED-02 is the one that fails for its absence."""
    fed = tenant.federation(domain)
    if fed is None:
        raise DataUnavailable(
            f"{domain} has no federation configuration in Entra (GET "
            f"/domains/{domain}/federationConfiguration answered 404); see FED-02"
        )
    return fed


# --- metadata, markers, report -------------------------------------------------------------


def _check_of(item: pytest.Item) -> Check | None:
    marker = item.get_closest_marker("check")
    if marker is None:
        return None
    return BY_ID[marker.args[0]]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problems = []
    for item in items:
        marker = item.get_closest_marker("check")
        if marker is None:
            continue
        check_id = marker.args[0] if marker.args else None
        if check_id not in BY_ID:
            problems.append(
                f"{item.nodeid}: @pytest.mark.check({check_id!r}) is not in the catalog"
            )
            continue
        check = BY_ID[check_id]
        item.add_marker(getattr(pytest.mark, check.marker))
        item.extra_keyword_matches.add(check.id)
        item.user_properties.append(("check", check.id))
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "_tenant" in callspec.params:
            item.user_properties.append(("tenant", callspec.params["_tenant"]))
    if problems:
        raise pytest.UsageError("\n".join(problems))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Phase gating: checks of later phases than the tenant's are skipped as not yet due."""
    check = _check_of(item)
    cfg = _cfg_of(item)
    if check is not None and cfg is not None:
        reason = not_due_reason(check, cfg)
        if reason:
            pytest.skip(reason)


def _cfg_of(item: pytest.Item) -> TenantConfig | None:
    name = dict(item.user_properties).get("tenant")
    entry = item.config.stash[STATE_KEY].tenants.get(name) if name else None
    return entry.cfg if entry else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    outcome = yield
    report = outcome.get_result()
    check = _check_of(item)
    if check is None:
        return
    # plain values only: an xdist worker sends the report to the controller as data
    report.check_id = check.id  # type: ignore[attr-defined]
    report.tenant = dict(item.user_properties).get("tenant", "")  # type: ignore[attr-defined]
    _announce_tenant(item, report)
    if report.when == "call" or (report.when == "setup" and not report.passed):
        ev = item.stash.get(EVIDENCE_KEY, {})
        if call.excinfo is not None and call.excinfo.errisinstance(
            (DataUnavailable, AuditConfigError)
        ):
            # Could not read its data: an ERROR, never a FAIL (or a pass). pytest and
            # pytest-html call a failed report an error by its phase, so report it as setup.
            ev = ev | {"could not read": str(call.excinfo.value)}
            report.longrepr = f"ERROR {check.id}: {call.excinfo.value}"
            report.when = "setup"
        elif report.when == "call" and report.failed and _crashed(call):
            # The check itself broke on data it did not expect: it could not evaluate, so
            # it is an ERROR (with the traceback kept), not a verdict about the tenant.
            ev = ev | {"could not evaluate": f"{call.excinfo.typename}: {call.excinfo.value}"}
            report.when = "setup"
        cfg = _cfg_of(item)
        state = waiver_for(check, cfg, dt.date.today()) if cfg else None
        if state is not None and not report.skipped:
            ev = ev | {"waiver": state.describe()}
            if report.failed and report.when == "call" and not state.expired:
                # a waived failure: reported, never hidden, but it does not fail the run
                report.outcome = "skipped"
                report.wasxfail = (  # type: ignore[attr-defined]
                    f"waived until {state.waiver.expires} by {state.waiver.approver} "
                    f"({state.waiver.ticket}): {state.waiver.reason}"
                )
                report.waiver = state.describe()  # type: ignore[attr-defined]
        ev = _plain(ev)
        if ev:
            report.user_properties.append(("evidence", ev))
        _attach_html(report, check, ev)
        _record_result(item, report, check, call, ev)


def _announce_tenant(item: pytest.Item, report: pytest.TestReport) -> None:
    """Put the tenant's facts on the first report made after its collection (success or
    not) in this process, so that they reach the process that writes the outputs."""
    state = item.config.stash.get(STATE_KEY, None)
    entry = state.tenants.get(report.tenant) if state else None  # type: ignore[attr-defined]
    if entry is None or entry.announced or (entry.view is None and entry.collect_error is None):
        return
    entry.announced = True
    report.audit_tenant = _tenant_facts(state, entry)  # type: ignore[attr-defined]


def _tenant_facts(state: AuditState, entry: TenantEntry) -> dict[str, Any]:
    """What a tenant's collection left that its results, report and bundle need."""
    snapshot = None
    if entry.view is not None:
        meta = entry.view.doc["meta"]
        snapshot = {
            "file": str(entry.snapshot_file) if entry.snapshot_file else None,
            "sha256": entry.snapshot_sha256,
            "collectedAt": meta.get("collectedAt"),
            "source": meta.get("source"),
        }
    return _plain(
        {
            "name": entry.name,
            "snapshot": snapshot,
            "snapshotFile": str(entry.snapshot_file) if entry.snapshot_file else None,
            "requestLog": str(entry.request_log) if entry.request_log else None,
            "collectError": entry.collect_error,
            "drift": state.drift.get(entry.name),
        }
    )


def _verdict_of(report: pytest.TestReport) -> str:
    if getattr(report, "waiver", None) is not None:
        return "waived"
    if report.failed:
        return "error" if report.when == "setup" else "failed"
    if report.skipped:
        reason = _skip_reason(report)
        return "not_due" if reason.startswith("not yet due") else "skipped"
    return "passed"


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return ""


def _message(report: pytest.TestReport, call: pytest.CallInfo, verdict: str) -> str | None:
    """What a reader needs: the assertion's sentence, the error's cause, the skip's reason."""
    if verdict in ("skipped", "not_due"):
        return _skip_reason(report)
    if verdict == "waived":
        return str(getattr(report, "wasxfail", ""))
    if call.excinfo is None:
        return None
    text = str(call.excinfo.value)
    if call.excinfo.errisinstance(AssertionError):
        text = text.split("\nassert ")[0]  # drop pytest's rewritten expression
    elif verdict == "error" and not call.excinfo.errisinstance((DataUnavailable, AuditConfigError)):
        text = f"{call.excinfo.typename}: {text}"
    return text.strip()


def _record_result(
    item: pytest.Item,
    report: pytest.TestReport,
    check: Check,
    call: pytest.CallInfo,
    ev: dict[str, Any],
) -> None:
    """One line of the tenant's results file, from the report that decides the verdict. It
    rides on the report (``audit_result``); pytest_runtest_logreport files it."""
    if report.when == "setup" and report.passed:
        return
    if "tenant" not in dict(item.user_properties):
        return
    verdict = _verdict_of(report)
    report.audit_result = _result_line(  # type: ignore[attr-defined]
        item.name, check, verdict, _message(report, call, verdict), ev
    )


def _result_line(
    test_id: str, check: Check, verdict: str, message: str | None, ev: dict[str, Any]
) -> dict[str, Any]:
    return {
        "testId": test_id,
        "check": check.id,
        "phase": check.phase,
        "phaseLabel": check.phase_label,
        "severity": check.severity.name,
        "title": check.title,
        "verdict": verdict,
        "message": message,
        "remediation": check.remediation,
        "evidence": {k: v for k, v in ev.items() if k != "waiver"},
        "waiver": ev.get("waiver"),
    }


def _plain(value: Any) -> Any:
    """Evidence as JSON data: what the results file holds, what the report shows, and what
    a test report can carry from an xdist worker (sets become sorted lists, other objects
    their text)."""

    def default(obj: Any) -> Any:
        if isinstance(obj, set | frozenset):
            return sorted(obj, key=str)
        return str(obj)

    return json.loads(json.dumps(value, default=default))


def _crashed(call: pytest.CallInfo) -> bool:
    """An exception that is neither an assertion, pytest.fail, nor an outcome."""
    excinfo = call.excinfo
    if excinfo is None:
        return False
    return not excinfo.errisinstance((AssertionError, pytest.fail.Exception))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """File what a report carries, in the process that writes the outputs: the xdist
    controller, or the only process of a run without xdist."""
    state = _SESSION_STATE[-1] if _SESSION_STATE else None
    if state is None or state.reports_dir is None:
        return
    check = BY_ID.get(getattr(report, "check_id", ""))
    tenant = getattr(report, "tenant", None)
    if report.failed:
        # for --fail-on: the check's severity; None (not a check, a crashed worker) always
        # fails the run
        crashed = getattr(report, "audit_crash", False)
        state.failed_severities.append(check.severity if check and not crashed else None)
    if check is not None and tenant:
        state.reported[report.nodeid] = (tenant, check.id)
    facts = getattr(report, "audit_tenant", None)
    if facts is not None:
        state.collected[facts["name"]] = facts
        if facts.get("drift") is not None:
            state.drift[facts["name"]] = facts["drift"]
    line = getattr(report, "audit_result", None)
    if line is not None and tenant:
        lines = state.results.setdefault(tenant, {})
        earlier = lines.get(report.nodeid)
        # one line per test; should it come twice (a crashed worker's check run again by
        # its replacement), the worse verdict stays
        if earlier is None or PHASE_ORDER.index(line["verdict"]) <= PHASE_ORDER.index(
            earlier["verdict"]
        ):
            lines[report.nodeid] = line


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> Any:
    if getattr(report, "waiver", None) is not None and report.when == "call":
        return "waived", "w", "WAIVED"
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> Any:
    """After pytest-html and JUnit wrote their files: --fail-on, then the evidence bundles."""
    yield
    state = session.config.stash.get(STATE_KEY, None)
    if state is None or not state.tenants or _is_worker(session.config):
        return
    if exitstatus == pytest.ExitCode.TESTS_FAILED:
        failed = state.failed_severities
        if failed and not any(s is None or fails_run(s, state.fail_on) for s in failed):
            session.exitstatus = pytest.ExitCode.OK
    _write_bundles(session, state)
    writer = session.config.get_terminal_writer()
    for bundle in state.bundles.values():
        writer.line(f"okta-m365-audit: evidence bundle {bundle}")
    _write_fleet_page(state, writer)


def _attach_html(report: pytest.TestReport, check: Check, ev: dict[str, Any]) -> None:
    try:
        from pytest_html import extras
    except ImportError:  # pragma: no cover - pytest-html is a dependency
        return
    block = (
        f"<div class='audit-check'><p><b>{html.escape(check.id)}</b> "
        f"{html.escape(check.title)} <i>({check.severity.name}, {html.escape(check.phase_label)})"
        f"</i></p><p><b>Remediation:</b> {html.escape(check.remediation)}</p>"
        f"{evidence_table(ev)}</div>"
    )
    report.extras = [*getattr(report, "extras", []), extras.html(block)]


def pytest_html_report_title(report: Any) -> None:
    report.title = f"okta-m365-audit {__version__}: Okta / Microsoft 365 integration audit"


def pytest_html_results_table_header(cells: list[str]) -> None:
    cells.insert(1, "<th>Tenant</th>")
    cells.insert(2, '<th class="sortable" data-column-type="check">Check</th>')
    cells.insert(3, "<th>Phase</th>")
    cells.insert(4, "<th>Severity</th>")


def pytest_html_results_table_row(report: Any, cells: list[str]) -> None:
    check: Check | None = BY_ID.get(getattr(report, "check_id", ""))
    if check is not None and cells and report.when in ("setup", "call"):
        # pytest-html knows xfail and skip; the audit calls them waived and not yet due
        verdict = _verdict_of(report)
        label = {"waived": "Waived", "not_due": "Not yet due"}.get(verdict)
        if label:
            cells[0] = re.sub(r">[^<]*<", f">{label}<", cells[0], count=1)
    tenant = getattr(report, "tenant", "")
    cells.insert(1, f"<td>{html.escape(tenant)}</td>")
    cells.insert(2, f'<td style="white-space:nowrap">{html.escape(check.id) if check else ""}</td>')
    cells.insert(3, f"<td>{html.escape(check.phase_label) if check else ''}</td>")
    cells.insert(4, f"<td>{check.severity.name if check else ''}</td>")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Tenant facts for the report's Environment table (pytest-metadata)."""
    state = session.config.stash.get(STATE_KEY, None)
    try:
        from pytest_metadata.plugin import metadata_key
    except ImportError:  # pragma: no cover
        return
    meta = session.config.stash.get(metadata_key, None)
    if state is None or meta is None or not state.tenants:
        return
    meta["okta-m365-audit"] = __version__
    for entry in state.tenants.values():
        info: dict[str, Any] = {"tenant file": str(entry.path) if entry.path else None}
        if entry.cfg:
            info |= {
                "Okta org": entry.cfg.okta.org_url,
                "M365 tenant": entry.cfg.m365.tenant_id,
                "expected phase": entry.cfg.expect.phase,
                "backend": "emulator" if entry.cfg.emulator else "live",
            }
        if entry.from_snapshot:
            info["backend"] = f"snapshot {entry.from_snapshot}"
        meta[f"Tenant {entry.name}"] = info


def pytest_html_results_summary(prefix: list[str], summary: list[str], postfix: list[str]) -> None:
    """The handover view (header, phase strip, counts, results by phase) above pytest-html's
    own table, which keeps the tracebacks folded away."""
    state = _SESSION_STATE[-1] if _SESSION_STATE else None
    if state is None or not state.tenants:
        return
    docs = [_results_doc(state, entry) for entry in state.tenants.values()]
    prefix.append(audit_html(docs, {n: _drift_html(r) for n, r in state.drift.items()}))


def _results_doc(state: AuditState, entry: TenantEntry) -> dict[str, Any]:
    cfg = entry.cfg
    facts = state.collected.get(entry.name, {})
    return results_document(
        tenant=entry.name,
        run={
            "id": state.run_id,
            "startedAt": snap.iso_z(state.started),
            "finishedAt": snap.iso_z(dt.datetime.now(dt.UTC)),
            "suiteVersion": __version__,
            "operator": state.operator,
            "failOn": state.fail_on,
            # a run of a subset (-k, -m, --offline) is not the tenant's full audit
            "selection": state.selection,
            "partial": bool(state.selection),
        },
        okta={"orgUrl": cfg.okta.org_url if cfg else None},
        m365={
            "tenantId": cfg.m365.tenant_id if cfg else None,
            "cloud": cfg.m365.cloud if cfg else None,
        },
        expected_phase=cfg.expect.phase if cfg else None,
        snapshot=facts.get("snapshot"),
        results=list(state.results.get(entry.name, {}).values()),
        config_error=entry.error or facts.get("collectError"),
        drift=state.drift.get(entry.name),
    )


def _write_bundles(session: pytest.Session, state: AuditState) -> None:
    """Per tenant: reports/<tenant>-<time>/ (report, results, snapshot, JUnit XML, request
    log, manifest with SHA-256 of each) and its zip. Written even when the run failed."""
    assert state.reports_dir is not None
    stamp = state.started.strftime("%Y%m%d-%H%M%S")
    html_path = getattr(session.config.option, "htmlpath", None)
    xml_path = getattr(session.config.option, "xmlpath", None)
    for entry in state.tenants.values():
        files: dict[str, Any] = {
            "results.json": json.dumps(_results_doc(state, entry), indent=1, default=str) + "\n"
        }
        if html_path and Path(html_path).is_file():
            files["report.html"] = Path(html_path)
        if xml_path and Path(xml_path).is_file():
            files["junit.xml"] = Path(xml_path)
        facts = state.collected.get(entry.name, {})
        if facts.get("snapshotFile") and Path(facts["snapshotFile"]).is_file():
            files["snapshot.json"] = Path(facts["snapshotFile"])
        if facts.get("requestLog") and Path(facts["requestLog"]).is_file():
            files["emulator-requests.json"] = Path(facts["requestLog"])
        if entry.name in state.drift:
            files["drift.json"] = json.dumps(state.drift[entry.name], indent=1, default=str) + "\n"
        folder = state.reports_dir / f"{entry.name}-{stamp}"
        state.bundles[entry.name] = write_bundle(folder, files)


def _write_fleet_page(state: AuditState, writer: Any) -> None:
    """reports/index.html: the latest run of every tenant whose results are in the folder."""
    assert state.reports_dir is not None
    notes: list[str] = []
    docs = fleet.load_fleet(fleet.find_results(state.reports_dir, notes.append), notes.append)
    if docs:
        out = state.reports_dir / "index.html"
        fleet.write_fleet(docs, out, notes=notes)
        writer.line(f"okta-m365-audit: fleet page {out} ({len(docs)} tenant(s))")


_SESSION_STATE: list[AuditState] = []


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(STATE_KEY, None)
    if state in _SESSION_STATE:
        _SESSION_STATE.remove(state)
