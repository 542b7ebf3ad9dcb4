"""The terminal's end of a run: check failures as their message, then the morning view.

A check's failure is a finding about the tenant, not a bug in the suite: its assertion
message says what was found against what was expected, and the traceback into the check's
code says nothing more to an operator. So, unless the operator chose a traceback style
(``--tb=long``, ``--tb=short``, ``--tb=native``, ``--full-trace``... on the command line,
in ``PYTEST_ADDOPTS`` or in the ini file's ``addopts``), the FAILURES section shows each
check failure as its message and the check's file and line. Only the terminal changes:
this runs after pytest-html and the JUnit XML have been written (pytest_terminal_summary
comes after pytest_sessionfinish), so they keep the full tracebacks. An ERROR from data
that could not be read is one line already (verdicts.as_error_when_unread); a check that
crashed keeps its traceback, which its author needs.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

import pytest

from ..core.terminal import printable
from ..outputs.morning import morning_view
from ..outputs.tenant import results_doc
from ..session.tenants import AuditState

#: options that choose how a failure is shown: when any is given, pytest shows it its way
_TB_OPTIONS = ("--tb", "--full-trace")


def tb_chosen(config: pytest.Config) -> bool:
    """Whether the operator chose a traceback style (anywhere pytest reads options from)."""
    args = [
        *config.invocation_params.args,
        *shlex.split(os.environ.get("PYTEST_ADDOPTS", "")),
        *config.getini("addopts"),
    ]
    return any(isinstance(a, str) and (a in _TB_OPTIONS or a.startswith("--tb=")) for a in args)


class MessageOnly:
    """A failure's report as its check's message: what pytest prints in FAILURES. The
    original ``reprcrash`` stays, so ``-r`` summary lines keep their message too."""

    def __init__(self, text: str, reprcrash: Any) -> None:
        self.text = text
        self.reprcrash = reprcrash

    def toterminal(self, tw: Any) -> None:
        tw.line(self.text, red=True, bold=True)
        crash = self.reprcrash
        where = f"{crash.path}:{crash.lineno}: " if crash is not None else ""
        tw.line(f"{where}--tb=long shows the traceback")

    def __str__(self) -> str:
        return self.text


def shorten_failures(terminalreporter: Any) -> None:
    """Check failures (verdict failed: an assertion about the tenant) print their message;
    anything else keeps what pytest made of it."""
    if tb_chosen(terminalreporter.config):
        return
    for report in terminalreporter.stats.get("failed", []):
        line = getattr(report, "audit_result", None)
        if report.when != "call" or not isinstance(line, dict) or line.get("verdict") != "failed":
            continue
        text = printable(f"{line['check']} ({line['severity']}): {line.get('message') or ''}")
        report.longrepr = MessageOnly(text, getattr(report.longrepr, "reprcrash", None))


def _report_path(state: AuditState, name: str) -> Path | None:
    bundle = state.bundles.get(name)  # the bundle's zip; its folder holds the handover document
    return bundle.with_suffix("") / "handover.html" if bundle is not None else None


def write_morning_view(terminalreporter: Any, state: AuditState) -> None:
    """The closing table, one line per tenant, and what changed since each one's last run."""
    docs = [(results_doc(state, e), _report_path(state, e.name)) for e in state.tenants.values()]
    terminalreporter.write_sep("=", "okta-m365-audit: the morning view")
    for line in morning_view(docs):
        terminalreporter.write_line(line)
