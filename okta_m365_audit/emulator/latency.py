"""Latency injection: every answer waits as a far-away service's would.

On 127.0.0.1 a page comes back in a millisecond, so a benchmark would measure only our own
CPU and miss what dominates a real audit: one round trip per page, page after page. A
``Latency`` delays each request (token endpoints included; the emulator's control plane
excluded) by a fixed time plus a uniform jitter drawn from a seeded generator, so runs
are comparable. The delay is an ``asyncio.sleep``: waiting requests cost the emulator
nothing, and concurrent requests overlap as they do against a real service.
"""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Latency:
    """``ms`` per request, plus up to ``jitter_ms`` more (uniform, seeded)."""

    ms: float = 0.0
    jitter_ms: float = 0.0
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False, compare=False)
    _lock: threading.Lock = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.ms < 0 or self.jitter_ms < 0:
            raise ValueError("latency and jitter must be >= 0 ms")
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        return self.ms > 0 or self.jitter_ms > 0

    def next_delay(self) -> float:
        """Seconds the next request waits."""
        with self._lock:
            extra = self._rng.uniform(0, self.jitter_ms) if self.jitter_ms else 0.0
        return (self.ms + extra) / 1000

    def middleware(self) -> Any:
        @web.middleware
        async def mw(request: web.Request, handler: Any) -> web.StreamResponse:
            if self.active and not request.path.startswith("/_emulator/"):
                await asyncio.sleep(self.next_delay())
            return await handler(request)

        return mw
