"""The morning view: the terminal's closing table, one line per tenant, and what changed.

An operator reads a fleet run in a CI log or a terminal the morning after, and wants to know
what needs them: which tenant, which phase, how bad, what is new since the last run, and
where its handover document is. So the run ends with::

    TENANT  ACCESS  ORG  1   2   3   4   CRED  5     FINDINGS    NEW SINCE LAST RUN  REPORT
    acme    ok      ok   ok  ok  ok  ok  ok    FAIL  1 critical  1 new               reports/a...
    demo    ok      ok   ok  ok  ok  ok  ok    ok    none        none new            reports/d...

then, per tenant with a comparison, its new and fixed findings. Plain text: no colour is
needed to read it, columns are padded with spaces (a CI log keeps them), and every value
from a tenant or a results file passes core/terminal.printable, so no name can forge a
line of the log.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..catalog.checks import PHASES
from ..core.terminal import printable
from .fleet.load import fleet_order
from .headline import findings_by_severity, new_text, severity_text, when_text

#: phase state -> the word in its column (the legend line says what each means)
STATE_WORDS = {
    "error": "ERROR", "failed": "FAIL", "waived": "waived", "passed": "ok",
    "not_due": "later", "skipped": "skip", "none": "-",
}  # fmt: skip
LEGEND = (
    "phases: ok = passed, FAIL = a check failed, ERROR = a check could not read its data, "
    "waived, later = not yet due, skip = skipped, - = no checks"
)
#: new and fixed findings listed per tenant under the table; the rest are counted
LISTED = 10


def shown_path(path: Path | None) -> str:
    """A path as short as it can be said: relative to the working folder when inside it."""
    if path is None:
        return "(not written)"
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def table(docs: list[tuple[dict[str, Any], Path | None]]) -> list[str]:
    """The closing table: a header and one line per (results document, report path)."""
    heads = ["TENANT", *PHASES, "FINDINGS", "NEW SINCE LAST RUN", "REPORT"]
    rows = []
    for doc, report in docs:
        phases = (doc.get("summary") or {}).get("phases") or {}
        states = [STATE_WORDS.get(phases.get(key, "none"), "?") for key in PHASES]
        findings = severity_text(findings_by_severity(doc))
        if doc.get("configError"):
            findings = "NOT AUDITED"
        rows.append([doc["tenant"], *states, findings, new_text(doc), shown_path(report)])
    widths = [max(len(printable(r[i])) for r in [heads, *rows]) for i in range(len(heads))]
    lines = []
    for row in [heads, *rows]:
        cells = [printable(c).ljust(w) for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return lines


def _finding(entry: dict[str, Any]) -> str:
    item = f" {entry['item']}" if entry.get("item") else ""
    sev = f" ({entry['severity']})" if entry.get("severity") else ""
    message = f": {entry['message']}" if entry.get("message") else ""
    return printable(f"{entry['check']}{item}{sev}{message}")[:300]


def change_lines(doc: dict[str, Any]) -> list[str]:
    """What changed for one tenant: a line saying since when (or why not compared), then its
    new and fixed findings, LISTED of each at most."""
    changes = doc.get("changes") or {}
    tenant = printable(doc["tenant"])
    if changes.get("notCompared") is not None:
        return [f"{tenant}: not compared: {printable(changes['notCompared'])}"]
    counts = changes.get("counts") or {}
    prev = changes.get("previous") or {}
    lines = [
        f"{tenant}: since the run of {printable(when_text(prev.get('startedAt')))} "
        f"({printable(prev.get('file'))}): {counts.get('new', 0)} new, "
        f"{counts.get('fixed', 0)} fixed, {counts.get('stillOpen', 0)} still open"
        + (
            f", {counts['closedWithoutPass']} closed without a pass"
            if counts.get("closedWithoutPass")
            else ""
        )
    ]
    for kind, word in (("new", "new"), ("fixed", "fixed"), ("closedWithoutPass", "closed")):
        entries = changes.get(kind) or []
        lines += [f"  {word}: {_finding(e)}" for e in entries[:LISTED]]
        if len(entries) > LISTED:
            lines.append(f"  ... and {len(entries) - LISTED} more {word} (see results.json)")
    return lines


def morning_view(docs: list[tuple[dict[str, Any], Path | None]]) -> list[str]:
    """Every line of the closing section, worst tenants first: the table, its legend, and
    what changed for each tenant since its previous run."""
    docs = sorted(docs, key=lambda pair: fleet_order(pair[0]))
    lines = [*table(docs), LEGEND, ""]
    for doc, _ in docs:
        lines += change_lines(doc)
    return lines
