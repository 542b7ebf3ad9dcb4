"""The audit's memory discipline: the cyclic garbage collector paused while pages are parsed
(a large tenant's collection otherwise spends most of its CPU rescanning the snapshot), and
its thresholds set for a run that allocates a great deal and makes few cycles."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator

_PAUSE_LOCK = threading.Lock()
_PAUSES = [0, False]  #: collections parsing now; was the collector on when the first began


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while pages are parsed, then spare it the result.

    Parsing a page allocates thousands of dicts, and every few hundred allocations the
    collector scans the young objects; as the snapshot grows, its full passes rescan all of
    it. At 100k users that was well over half of the collection's CPU. Parsed JSON holds no
    reference cycles (reference counting frees it), so nothing is lost by waiting. After a
    large collection one full pass runs at the end: it ages the snapshot into the oldest
    generation, which Python rescans only when as much again has been added since. After a
    small one (under ``FULL_PASS_AFTER`` new objects) the young collections that follow
    are cheap, and the full pass (a scan of the whole interpreter) would only add cost.

    The collector is one per process and tenants are read on several threads at once
    (session/ahead.py): the pause is counted, so the collector comes back on when the last
    collection under way ends, not when the first does while another still parses; the
    full pass still runs at the end of each large one, so a fleet whose collections overlap
    from start to end never goes long without one.
    """
    with _PAUSE_LOCK:
        if _PAUSES[0] == 0:
            _PAUSES[1] = gc.isenabled()
            gc.disable()
        _PAUSES[0] += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:  # held through the pass: no pause begins before the collector is on
            _PAUSES[0] -= 1
            if gc.get_count()[0] > FULL_PASS_AFTER:
                gc.collect()  # even while another parses: a fleet's pauses may overlap all run
            if _PAUSES[0] == 0 and _PAUSES[1]:
                gc.enable()


FULL_PASS_AFTER = 200_000  #: new container objects (about 25k API objects)

#: Young objects allocated before the collector looks at them (Python's default is 700).
#: A run allocates millions of short-lived containers (reports, evidence, parsed pages) and
#: makes few reference cycles, so at 700 the collector ran thousands of young passes and,
#: as the run's objects aged, a dozen full passes over everything (an xdist controller of
#: 20 tenants: 1.1 s of CPU in the collector; with this threshold and the freeze, 0.1 s).
#: At 20,000 the young generation holds a few megabytes at most before it is scanned.
YOUNG_THRESHOLD = 20_000


def tune_for_run() -> Callable[[], None]:
    """Set the collector for an audit run; returns what puts it back as it was.

    What the process loaded to start (modules, classes, pytest's and the SDKs' tables) is
    frozen (``gc.freeze``): it lives as long as the process, so no full pass scans it
    again. No pass is forced before the freeze: a cycle already unreachable then stays in
    memory until the run ends, which at start-up is a few kilobytes."""
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(old[0], YOUNG_THRESHOLD), *old[1:])

    def restore() -> None:
        gc.set_threshold(*old)
        gc.unfreeze()

    return restore
