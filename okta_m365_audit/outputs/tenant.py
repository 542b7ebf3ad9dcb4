"""Each tenant's outputs, from the run's state: its results document, and its evidence bundle
holding that tenant alone.

A bundle is what an MSP hands one customer, so nothing in it may come from another tenant of
the same run: its report is a self-contained page of the handover view for that tenant only
(not pytest-html's run-wide report, which stays beside the bundles for the operator), and
its JUnit XML is written from that tenant's results lines (not pytest's run-wide file).
Folders and files are named from validated tenant names and written inside the reports
folder through core/safe_files.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..catalog.version import catalog_version
from ..catalog.waivers import waiver_notes
from ..config.customer import logo_data_uri
from ..config.tenant_copy import TENANT_FILE, bundled_logo_name, tenant_file_copy
from ..core import names, safe_files
from ..core.terminal import printable
from ..session.tenants import AuditState, TenantEntry
from ..snapshot import document as snap
from . import drift, fleet
from .changes import changes_for
from .handover_bundle import Handover, Printer
from .report import CSP_META, audit_html, escape_html
from .results import results_document, write_bundle
from .route import planned_route
from .summary_md import bundle_summary, write_fleet_summary, write_run_summary


def compare_with_baseline(state: AuditState, name: str, doc: dict[str, Any]) -> None:
    """Drift since the baseline, when the tenant has one; a baseline of another org or
    tenant, or one that cannot be compared, is said ("not compared: why"), never an error of
    the checks. Called where the tenant is collected (on an xdist worker, its drift travels
    to the controller in :func:`~..session.tenants.tenant_facts`)."""
    if name not in state.baselines:
        return
    path = state.baselines[name]
    try:
        report = drift.compare(snap.load(path), doc)
    except (drift.DriftError, snap.SnapshotError) as exc:
        state.drift[name] = {"error": str(exc), "baseline": {"file": path.name}}
        return
    report["baseline"]["file"] = path.name  # outputs never name the runner's folders
    state.drift[name] = report


def results_doc(state: AuditState, entry: TenantEntry) -> dict[str, Any]:
    """The tenant's results document: the run, the tenant's identity, every results line."""
    cfg = entry.cfg
    facts = state.collected.get(entry.name, {})
    results = _without_folders(list(state.results.get(entry.name, {}).values()), entry)
    snapshot = facts.get("snapshot")
    if snapshot is not None:  # the bundle's copy, named relative to the bundle
        snapshot = snapshot | {"file": SNAPSHOT if snapshot.get("file") else None}
    doc = results_document(
        tenant=entry.name,
        run={
            "id": state.run_id,
            "startedAt": snap.iso_z(state.started),
            "finishedAt": snap.iso_z(dt.datetime.now(dt.UTC)),
            "suiteVersion": __version__,
            "catalogVersion": catalog_version(),
            "operator": state.operator,
            "failOn": state.fail_on,
            # a subset (-k, -m, fewer checks, --offline, --from-snapshot) or an interrupted
            # run is not the tenant's full audit: the fleet page never takes it for one
            **state.run_facts(entry),
        },
        okta={"orgUrl": cfg.okta.org_url if cfg else None},
        m365={
            "tenantId": cfg.m365.tenant_id if cfg else None,
            "cloud": cfg.m365.cloud if cfg else None,
        },
        expected_phase=cfg.expect.phase if cfg else None,
        snapshot=snapshot,
        results=results,
        config_error=_without_folders(entry.error or facts.get("collectError"), entry),
        drift=state.drift.get(entry.name),
        waivers=waiver_notes(cfg, results, waivers_as_of(state, entry)) if cfg else [],
        customer={"displayName": cfg.customer.display_name if cfg else None},
    )
    # where the APIs were reached, when it was not the tenant's own hosts, or via a proxy
    doc["endpointsUsed"] = facts.get("endpointsUsed")
    doc["changes"] = changes_for(state, doc)  # what changed since its previous run
    return doc


def _without_folders(value: Any, entry: TenantEntry) -> Any:
    """A tenant's problem (its configError, and the messages and evidence of the checks that
    ERROR with it) as the bundle holds it: the folders of its tenant file and replayed
    snapshot left out of the paths it names (the file names stay), so no bundle file names
    the runner's folders."""
    folders = sorted(
        {
            str(folder).rstrip("/") + "/"
            for path in (entry.path, entry.from_snapshot)
            if path is not None
            for folder in (path.parent, path.parent.resolve())  # resolved once, not per string
        },
        key=len,
        reverse=True,
    )
    return _strip_folders(value, folders)


def _strip_folders(value: Any, folders: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _strip_folders(v, folders) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_folders(v, folders) for v in value]
    if not isinstance(value, str) or "/" not in value:
        return value
    for folder in folders:
        value = value.replace(folder, "")
    return value


#: the name of the bundle's copy of the snapshot
SNAPSHOT = "snapshot.json"


