"""How many requests to one Okta org are in flight at once, and which waiting one goes next.

The suite keeps at most ``OKTA_CONNECTIONS`` requests open to an org. Okta counts
simultaneous requests against an org-wide concurrency limit (35 on the Integrator Free
plan, 75 on Workforce Identity; "even large bulk loads rarely require more than 10
simultaneous transactions": developer.okta.com/docs/reference/rl2-concurrency and
rl-additional-limits), shared with everything else the customer's org serves; an audit
takes a small part of it.

A small tenant's first wave of reads is more than that: a dozen lists and the app's own
reads wait for a place. Most of them are leaves (nothing else waits for them), but a few
are links of the collection's longest chain: the Office 365 app list, then each app's
provisioning connection, whose client the Graph stream then looks up (collect/apps.py,
consent.py). Waiting in line behind the leaves, the connection read cost a round trip
more than its own (issue 16). A read marked :func:`urgent` takes the next free place
before the others; a token request always does (every read of the org waits for it).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections import deque
from collections.abc import Iterator

#: requests open to one Okta org at most (see above)
OKTA_CONNECTIONS = 8

_URGENT: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "okta_m365_audit_urgent", default=False
)


@contextlib.contextmanager
def urgent() -> Iterator[None]:
    """The requests made in this context (and in the tasks it starts) go before requests
    nothing waits for, when places are short."""
    token = _URGENT.set(True)
    try:
        yield
    finally:
        _URGENT.reset(token)


def is_urgent() -> bool:
    return _URGENT.get()


class ConnectionGate:
    """At most ``limit`` holders at once; a place freed goes to the longest-waiting urgent
    request, else to the longest-waiting other one (first come, first served within each)."""

    def __init__(self, limit: int = OKTA_CONNECTIONS) -> None:
        self._free = limit
        self._waiting: dict[bool, deque[asyncio.Future[None]]] = {True: deque(), False: deque()}

    async def acquire(self, first: bool = False) -> None:
        """Wait for a place; ``first``: ahead of every request not urgent."""
        if self._free > 0 and not (self._waiting[True] or self._waiting[False]):
            self._free -= 1
            return
        place: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[first or is_urgent()].append(place)
        try:
            await place
        except asyncio.CancelledError:
            if place.done() and not place.cancelled():
                self.release()  # given a place just as it was cancelled: handed on
            raise

    def release(self) -> None:
        for line in (self._waiting[True], self._waiting[False]):
            while line:
                place = line.popleft()
                if not place.done():  # a cancelled waiter is skipped
                    place.set_result(None)
                    return
        self._free += 1
