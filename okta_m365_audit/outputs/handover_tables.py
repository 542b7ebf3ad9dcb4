"""Evidence as a customer reads it: tables, not JSON, and the handover document's style.

A check's evidence is whatever JSON the check recorded (observed, expected, the objects it
looked at). In the handover document a mapping becomes a key/value table, a list of
mappings a table with a column per key, a list of plain values a list; long lists are cut
with a count of the rest, deep nesting ends in compact JSON. Every value passes
report.escape_html where it becomes HTML.

The print rules hide nothing: nothing is folded (the document has no <details>), long
tokens (UPNs, URLs, certificate thumbprints) wrap anywhere rather than run off the page, and
rows are kept whole across page breaks.
"""

from __future__ import annotations

import json
from typing import Any

from .report import escape_html as _e

#: rows or values of one list shown before "... and N more (M in all)"
LIST_LIMIT = 25
#: a list of mappings with more distinct keys than this is shown as one table per row
MAX_COLUMNS = 8
#: nesting below this depth is shown as compact JSON text
MAX_DEPTH = 4


def _more(shown: int, total: int) -> str:
    return f"... and {total - shown} more ({total} in all)"


def _scalar(value: Any) -> str:
    if value is None:
        return "<span class='none'>none</span>"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value == "":
        return "<span class='none'>(empty)</span>"
    return _e(value)


def value_html(value: Any, depth: int = 0) -> str:
    """``value`` (JSON data) as escaped HTML: tables for mappings and lists of mappings."""
    if isinstance(value, dict):
        return kv_table(value, depth) if value else "<span class='none'>(empty)</span>"
    if isinstance(value, list | tuple):
        return _list(list(value), depth)
    return _scalar(value)


def kv_table(data: dict[str, Any], depth: int = 0) -> str:
    if depth >= MAX_DEPTH:
        return f"<code>{_e(json.dumps(data, default=str, ensure_ascii=False))}</code>"
    rows = "".join(
        f"<tr><th>{_e(k)}</th><td>{value_html(v, depth + 1)}</td></tr>" for k, v in data.items()
    )
    return f"<table class='kv'>{rows}</table>"


def _list(items: list[Any], depth: int) -> str:
    if not items:
        return "<span class='none'>(none)</span>"
    if depth >= MAX_DEPTH:
        return f"<code>{_e(json.dumps(items, default=str, ensure_ascii=False))}</code>"
    shown = items[:LIST_LIMIT]
    more = f"<p class='more'>{_more(len(shown), len(items))}</p>" if len(items) > len(shown) else ""
    if all(isinstance(i, dict) for i in shown):
        columns = list(dict.fromkeys(k for row in shown for k in row))
        if columns and len(columns) <= MAX_COLUMNS:
            head = "".join(f"<th>{_e(c)}</th>" for c in columns)
            body = "".join(
                "<tr>"
                + "".join(
                    f"<td>{value_html(row[c], depth + 1) if c in row else ''}</td>" for c in columns
                )
                + "</tr>"
                for row in shown
            )
            return f"<table class='rows'><tr>{head}</tr>{body}</table>{more}"
    if all(not isinstance(i, dict | list | tuple) for i in shown):
        return (
            "<ul class='values'>"
            + "".join(f"<li>{_scalar(i)}</li>" for i in shown)
            + (f"</ul>{more}")
        )
    return (
        "<ol class='values'>"
        + "".join(f"<li>{value_html(i, depth + 1)}</li>" for i in shown)
        + f"</ol>{more}"
    )


def evidence_html(evidence: dict[str, Any]) -> str:
    """Observed and expected first, then the rest; empty evidence shows nothing."""
    if not evidence:
        return ""
    keys = [k for k in ("observed", "expected") if k in evidence]
    keys += [k for k in evidence if k not in ("observed", "expected", "waiver")]
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{value_html(evidence[k], 1)}</td></tr>" for k in keys)
    return f"<table class='kv evidence'>{rows}</table>"


CSS = """
body{font-variant-ligatures:none;font-family:system-ui,'DejaVu Sans',Arial,sans-serif;
  color:#1d1d1d;max-width:1050px;margin:0 auto;padding:18px;line-height:1.35;font-size:14px}
h1{font-size:1.9em;margin:0.2em 0}h2{border-bottom:2px solid #333;padding-bottom:3px;
  margin-top:1.6em}h3{margin:1em 0 0.3em}
table{border-collapse:collapse;margin:6px 0;max-width:100%}
th,td{border:1px solid #b8b8b8;padding:3px 6px;text-align:left;vertical-align:top;
  overflow-wrap:anywhere;word-break:normal}
th{background:#f1f1f1}
table.results,table.waivers,table.files,table.meta{width:100%}
table.kv th{background:#fafafa;font-weight:normal;font-style:italic;white-space:normal}
table.kv,table.rows{font-size:0.92em}
code{overflow-wrap:anywhere;white-space:pre-wrap;font-size:0.9em}
ul.values,ol.values{margin:0;padding-left:1.2em}
.none{color:#666;font-style:italic}.more{margin:2px 0;font-style:italic}
.cover{border-bottom:3px solid #333;padding-bottom:12px}
.cover img.logo{max-height:90px;max-width:320px;display:block;margin-bottom:10px}
.cover .subtitle{font-size:1.15em;color:#444;margin:0}
.overall{font-size:1.35em;font-weight:bold;padding:8px 12px;margin:12px 0;border:2px solid #333}
.overall.ok{background:#d4efd4}.overall.bad{background:#f8d0d0}.overall.partial{background:#fbe9b7}
.counts p{margin:2px 0}
.changes{border:1px solid #555;padding:4px 12px;margin:10px 0;background:#f6f6f6}
.warnings{background:#fbe9b7;border:1px solid #b58900;padding:6px 24px}
.finding{border:1px solid #999;border-left:6px solid #c0392b;padding:4px 12px;margin:10px 0}
.finding.error{border-left-color:#8e44ad}
.finding dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}
.finding dt{font-weight:bold}.finding dd{margin:0;overflow-wrap:anywhere}
.verdict{font-weight:bold;white-space:nowrap}
.v-failed{background:#f8d0d0}.v-error{background:#f3c6ef}.v-waived{background:#fbe9b7}
.v-passed{background:#d4efd4}.v-not_due{background:#e4e4e4}.v-skipped{background:#f4f4f4}
.check-id{white-space:nowrap;font-weight:bold}
td p{margin:2px 0}
table.results{table-layout:fixed}
table.results tbody.result{border-top:2px solid #666}
table.results tr.details>td{padding:2px 6px 8px 24px;border-top:none}
table.kv th{min-width:6em}
@page{size:A4;margin:14mm 12mm}
@media print{
  body{max-width:none;padding:0;font-size:10.5pt}
  section.findings,section.phase,section.waivers,section.appendix{break-before:page}
  section.phase + section.phase{break-before:auto}
  h2,h3,dt{break-after:avoid}
  .finding,table.kv tr,table.rows tr,table.results tbody.result>tr:first-child{
    break-inside:avoid}
  table.results tbody.result>tr:first-child{break-after:avoid}
  thead{display:table-header-group}
  .overall.ok,.overall.bad,.overall.partial,.verdict,th{-webkit-print-color-adjust:exact;
    print-color-adjust:exact}
}
"""
