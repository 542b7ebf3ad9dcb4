"""Options, and the run's set-up from them: reports folder, output names, tenants."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from ..catalog.checks import BY_ID
from ..catalog.policy import SEVERITY_CHOICES
from ..config import OktaPrivateKeyAuth
from ..config.network import RunNetwork
from ..core import names, redact, suite
from ..core.dpop_keys import make_keys_ahead
from ..outputs.chromium import start_printing_browser
from ..session.tenants import AuditState, UsageProblem, select_tenants, start_run
from .ahead import read_first_ahead
from .state import SESSION_STATE, STATE_KEY, WORKER_INPUT_KEY, is_worker
from .usage import MarkerCheck

GROUP = "okta-m365-audit"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(GROUP, "okta-m365-audit: Okta / Microsoft 365 integration audit")
    group.addoption(
        "--tenant",
        action="append",
        default=[],
        metavar="NAME",
        help="audit this tenant (repeatable); default: every tenant file in the tenants folder",
    )
    group.addoption(
        "--tenants-dir",
        default=None,
        metavar="DIR",
        help="folder of tenant YAML files (default: tenants/ beside the rootdir)",
    )
    group.addoption(
        "--from-snapshot",
        action="append",
        default=[],
        metavar="FILE",
        help="evaluate a saved snapshot instead of collecting (no network at all); repeatable",
    )
    group.addoption(
        "--fail-on",
        default="low",
        choices=SEVERITY_CHOICES,
        help="fail the run when a check of this severity or above fails or errors "
        "(default: low; info checks never fail a run)",
    )
    group.addoption(
        "--offline",
        action="store_true",
        help="make no call to public endpoints (Microsoft's home-realm discovery, FED-09)",
    )
    group.addoption(
        "--baseline",
        action="append",
        default=[],
        metavar="SNAPSHOT",
        help="an earlier snapshot of a tenant (e.g. at handover): report what changed since, "
        "and who changed it per the System Log; repeatable, matched by tenant",
    )
    group.addoption(
        "--previous",
        action="append",
        default=[],
        metavar="PATH",
        help="an earlier run's results.json or evidence bundle folder to compare with (new, "
        "fixed, still open); repeatable, matched by tenant; default: each tenant's latest "
        "complete run under the reports folder",
    )
    group.addoption(
        "--reports-dir",
        default=None,
        metavar="DIR",
        help="where reports, results and evidence bundles go (default: reports/)",
    )
    group.addoption(
        "--no-pdf",
        action="store_true",
        help="write no report.pdf into the evidence bundles (printing each tenant's handover "
        "document with headless Chromium takes 1-2 s); handover.html is written either way",
    )
    group.addoption(
        "--proxy",
        default=None,
        metavar="URL",
        help="reach every tenant's APIs through this proxy (http:// or https://, no "
        "credentials; a tenant file's network: wins); without it or --proxy-from-env no "
        "proxy is used, whatever https_proxy says",
    )
    group.addoption(
        "--no-proxy",
        default=None,
        metavar="LIST",
        help="hosts reached directly despite a proxy, comma-separated NO_PROXY syntax "
        "(host, .suffix, host:port, IP, CIDR, *)",
    )
    group.addoption(
        "--ca-file",
        default=None,
        metavar="PATH",
        help="PEM bundle of CAs trusted in addition to the system's (a TLS-inspecting proxy)",
    )
    group.addoption(
        "--proxy-from-env",
        action="store_true",
        help="use the environment's https_proxy and no_proxy (never used without this flag)",
    )
    group.addoption(
        "--snapshot-out",
        default=None,
        metavar="DIR",
        help="where to save each tenant's snapshot (default: reports/snapshots)",
    )


def _audit_run(config: pytest.Config) -> bool:
    """True when this session runs the compliance suite (not the project's own tests): the
    checkout's tests_integration/ or the installed okta_m365_audit.checks, by path or (with
    --pyargs) by module name."""
    suites = {Path(config.rootpath, "tests_integration").resolve(), suite.checks_dir().resolve()}
    args = [a.split("::")[0] for a in config.args] or [str(suite.checks_dir())]
    for arg in args:
        p = _module_dir(arg) if config.option.pyargs else None
        p = p or Path(config.invocation_params.dir, arg).resolve()
        if any(p == s or s in p.parents for s in suites):
            return True
    return False


def _only_informs(config: pytest.Config) -> bool:
    """--help, --version, --markers: pytest configures, then prints and stops; no tenant is
    needed to print them (a new user's first command, before any tenant file exists)."""
    return any(getattr(config.option, name, False) for name in ("help", "version", "markers"))


def _run_root(config: pytest.Config) -> Path:
    """Where tenants/ and reports/ are by default: the rootdir, unless that is inside the
    installed package (``pytest --pyargs okta_m365_audit.checks`` outside any project makes
    the checks' folder the rootdir): then the folder pytest was started in."""
    root = Path(config.rootpath).resolve()
    if root == suite.PACKAGE or suite.PACKAGE in root.parents:
        return Path(config.invocation_params.dir)
    return root


def _module_dir(arg: str) -> Path | None:
    """The file or folder of a --pyargs module name (None: not one)."""
    if not arg or "/" in arg or "\\" in arg or arg.endswith(".py"):
        return None
    try:
        spec = importlib.util.find_spec(arg)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    origin = Path(spec.origin).resolve()
    return origin.parent if origin.name == "__init__.py" else origin


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    redact.install()  # secrets never reach a log record, whoever logs them
    _register_markers(config)
    state = AuditState()
    config.stash[STATE_KEY] = state
    SESSION_STATE.append(state)
    if not _audit_run(config) or _only_informs(config):
        return
    start_run(
        state,
        reports_dir=Path(config.getoption("--reports-dir") or Path(_run_root(config), "reports")),
        controller=getattr(config, "workerinput", {}).get(WORKER_INPUT_KEY),
        offline=bool(config.getoption("--offline")),
        fail_on=config.getoption("--fail-on"),
        selection={"keyword": config.option.keyword, "markers": config.option.markexpr},
        snapshot_out=config.getoption("--snapshot-out"),
    )
    state.previous = [Path(p) for p in config.getoption("--previous")]
    state.network = _run_network(config)
    _run_wide_report_paths(config, state)
    try:
        select_tenants(
            state,
            tenants_dir=Path(
                config.getoption("--tenants-dir") or Path(_run_root(config), "tenants")
            ),
            wanted=list(config.getoption("--tenant")),
            from_snapshots=list(config.getoption("--from-snapshot")),
            baselines=list(config.getoption("--baseline")),
        )
    except (UsageProblem, names.InvalidName) as exc:
        raise pytest.UsageError(str(exc)) from None
    config.pluginmanager.register(MarkerCheck(), "okta-m365-audit-markers")
    _ahead_of_need(config, state)


def _run_network(config: pytest.Config) -> RunNetwork:
    """The network flags, checked (one line naming the flag and the fix when bad)."""
    try:
        return RunNetwork.from_options(
            proxy=config.getoption("--proxy"),
            no_proxy=config.getoption("--no-proxy"),
            ca_file=config.getoption("--ca-file"),
            from_env=bool(config.getoption("--proxy-from-env")),
            environ=os.environ,
        )
    except ValueError as exc:
        raise pytest.UsageError(redact.redact(str(exc))) from None


def _ahead_of_need(config: pytest.Config, state: AuditState) -> None:
    """What this process will wait for, started now (it overlaps pytest's collection of the
    checks). The Chromium that prints the handover PDFs at the end (1-2 s to start), in the
    process that writes the bundles. The DPoP keys of tenants whose Okta app uses DPoP, on
    a thread, one ahead at a time (core/dpop_keys.py; the first may be under way already:
    ``okta-m365-audit run`` starts it before pytest, cli/early.py); in a run without
    workers, the first tenant's emulator process when its tenant file asks for one (1.5-2 s
    to start), and the first tenants' collections themselves (plugin/ahead.py).
    Not in an xdist controller (its workers collect), nor when nothing is read from an API.
    A worker counts every such tenant (which of them it gets is decided later): at most one
    key made ahead goes unused; it starts reading the tenant the controller told it it
    checks first, if any (plugin/ahead.py)."""
    if not is_worker(config) and state.tenants and not config.getoption("--no-pdf", False):
        state.browser = start_printing_browser()  # up by the time the PDFs are printed
    controller = bool(getattr(config.option, "numprocesses", None)) and not is_worker(config)
    if controller or state.offline:
        return
    count = 0
    for entry in state.tenants.values():
        auth = entry.cfg.okta.auth if entry.cfg is not None else None
        if entry.from_snapshot is None and isinstance(auth, OktaPrivateKeyAuth) and auth.dpop:
            count += 1
    if count:
        make_keys_ahead(count)
    if is_worker(config):  # the tenant it checks first, if the controller told it
        read_first_ahead(config, state)
        return
    first = next((e for e in state.tenants.values() if e.cfg and e.from_snapshot is None), None)
    if first is not None and first.cfg is not None and first.cfg.emulator is not None:
        # imported here: the emulator's web server (aiohttp) is for emulated tenants only
        from ..emulator import spawn_ahead

        spawn_ahead(first.cfg)  # an emulated tenant's emulator process, started now
    read_first_ahead(config, state)  # its token requests and reads, on a thread (ahead.py)


def _register_markers(config: pytest.Config) -> None:
    for check_marker in ("check(id)", "tenant_level"):
        config.addinivalue_line("markers", check_marker)
    for marker in {c.marker for c in BY_ID.values()}:
        config.addinivalue_line("markers", f"{marker}: checks of that runbook phase")


def _run_wide_report_paths(config: pytest.Config, state: AuditState) -> None:
    """The run-wide report and JUnit XML are written by pytest-html and pytest, which follow
    a symlink planted at their (predictable) names: such a link is removed first."""
    assert state.reports_dir is not None
    reports = state.reports_dir
    if getattr(config.option, "htmlpath", None) is None and hasattr(config.option, "htmlpath"):
        config.option.htmlpath = str(_unlinked(reports / f"audit-{state.stamp}.html"))
        config.option.self_contained_html = True
    if getattr(config.option, "xmlpath", None) is None:
        config.option.xmlpath = str(_unlinked(reports / f"audit-{state.stamp}.junit.xml"))


def _unlinked(path: Path) -> Path:
    if path.is_symlink():
        path.unlink()
    return path


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(STATE_KEY, None)
    if state in SESSION_STATE:
        SESSION_STATE.remove(state)
    if state is not None and state.browser is not None:
        state.browser.close()
