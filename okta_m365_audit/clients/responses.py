"""What the API clients hand the collector: one answer, parsed once, and where it came from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
import orjson


def parse_json(raw: str | bytes, response: httpx.Response | None = None) -> Any:
    """A body as JSON (orjson: a large tenant is hundreds of MB of it), else as text.

    json.loads has the last word: what orjson refuses (NaN, say) the standard library may
    still read, so a body is judged the same either way. One difference is accepted: an
    integer beyond 64 bits becomes a float (RFC 8259 calls such numbers non-interoperable;
    no Okta or Graph field carries one)."""
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        if isinstance(raw, str):
            return raw
        return response.text if response is not None else raw.decode("utf-8", "replace")


@dataclass
class RawResponse:
    """One HTTP answer, as the collector needs it: status, headers, parsed body, next link,
    and the URL that answered (its origin is recorded; a relative link resolves on it)."""

    status: int
    headers: dict[str, str]
    body: Any
    next_url: str | None = None
    url: str | None = None

    def header(self, name: str) -> str:
        """A header's value, whatever case the client library keeps names in ('' if none)."""
        name = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == name), "")


class TokenError(Exception):
    """The token service refused the suite's credentials (or answered with a redirect)."""

    def __init__(self, api: str, message: str, status: int | None = None):
        super().__init__(message)
        self.api, self.status = api, status
