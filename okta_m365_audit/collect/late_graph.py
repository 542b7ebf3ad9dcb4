"""The Graph client, built on a thread while the Okta stream is already reading (issue 16).

Building the Graph client (msgraph-sdk, kiota and azure-identity imports, the certificate
loaded) takes a few tenths of a second of CPU. The collection's longest chain starts on
Okta (the Office 365 app list, then its connection) and only then needs Graph (the
connection client's principal, then its permissions), so nothing needs Graph before Okta
has signed in and read twice. :class:`GraphOnThread` stands for the client meanwhile: every
call waits for the building, then goes to the built client.

If the client cannot be built (a secret's variable unset, a certificate unreadable), the
collection ends with that error, as it did when the client was built first: ``run`` cancels
what was started and raises it; nothing of the Okta side read so far is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

from .. import clients
from ..clients import Endpoints, GraphApi, Limits, RawResponse
from ..config import TenantConfig


class GraphOnThread:
    """A Graph client being built on a thread; used as the built one (``sign_in``,
    ``get``, ``renew_token``), each call waiting for the building first."""

    def __init__(self, cfg: TenantConfig, endpoints: Endpoints, limits: Limits) -> None:
        self._args = (cfg, endpoints, limits)
        self._building: asyncio.Future[GraphApi] | None = None
        self.base = endpoints.graph_base.rstrip("/")  # as GraphApi has it

    async def __aenter__(self) -> GraphOnThread:
        build = clients.GraphApi  # looked up now: a test may stand in for it
        self._building = asyncio.ensure_future(asyncio.to_thread(build, *self._args))
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._building is not None
        with contextlib.suppress(Exception):  # built or not: what is built is closed
            built = await asyncio.shield(self._building)
            await built.__aexit__(None, None, None)

    async def built(self) -> GraphApi:
        assert self._building is not None
        return await asyncio.shield(self._building)

    async def sign_in(self) -> None:
        await (await self.built()).sign_in()

    async def get(self, url: str) -> RawResponse:
        return await (await self.built()).get(url)

    async def renew_token(self) -> None:
        await (await self.built()).renew_token()

    async def run(self, collection: Coroutine[Any, Any, dict[str, Any]]) -> dict[str, Any]:
        """Run ``collection`` while the client is built; if the building fails, the
        collection is cancelled and the building's error raised."""
        assert self._building is not None
        task = asyncio.ensure_future(collection)
        await asyncio.wait({task, self._building}, return_when=asyncio.FIRST_EXCEPTION)
        building = self._building
        if building.done() and not building.cancelled() and building.exception() is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
            raise building.exception()  # type: ignore[misc]
        return await task
