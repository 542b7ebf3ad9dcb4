"""The customer's handover document: one self-contained HTML page per tenant and run, written
into the evidence bundle as ``handover.html`` (and printed to ``report.pdf``,
handover_pdf.py).

It is built from the tenant's results document alone (results.py; plus the catalog's phase
names), so it says nothing the results file does not: no pytest-html Environment table, no
runner paths, no operator login. Its order is the customer's, not the engineer's: a cover
(customer, Okta org, M365 tenant, the run's date, the overall verdict in one line, counts by
check and by item), what changed since the last run when the results say, then the findings,
each with the remediation for its item; then every phase's checks with their evidence as
tables (the suite's own access checks last); then the waivers beside the findings they
cover; then the run's provenance and the bundle's files with their SHA-256.

Every tenant-derived value is escaped (report.escape_html), and the page runs no script and
loads nothing (report.CSP_META; the logo is a data: URI).
"""

from __future__ import annotations

from typing import Any

from ..catalog.checks import PHASES, Severity
from ..catalog.groups import GROUPS
from .changes_html import CSS as CHANGES_CSS
from .changes_html import changes_html
from .handover_tables import CSS, evidence_html
from .report import CSP_META, VERDICT_LABELS, skipped_count
from .report import escape_html as _e
from .results import FAILING, PHASE_ORDER
from .route import route_lines

#: the order of the document's phase sections: the runbook's, the suite's own access last
PHASE_SECTIONS = [k for k in PHASES if k != "ACCESS"] + ["ACCESS"]

#: the document's name in the bundle, and the PDF printed from it
HANDOVER_FILE = "handover.html"
PDF_FILE = "report.pdf"

#: remediation words that stand for the item a check is about: replaced by the item itself
_ITEM_WORDS = ("the account", "the domain", "the named", "the app's domain")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _verdict(v: str) -> str:
    label = VERDICT_LABELS.get(v, (v.upper(), ""))[0]
    return f"<span class='verdict v-{_e(v)}'>{_e(label)}</span>"


def display_name(doc: dict[str, Any]) -> str:
    return (doc.get("customer") or {}).get("displayName") or doc["tenant"]


