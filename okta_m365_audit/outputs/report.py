"""The handover view inside the pytest-html report: per tenant a header, a phase strip, counts
by severity, then the results grouped by phase (failures first) with evidence and
remediation. Built from the results documents (results.py), so the report and the JSON
can never disagree. Everything tenant-derived is escaped.
"""

from __future__ import annotations

import html
import json
from typing import Any

from ..catalog.checks import PHASES, Severity
from ..catalog.groups import GROUPS
from ..core.terminal import escape_surrogates
from .changes_html import CSS as CHANGES_CSS
from .changes_html import changes_html
from .route import route_lines

#: verdict -> (label shown, css class); shown as text too, never by colour alone
VERDICT_LABELS: dict[str, tuple[str, str]] = {
    "failed": ("FAILED", "v-failed"),
    "error": ("ERROR", "v-error"),
    "waived": ("WAIVED", "v-waived"),
    "passed": ("PASSED", "v-passed"),
    "not_due": ("NOT YET DUE", "v-notdue"),
    "skipped": ("SKIPPED", "v-skipped"),
    "none": ("NO CHECKS", "v-skipped"),
}
VERDICT_RANK = {v: i for i, v in enumerate(("error", "failed", "waived", "passed", "not_due",
                                           "skipped"))}  # fmt: skip
HTML_LIST_LIMIT = 25
#: pages the suite writes on its own (bundle reports, the fleet page) run no script at all,
#: whatever a value in them holds: defence in depth behind the escaping
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CSP_META = f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"

CSS = """
.audit{font-family:system-ui,Arial,sans-serif;max-width:1200px;color:#222}
.audit h2{border-bottom:2px solid #333;padding-bottom:4px;margin-top:28px}
.audit table{border-collapse:collapse;margin:8px 0}
.audit th,.audit td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}
.audit .meta th{background:#f2f2f2;white-space:nowrap}
.phase-strip{display:flex;gap:6px;flex-wrap:wrap;margin:10px 0}
.phase-strip .phase{border:2px solid #555;border-radius:6px;padding:6px 10px;min-width:110px}
.phase-strip .group{border-style:dashed}
.phase-strip .phase b{display:block;font-size:0.85em}
.phase-strip .phase-note{display:block;font-size:0.75em}
.v-failed{background:#f8d0d0}.v-error{background:#f3c6ef}.v-waived{background:#fbe9b7}
.v-passed{background:#d4efd4}.v-notdue{background:#e4e4e4}.v-skipped{background:#f4f4f4}
.audit .verdict{font-weight:bold;white-space:nowrap}
.audit .check-id{white-space:nowrap;font-weight:bold}
.audit pre{white-space:pre-wrap;word-break:break-word;margin:0;font-size:0.85em}
.audit .evidence th{background:#fafafa;font-weight:normal;font-style:italic}
.audit .remediation{margin-top:4px}
.audit details{margin-top:4px}
.audit .waiver-warnings{background:#fbe9b7;border:1px solid #b58900;padding:6px 24px}
@media print{
  #environment,#results-table,.filters,.collapsible,.summary__reload,.controls,
  #not-found-message,.logexpander,.summary__data p:last-child{display:none !important}
  .audit h2{page-break-before:always}.audit section:first-of-type h2{page-break-before:auto}
  .audit tr{page-break-inside:avoid}
}
"""


def escape_html(value: Any) -> str:
    """``value`` as HTML text or attribute value: markup and quotes escaped, and a lone
    surrogate (which JSON and the APIs allow, UTF-8 does not) shown as its escape instead of
    making the page unwritable. Every page the suite writes escapes through this."""
    return html.escape(escape_surrogates(str(value)), quote=True)


_e = escape_html