def waivers_as_of(state: AuditState, entry: TenantEntry) -> dt.date:
    """The day the checks judged waivers on (plugin/checks.py): when the tenant's data was
    collected, else the run's start."""
    collected = (state.collected.get(entry.name, {}).get("snapshot") or {}).get("collectedAt")
    return snap.parse_time(collected).date() if collected else state.started.date()


def drift_html(report: dict[str, Any]) -> str:
    if "error" in report:
        return (
            "<section class='drift'><h3>Drift</h3><p>Not compared: "
            f"{escape_html(report['error'])}</p></section>"
        )
    return drift.render_html(report)


def tenant_report(doc: dict[str, Any], drift_report: dict[str, Any] | None) -> str:
    """A self-contained HTML page of one tenant's handover view (no script; see CSP)."""
    fragment = drift_html(drift_report) if drift_report else ""
    title = escape_html(f"okta-m365-audit {__version__}: {doc['tenant']}")
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"{CSP_META}"
        f"<title>{title}</title></head><body><h1>{title}</h1>"
        f"{audit_html([doc], {doc['tenant']: fragment})}</body></html>\n"
    )


#: characters XML 1.0 cannot carry, even escaped (C0 controls but tab, CR, LF; surrogates...)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: Any) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m[0]):02x}", str(value))


#: verdict -> the JUnit element that carries it (None: a pass)
_JUNIT = {"failed": "failure", "error": "error", "waived": "skipped", "not_due": "skipped",
          "skipped": "skipped", "passed": None}  # fmt: skip


def tenant_junit(doc: dict[str, Any]) -> bytes:
    """One tenant's JUnit XML, from its results lines (CI systems read it per bundle)."""
    results = doc["results"]
    count = {
        kind: sum(_JUNIT[r["verdict"]] == kind for r in results) for kind in set(_JUNIT.values())
    }
    suite = ET.Element(
        "testsuite",
        name=f"okta-m365-audit.{doc['tenant']}",
        tests=str(len(results) + bool(doc.get("configError") and not results)),
        failures=str(count["failure"]),
        errors=str(count["error"] + bool(doc.get("configError") and not results)),
        skipped=str(count["skipped"]),
        timestamp=_xml_text(doc["run"].get("startedAt", "")),
    )
    for r in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_xml_text(f"okta_m365_audit.{r['phase']}.{r['check']}"),
            name=_xml_text(r["testId"]),
        )
        kind = _JUNIT[r["verdict"]]
        if kind is not None:
            text = _xml_text(r.get("message") or r["verdict"])
            element = ET.SubElement(case, kind, message=text[:500], type=r["verdict"])
            element.text = text
    if doc.get("configError") and not results:
        case = ET.SubElement(suite, "testcase", classname="okta_m365_audit", name="tenant")
        ET.SubElement(case, "error", message=_xml_text(doc["configError"])[:500])
    root = ET.Element("testsuites")
    root.append(suite)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _bundle_files(state: AuditState, entry: TenantEntry, doc: dict[str, Any]) -> dict[str, Any]:
    """A tenant's bundle files but its handover document, PDF and manifest."""
    drift_report = state.drift.get(entry.name)
    files: dict[str, Any] = {
        "results.json": json.dumps(doc, indent=1, default=str) + "\n",
        "report.html": tenant_report(doc, drift_report),
        "junit.xml": tenant_junit(doc),
        "summary.md": bundle_summary(doc),
    }
    facts = state.collected.get(entry.name, {})
    if facts.get("snapshotFile") and Path(facts["snapshotFile"]).is_file():
        files[SNAPSHOT] = Path(facts["snapshotFile"])
    if entry.cfg is not None:  # the expectations judged, secrets by reference only
        files[TENANT_FILE] = tenant_file_copy(entry.cfg, state.run_id)
        logo = bundled_logo_name(entry.cfg)
        if logo is not None and entry.cfg.customer.logo is not None:
            files[logo] = entry.cfg.resolve(entry.cfg.customer.logo)
    if facts.get("requestLog") and Path(facts["requestLog"]).is_file():
        files["emulator-requests.json"] = Path(facts["requestLog"])
    if drift_report is not None:
        files["drift.json"] = json.dumps(drift_report, indent=1, default=str) + "\n"
    return files


@dataclass
class PendingBundles:
    """Every tenant's results document and handover, their PDFs printing
    (start_tenant_bundles); the bundles are written by write_tenant_bundles."""

    docs: dict[str, dict[str, Any]]
    handovers: dict[str, Handover]
    printer: Printer


