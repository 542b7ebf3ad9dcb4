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

An xdist worker reads ahead the tenant queued to it after the one it checks (the
controller hands each worker two tenants at a time, session/parallel.py): it learns which
from xdist's queue of the tests sent to it, read under the queue's lock
(``_queued_after``; without it, a worker reads nothing ahead), when a check begins and every
``WAIT_TICK`` while it waits for a tenant's data (the next tenant is sent as the one before
ends, while the worker waits). Before any test is sent, the controller tells each of the
first ``-n`` workers, as it starts it, the tenant it will check first (``first_for_worker``)
and the scheduler keeps to it; the worker reads it from its own configure, while it imports
and collects the checks. What that read brings is kept (snapshot and request log written)
only once the tenant's tests reach the worker: if they never do (two told tenants joined
into one unit by an id the plugin did not know) it is let go, no file written.

A worker that dies while reading ahead is reported as dying in the check it was running (an
ERROR of that tenant), or, dying before its first check, with a line naming it and the
tenant it was told; the run fails either way, and the tenant goes to its replacement,
whole. The controller reads nothing.
"""

from __future__ import annotations

import pytest

from ..session.ahead import finish_ahead, may_read_ahead, start_ahead
from ..session.tenants import AuditState
from .state import WORKER_INPUT_KEY, current_state, is_worker, state_of

#: the tenants in the order their checks run (after grouping and deselection)
ORDER_KEY = pytest.StashKey[list[str]]()
#: options under which pytest runs no check (nothing is read ahead then)
NO_RUN = ("collectonly", "setupplan")
#: options under which pytest may leave a tenant's checks out, or run none
NARROWING = ("keyword", "markexpr", "deselect", "lf", "stepwise", *NO_RUN)


def _reads_here(config: pytest.Config) -> bool:
    return not is_worker(config) and not getattr(config.option, "numprocesses", None)


def _narrowed(config: pytest.Config) -> bool:
    return any(getattr(config.option, o, None) for o in NARROWING)


def read_first_ahead(config: pytest.Config, state: AuditState) -> None:
    """At configure: the first tenants' collections, unless the selection may leave one out;
    in an xdist worker, the tenant the controller told it it checks first, if any."""
    if _narrowed(config):
        return
    if is_worker(config):
        told = config.workerinput.get(WORKER_INPUT_KEY, {}).get(FIRST_TENANT)  # type: ignore[attr-defined]
        if isinstance(told, str) and told in state.tenants:
            start_ahead(state, [told], told=True)
    elif _reads_here(config):
        start_ahead(state, list(state.tenants))


#: the key, in what the controller sends a worker at its start, of its first tenant
FIRST_TENANT = "firstTenant"


def first_for_worker(
    config: pytest.Config, state: AuditState, worker_id: str, scheduled_here: bool
) -> str | None:
    """The xdist controller, as it starts worker ``gw<N>``: the tenant that worker will
    check first, so it can start reading it at its own configure, while it imports and
    collects the checks and the controller waits for every worker's collection (a
    second on this machine that the worker otherwise spent waiting for its first unit).

    The N-th tenant of the run, when ``scheduled_here`` (parallel.TenantScheduling hands
    it out and gives that unit to that worker first), the worker is one of the first
    ``-n`` (not one started later in a dead one's place), nothing may leave a tenant's
    checks out, and the tenant is read from an API. Else None: the worker reads what it
    is sent, as it is sent."""
    from ..session.parallel import stands_alone  # imports xdist: under xdist only

    numbered = worker_id[2:] if worker_id.startswith("gw") else ""
    workers = getattr(config.option, "numprocesses", None)
    if not scheduled_here or not numbered.isdigit() or _narrowed(config):
        return None
    index, names = int(numbered), list(state.tenants)
    if not isinstance(workers, int) or index >= min(workers, len(names)):
        return None
    entry = state.tenants[names[index]]
    if not may_read_ahead(entry, state) or not stands_alone(entry.name, names):
        return None
    return entry.name


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
    if not any(getattr(config.option, o, None) for o in NO_RUN):
        start_ahead(state, list(order))


def read_next_ahead(config: pytest.Config, state: AuditState, tenant: str) -> None:
    """``tenant``'s checks ask for its data: the tenants after it start their collections."""
    order = config.stash.get(ORDER_KEY, None)
    if order is not None:
        if tenant in order:
            start_ahead(state, order[order.index(tenant) + 1 :])
    elif is_worker(config):
        start_ahead(state, _queued_after(config, tenant))


@pytest.hookimpl(trylast=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """An xdist worker: a tenant queued to it after its checks began (the controller sends
    the next tenant as the worker goes) starts its collection as soon as it is seen."""
    config = item.config
    if not is_worker(config):
        return
    state = state_of(config)
    tenant = dict(item.user_properties).get("tenant")
    if state is not None and isinstance(tenant, str) and tenant in state.tenants:
        start_ahead(state, _queued_after(config, tenant))


#: an xdist worker: the last queued test index looked at, and the tenants found after the
#: one then checked (a queue not grown since gives the same answer without a look)
_SEEN_KEY = pytest.StashKey[tuple[object, str, list[str]]]()


def _queued_after(config: pytest.Config, tenant: str) -> list[str]:
    """An xdist worker: the tenants of the tests sent to it after ``tenant``'s, in order.
    xdist's worker keeps the tests to run as indices into the session's items
    (``WorkerInteractor``: ``nextitem_index``, then its ``torun`` queue, read under the
    queue's lock); a queue whose last index was looked at already, for the same tenant,
    gives the answer found then (new tenants are added at its end); anything else there
    (another xdist) gives none: no tenant is read ahead."""
    for plugin in config.pluginmanager.get_plugins():
        queue, session = getattr(plugin, "torun", None), getattr(plugin, "session", None)
        if not callable(getattr(queue, "lock", None)) or session is None:
            continue
        try:
            with queue.lock() as indices:
                pending = [getattr(plugin, "nextitem_index", None), *indices]
            seen = config.stash.get(_SEEN_KEY, None)
            if seen is not None and seen[:2] == (pending[-1], tenant):
                return seen[2]
            items, later = session.items, []
            for index in reversed(pending):  # the newest first, back to this tenant's
                if not isinstance(index, int) or not 0 <= index < len(items):
                    continue
                name = dict(items[index].user_properties).get("tenant")
                if name == tenant:
                    break
                if isinstance(name, str) and name not in later:
                    later.append(name)
            config.stash[_SEEN_KEY] = (pending[-1], tenant, later[::-1])
            return later[::-1]
        except Exception:  # not the queue this was written for: read nothing ahead
            return []
    return []


def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    state = current_state()
    if state is not None:
        state.ahead.clear()  # not waited for: they end with the process


def pytest_unconfigure(config: pytest.Config) -> None:
    state = state_of(config)
    if state is not None:
        finish_ahead(state)
