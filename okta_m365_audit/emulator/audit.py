"""Graph's Entra audit log route, ``GET /auditLogs/directoryAudits``, as the snapshot
recorded it: the events the collection read, filtered by the documented ``$filter`` subset
(``eq`` on category, activityDisplayName and loggedByService; ``ge``/``le`` on
activityDateTime; joined by ``and``; directoryaudit-list.md lists ``eq``, ``ge``, ``le``,
``startswith`` and no ``or``), newest first as Graph lists them, paged by nextLinks.

A snapshot that never read the audit log (older ones) answers an empty log: the read only
names drift's actors, and no check judges it, so nothing can pass on it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import web

from . import errors
from .state import Stored, TenantState

Page = Callable[..., web.Response]

_TERM = re.compile(
    r"^\s*(category|activityDisplayName|loggedByService)\s+eq\s+'([^']*)'\s*$"
    r"|^\s*activityDateTime\s+(ge|le)\s+(\S+)\s*$"
)


def _time(value: Any) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


def audit_filter(expr: str) -> Callable[[dict[str, Any]], bool] | None:
    """The events' predicate, or None for a filter outside the documented subset."""
    tests: list[Callable[[dict[str, Any]], bool]] = []
    for part in re.split(r"\s+and\s+", expr.strip()):
        m = _TERM.match(part)
        if not m:
            return None
        if m.group(1):
            prop, value = m.group(1), m.group(2)
            tests.append(lambda e, p=prop, v=value: str(e.get(p, "")).lower() == v.lower())
            continue
        bound = _time(m.group(4))
        if bound is None:
            return None
        if m.group(3) == "ge":
            tests.append(lambda e, b=bound: (t := _time(e.get("activityDateTime"))) is not None
                         and t >= b)  # fmt: skip
        else:
            tests.append(lambda e, b=bound: (t := _time(e.get("activityDateTime"))) is not None
                         and t <= b)  # fmt: skip
    return lambda e: all(t(e) for t in tests)


class AuditRoutes:
    def __init__(self, state: TenantState, page: Page):
        self.st = state
        self._page = page

    async def list(self, request: web.Request) -> web.Response:
        answer = self.st.graph.get("directoryAudits")
        if isinstance(answer, Stored):
            return web.Response(
                status=answer.status, text=json.dumps(answer.body), content_type="application/json"
            )
        events = [e for e in answer if isinstance(e, dict)] if isinstance(answer, list) else []
        expr = request.query.get("$filter")
        if expr:
            match = audit_filter(expr)
            if match is None:
                rid = request.headers.get("client-request-id") or str(uuid.uuid4())
                return errors.graph_error(
                    400, "Request_UnsupportedQuery", f"Invalid filter clause: {expr}", rid
                )
            events = [e for e in events if match(e)]
        events.sort(key=lambda e: str(e.get("activityDateTime", "")), reverse=True)
        return self._page(request, "auditLogs/directoryAudits", events)
