"""The collector's memory discipline: the cyclic garbage collector paused while pages are
parsed (a large tenant's collection otherwise spends most of its CPU rescanning the snapshot).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


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
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_count()[0] > FULL_PASS_AFTER:
            gc.collect()
        if was_enabled:
            gc.enable()


FULL_PASS_AFTER = 200_000  #: new container objects (about 25k API objects)