def findings(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Failed and errored results, worst severity first, then by check and item."""
    found = [r for r in doc["results"] if r["verdict"] in FAILING]
    return sorted(found, key=lambda r: (-Severity[r["severity"]], r["check"], r.get("item") or ""))


def specific_remediation(r: dict[str, Any]) -> str:
    """The catalog's remediation made specific to the result's item where it can be: the
    words that stand for the item ("the account", "the domain") replaced by it, else the
    item named before it."""
    text = r.get("remediation") or ""
    item = r.get("item")
    if not item or item in text:
        return text
    for words in _ITEM_WORDS:
        at = text.find(words)
        if at >= 0:
            return f"{text[:at]}{item}{text[at + len(words) :]}"
    return f"For {item}: {text}"


def overall_verdict(doc: dict[str, Any]) -> tuple[str, str]:
    """The document's verdict in one line, and its style (ok, bad, partial)."""
    run = doc.get("run") or {}
    if doc.get("configError") and not doc["results"]:
        return "Not audited: the tenant could not be loaded or read (see below)", "bad"
    found = findings(doc)
    waived = sum(r["verdict"] == "waived" for r in doc["results"])
    tail = f", {waived} waived" if waived else ""
    if found:
        by_sev: dict[str, int] = {}
        for r in found:
            by_sev[r["severity"]] = by_sev.get(r["severity"], 0) + 1
        parts = [f"{n} {sev}" for sev, n in by_sev.items()]
        line, style = f"{_plural(len(found), 'finding')}, {', '.join(parts)}{tail}", "bad"
    else:
        phase = doc.get("expectedPhase")
        line = f"Phase {phase} complete: 0 findings{tail}" if phase else f"0 findings{tail}"
        style = "ok"
    if run.get("interrupted"):
        return f"Interrupted run: {line}", "partial"
    if run.get("partial"):
        return f"Partial run: {line}", "partial" if style == "ok" else style
    return line, style


def _tally(verdicts: list[str]) -> str:
    counts = {v: verdicts.count(v) for v in PHASE_ORDER if v in verdicts}
    return ", ".join(f"{n} {VERDICT_LABELS[v][0].lower()}" for v, n in counts.items())


def counts_html(doc: dict[str, Any]) -> str:
    """Counts by check (a check's verdict: the worst of its items) and by item, said so."""
    results = doc["results"]
    by_check: dict[str, list[str]] = {}
    for r in results:
        by_check.setdefault(r["check"], []).append(r["verdict"])
    worst = [next(v for v in PHASE_ORDER if v in vs) for vs in by_check.values()]
    items = [r["verdict"] for r in results]
    return (
        "<div class='counts'>"
        f"<p data-count='checks'>By check: {_plural(len(by_check), 'check')}: {_tally(worst)}"
        " (a check counts as its worst item)</p>"
        f"<p data-count='items'>By item: {_plural(len(items), 'item')}: {_tally(items)} (a "
        "check is judged once per domain, account or resource it is about)</p></div>"
    )


def _cover(doc: dict[str, Any], logo_uri: str | None) -> str:
    run, snap = doc.get("run") or {}, doc.get("snapshot") or {}
    m365 = doc.get("m365") or {}
    line, style = overall_verdict(doc)
    logo = f"<img class='logo' alt='logo' src='{_e(logo_uri)}'>" if logo_uri else ""
    rows = [
        ("Okta org", (doc.get("okta") or {}).get("orgUrl")),
        ("Microsoft 365 tenant", f"{m365.get('tenantId')} ({m365.get('cloud')} cloud)"),
        ("Runbook phase expected", doc.get("expectedPhase")),
        ("Run", run.get("startedAt")),
        ("Data collected", snap.get("collectedAt")),
    ]
    groups = (doc.get("summary") or {}).get("groups") or {}  # absent in earlier results
    results = [r for r in doc.get("results") or [] if isinstance(r, dict)]
    for g in GROUPS:  # a skipped check of the group said beside its state, never hidden
        members = g.members()
        skipped = skipped_count(r for r in results if r.get("check") in members)
        state = VERDICT_LABELS.get(groups.get(g.key, "none"), ("?",))[0]
        rows.append((g.label, f"{state} ({skipped} not verified: skipped)" if skipped else state))
    meta = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    problem = (
        f"<p class='overall bad'>Problem: {_e(doc['configError'])}</p>"
        if doc.get("configError")
        else ""
    )
    warnings = [w["warning"] for w in doc.get("waivers") or () if w.get("warning")]
    warn = (
        "<ul class='warnings'>" + "".join(f"<li>{_e(w)}</li>" for w in warnings) + "</ul>"
        if warnings
        else ""
    )
    return (
        f"<section class='cover'>{logo}<h1>{_e(display_name(doc))}</h1>"
        "<p class='subtitle'>Okta and Microsoft 365 integration audit: handover document</p>"
        f"<p class='overall {style}' data-verdict-line>{_e(line)}</p>"
        f"<table class='meta'>{meta}</table>{counts_html(doc)}{problem}{warn}</section>"
    )


def _changes(doc: dict[str, Any]) -> str:
    """What changed since the tenant's last run: the block the operator's view shows
    (changes_html.py), inside the ``audit`` class its style rules are written for."""
    block = changes_html(doc)
    return f"<div class='audit'>{block}</div>" if block else ""


def _finding(n: int, r: dict[str, Any]) -> str:
    item = r.get("item") or "the whole tenant"
    rows = [
        ("Item", _e(item)),
        ("Severity", _e(r["severity"])),
        ("Verdict", _verdict(r["verdict"])),
        ("Found", _e(r.get("message") or "(no message)")),
        ("Remediation", _e(specific_remediation(r))),
        ("Runbook", _e(r.get("phaseLabel") or PHASES[r["phase"]][1])),
    ]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f"<div class='finding {_e(r['verdict'])}' data-check='{_e(r['check'])}'>"
        f"<h3>{n}. {_e(r['check'])}: {_e(r['title'])}</h3><dl>{dl}</dl>"
        f"{evidence_html(r.get('evidence') or {})}</div>"
    )


def findings_html(doc: dict[str, Any]) -> str:
    found = findings(doc)
    if not found:
        body = "<p>No findings: every check that ran passed, was waived or is not yet due.</p>"
    else:
        body = "".join(_finding(n, r) for n, r in enumerate(found, 1))
    return f"<section class='findings'><h2>Findings ({len(found)})</h2>{body}</section>"


