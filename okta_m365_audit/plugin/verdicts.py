"""From a pytest report to the audit's verdict and results line.

pytest knows passed, failed (in setup: error), skipped and xfailed; the audit knows passed,
failed, error (could not read or evaluate its data), waived, not yet due and skipped. The
mapping lives here, once, for the results file, the report's labels and the exit status.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ..catalog.checks import Check
from ..catalog.waivers import WaiverState
from ..core.terminal import printable
from ..views import DataUnavailable
from .fixtures import AuditConfigError


def verdict_of(report: pytest.TestReport) -> str:
    if getattr(report, "waiver", None) is not None:
        return "waived"
    if report.failed:
        return "error" if report.when == "setup" else "failed"
    if report.skipped:
        reason = skip_reason(report)
        return "not_due" if reason.startswith("not yet due") else "skipped"
    return "passed"


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return ""


def message(report: pytest.TestReport, call: pytest.CallInfo, verdict: str) -> str | None:
    """What a reader needs: the assertion's sentence, the error's cause, the skip's reason.
    A waived failure keeps its own sentence (the waiver rides beside it, in ``waiver``)."""
    if verdict in ("skipped", "not_due"):
        return skip_reason(report)
    if call.excinfo is None:
        return None
    text = str(call.excinfo.value)
    if call.excinfo.errisinstance(AssertionError):
        text = text.split("\nassert ")[0]  # drop pytest's rewritten expression
    elif verdict == "error" and not call.excinfo.errisinstance((DataUnavailable, AuditConfigError)):
        text = f"{call.excinfo.typename}: {text}"
    return text.strip()


def result_line(
    test_id: str,
    check: Check,
    verdict: str,
    text: str | None,
    ev: dict[str, Any],
    item: str | None = None,
) -> dict[str, Any]:
    """One line of a tenant's results file (``item``: what the test is parametrized over
    beside the tenant, as compared; None for a test of the whole tenant)."""
    return {
        "testId": test_id,
        "check": check.id,
        "item": item,
        "phase": check.phase,
        "phaseLabel": check.phase_label,
        "severity": check.severity.name,
        "title": check.title,
        "verdict": verdict,
        "message": text,
        "remediation": check.remediation,
        "evidence": {k: v for k, v in ev.items() if k != "waiver"},
        "waiver": ev.get("waiver"),
    }


def plain(value: Any) -> Any:
    """Evidence as JSON data: what the results file holds, what the report shows, and what
    a test report can carry from an xdist worker (sets become sorted lists, other objects
    their text)."""

    def default(obj: Any) -> Any:
        if isinstance(obj, set | frozenset):
            return sorted(obj, key=str)
        return str(obj)

    return json.loads(json.dumps(value, default=default))


def crashed(call: pytest.CallInfo) -> bool:
    """An exception that is neither an assertion, pytest.fail, nor an outcome."""
    excinfo = call.excinfo
    if excinfo is None:
        return False
    return not excinfo.errisinstance((AssertionError, pytest.fail.Exception))


def as_error_when_unread(
    report: pytest.TestReport, call: pytest.CallInfo, check: Check, ev: dict[str, Any]
) -> dict[str, Any]:
    """A check that could not read its data, or broke on data it did not expect, is an
    ERROR, never a FAIL (or a pass): the report is made a setup failure, which pytest and
    pytest-html call an error. Returns the evidence with what could not be read added."""
    if call.excinfo is not None and call.excinfo.errisinstance((DataUnavailable, AuditConfigError)):
        report.longrepr = f"ERROR {check.id}: {printable(call.excinfo.value)}"
        report.when = "setup"
        return ev | {"could not read": str(call.excinfo.value)}
    if report.when == "call" and report.failed and crashed(call):
        # the traceback is kept: it is what the check's author needs
        report.when = "setup"
        return ev | {"could not evaluate": f"{call.excinfo.typename}: {call.excinfo.value}"}
    return ev


def apply_waiver(
    report: pytest.TestReport, call: pytest.CallInfo, waiver: WaiverState | None, ev: dict[str, Any]
) -> dict[str, Any]:
    """A waived failure is reported with its own finding, never hidden, but it does not fail
    the run: its report becomes an xfail-like skip whose reason holds the waiver and the
    finding. Every report of a waived check or item (not skipped) carries the waiver in its
    evidence."""
    if waiver is None or report.skipped:
        return ev
    if report.failed and report.when == "call" and not waiver.expired:
        finding = message(report, call, "failed") or ""
        report.outcome = "skipped"
        report.wasxfail = f"{waiver.text()}; finding: {printable(finding)}"  # type: ignore[attr-defined]
        report.waiver = waiver.describe()  # type: ignore[attr-defined]
    return ev | {"waiver": waiver.describe()}
