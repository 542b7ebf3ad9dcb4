"""clients/gate.py: at most so many requests open to an Okta org, a freed place handed to an
urgent request (a link of the collection's longest chain, a token request) before the
others, and no place lost to a request cancelled while it waited."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from okta_m365_audit.clients.gate import ConnectionGate, is_urgent, urgent


def test_urgent_marks_the_context_and_the_tasks_it_starts():
    async def inside() -> bool:
        return is_urgent()

    async def main() -> tuple[bool, bool, bool]:
        with urgent():
            here = is_urgent()
            started = await asyncio.create_task(inside())
        return here, started, is_urgent()

    assert asyncio.run(main()) == (True, True, False)


def _order(*, first_for: str | None = None) -> list[str]:
    """Two places, both taken; 'a', 'b', 'c' then wait, in that order (``first_for`` asks
    urgently); the places are freed one at a time: the order the waiters got them."""
    got: list[str] = []

    async def waiter(gate: ConnectionGate, name: str) -> None:
        if name == first_for:
            with urgent():
                await gate.acquire()
        else:
            await gate.acquire()
        got.append(name)

    async def main() -> None:
        gate = ConnectionGate(2)
        await gate.acquire()
        await gate.acquire()
        tasks = [asyncio.create_task(waiter(gate, n)) for n in "abc"]
        await asyncio.sleep(0)
        for _ in range(3):
            gate.release()
            await asyncio.sleep(0)
            await asyncio.sleep(0)
        await asyncio.gather(*tasks)

    asyncio.run(main())
    return got


def test_first_come_first_served_when_nothing_is_urgent():
    assert _order() == ["a", "b", "c"]


def test_an_urgent_request_takes_the_next_place():
    assert _order(first_for="c") == ["c", "a", "b"]


def test_never_more_holders_than_places():
    async def main() -> int:
        gate, open_now, most = ConnectionGate(3), [0], [0]

        async def request(i: int) -> None:
            with urgent() if i % 4 == 0 else contextlib.nullcontext():
                await gate.acquire(first=i % 7 == 0)
            open_now[0] += 1
            most[0] = max(most[0], open_now[0])
            await asyncio.sleep(0.001 * (i % 3))
            open_now[0] -= 1
            gate.release()

        await asyncio.gather(*(request(i) for i in range(40)))
        return most[0]

    assert asyncio.run(main()) == 3


def test_a_request_cancelled_while_waiting_loses_no_place():
    """One place: a waiter cancelled in line, and one cancelled just as the place reached
    it, both leave the place to the next request."""

    async def main() -> bool:
        gate = ConnectionGate(1)
        await gate.acquire()
        cancelled = asyncio.create_task(gate.acquire())
        granted_then_cancelled = asyncio.create_task(gate.acquire())
        await asyncio.sleep(0)
        cancelled.cancel()
        await asyncio.sleep(0)
        gate.release()  # the place goes to the second waiter...
        granted_then_cancelled.cancel()  # ...which is cancelled before it runs
        with pytest.raises(asyncio.CancelledError):
            await granted_then_cancelled
        await asyncio.wait_for(gate.acquire(), timeout=1)  # the place is free again
        return True

    assert asyncio.run(main())
