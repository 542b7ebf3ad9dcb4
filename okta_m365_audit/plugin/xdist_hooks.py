"""pytest-xdist: tenants on workers (session/parallel.py), outputs by the controller alone.

The controller collects no tests: which checks each tenant's run selected comes from the
worker that audits it (session.tenant_facts), and which check a crashed node was is read
from its node id.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from ..catalog.checks import BY_ID
from .ahead import FIRST_TENANT, first_for_worker
from .fixtures import param_ids
from .state import WORKER_INPUT_KEY, state_of
from .verdicts import result_line

#: the check a test function implements, by the checks' naming rule (test_fed_04_...)
_CHECK_OF_NAME = re.compile(r"test_([a-z]+)_(\d{2})_")


def check_id_of(nodeid: str) -> str | None:
    """The catalog check of a node id, from its test function's name (None: no check)."""
    found = _CHECK_OF_NAME.match(nodeid.rsplit("::", 1)[-1])
    check_id = f"{found[1].upper()}-{found[2]}" if found else None
    return check_id if check_id in BY_ID else None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Controller: each worker audits under this run's id and start time, and is told the
    tenant it will check first, if any (plugin/ahead.first_for_worker)."""
    config = node.config
    state = state_of(config)
    if state is not None:
        node.workerinput[WORKER_INPUT_KEY] = {
            "runId": state.run_id,
            "startedAt": state.started.isoformat(),
        }
        first = first_for_worker(config, state, node.gateway.id, _scheduled_here(config))
        if first is not None:
            config.stash.setdefault(_FIRST_KEY, {})[node.gateway.id] = first
            node.workerinput[WORKER_INPUT_KEY][FIRST_TENANT] = first


#: controller: worker id -> the tenant it was told it checks first; and whether the
#: scheduler (made after the first workers started) has been made
_FIRST_KEY = pytest.StashKey[dict[str, str]]()
_SCHEDULING_KEY = pytest.StashKey[bool]()


def _scheduled_here(config: pytest.Config) -> bool:
    """The run's units will be handed out by parallel.TenantScheduling, honouring what each
    worker was told: no scheduler is made yet (a worker started later replaces a dead one,
    and was never told), ``--dist each`` is not asked, and no other plugin may make the
    scheduler before this module does."""
    if config.stash.get(_SCHEDULING_KEY, False) or config.getvalue("dist") == "each":
        return False
    hook = config.pluginmanager.hook.pytest_xdist_make_scheduler
    return all(
        impl.function is pytest_xdist_make_scheduler or impl.trylast
        for impl in hook.get_hookimpls()
    )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Controller: one tenant, one worker (parallel.TenantScheduling), whichever load mode
    -n chose; ``--dist each`` (every test on every worker) is left to xdist."""
    state = state_of(config)
    if state is None or config.getvalue("dist") == "each":
        return None
    from ..session.parallel import TenantScheduling

    config.stash[_SCHEDULING_KEY] = True
    first = config.stash.get(_FIRST_KEY, {})
    return TenantScheduling(config, log, tenants=param_ids(state), first=first)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object | None) -> None:
    """Controller: a worker died (``error`` says how). The run fails, with a line that says
    so, wherever it died: in a check (that check is also an ERROR of its tenant, below),
    or before its first one, while it read ahead the tenant it was told it checks first
    (the worker that replaces it reads and checks that tenant; nothing of the dead one's
    read was kept, plugin/ahead.py)."""
    state = state_of(node.config)
    if state is None or error is None:
        return
    wid = node.gateway.id
    told = node.config.stash.get(_FIRST_KEY, {}).get(wid)
    line = f"xdist worker {wid} died ({error})"
    if told is not None:
        line += f"; it was to check {told} first, and its checks went to another worker"
    state.worker_deaths.append(line)


@pytest.hookimpl(optionalhook=True)
def pytest_handlecrashitem(crashitem: str, report: pytest.TestReport, sched: Any) -> None:
    """Controller: a worker died while running a check. The check is an ERROR of its tenant
    in the results (when its tenant and check can be told), and the run fails whatever
    --fail-on says. The rest of the tenant's checks go to the worker that replaces it."""
    config = getattr(sched, "config", None)
    state = state_of(config) if config is not None else None
    if state is None:
        return
    from ..session.parallel import tenant_of

    tenant, check_id = state.reported.get(crashitem, (None, None))
    tenant = tenant or tenant_of(crashitem, param_ids(state))
    check_id = check_id or check_id_of(crashitem)
    report.audit_crash = True  # type: ignore[attr-defined]
    if tenant is None or check_id is None:
        return
    check = BY_ID[check_id]
    report.check_id = check.id  # type: ignore[attr-defined]
    report.tenant = tenant  # type: ignore[attr-defined]
    report.audit_result = result_line(  # type: ignore[attr-defined]
        crashitem.rsplit("::", 1)[-1], check, "error", f"could not evaluate: {report.longrepr}", {}
    )
