"""Graph's sign-in log (FED-13): ``GET /v1.0/auditLogs/signIns`` as List signIns documents it
(microsoft-graph-docs-contrib api-reference/v1.0/api/signin-list.md): newest first, ``$top``
up to 1,000, paged by ``$skiptoken`` next links, and the ``$filter`` the suite sends:
``createdDateTime`` ``ge``/``le``/``gt``/``lt`` clauses joined by ``and``, and
``status/errorCode eq N`` alone or several joined by ``or`` in parentheses. Any other filter
answers 400, as a real service may (the ``or`` is unconfirmed on real Graph).

The log is the snapshot's ``signIns`` read: its sign-ins, filtered again per request, or its
stored non-success answer (a tenant without Entra ID P1: the 403 with Graph's body,
``Authentication_RequestFromNonPremiumTenantOrB2CTenant``). Never collected: 404.
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

MAX_TOP = 1000  #: signin-list.md: "The maximum and default page size is 1,000 objects"
Page = Callable[..., web.Response]
NotFound = Callable[[web.Request, str], web.Response]

_TIME = re.compile(r"^createdDateTime\s+(ge|le|gt|lt)\s+(\S+)$", re.IGNORECASE)
_CODE = re.compile(r"^status/errorCode\s+eq\s+(-?\d+)$", re.IGNORECASE)
_OPS = {"ge": lambda a, b: a >= b, "le": lambda a, b: a <= b,
        "gt": lambda a, b: a > b, "lt": lambda a, b: a < b}  # fmt: skip


class UnsupportedFilter(ValueError):
    pass


def _time(value: Any) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else None


def sign_in_filter(expr: str) -> Callable[[dict[str, Any]], bool]:
    """The test of one sign-in for ``expr``; UnsupportedFilter for anything else."""
    tests: list[Callable[[dict[str, Any]], bool]] = []
    for part in re.split(r"\s+and\s+", expr.strip(), flags=re.IGNORECASE):
        part = part.strip()
        if m := _TIME.match(part):
            op, bound = _OPS[m.group(1).lower()], _time(m.group(2))
            if bound is None:
                raise UnsupportedFilter(part)
            tests.append(lambda s, op=op, b=bound: (t := _time(s.get("createdDateTime")))
                         is not None and op(t, b))  # fmt: skip
            continue
        inner = part[1:-1] if part.startswith("(") and part.endswith(")") else part
        codes = []
        for alt in re.split(r"\s+or\s+", inner.strip(), flags=re.IGNORECASE):
            m = _CODE.match(alt.strip())
            if not m:
                raise UnsupportedFilter(part)
            codes.append(int(m.group(1)))
        tests.append(lambda s, c=frozenset(codes): (s.get("status") or {}).get("errorCode") in c)
    return lambda s: all(t(s) for t in tests)


class SignInRoutes:
    def __init__(self, state: TenantState, page: Page, not_found: NotFound):
        self.st, self._page, self._not_found = state, page, not_found

    async def sign_ins(self, request: web.Request) -> web.Response:
        answer = self.st.graph.get("signIns")
        if isinstance(answer, Stored):
            return web.Response(status=answer.status, text=json.dumps(answer.body),
                                content_type="application/json")  # fmt: skip
        if answer is None:
            return self._not_found(request, "auditLogs/signIns (never collected)")
        items = [s for s in answer if isinstance(s, dict)]
        if expr := request.query.get("$filter"):
            try:
                match = sign_in_filter(expr)
            except UnsupportedFilter as exc:
                rid = request.headers.get("client-request-id") or str(uuid.uuid4())
                return errors.graph_error(
                    400, "Request_UnsupportedQuery", f"Invalid filter clause: {exc}", rid
                )
            items = [s for s in items if match(s)]
        items.sort(key=lambda s: str(s.get("createdDateTime", "")), reverse=True)
        return self._page(request, "auditLogs/signIns", items, maximum=MAX_TOP)
