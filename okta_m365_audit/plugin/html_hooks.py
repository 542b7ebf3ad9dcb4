"""pytest-html: the report's columns, labels, Environment table and the handover view.

pytest-html puts cells, Environment values and extras into its page as HTML (its own test-ID
cell included: the node id, raw), and its page script inserts them with ``innerHTML``. Test
IDs carry tenant-file items (domains, excluded accounts), and the Environment table carries
paths and CI variables, so every value handed over here is escaped at this boundary. Values
that pytest-html itself sets as text (the Environment's top-level keys) are left as they are.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .. import __version__
from ..catalog.checks import BY_ID, Check
from ..outputs.report import audit_html, escape_html, evidence_table
from ..outputs.tenant import drift_html, environment_facts, results_doc
from .state import current_state
from .verdicts import verdict_of

_e = escape_html


def attach_html(report: pytest.TestReport, check: Check, ev: dict[str, Any]) -> None:
    try:
        from pytest_html import extras
    except ImportError:  # pragma: no cover - pytest-html is a dependency
        return
    block = (
        f"<div class='audit-check'><p><b>{_e(check.id)}</b> "
        f"{_e(check.title)} <i>({check.severity.name}, {_e(check.phase_label)})"
        f"</i></p><p><b>Remediation:</b> {_e(check.remediation)}</p>"
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
    if len(cells) > 1 and 'class="col-testId"' in cells[1]:
        # pytest-html 4 puts the node id in raw (basereport._process_report)
        test_id = report.nodeid + ("" if report.when == "call" else f"::{report.when}")
        cells[1] = f'<td class="col-testId">{_e(test_id)}</td>'
    check: Check | None = BY_ID.get(getattr(report, "check_id", ""))
    if check is not None and cells and report.when in ("setup", "call"):
        # pytest-html knows xfail and skip; the audit calls them waived and not yet due
        label = {"waived": "Waived", "not_due": "Not yet due"}.get(verdict_of(report))
        if label:
            cells[0] = re.sub(r">[^<]*<", f">{label}<", cells[0], count=1)
    tenant = getattr(report, "tenant", "")
    cells.insert(1, f"<td>{_e(tenant)}</td>")
    cells.insert(2, f'<td style="white-space:nowrap">{_e(check.id) if check else ""}</td>')
    cells.insert(3, f"<td>{_e(check.phase_label) if check else ''}</td>")
    cells.insert(4, f"<td>{check.severity.name if check else ''}</td>")


def _escaped_values(value: Any) -> Any:
    """An Environment value as pytest-html's script renders it: a mapping becomes
    ``key: value`` lines and a scalar a block, both through innerHTML."""
    if isinstance(value, dict):
        return {_e(k): _e(v) for k, v in value.items()}
    return _e(value) if value is not None else value


@pytest.hookimpl(tryfirst=True)  # before pytest-html reads the table (its trylast)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Tenant facts for the report's Environment table (pytest-metadata), and every value of
    that table escaped, whoever put it there (CI variables included)."""
    try:
        from pytest_metadata.plugin import metadata_key
    except ImportError:  # pragma: no cover
        return
    meta = session.config.stash.get(metadata_key, None)
    state = current_state()
    if meta is None:
        return
    if state is not None and state.reports_dir is not None and state.tenants:
        meta.update(environment_facts(state))
    for key in list(meta):
        meta[key] = _escaped_values(meta[key])


def pytest_html_results_summary(prefix: list[str], summary: list[str], postfix: list[str]) -> None:
    """The handover view (header, phase strip, counts, results by phase) above pytest-html's
    own table, which keeps the tracebacks folded away."""
    state = current_state()
    if state is None or not state.tenants:
        return
    docs = [results_doc(state, entry) for entry in state.tenants.values()]
    prefix.append(audit_html(docs, {n: drift_html(r) for n, r in state.drift.items()}))