def _details(r: dict[str, Any]) -> str:
    parts = []
    if r.get("message"):
        label = {"waived": "Finding", "skipped": "Skipped", "not_due": "Not yet due"}.get(
            r["verdict"], "Found"
        )
        parts.append(f"<p class='message'><b>{label}:</b> {_e(r['message'])}</p>")
    if r.get("waiver"):
        w = r["waiver"]
        parts.append(
            f"<p class='waiver'><b>Waived</b> until {_e(w.get('expires'))}: {_e(w.get('reason'))}"
            f" (approved by {_e(w.get('approver'))}, ticket {_e(w.get('ticket'))})</p>"
        )
    if r["verdict"] in (*FAILING, "waived"):
        parts.append(
            f"<p class='remediation'><b>Remediation:</b> {_e(specific_remediation(r))}</p>"
        )
    parts.append(evidence_html(r.get("evidence") or {}))
    return "".join(parts)


def _test_name(r: dict[str, Any]) -> str:
    """The test's name without its parameters (they are the tenant and the item, shown)."""
    return str(r.get("testId") or "").split("[", 1)[0]


def phases_html(doc: dict[str, Any]) -> str:
    out = []
    for key in PHASE_SECTIONS:
        rows = [r for r in doc["results"] if r["phase"] == key]
        if not rows:
            continue
        rows.sort(key=lambda r: (r["check"], r.get("item") or "", r["testId"]))
        state = doc["summary"]["phases"].get(key, "none")
        body = "".join(
            f"<tbody class='result' data-check='{_e(r['check'])}' "
            f"data-verdict='{_e(r['verdict'])}'><tr><td class='check-id'>{_e(r['check'])}</td>"
            f"<td>{_e(r['title'])}<br><small>{_e(_test_name(r))}</small></td>"
            f"<td>{_e(r.get('item') or 'tenant')}</td><td>{_e(r['severity'])}</td>"
            f"<td>{_verdict(r['verdict'])}</td></tr>"
            f"<tr class='details'><td colspan='5'>{_details(r)}</td></tr></tbody>"
            for r in rows
        )
        note = " (the suite's own access to the tenant's APIs)" if key == "ACCESS" else ""
        out.append(
            f"<section class='phase' data-phase='{_e(key)}'><h2>{_e(PHASES[key][1])}{note}: "
            f"{_e(VERDICT_LABELS[state][0])}</h2><table class='results'><colgroup>"
            "<col style='width:11%'><col style='width:40%'><col style='width:25%'>"
            "<col style='width:12%'><col style='width:12%'></colgroup>"
            "<thead><tr><th>Check</th><th>Title (test)</th><th>Item</th><th>Severity</th>"
            f"<th>Verdict</th></tr></thead>{body}</table></section>"
        )
    return "".join(out)


def _expiry(w: dict[str, Any]) -> str:
    if w.get("status") == "expired":
        return f"expired on {w.get('expires')}: it no longer waives"
    days = w.get("daysLeft")
    left = f" ({_plural(days, 'day')} left)" if isinstance(days, int) else ""
    word = "expires soon" if w.get("status") == "expiring" else "active"
    return f"{word}, until {w.get('expires')}{left}"


def waivers_html(doc: dict[str, Any]) -> str:
    """Every waiver of the tenant file, its expiry status and the findings it covered, each
    as found (the waiver never replaces what was found)."""
    notes = doc.get("waivers") or []
    if not notes:
        return ""
    blocks = []
    for w in notes:
        waived = set(w.get("waived") or ())
        item = str(w.get("item") or "").lower()
        covered = [  # what it waived; an expired one: what it would have waived
            r
            for r in doc["results"]
            if r["testId"] in waived
            or (w.get("status") == "expired" and r["check"] == w["check"]
                and r["verdict"] in FAILING and (not item or str(r.get("item")).lower() == item))
        ]  # fmt: skip
        found = "".join(
            f"<li><b>{_e(r.get('item') or 'tenant')}</b> ({_e(VERDICT_LABELS[r['verdict']][0])}): "
            f"{_e(r.get('message') or '')}</li>"
            for r in covered
        )
        scope = f"item {w['item']}" if w.get("item") else "the whole check"
        stale = "; names an item this run never produced" if w.get("stale") else ""
        blocks.append(
            f"<tr data-check='{_e(w['check'])}' data-status='{_e(w.get('status'))}'>"
            f"<td class='check-id'>{_e(w['check'])}</td><td>{_e(scope)}</td>"
            f"<td>{_e(_expiry(w))}{_e(stale)}</td><td>{_e(w.get('reason'))}<br>approved by "
            f"{_e(w.get('approver'))}, ticket {_e(w.get('ticket'))}</td>"
            f"<td>{'<ul>' + found + '</ul>' if found else 'nothing in this run'}</td></tr>"
        )
    return (
        "<section class='waivers'><h2>Waivers</h2><table class='waivers'><tr><th>Check</th>"
        "<th>Scope</th><th>Status</th><th>Reason</th><th>Original findings it covers</th>"
        f"</tr>{''.join(blocks)}</table></section>"
    )


