"""pytest wiring only (testinfra's plugin.py idea): options, tenant parametrization, collection
once per tenant, check metadata and the report columns.

Tests in ``tests_integration/`` ask for fixtures (``tenant``, ``office365_app``,
``federation``...) and never call an API: the fixtures read the tenant's snapshot, and a
fixture whose data could not be read raises during setup, so the check ERRORs.
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
from .results import results_document, write_bundle
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
    results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    drift_html: dict[str, str] = field(default_factory=dict)
    drift: dict[str, Any] = field(default_factory=dict)
    bundles: dict[str, Path] = field(default_factory=dict)


STATE_KEY = pytest.StashKey[AuditState]()


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


# --- parametrization -----------------------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "_tenant" not in metafunc.fixturenames:
        return
    state = metafunc.config.stash[STATE_KEY]
    names, values, ids = [], [], []
    per_item = {  # fixture name -> the items of a tenant it is parametrized over
        "domain": lambda cfg: cfg.expect.domains_to_federate,
        "excluded_account": lambda cfg: sorted(
            set(cfg.expect.excluded_accounts) | {cfg.expect.service_account}
        ),
        "okta_resource": lambda cfg: [r.name for r in snap.RESOURCES if r.api == "okta"],
        "graph_resource": lambda cfg: [r.name for r in snap.RESOURCES if r.api == "graph"],
    }
    argname = next((n for n in per_item if n in metafunc.fixturenames), None)
    for entry in state.tenants.values():
        if argname is None:
            names = ["_tenant"]
            values.append(entry.name)
            ids.append(entry.name)
            continue
        names = ["_tenant", argname]
        items = per_item[argname](entry.cfg) if entry.cfg else ["(tenant not loaded)"]
        for item in items:
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
        state.drift_html[name] = (
            f"<section class='drift'><h3>Drift</h3><p>Not compared: {html.escape(str(exc))}</p>"
            "</section>"
        )
        return
    report["baseline"]["file"] = str(path)
    state.drift[name] = report
    state.drift_html[name] = drift.render_html(report)


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
    _record_failure(item, report, check)
    if check is None:
        return
    report.check = check  # type: ignore[attr-defined]
    report.tenant = dict(item.user_properties).get("tenant", "")  # type: ignore[attr-defined]
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
                report.waiver = state  # type: ignore[attr-defined]
        if ev:
            report.user_properties.append(("evidence", ev))
        _attach_html(report, check, ev)
        _record_result(item, report, check, call, ev)


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
    """One line of the tenant's results file, from the report that decides the verdict."""
    if report.when == "setup" and report.passed:
        return
    tenant = dict(item.user_properties).get("tenant")
    if tenant is None or STATE_KEY not in item.config.stash:
        return
    verdict = _verdict_of(report)
    item.config.stash[STATE_KEY].results.setdefault(tenant, []).append(
        {
            "testId": item.name,
            "check": check.id,
            "phase": check.phase,
            "phaseLabel": check.phase_label,
            "severity": check.severity.name,
            "title": check.title,
            "verdict": verdict,
            "message": _message(report, call, verdict),
            "remediation": check.remediation,
            "evidence": {k: v for k, v in ev.items() if k != "waiver"},
            "waiver": ev.get("waiver"),
        }
    )


def _crashed(call: pytest.CallInfo) -> bool:
    """An exception that is neither an assertion, pytest.fail, nor an outcome."""
    excinfo = call.excinfo
    if excinfo is None:
        return False
    return not excinfo.errisinstance((AssertionError, pytest.fail.Exception))


def _record_failure(item: pytest.Item, report: pytest.TestReport, check: Check | None) -> None:
    """Remember each failed or errored test's severity (None: not a check), for --fail-on."""
    if report.failed and STATE_KEY in item.config.stash:
        item.config.stash[STATE_KEY].failed_severities.append(check.severity if check else None)


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> Any:
    if getattr(report, "waiver", None) is not None and report.when == "call":
        return "waived", "w", "WAIVED"
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> Any:
    """After pytest-html and JUnit wrote their files: --fail-on, then the evidence bundles."""
    yield
    state = session.config.stash.get(STATE_KEY, None)
    if state is None or not state.tenants:
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
    check: Check | None = getattr(report, "check", None)
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
    prefix.append(audit_html(docs, {n: h for n, h in state.drift_html.items()}))


def _results_doc(state: AuditState, entry: TenantEntry) -> dict[str, Any]:
    cfg, view = entry.cfg, entry.view
    meta = view.doc["meta"] if view is not None else {}
    snapshot = None
    if view is not None:
        snapshot = {
            "file": str(entry.snapshot_file) if entry.snapshot_file else None,
            "sha256": entry.snapshot_sha256,
            "collectedAt": meta.get("collectedAt"),
            "source": meta.get("source"),
        }
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
        snapshot=snapshot,
        results=state.results.get(entry.name, []),
        config_error=entry.error or entry.collect_error,
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
        if entry.snapshot_file and Path(entry.snapshot_file).is_file():
            files["snapshot.json"] = Path(entry.snapshot_file)
        if entry.request_log and entry.request_log.is_file():
            files["emulator-requests.json"] = entry.request_log
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
