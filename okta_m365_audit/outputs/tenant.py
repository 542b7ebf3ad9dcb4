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
import re
import xml.etree.ElementTree as ET
from typing import Any

from .. import __version__
from ..catalog.version import catalog_version
from ..catalog.waivers import waiver_notes
from ..session.tenants import AuditState, TenantEntry
from ..snapshot import document as snap
from . import drift
from .changes import changes_for
from .report import CSP_META, audit_html, escape_html
from .results import results_document
from .route import planned_route


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
