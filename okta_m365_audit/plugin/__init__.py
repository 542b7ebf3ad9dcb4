"""The pytest plugin: hooks and fixtures only, each a few lines calling into the stages.

Loaded by the checkout's ``conftest.py`` (``pytest_plugins = ["okta_m365_audit.plugin"]``),
by ``okta-m365-audit run`` (``-p okta_m365_audit.plugin``), or, installed, as the pytest
entry point of that same name (pyproject.toml), so no way registers it twice.
pytest registers every ``pytest_*`` hook and every fixture this module holds, so each
submodule's are imported here by name:

- state: where the run's state (session.tenants.AuditState) is kept and how hooks find it;
- options: command-line options, and the run's set-up (tenants, output names);
- fixtures: tenant parametrization and the fixtures checks ask for (``tenant``, ``domain``...);
- checks: check metadata, phase gating, each check's verdict and results line;
- verdicts: pytest's outcomes mapped to the audit's verdicts;
- html_hooks: pytest-html's columns, Environment table and the handover view, escaped;
- xdist_hooks: tenants on workers, crashed workers;
- finish: exit status, evidence bundles, fleet page, terminal summary;
- timing: the run's stages timed for the benchmark (only when it asks);
- streaming: a tenant's documents built and its PDF printing as soon as its checks end;
- terminal_view: check failures as their message (unless --tb chose), the morning view;
- progress: a collection as it runs, on one live line (terminal) or plain lines (logs);
- usage: a ``-m`` expression naming no known marker is a usage error;
- gc_policy: the garbage collector set for the run, and put back at its end.

May import: every stage (session, views, outputs, catalog...); no stage imports it.
"""

from __future__ import annotations

from .checks import (
    pytest_collection_finish,
    pytest_collection_modifyitems,
    pytest_report_teststatus,
    pytest_runtest_call,
    pytest_runtest_logreport,
    pytest_runtest_makereport,
    pytest_runtest_setup,
)
from .finish import pytest_sessionfinish, pytest_terminal_summary
from .fixtures import (
    _tenant,
    active_certificate,
    connection,
    entra_domain,
    evidence,
    federation,
    office365_app,
    pytest_generate_tests,
    tenant,
)
from .html_hooks import (
    pytest_html_report_title,
    pytest_html_results_summary,
    pytest_html_results_table_header,
    pytest_html_results_table_row,
    pytest_sessionstart,
)
from .options import pytest_addoption, pytest_configure, pytest_unconfigure
from .xdist_hooks import (
    pytest_configure_node,
    pytest_handlecrashitem,
    pytest_testnodedown,
    pytest_xdist_make_scheduler,
)

#: plugins of their own: their hooks share names with the ones above
pytest_plugins = [
    "okta_m365_audit.plugin.timing",
    "okta_m365_audit.plugin.streaming",
    "okta_m365_audit.plugin.ahead",
    "okta_m365_audit.plugin.gc_policy",
]

__all__ = [
    "_tenant",
    "active_certificate",
    "connection",
    "entra_domain",
    "evidence",
    "federation",
    "office365_app",
    "pytest_addoption",
    "pytest_collection_finish",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_configure_node",
    "pytest_generate_tests",
    "pytest_handlecrashitem",
    "pytest_html_report_title",
    "pytest_html_results_summary",
    "pytest_html_results_table_header",
    "pytest_html_results_table_row",
    "pytest_report_teststatus",
    "pytest_runtest_call",
    "pytest_runtest_logreport",
    "pytest_runtest_makereport",
    "pytest_runtest_setup",
    "pytest_sessionfinish",
    "pytest_sessionstart",
    "pytest_terminal_summary",
    "pytest_testnodedown",
    "pytest_unconfigure",
    "pytest_xdist_make_scheduler",
    "tenant",
]
