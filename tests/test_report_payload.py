"""What a check's report carries: with ``-n``, an xdist worker serializes every report and
the controller reads it back (execnet's serializer walks every dict in Python), so the
evidence, the largest thing a report holds, travels once as data: in the results line
(``audit_result``), which the results, bundles and report are built from. pytest-html's
block for the check (an HTML string) is the other form of it. The JUnit XML takes its
properties from the teardown report, so a copy among the call report's user_properties
reached no output (issue 16)."""

from __future__ import annotations

from typing import Any

from .conftest import run_suite, write_tenant


def _dicts_equal_to(tree: Any, wanted: dict[str, Any]) -> int:
    if isinstance(tree, dict):
        return (tree == wanted) + sum(_dicts_equal_to(v, wanted) for v in tree.values())
    if isinstance(tree, (list, tuple)):
        return sum(_dicts_equal_to(v, wanted) for v in tree)
    return 0


def test_a_checks_report_carries_its_evidence_once(pytester, golden) -> None:
    run = run_suite(pytester, write_tenant(pytester.path / "tenants", golden).dir)
    assert run.ret == 0
    reports = [r for r in run.reports
               if (getattr(r, "audit_result", None) or {}).get("evidence")]  # fmt: skip
    assert len(reports) > 100  # the golden tenant's checks that found something to show
    for report in reports:
        evidence = report.audit_result["evidence"]
        # what pytest's pytest_report_to_serializable hands xdist to send
        sent = report._to_json()
        assert _dicts_equal_to(sent, evidence) == 1, report.nodeid
        assert "evidence" not in dict(report.user_properties), report.nodeid
        assert any("audit-check" in str(extra.get("content")) for extra in report.extras)