def appendix_html(
    doc: dict[str, Any], files: dict[str, dict[str, Any]], pdf_note: str | None
) -> str:
    """The run's provenance and the bundle's files with their SHA-256."""
    run, snap = doc.get("run") or {}, doc.get("snapshot") or {}
    selection = run.get("selection") or {}
    backend = snap.get("source") or "unknown"
    if selection.get("fromSnapshot"):
        backend += " (verdicts replayed from a saved snapshot)"
    whole = "yes"
    if run.get("partial"):
        whole = "no: " + ", ".join(f"{k}={v}" for k, v in selection.items())
    rows = [
        ("Tool", f"okta-m365-audit {run.get('suiteVersion')}"),
        ("Run ID", run.get("id")),
        ("Started / finished", f"{run.get('startedAt')} / {run.get('finishedAt')}"),
        ("Whole audit", whole),
        ("Interrupted", "yes" if run.get("interrupted") else "no"),
        ("Fails the run from severity", run.get("failOn")),
        ("Data collected", snap.get("collectedAt")),
        ("Data from", backend),
        ("Snapshot", snap.get("file")),
        ("Snapshot SHA-256", snap.get("sha256")),
        *route_lines(doc.get("endpointsUsed")),  # an API reached elsewhere, a proxy
    ]
    meta = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    listing = "".join(
        f"<tr><td>{_e(name)}</td><td>{_e(f.get('bytes'))}</td><td><code>{_e(f.get('sha256'))}"
        "</code></td></tr>"
        for name, f in sorted(files.items())
    )
    pdf = (
        f"<p>{_e(PDF_FILE)}: not written: {_e(pdf_note)}</p>"
        if pdf_note
        else f"<p>{_e(PDF_FILE)} is this document printed; manifest.json lists both with "
        "their SHA-256.</p>"
    )
    return (
        "<section class='appendix'><h2>Appendix: provenance</h2>"
        f"<table class='meta'>{meta}</table><h3>The evidence bundle's files</h3>"
        f"<table class='files'><tr><th>File</th><th>Bytes</th><th>SHA-256</th></tr>{listing}"
        f"</table><p>This document ({_e(HANDOVER_FILE)}) and the manifest itself are not "
        "listed here (a file cannot hold its own hash); manifest.json holds every file's "
        f"SHA-256.</p>{pdf}</section>"
    )


def handover_document(
    doc: dict[str, Any],
    *,
    logo_uri: str | None = None,
    files: dict[str, dict[str, Any]] | None = None,
    pdf_note: str | None = None,
) -> str:
    """The whole handover document of one tenant's results document. ``files``: the other
    files of the bundle (name -> sha256, bytes); ``pdf_note``: why report.pdf was not
    written (None: it was, or was not asked for)."""
    started = (doc.get("run") or {}).get("startedAt")
    title = f"{display_name(doc)}: Okta and Microsoft 365 audit, {started}"
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"{CSP_META}<title>{_e(title)}</title><style>{CSS}{CHANGES_CSS}</style></head>"
        f"<body data-tenant='{_e(doc['tenant'])}'>{_cover(doc, logo_uri)}{_changes(doc)}"
        f"{findings_html(doc)}{phases_html(doc)}{waivers_html(doc)}"
        f"{appendix_html(doc, files or {}, pdf_note)}</body></html>\n"
    )