def start_tenant_bundles(
    state: AuditState, pdf: bool = True, say: Callable[[str], None] = lambda _: None
) -> PendingBundles:
    """Each tenant's results document and handover document, each handed to the printer as
    soon as it is built: its PDF prints while the next is built (and, when the plugin starts
    this before pytest-html writes its report, while that is written too)."""
    printer = Printer(pdf, say, state.browser)
    docs: dict[str, dict[str, Any]] = {}
    handovers: dict[str, Handover] = {}
    for entry in state.tenants.values():
        docs[entry.name] = doc = results_doc(state, entry)
        handovers[entry.name] = Handover(doc, _bundle_files(state, entry, doc), _logo(entry))
        printer.add(handovers[entry.name])
    return PendingBundles(docs, handovers, printer)


def write_tenant_bundles(
    state: AuditState,
    pdf: bool = True,
    say: Callable[[str], None] = lambda _: None,
    pending: PendingBundles | None = None,
) -> list[str]:
    """Per tenant: reports/<tenant>-<time>/ (its handover document and its PDF, report,
    JUnit XML, results, snapshot, request log, drift, and a manifest with the SHA-256 of
    each) and its zip. Written even when the run failed; a bundle that cannot be written is
    one line in the returned problems. A PDF that cannot be printed is not a problem of the
    run: one line through ``say``, and a note in the bundle's manifest. ``pending``: the
    documents start_tenant_bundles built (and is printing), else built now."""
    assert state.reports_dir is not None
    pending = pending if pending is not None else start_tenant_bundles(state, pdf, say)
    problems = []
    pending.printer.finish()
    for entry in state.tenants.values():
        hand = pending.handovers[entry.name]
        try:
            bundle_name = _free_bundle_name(state, names.tenant_name(entry.name, "tenant"))
            state.bundles[entry.name] = write_bundle(
                state.reports_dir, bundle_name, hand.bundle_files(), hand.notes()
            )
        except (safe_files.OutputError, names.InvalidName) as exc:
            problems.append(f"evidence bundle of {entry.name} not written: {exc}")
    return problems


def _logo(entry: TenantEntry) -> str | None:
    """The customer's logo as a data: URI (checked when the tenant file loaded)."""
    if entry.cfg is None or entry.cfg.customer.logo is None:
        return None
    try:
        return logo_data_uri(entry.cfg.resolve(entry.cfg.customer.logo))
    except (OSError, ValueError):
        return None


def _free_bundle_name(state: AuditState, tenant: str) -> str:
    """``<tenant>-<time>``, or ``<tenant>-<time>-<n>`` when a run of the same tenant started
    in the same second already has that bundle: one run's evidence never mixes with
    another's."""
    assert state.reports_dir is not None
    name, n = f"{tenant}-{state.stamp}", 1
    while (state.reports_dir / name).exists() or (state.reports_dir / f"{name}.zip").exists():
        n += 1
        name = f"{tenant}-{state.stamp}-{n}"
    return name


def write_fleet_page(state: AuditState, say: Callable[[str], None]) -> list[str]:
    """reports/index.html: the latest complete run of every tenant whose results are in the
    folder. Returns the problems that kept it from being written (one line each)."""
    assert state.reports_dir is not None
    notes: list[str] = []

    def note(line: str) -> None:  # a results file skipped: on the page and in the log
        notes.append(line)
        say(f"okta-m365-audit: fleet page: {printable(line)}")

    docs = fleet.load_fleet(fleet.find_results(state.reports_dir, note), note)
    if not docs:
        return []
    try:
        out = fleet.write_fleet(docs, state.reports_dir / "index.html", notes=notes)
    except safe_files.OutputError as exc:
        return [f"fleet page not written: {exc}"]
    say(f"okta-m365-audit: fleet page {out} ({len(docs)} tenant(s))")
    try:
        write_fleet_summary(docs, state.reports_dir / "summary.md", notes=notes)
    except safe_files.OutputError as exc:
        return [f"fleet summary not written: {exc}"]
    return []


def write_run_outputs(
    state: AuditState,
    say: Callable[[str], None],
    pdf: bool = True,
    pending: PendingBundles | None = None,
) -> list[str]:
    """Every tenant's evidence bundle (each announced through ``say``) and the run's fleet
    page; the problems that kept any from being written, one line each. ``pdf``: print each
    handover document to report.pdf (--no-pdf: not). ``pending``: see write_tenant_bundles."""
    pending = pending if pending is not None else start_tenant_bundles(state, pdf, say)
    problems = write_tenant_bundles(state, pdf, say, pending)
    for bundle in state.bundles.values():
        say(f"okta-m365-audit: evidence bundle {bundle}")
    problems += write_run_summary(state, list(pending.docs.values()))
    return problems + write_fleet_page(state, say)


def environment_facts(state: AuditState) -> dict[str, Any]:
    """The run's rows of the run-wide report's Environment table: the suite's version and,
    per tenant, its file, org, tenant ID, expected phase and where its data came from."""
    facts: dict[str, Any] = {"okta-m365-audit": __version__}
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
        if entry.cfg and not entry.from_snapshot:
            info |= dict(planned_route(entry.cfg, state.network))
        facts[f"Tenant {entry.name}"] = info
    return facts