def _truncated(value: Any) -> Any:
    """Long lists cut to HTML_LIST_LIMIT items plus a count of the rest (at any depth)."""
    if isinstance(value, dict):
        return {k: _truncated(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        items = [_truncated(v) for v in value]
        if len(items) > HTML_LIST_LIMIT:
            rest = len(items) - HTML_LIST_LIMIT
            return [*items[:HTML_LIST_LIMIT], f"... and {rest} more ({len(items)} in all)"]
        return items
    return value


def fmt(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(_truncated(value), indent=1, default=str, ensure_ascii=False)


def evidence_table(ev: dict[str, Any]) -> str:
    """Observed versus expected first, then the rest of the evidence."""
    if not ev:
        return ""
    keys = [k for k in ("observed", "expected") if k in ev] + [
        k for k in ev if k not in ("observed", "expected", "waiver")
    ]
    rows = "".join(f"<tr><th>{_e(k)}</th><td><pre>{_e(fmt(ev[k]))}</pre></td></tr>" for k in keys)
    return f"<table class='evidence'>{rows}</table>"


def _verdict(v: str) -> str:
    label, css = VERDICT_LABELS[v]
    return f"<span class='verdict {css}'>{label}</span>"


def _header(doc: dict[str, Any]) -> str:
    snap_info = doc.get("snapshot") or {}
    run = doc["run"]
    rows = [
        ("Okta org", doc["okta"].get("orgUrl")),
        ("M365 tenant", f"{doc['m365'].get('tenantId')} ({doc['m365'].get('cloud')})"),
        ("Expected phase", doc.get("expectedPhase")),
        ("Run", f"{run.get('startedAt')} by {run.get('operator')}"),
        ("Tool version", f"okta-m365-audit {run.get('suiteVersion')}"),
        ("Data as of", snap_info.get("collectedAt")),
        ("Snapshot", f"{snap_info.get('file')} (sha256 {snap_info.get('sha256')})"),
    ]
    rows += route_lines(doc.get("endpointsUsed"))  # an API reached elsewhere, a proxy
    if doc.get("configError"):
        rows.append(("Problem", doc["configError"]))
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f"<table class='meta'>{body}</table>"


def _phase_strip(doc: dict[str, Any]) -> str:
    """A box per runbook phase and per check group, in the state of its worst verdict; a box
    whose checks include skipped ones says how many, so a PASSED box never hides a check
    that could not be verified (FED-11 always, others where the tenant file declares
    nothing to judge)."""
    results = [r for r in doc.get("results") or [] if isinstance(r, dict)]
    boxes = []
    for key, (_, label) in PHASES.items():
        state = doc["summary"]["phases"].get(key, "none")
        text, css = VERDICT_LABELS[state]
        skipped = _skipped(r for r in results if r.get("phase") == key)
        boxes.append(
            f"<div class='phase {css}' data-phase='{_e(key)}' data-state='{_e(state)}'>"
            f"<b>{_e(label)}</b>{text}{skipped}</div>"
        )
    groups = doc["summary"].get("groups") or {}  # absent in results of earlier versions
    for group in GROUPS:
        state = groups.get(group.key, "none")
        text, css = VERDICT_LABELS.get(state, VERDICT_LABELS["none"])
        members = group.members()
        skipped = _skipped(r for r in results if r.get("check") in members)
        boxes.append(
            f"<div class='phase group {css}' data-group='{_e(group.key)}' "
            f"data-state='{_e(state)}'><b>{_e(group.label)}</b>{text}{skipped}</div>"
        )
    return f"<div class='phase-strip'>{''.join(boxes)}</div>"


def skipped_count(results: Any) -> int:
    """How many of these results lines are skipped (checks not verified)."""
    return sum(1 for r in results if r.get("verdict") == "skipped")


def _skipped(results: Any) -> str:
    count = skipped_count(results)
    if not count:
        return ""
    return f"<small class='phase-note'>{count} not verified (skipped)</small>"


def _counts(doc: dict[str, Any]) -> str:
    cols = ("failed", "error", "waived", "passed", "not_due", "skipped")
    head = "".join(f"<th>{VERDICT_LABELS[c][0]}</th>" for c in cols)
    rows = []
    for sev in sorted(Severity, reverse=True):
        counts = doc["summary"]["bySeverity"].get(sev.name, {})
        if not counts:
            continue
        cells = "".join(f"<td>{counts.get(c, 0) or ''}</td>" for c in cols)
        rows.append(f"<tr><th>{sev.name}</th>{cells}</tr>")
    return f"<table class='counts'><tr><th>Severity</th>{head}</tr>{''.join(rows)}</table>"


def _scope(w: dict[str, Any]) -> str:
    return f"item {w['item']}" if w.get("item") else "check-wide"


def _result_row(r: dict[str, Any]) -> str:
    waiver = ""
    if r.get("waiver"):
        w = r["waiver"]
        waiver = (
            f"<p class='waiver'><b>Waiver</b> ({_e(w.get('status'))}, {_e(_scope(w))}): "
            f"{_e(w.get('reason'))}; approved by {_e(w.get('approver'))}, ticket "
            f"{_e(w.get('ticket'))}</p>"
        )
    message = ""
    if r.get("message"):  # a waived result's own finding, kept beside its waiver
        label = "<b>Finding:</b> " if r["verdict"] == "waived" else ""
        message = f"<p class='message'>{label}{_e(r['message'])}</p>"
    remediation = (
        f"<p class='remediation'><b>Remediation:</b> {_e(r['remediation'])}</p>"
        if r["verdict"] in ("failed", "error", "waived")
        else ""
    )
    evidence = evidence_table(r.get("evidence") or {})
    if evidence and r["verdict"] in ("passed", "not_due", "skipped"):
        evidence = f"<details><summary>evidence</summary>{evidence}</details>"
    details = message + waiver + evidence + remediation
    return (
        f"<tr data-check='{_e(r['check'])}' data-verdict='{_e(r['verdict'])}'>"
        f"<td class='check-id'>{_e(r['check'])}</td>"
        f"<td>{_e(r['title'])}<br><small>{_e(r['testId'])}</small></td>"
        f"<td>{_e(r['severity'])}</td><td>{_verdict(r['verdict'])}</td>"
        f"<td>{details}</td></tr>"
    )


def _phases(doc: dict[str, Any]) -> str:
    out = []
    for key, (_, label) in PHASES.items():
        rows = [r for r in doc["results"] if r["phase"] == key]
        if not rows:
            continue
        rows.sort(key=lambda r: (VERDICT_RANK[r["verdict"]], -Severity[r["severity"]],
                                 r["testId"]))  # fmt: skip
        state = doc["summary"]["phases"][key]
        out.append(
            f"<h3>{_e(label)}: {VERDICT_LABELS[state][0]}</h3><table class='results'>"
            "<tr><th>Check</th><th>Title</th><th>Severity</th><th>Verdict</th>"
            f"<th>Details</th></tr>{''.join(_result_row(r) for r in rows)}</table>"
        )
    return "".join(out)


def _waiver_warnings(doc: dict[str, Any]) -> str:
    """Waivers that expire soon, have expired, or name an item the run never produced: at
    the top, where the reader cannot miss them."""
    lines = [w["warning"] for w in doc.get("waivers") or () if w.get("warning")]
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    return f"<ul class='waiver-warnings'>{items}</ul>" if lines else ""


def _waivers(doc: dict[str, Any]) -> str:
    """Every waiver of the tenant file: scope, expiry, status, what it waived in this run."""
    notes = doc.get("waivers") or []
    if not notes:
        return ""
    rows = "".join(
        f"<tr data-check='{_e(w['check'])}' data-status='{_e(w['status'])}'>"
        f"<td class='check-id'>{_e(w['check'])}</td><td>{_e(_scope(w))}</td>"
        f"<td>{_e(w['expires'])}</td>"
        f"<td>{_e('expired on ' + w['expires'] if w['status'] == 'expired' else w['status'])}"
        f"{' (stale)' if w.get('stale') else ''}</td>"
        f"<td>{_e(w.get('reason'))}<br><small>approved by {_e(w.get('approver'))}, ticket "
        f"{_e(w.get('ticket'))}</small></td>"
        f"<td>{'<br>'.join(_e(t) for t in w.get('waived') or ()) or 'nothing in this run'}"
        f"</td></tr>"
        for w in notes
    )
    return (
        "<h3>Waivers</h3><table class='waivers'><tr><th>Check</th><th>Scope</th>"
        "<th>Expires</th><th>Status</th><th>Reason</th><th>Waived in this run</th></tr>"
        f"{rows}</table>"
    )


def tenant_section(doc: dict[str, Any], drift_html: str = "") -> str:
    return (
        f"<section class='audit-tenant' data-tenant='{_e(doc['tenant'])}'>"
        f"<h2>Tenant {_e(doc['tenant'])}</h2>{changes_html(doc)}{_header(doc)}"
        f"{_waiver_warnings(doc)}{_phase_strip(doc)}{_counts(doc)}{drift_html}{_phases(doc)}"
        f"{_waivers(doc)}</section>"
    )


def audit_html(docs: list[dict[str, Any]], drift_html: dict[str, str] | None = None) -> str:
    """The whole handover view: one section per tenant."""
    drift_html = drift_html or {}
    sections = "".join(tenant_section(d, drift_html.get(d["tenant"], "")) for d in docs)
    return f"<style>{CSS}{CHANGES_CSS}</style><div class='audit'>{sections}</div>"
