"""When tenants' collections start ahead of their checks (session/ahead.py; issue 16).

In a run without xdist workers: the first tenants' when the run is configured, so their
token requests and reads overlap pytest's import and collection of the check modules;
then, each time a tenant's checks ask for its data, the next tenants', so their reads
overlap those checks and the outputs (session/ahead.py ``AHEAD`` collections at most).
Only in a run that will check them: when ``-k``, ``-m``, ``--deselect``, ``--lf`` or
``--sw`` may leave a tenant out, the first start once pytest has collected and deselected
(their checks known), and ``--collect-only`` or ``--setup-plan`` read nothing.

A collection started and never asked for (the run ended before its checks: a collection
error, a usage error) is waited for when the run ends, so it never outlives the run's
files; after Ctrl-C it is not: the operator wants out, and the collection ends with the
process (its snapshot is written whole or not at all).

An xdist worker does not read ahead (which tenants it gets is decided as it goes), nor
does the controller (it reads nothing).
"""

from __future__ import annotations

import pytest

from ..session.ahead import finish_ahead, start_ahead
from ..session.tenants import AuditState
from .state import current_state, is_worker, state_of

#: the tenants in the order their checks run (after grouping and deselection)
ORDER_KEY = pytest.StashKey[list[str]]()
#: options under which pytest may leave a tenant's checks out, or run none
NARROWING = ("keyword", "markexpr", "deselect", "lf", "stepwise", "collectonly", "setupplan")


def _reads_here(config: pytest.Config) -> bool:
    return not is_worker(config) and not getattr(config.option, "numprocesses", None)


def read_first_ahead(config: pytest.Config, state: AuditState) -> None:
    """At configure: the first tenants' collections, unless the selection may leave one out."""
    if not _reads_here(config) or any(getattr(config.option, o, None) for o in NARROWING):
        return
    start_ahead(state, list(state.tenants))


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """The order the tenants' checks run in, and its first tenants' collections started
    (when configure did not start them)."""
    config = session.config
    state = state_of(config)
    if state is None or not _reads_here(config):
        return
    order: dict[str, None] = {}
    for item in session.items:
        tenant = dict(item.user_properties).get("tenant")
        if tenant in state.tenants:
            order.setdefault(tenant)
    config.stash[ORDER_KEY] = list(order)
    if not (config.option.collectonly or getattr(config.option, "setupplan", False)):
        start_ahead(state, list(order))


def read_next_ahead(config: pytest.Config, state: AuditState, tenant: str) -> None:
    """``tenant``'s checks ask for its data: the tenants after it start their collections."""
    order = config.stash.get(ORDER_KEY, [])
    if tenant in order:
        start_ahead(state, order[order.index(tenant) + 1 :])


def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    state = current_state()
    if state is not None:
        state.ahead.clear()  # not waited for: they end with the process


def pytest_unconfigure(config: pytest.Config) -> None:
    state = state_of(config)
    if state is not None:
        finish_ahead(state)
