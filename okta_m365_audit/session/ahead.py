"""A tenant's collection started before its checks ask for it (issue 16).

A small tenant's collection is mostly waiting: token requests and a chain of a few reads,
a round trip each. Its checks ask for it only once pytest has imported and collected the
check modules, and in a run of several tenants, only once the tenant before it is checked
and its outputs started. Started ahead on a thread of its own, the waiting overlaps that
work instead of following it: the first tenants' collections start when the run is
configured, and each time a tenant's checks begin, the next ones' (``AHEAD`` at most).

Nothing else changes: the same ``collect_tenant`` reads the same requests, writes the same
evidence, and what it raises is raised again where the checks ask for the tenant (they
ERROR with it, as before). Its progress is held until someone watches (the fixture that
waits for it), then shown as if it had been watched all along.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from ..collect.progress import Progress
from ..snapshot import document as snap
from ..views import TenantView
from .tenants import AuditState, TenantEntry, collect_tenant


class HeldProgress(Progress):
    """Holds a collection's progress until :meth:`watch` names who shows it; from then on
    passes each event straight through (a lock keeps the events in their order)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._held: list[tuple[str, tuple[Any, ...]]] = []
        self._watcher: Progress | None = None

    def reading(
        self, res: snap.Resource, key: str | None, pages: int, objects: int, retries: int
    ) -> None:
        self._pass("reading", (res, key, pages, objects, retries))

    def read_done(self, res: snap.Resource, key: str | None, record: dict[str, Any]) -> None:
        self._pass("read_done", (res, key, record))

    def finished(self) -> None:
        self._pass("finished", ())

    def _pass(self, event: str, args: tuple[Any, ...]) -> None:
        with self._lock:
            if self._watcher is None:
                self._held.append((event, args))
                return
            getattr(self._watcher, event)(*args)

    def watch(self, watcher: Progress) -> None:
        """``watcher`` is shown what happened so far, then everything as it happens. Its
        clock (a summary's "in N s") starts when the collection did."""
        if hasattr(watcher, "started"):
            watcher.started = self.started
        with self._lock:
            for event, args in self._held:
                getattr(watcher, event)(*args)
            self._held.clear()
            self._watcher = watcher


#: Seconds between looks for new work while a tenant's data is awaited (a round trip is
#: 0.1-0.3 s; a look is a lock and a comparison).
WAIT_TICK = 0.05


class CollectionAhead:
    """One tenant's ``collect_tenant``, running on a thread until :meth:`view` is asked.

    The thread is a daemon: a run that ends early (Ctrl-C, a collection error) does not
    wait for a collection nobody will read; its snapshot is written atomically, so it
    leaves a whole file or none."""

    def __init__(self, entry: TenantEntry, state: AuditState, *, told: bool = False) -> None:
        self.entry = entry
        self.progress = HeldProgress()
        #: ``told``: started on what an xdist controller told this worker it would check,
        #: before any test was sent to it: its answers are kept (files written) once the
        #: tenant's tests are seen here (``claim``), let go unwritten if they never are
        #: (``let_go``); any other collection keeps them from the start
        self._answer = threading.Event()
        self._kept = not told
        if not told:
            self._answer.set()
        self._done = threading.Event()
        self._view: TenantView | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._collect, args=(state,), name=f"collect-{entry.name}", daemon=True
        )
        self._thread.start()

    def _collect(self, state: AuditState) -> None:
        try:
            self._view = collect_tenant(self.entry, state, self.progress, keep=self._keep)
        except BaseException as exc:  # raised again, unchanged, where the view is asked
            self._error = exc
        finally:
            self._done.set()

    def _keep(self) -> bool:
        self._answer.wait()
        return self._kept

    def claim(self) -> None:
        """This process checks the tenant: the collection keeps what it read."""
        if not self._answer.is_set():
            self._kept = True
            self._answer.set()

    def let_go(self) -> None:
        """Nobody here will check the tenant: what was read is dropped, no file written
        (another worker reads and keeps it). No-op once claimed."""
        if not self._answer.is_set():
            self._kept = False
            self._answer.set()

    def wait(self) -> None:
        self._done.wait()

    def view(self, watcher: Progress, meanwhile: Callable[[], None] | None = None) -> TenantView:
        """The tenant's view once collected (``watcher`` shows the collection meanwhile),
        or what the collection raised. ``meanwhile`` is called every ``WAIT_TICK`` seconds
        of the wait: an xdist worker learns of the tenants sent to it while it waits, and
        starts reading them then, not once this tenant's data is in."""
        self.claim()
        self.progress.watch(watcher)
        while not self._done.wait(WAIT_TICK if meanwhile is not None else None):
            meanwhile()  # type: ignore[misc]
        if self._error is not None:
            raise self._error
        assert self._view is not None
        return self._view


def may_read_ahead(entry: TenantEntry, state: AuditState) -> bool:
    """A tenant whose collection reads an API (not a replay, not a tenant file in error)
    and has not started: the ones worth starting ahead."""
    return (
        entry.cfg is not None
        and entry.error is None
        and entry.from_snapshot is None
        and entry.view is None
        and entry.collect_error is None
        and entry.name not in state.ahead
        and not state.offline
    )


#: Collections started ahead and not yet asked for, at most. A small tenant's collection is
#: mostly waiting (a chain of round trips) and its checks take a fraction of that, so one
#: ahead would still leave a fleet run waiting on each tenant; two keep it busy. Each holds
#: its tenant's data until its checks are done, so never more: a fleet's collections never
#: all run at once (each tenant's requests keep to its own budget).
AHEAD = 2


def start_ahead(state: AuditState, names: list[str], *, told: bool = False) -> None:
    """The first of ``names`` (tenants in the order their checks run) not yet collected,
    started now, until ``AHEAD`` collections are under way unasked. A tenant that cannot
    be read ahead (a replay, a tenant file in error) is left to its checks, in its turn.
    ``told``: the names are what an xdist controller said this worker would check, not
    tests sent to it (``CollectionAhead``'s ``told``); a told tenant's collection that is among
    ``names`` when they are tests sent is claimed."""
    for name in names:
        started = state.ahead.get(name)
        if started is not None and not told:
            started.claim()
        if len(state.ahead) >= AHEAD:
            continue
        entry = state.tenants.get(name)
        if entry is not None and may_read_ahead(entry, state):
            state.ahead[name] = CollectionAhead(entry, state, told=told)


def finish_ahead(state: AuditState) -> None:
    """The run is ending: every collection started ahead and never asked for is waited for
    (it writes into the run's folders), and forgotten; one started on what the controller
    told this worker, whose tests never came here, is let go unwritten."""
    for ahead in list(state.ahead.values()):
        ahead.let_go()
        ahead.wait()
    state.ahead.clear()
