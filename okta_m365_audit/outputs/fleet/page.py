"""The fleet page's HTML: a tenant x phase matrix of the runs load.py chose.

Every value that came from a results file (or a file name) is escaped where it enters the
page, in text and in attributes alike (:func:`_e`), and the one URL the page builds, the
link to a run's report, is percent-quoted so that no folder name can turn it into a
``javascript:`` or other URL. A run that is not a tenant's complete audit is labelled as
such wherever it appears. The page needs no JavaScript and loads nothing from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import os
import urllib.parse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ... import __version__
from ...catalog.checks import PHASES, Severity
from ...core import safe_files
from .. import headline
from ..report import CSP_META, VERDICT_LABELS, escape_html
from .check import parse_time, run_kind, selection_text
from .load import FLEET_KEY, fleet_order, is_shown_complete

#: state -> (label shown, css class); the label is always printed, never colour alone
STATE_LABELS: dict[str, tuple[str, str]] = VERDICT_LABELS | {"none": ("NO CHECKS", "v-none")}
#: a phase without results in a partial or interrupted run was not run, not clean
NOT_RUN = ("NOT RUN", "v-unknown")
COUNT_COLUMNS = ("failed", "error", "waived", "passed")
#: tenant, worst severity, one per phase, findings, new since last run, the counts, run,
#: report
COLUMNS = 2 + len(PHASES) + 2 + len(COUNT_COLUMNS) + 2

CSS = """
body{font-family:system-ui,Arial,sans-serif;margin:8px;color:#111}
h1{font-size:1.4em;margin:0 0 8px}
h2{font-size:1.1em;margin:20px 0 6px}
table{border-collapse:collapse}
th,td{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}
.meta th{background:#eee;font-weight:normal;white-space:nowrap}
.fleet{font-size:0.9em}
.fleet th,.fleet td{padding:3px 4px}
.fleet thead th{background:#eee;font-size:0.75em;vertical-align:bottom;font-weight:normal}
.fleet thead th.phase{max-width:6.5em}
.fleet thead th.phase b{display:block;font-size:1.2em}
.fleet td.state{text-align:center;white-space:nowrap;font-size:0.8em}
.fleet td.num{text-align:right}
.fleet td.findings,.fleet td.new{font-size:0.85em;max-width:6em}
.fleet td.worst{font-size:0.9em;max-width:6em}
.fleet td.new{font-weight:bold;background:#f8d0d0}
.fleet td.tenant{min-width:9em;max-width:13em;overflow-wrap:anywhere}
.fleet td.tenant b{font-size:1.05em}
.fleet td.run{font-size:0.8em;max-width:7.5em}
.fleet td small,.fleet td .sub{display:block;color:#444;font-size:0.8em}
.fleet .config-error{margin-top:4px;padding:3px 5px;border:2px solid #8a1c7c;
  background:#f3c6ef;max-width:36em;white-space:pre-wrap;word-break:break-word}
.fleet .incomplete{margin-top:4px;padding:3px 5px;border:2px dashed #555;max-width:36em}
.fleet tr.later td{font-size:0.85em;color:#333;border-top:none;overflow-wrap:anywhere}
.legend span{display:inline-block;margin:2px 4px 2px 0;padding:2px 6px;border:1px solid #999}
.v-error{background:#f3c6ef;font-weight:bold}.v-failed{background:#f8d0d0;font-weight:bold}
.v-waived{background:#fbe9b7}.v-passed{background:#d4efd4}
.v-notdue{background:#e4e4e4}.v-skipped{background:#f4f4f4}.v-none{background:#fff;color:#555}
.v-unknown{background:#fff;outline:2px dashed #555}
.s-critical{background:#e99;font-weight:bold}.s-high{background:#f8d0d0;font-weight:bold}
.s-medium{background:#fbe9b7}.s-low{background:#fdf6dc}.s-info{background:#eef}
.s-none{background:#d4efd4}
.notes li{margin:2px 0;overflow-wrap:anywhere}
footer{margin-top:16px;color:#444;font-size:0.85em}
@media print{
  body{margin:0;font-size:8pt}
  .fleet{width:100%}
  th,td{padding:2px 3px}
  .fleet thead th.phase{max-width:6em}
  .fleet td.tenant{min-width:11em;max-width:13em}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  a{color:#000;text-decoration:underline}
  .fleet thead{display:table-header-group}
  .fleet tr{page-break-inside:avoid;break-inside:avoid}
  .fleet td.state{border:1px solid #000}
}
@page{size:landscape;margin:10mm}
"""


_e = escape_html


def _when(value: Any) -> str:
    try:
        return parse_time(value).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return str(value)


def _age(started: Any, now: dt.datetime) -> str:
    try:
        seconds = (now - parse_time(started)).total_seconds()
    except (ValueError, OverflowError):
        return ""
    if seconds < 0:
        return "in the future"
    days, hours = int(seconds // 86400), int(seconds % 86400 // 3600)
    return f"{days} d {hours} h old" if days else f"{hours} h old"


def _duration(run: dict[str, Any]) -> str:
    try:
        seconds = parse_time(run.get("finishedAt")) - parse_time(run.get("startedAt"))
    except ValueError:
        return ""
    total = int(seconds.total_seconds())
    return f"took {total // 60} min {total % 60} s" if total >= 60 else f"took {total} s"


def report_href(source: Any, out_path: Path) -> str | None:
    """The href of the report.html beside a results file, relative to the page's folder,
    percent-quoted (a ``:`` too, so no folder name makes it a URL with a scheme); None when
    there is no report there or no relative path to it."""
    if not isinstance(source, str) or not source:
        return None
    report = Path(source).parent / "report.html"
    try:
        if not report.is_file():
            return None
        # the folders resolved (so the page may live behind a symlink), the file itself not
        rel = os.path.relpath(report.parent.resolve() / report.name, out_path.resolve().parent)
    except (OSError, RuntimeError, ValueError):  # unreadable, a symlink loop, another drive
        return None
    return urllib.parse.quote(Path(rel).as_posix(), safe="/", errors="surrogateescape")


def report_link(doc: dict[str, Any], out_path: Path) -> str | None:
    """The href of the report beside the document's results file (see report_href)."""
    return report_href((doc.get(FLEET_KEY) or {}).get("source"), Path(out_path))


def _state_cell(key: str, state: Any, complete: bool) -> str:
    if state == "none" and not complete:
        label, css = NOT_RUN
    elif isinstance(state, str) and state in STATE_LABELS:
        label, css = STATE_LABELS[state]
    else:
        label, css = str(state).upper(), "v-unknown"
    return (
        f"<td class='state {_e(css)}' data-phase='{_e(key)}' data-state='{_e(state)}'>"
        f"{_e(label)}</td>"
    )


def _counts_text(verdicts: dict[str, Any]) -> str:
    shown = [
        f"{verdicts[c]} {c}" for c in (*COUNT_COLUMNS, "not_due", "skipped") if verdicts.get(c)
    ]
    return ", ".join(shown) or "no checks"


def _run_label(run: dict[str, Any]) -> str:
    """'partial run (-k FED, offline)' and the like."""
    chosen = selection_text(run.get("selection"))
    return run_kind(run) + (f" ({chosen})" if chosen else "")


def _tenant_cell(doc: dict[str, Any], complete: bool) -> str:
    sub = []
    org = (doc.get("okta") or {}).get("orgUrl")
    tid = (doc.get("m365") or {}).get("tenantId")
    if org:
        sub.append(f"<span class='sub'>Okta {_e(org)}</span>")
    if tid:
        sub.append(f"<span class='sub'>M365 {_e(tid)}</span>")
    if doc.get("expectedPhase") is not None:
        sub.append(f"<span class='sub'>expected phase {_e(doc['expectedPhase'])}</span>")
    if doc.get("configError"):
        sub.append(
            f"<div class='config-error'><b>Could not be audited:</b> {_e(doc['configError'])}</div>"
        )
    if not complete:
        label = _e(_run_label(doc["run"]))
        sub.append(
            f"<div class='incomplete'><b>No complete run:</b> shown is its latest {label}, "
            "not the tenant's full audit; its state is not the tenant's.</div>"
        )
    return f"<td class='tenant'><b>{_e(doc.get('tenant', ''))}</b>{''.join(sub)}</td>"


def _worst_cell(worst: Any, complete: bool) -> str:
    if worst is None and not complete:
        return "<td class='worst v-unknown' data-worst=''>unknown (no complete run)</td>"
    if worst is None:
        return "<td class='worst s-none' data-worst=''>none</td>"
    css = f"s-{worst}" if worst in Severity.__members__ else "v-unknown"
    return f"<td class='worst {_e(css)}' data-worst='{_e(worst)}'>{_e(worst)}</td>"


def _findings_cells(doc: dict[str, Any]) -> str:
    """Findings by severity and what is new since the tenant's previous run (the terminal's
    morning view says the same, from the same functions: outputs/headline.py)."""
    counts = headline.findings_by_severity(doc)
    new = headline.change_counts(doc)
    css = "new" if new and new.get("new") else "num"
    return (
        f"<td class='findings' data-findings='{sum(counts.values())}'>"
        f"{_e(headline.severity_text(counts))}</td>"
        f"<td class='{css}' data-new='{_e(new.get('new', 0) if new else '')}'>"
        f"{_e(headline.new_text(doc))}</td>"
    )


def _later_row(later: dict[str, Any], out_path: Path) -> str:
    """A sub-row under a tenant: a partial or interrupted run after the one shown."""
    text = (
        f"later: {_run_label(later)} at {_when(later.get('startedAt'))}: "
        f"{_counts_text(later.get('verdicts') or {})}"
    )
    if later.get("worstFailing"):
        text += f"; worst failing {later['worstFailing']}"
    href = report_href(later.get("source"), out_path)
    link = f" (<a href='{_e(href)}'>report</a>)" if href else ""
    return (
        f"<tr class='later'><td></td><td colspan='{COLUMNS - 1}'>{_e(text)}{link}"
        " &mdash; not the tenant's state: the row above is its latest complete run</td></tr>"
    )


def _tenant_rows(doc: dict[str, Any], out_path: Path, now: dt.datetime) -> str:
    summary = doc.get("summary") or {}
    run = doc.get("run") or {}
    complete = is_shown_complete(doc)
    phases = summary.get("phases") or {}
    verdicts = summary.get("verdicts") or {}

    cells = "".join(_state_cell(key, phases.get(key, "none"), complete) for key in PHASES)
    counts = "".join(
        f"<td class='num' data-count='{_e(c)}'>{_e(verdicts.get(c, 0))}</td>" for c in COUNT_COLUMNS
    )
    started = run.get("startedAt")
    run_bits = [f"<time datetime='{_e(started)}'>{_e(_when(started))}</time>"]
    if not complete:
        run_bits.append(f"<span class='sub'><b>{_e(run_kind(run))}</b></span>")
    for extra in (_duration(run), _age(started, now)):
        if extra:
            run_bits.append(f"<span class='sub'>{_e(extra)}</span>")
    if run.get("suiteVersion"):
        run_bits.append(f"<span class='sub'>suite {_e(run['suiteVersion'])}</span>")
    href = report_link(doc, out_path)
    link = f"<a href='{_e(href)}'>report</a>" if href else "<span class='sub'>no report</span>"
    later = "".join(
        _later_row(r, out_path) for r in (doc.get(FLEET_KEY) or {}).get("laterRuns", [])
    )
    return (
        f"<tr data-tenant='{_e(doc.get('tenant', ''))}' data-complete='{str(complete).lower()}'>"
        f"{_tenant_cell(doc, complete)}{_worst_cell(summary.get('worstFailing'), complete)}"
        f"{cells}{_findings_cells(doc)}{counts}<td class='run'>{''.join(run_bits)}</td>"
        f"<td class='link'>{link}</td>"
        f"</tr>{later}"
    )


def _legend() -> str:
    chips = "".join(
        f"<span class='{_e(css)}'>{_e(label)}</span>" for label, css in STATE_LABELS.values()
    )
    return (
        "<p class='legend'><b>Phase state</b> (the worst verdict among the phase's checks): "
        f"{chips}<span class='{NOT_RUN[1]}'>{NOT_RUN[0]}</span> (no complete run)</p>"
    )


def _notes(docs: list[dict[str, Any]], notes: Iterable[str]) -> str:
    items = [_e(n) for n in notes]
    for doc in docs:
        for older in (doc.get(FLEET_KEY) or {}).get("olderRuns", []):
            items.append(
                f"{_e(doc.get('tenant'))}: older run of {_e(older.get('startedAt'))} ignored "
                f"({_e(older.get('source'))})"
            )
    if not items:
        return ""
    lis = "".join(f"<li>{i}</li>" for i in items)
    return f"<h2>Notes</h2><ul class='notes'>{lis}</ul>"


def render_fleet(
    docs: list[dict[str, Any]],
    out_path: Path,
    *,
    notes: Iterable[str] = (),
    generated_at: dt.datetime | None = None,
) -> str:
    """The fleet page as HTML (not written: see write_fleet). out_path is where the page
    will live; report links are made relative to its folder. notes are shown as is (escaped),
    e.g. the files that were skipped."""
    out_path = Path(out_path)
    now = generated_at or dt.datetime.now(dt.UTC)
    docs = sorted(docs, key=fleet_order)
    versions = sorted({str((d.get("run") or {}).get("suiteVersion", "?")) for d in docs})
    failing = sum(1 for d in docs if (d.get("summary") or {}).get("worstFailing"))
    unaudited = sum(1 for d in docs if d.get("configError"))
    incomplete = sum(1 for d in docs if not is_shown_complete(d))
    title = f"okta-m365-audit fleet: {len(docs)} tenant{'s' if len(docs) != 1 else ''}"

    phase_heads = "".join(
        f"<th class='phase' data-phase='{_e(key)}' scope='col'><b>{_e(key)}</b>{_e(label)}</th>"
        for key, (_, label) in PHASES.items()
    )
    count_heads = "".join(f"<th scope='col'>{_e(STATE_LABELS[c][0])}</th>" for c in COUNT_COLUMNS)
    head = (
        "<tr><th scope='col'>Tenant</th><th scope='col'>Worst failing severity</th>"
        f"{phase_heads}<th scope='col'>Findings by severity</th>"
        f"<th scope='col'>New since last run</th>{count_heads}"
        "<th scope='col'>Run</th><th scope='col'>Report</th></tr>"
    )
    rows = "".join(_tenant_rows(d, out_path, now) for d in docs)
    meta = (
        f"<tr><th>Generated</th><td>{_e(_when(now.isoformat()))}</td></tr>"
        f"<tr><th>Tenants</th><td>{len(docs)}: {failing} with failing or erroring checks, "
        f"{unaudited} could not be audited, {incomplete} with no complete run</td></tr>"
        f"<tr><th>Suite version(s) of the runs</th><td>{_e(', '.join(versions))}</td></tr>"
    )
    return (
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>{CSP_META}"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1><table class='meta'>{meta}</table>{_legend()}"
        f"<table class='fleet'><thead>{head}</thead><tbody>{rows}</tbody></table>"
        f"{_notes(docs, notes)}"
        f"<footer>Generated by okta-m365-audit {_e(__version__)} (fleet page). Each row is "
        "the latest complete run of its tenant (its full audit, not interrupted); partial or "
        "interrupted runs after it are listed beneath it, and a tenant with no complete run "
        "is marked so. Counts are checks by verdict.</footer>"
        "</body></html>\n"
    )


def write_fleet(docs: list[dict[str, Any]], out_path: Path, *, notes: Iterable[str] = ()) -> Path:
    """Render the page and write it to out_path through safe_files: a temporary file created
    exclusively in the same folder, then renamed, so a symlink planted at the page's name
    or at a ``.tmp`` name is replaced, never followed. Raises safe_files.OutputError (one
    line naming the path) when it cannot be written. Returns out_path."""
    out_path = Path(out_path)
    target = safe_files.inside(out_path.parent, out_path.name)
    safe_files.write_text(target, render_fleet(docs, out_path, notes=notes))
    return out_path
