"""What each test report brings to the run's outputs, filed where the outputs are written:
the xdist controller, or the only process of a run without xdist.

A report carries plain data (an xdist worker sends it as such): its check and tenant, the
check's results line, and, on the first report after a tenant's collection, the tenant's
facts. Filing them here is the same with and without xdist, so both runs build their
results, report, bundles and exit status from the same state.
"""

from __future__ import annotations

from typing import Any

from ..catalog.checks import Check
from ..session.tenants import AuditState
from .results import PHASE_ORDER


def file_report(
    state: AuditState,
    nodeid: str,
    *,
    check: Check | None,
    tenant: str | None,
    failed: bool,
    crashed_worker: bool,
    facts: dict[str, Any] | None,
    line: dict[str, Any] | None,
) -> None:
    """File one report's data in the run's state."""
    if failed:
        # for --fail-on: the check's severity; None (not a check, a crashed worker) always
        # fails the run
        state.failed_severities.append(check.severity if check and not crashed_worker else None)
    if check is not None and tenant:
        state.reported[nodeid] = (tenant, check.id)
    if facts is not None:
        state.collected[facts["name"]] = facts
        state.selected_checks[facts["name"]] = set(facts.get("selectedChecks", ()))
        if facts.get("drift") is not None:
            state.drift[facts["name"]] = facts["drift"]
    if line is not None and tenant:
        lines = state.results.setdefault(tenant, {})
        earlier = lines.get(nodeid)
        # one line per test; should it come twice (a crashed worker's check run again by
        # its replacement), the worse verdict stays
        if earlier is None or PHASE_ORDER.index(line["verdict"]) <= PHASE_ORDER.index(
            earlier["verdict"]
        ):
            lines[nodeid] = line
