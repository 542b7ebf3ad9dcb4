"""The end of a run: exit status from --fail-on, bundles, fleet page, terminal summary.

Outputs are written by the process that has every tenant's results (the xdist controller,
or the only process). A run that ended early (Ctrl-C, -x, --maxfail) still writes them, and
says so in each results file (``run.interrupted``). An output that cannot be written (disk
full, read-only folder, a symlink planted on its way) is one line naming the path and the OS
error, and the run's exit status is not 0; nothing half-written stays behind.
"""

from __future__ import annotations

import contextlib
import traceback
from pathlib import Path
from typing import Any

import pytest

from ..catalog.policy import failures_fail_run
from ..catalog.waivers import terminal_lines, waiver_notes
from ..core import safe_files
from ..core.terminal import printable
from ..outputs import drift
from ..outputs.bundles import PendingBundles, start_tenant_bundles, write_run_outputs
from ..outputs.tenant import waivers_as_of
from . import terminal_view
from .state import STATE_KEY, AuditState, is_worker, state_of
from .streaming import pending_bundles


@pytest.hookimpl(wrapper=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> Any:
    """After pytest-html and JUnit wrote their files: --fail-on, then the evidence bundles."""
    state = state_of(session.config)
    if state is not None:
        state.interrupted = bool(
            exitstatus == pytest.ExitCode.INTERRUPTED or session.shouldstop or session.shouldfail
        )
    problems = []
    pending = _start_outputs(session, state)
    try:
        result = yield
    except safe_files.OutputError as exc:  # ours, under pytest-html's summary
        problems.append(str(exc))
        result = None
    except OSError as exc:  # pytest-html's report or pytest's JUnit XML
        problems.append(_unwritten_report(session.config, exc))
        result = None
    if state is None or not state.tenants or is_worker(session.config):
        _fail_on_problems(session, problems)
        return result
    failed = state.failed_severities
    if exitstatus == pytest.ExitCode.TESTS_FAILED and failed:
        if not failures_fail_run(failed, state.fail_on):
            session.exitstatus = pytest.ExitCode.OK
    problems += state.worker_deaths
    problems += write_run_outputs(
        state,
        session.config.get_terminal_writer().line,
        pdf=not session.config.getoption("--no-pdf", False),
        pending=pending,
    )
    _fail_on_problems(session, problems)
    return result


def _start_outputs(session: pytest.Session, state: AuditState | None) -> PendingBundles | None:
    """The tenants' documents built, and their PDFs printing, before pytest-html and JUnit
    write: the printing (Chromium's work, on another core) overlaps their writing. Every
    result is in by now (the checks are done), and nothing these documents hold is decided
    later. Anything that goes wrong here is left for the bundles' own writing to meet and
    report as it always does."""
    if state is None or not state.tenants or is_worker(session.config):
        return None
    if state.reports_dir is None:
        return None
    try:
        return start_tenant_bundles(
            state,
            pdf=not session.config.getoption("--no-pdf", False),
            say=session.config.get_terminal_writer().line,
            pending=pending_bundles(session.config),  # tenants whose checks ended earlier
        )
    except Exception:  # built again after the reports, where it is reported
        return None


def _unwritten_report(config: pytest.Config, exc: OSError) -> str:
    """pytest-html and pytest's JUnit writer write in place: the part they wrote is removed
    (no half-written report stays), and the line names the file (their errors often do not)."""
    frames = traceback.extract_tb(exc.__traceback__)
    writer = "junitxml" if any("junitxml" in f.filename for f in frames) else "pytest_html"
    option = "xmlpath" if writer == "junitxml" else "htmlpath"
    path = getattr(exc, "filename", None) or getattr(config.option, option, None) or "a report"
    with contextlib.suppress(OSError):
        Path(path).unlink(missing_ok=True)
    return f"{path}: cannot be written ({exc.strerror or exc})"


def _fail_on_problems(session: pytest.Session, problems: list[str]) -> None:
    if not problems:
        return
    writer = session.config.get_terminal_writer()
    for problem in problems:
        writer.line(f"okta-m365-audit: error: {problem}", red=True)
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> Any:
    """Around pytest's own summary: check failures shown as their message (unless --tb
    chose otherwise); after it, drift and the morning view, the last thing printed."""
    terminal_view.shorten_failures(terminalreporter)
    result = yield
    state = config.stash.get(STATE_KEY, None)
    for entry in state.tenants.values() if state_of(config) and state else ():
        if entry.cfg is None or not entry.cfg.waivers:
            continue
        results = sorted(state.results.get(entry.name, {}).values(), key=lambda r: r["testId"])
        notes = waiver_notes(entry.cfg, results, waivers_as_of(state, entry))
        lines = terminal_lines(notes, results)
        if lines:
            terminalreporter.write_sep("-", f"okta-m365-audit: waivers of {entry.name}")
            for line in lines:
                terminalreporter.write_line(printable(line), yellow=line.startswith("WARNING"))
    for name, report in (state.drift if state else {}).items():
        terminalreporter.write_sep("-", f"okta-m365-audit: drift of {name} since its baseline")
        if "error" in report:
            terminalreporter.write_line(f"not compared: {printable(report['error'])}")
        else:
            terminalreporter.write_line(drift.render_text(report))
    if state is not None and state.tenants and state.reports_dir and not is_worker(config):
        terminal_view.write_morning_view(terminalreporter, state)
    return result
