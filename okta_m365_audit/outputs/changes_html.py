"""The "since the last run" block at the top of each tenant's handover view.

Built from the results document's ``changes`` (outputs/changes.py), like everything in the
view, so the page, the results file and the terminal say the same. Messages of a previous
run come from a results file read back (untrusted) and every value is escaped here; this
module escapes on its own (report.py imports it, so it cannot import report.py).
"""

from __future__ import annotations

import html
from typing import Any

from ..core.terminal import escape_surrogates

#: findings listed per kind; the rest are counted (results.json has them all)
LISTED = 25
_KINDS = (("new", "NEW"), ("stillOpen", "STILL OPEN"), ("fixed", "FIXED"),
          ("closedWithoutPass", "CLOSED WITHOUT A PASS"))  # fmt: skip

CSS = """
.audit .changes{border:2px solid #555;padding:4px 10px;margin:8px 0;max-width:1150px}
.audit .changes h3{margin:4px 0;font-size:1em}
.audit .changes ul{margin:4px 0;padding-left:18px}
.audit .changes li{overflow-wrap:anywhere}
.audit .changes .k-new{font-weight:bold;color:#8a1111}.audit .changes .k-fixed{color:#1d5e1d}
"""


def _e(value: Any) -> str:
    return html.escape(escape_surrogates(str(value)), quote=True)


def _entry(kind: str, label: str, entry: dict[str, Any]) -> str:
    item = f" {_e(entry['item'])}" if entry.get("item") else ""
    sev = f" ({_e(entry['severity'])})" if entry.get("severity") else ""
    message = f": {_e(entry['message'])}" if entry.get("message") else ""
    return (
        f"<li data-kind='{_e(kind)}' data-check='{_e(entry.get('check'))}'>"
        f"<span class='k-{_e(kind)}'>{label}</span> <b>{_e(entry.get('check'))}</b>"
        f"{item}{sev}{message}</li>"
    )


def changes_html(doc: dict[str, Any]) -> str:
    """The block, or "" when the document carries no comparison at all."""
    changes = doc.get("changes")
    if not isinstance(changes, dict):
        return ""
    if changes.get("notCompared") is not None:
        return (
            "<section class='changes' data-compared='false'><h3>Since the last run</h3>"
            f"<p>Not compared: {_e(changes['notCompared'])}</p></section>"
        )
    prev = changes.get("previous") or {}
    counts = changes.get("counts") or {}
    items = []
    for kind, label in _KINDS:
        entries = changes.get(kind) or []
        items += [_entry(kind, label, e) for e in entries[:LISTED]]
        if len(entries) > LISTED:
            items.append(f"<li>... and {len(entries) - LISTED} more {_e(label.lower())}</li>")
    listed = f"<ul>{''.join(items)}</ul>" if items else ""
    closed = counts.get("closedWithoutPass")
    return (
        "<section class='changes' data-compared='true'><h3>Since the last run</h3>"
        f"<p>Compared with the run of {_e(prev.get('startedAt'))} ({_e(prev.get('file'))}; "
        f"{_e(changes.get('scope'))}): <b>{_e(counts.get('new', 0))} new</b>, "
        f"{_e(counts.get('fixed', 0))} fixed, {_e(counts.get('stillOpen', 0))} still open"
        f"{f', {_e(closed)} closed without a pass' if closed else ''}.</p>{listed}</section>"
    )
