"""Check metadata on the items, phase gating, and each check's verdict on its report.

What a worker learns travels to the controller inside the test reports, which xdist forwards
as they are made: the reports of a check carry its ID, tenant and results line
(``audit_result``), and the first report after a tenant's collection carries the tenant's
facts (``audit_tenant``). The same hooks read them in a run without xdist, so both runs
build their results, report, bundles and exit status from the same data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ..catalog.checks import BY_ID, Check
from ..catalog.policy import not_due_reason
from ..catalog.waivers import normalised, waiver_for
from ..config import TenantConfig
from ..core.terminal import printable
from ..outputs.ledger import file_report
from ..session.tenants import tenant_facts
from .fixtures import EVIDENCE_KEY
from .html_hooks import attach_html
from .state import STATE_KEY, current_state, state_of
from .verdicts import apply_waiver, as_error_when_unread, message, plain, result_line, verdict_of


def check_of(item: pytest.Item) -> Check | None:
    marker = item.get_closest_marker("check")
    if marker is None:
        return None
    return BY_ID[marker.args[0]]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problems = []
    for item in items:
        marker = item.get_closest_marker("check")
        if marker is None:
            continue
        check_id = marker.args[0] if marker.args else None
        if check_id not in BY_ID:
            problems.append(
                f"{item.nodeid}: @pytest.mark.check({check_id!r}) is not in the catalog"
            )
            continue
        check = BY_ID[check_id]
        item.add_marker(getattr(pytest.mark, check.marker))
        item.extra_keyword_matches.add(check.id)
        item.user_properties.append(("check", check.id))
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "_tenant" in callspec.params:
            item.user_properties.append(("tenant", callspec.params["_tenant"]))
            # the one thing the test is about (a domain, an account...): what a waiver names
            for argname, value in callspec.params.items():
                if argname != "_tenant":
                    item.user_properties.append(("item", normalised(value, argname)))
                    break
    if problems:
        raise pytest.UsageError("\n".join(problems))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Which checks this run selected for each tenant (after -k, -m and file arguments): a
    run that leaves any out is partial (session.AuditState.run_facts)."""
    state = state_of(session.config)
    if state is None:
        return
    for item in session.items:
        props = dict(item.user_properties)
        if "tenant" in props and "check" in props:
            state.selected_checks.setdefault(props["tenant"], set()).add(props["check"])


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Phase gating: checks of later phases than the tenant's are skipped as not yet due."""
    check = check_of(item)
    cfg = _cfg_of(item)
    if check is not None and cfg is not None:
        reason = not_due_reason(check, cfg)
        if reason:
            pytest.skip(reason)


def _cfg_of(item: pytest.Item) -> TenantConfig | None:
    name = dict(item.user_properties).get("tenant")
    entry = item.config.stash[STATE_KEY].tenants.get(name) if name else None
    return entry.cfg if entry else None


def _as_of(item: pytest.Item) -> dt.date:
    """The day waivers are judged on: when the tenant's data was collected (today for a live
    or emulated run, the snapshot's day for a replay), else the run's start."""
    state = item.config.stash[STATE_KEY]
    entry = state.tenants.get(dict(item.user_properties).get("tenant", ""))
    if entry is not None and entry.view is not None:
        return entry.view.as_of.date()
    return state.started.date()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """A check's failure message quotes tenant data (names, UPNs, API answers): shown on a
    terminal or in a CI log, a newline or escape sequence in it would forge lines or
    recolour the screen, so its message is made printable before pytest formats it. The
    explanation pytest's assertion rewriting appends is made of reprs, already printable."""
    try:
        return (yield)
    except AssertionError as exc:
        if check_of(item) is not None and exc.args and isinstance(exc.args[0], str):
            text, sep, explanation = exc.args[0].partition("\nassert ")
            exc.args = (printable(text) + sep + explanation, *exc.args[1:])
        raise


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    outcome = yield
    report = outcome.get_result()
    check = check_of(item)
    if check is None:
        return
    # plain values only: an xdist worker sends the report to the controller as data
    report.check_id = check.id  # type: ignore[attr-defined]
    report.tenant = dict(item.user_properties).get("tenant", "")  # type: ignore[attr-defined]
    _announce_tenant(item, report)
    if report.when == "call" or (report.when == "setup" and not report.passed):
        ev = as_error_when_unread(report, call, check, item.stash.get(EVIDENCE_KEY, {}))
        cfg = _cfg_of(item)
        item_name = dict(item.user_properties).get("item")
        waiver = waiver_for(check.id, item_name, cfg, _as_of(item)) if cfg else None
        # the evidence rides on the report once as data, in its results line: the JUnit XML
        # takes its properties from the teardown report, so a copy in this report's
        # user_properties reached no output, and an xdist worker serialized it for nothing
        ev = plain(apply_waiver(report, call, waiver, ev))
        attach_html(report, check, ev)
        _record_result(item, report, check, call, ev)


def _announce_tenant(item: pytest.Item, report: pytest.TestReport) -> None:
    """Put the tenant's facts on the first report made after its collection (success or
    not) in this process, so that they reach the process that writes the outputs."""
    state = item.config.stash.get(STATE_KEY, None)
    entry = state.tenants.get(report.tenant) if state else None  # type: ignore[attr-defined]
    if entry is None or entry.announced or (entry.view is None and entry.collect_error is None):
        return
    entry.announced = True
    report.audit_tenant = plain(tenant_facts(state, entry))  # type: ignore[attr-defined]


def _record_result(
    item: pytest.Item,
    report: pytest.TestReport,
    check: Check,
    call: pytest.CallInfo,
    ev: dict[str, Any],
) -> None:
    """One line of the tenant's results file, from the report that decides the verdict. It
    rides on the report (``audit_result``); pytest_runtest_logreport files it."""
    if report.when == "setup" and report.passed:
        return
    if "tenant" not in dict(item.user_properties):
        return
    verdict = verdict_of(report)
    report.audit_result = result_line(  # type: ignore[attr-defined]
        item.name, check, verdict, message(report, call, verdict), ev,
        dict(item.user_properties).get("item"),
    )  # fmt: skip


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """File what a report carries, in the process that writes the outputs: the xdist
    controller, or the only process of a run without xdist."""
    state = current_state()
    if state is None or state.reports_dir is None:
        return
    file_report(
        state,
        report.nodeid,
        check=BY_ID.get(getattr(report, "check_id", "")),
        tenant=getattr(report, "tenant", None),
        failed=report.failed,
        crashed_worker=getattr(report, "audit_crash", False),
        facts=getattr(report, "audit_tenant", None),
        line=getattr(report, "audit_result", None),
    )


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> Any:
    if getattr(report, "waiver", None) is not None and report.when == "call":
        return "waived", "w", "WAIVED"
    return None
