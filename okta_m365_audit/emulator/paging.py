"""One paginator for both APIs: slices a pool, and builds Okta Link headers or Graph nextLinks."""

from __future__ import annotations

import base64
import json
from typing import Any

from aiohttp import web
from multidict import CIMultiDict
from yarl import URL

from . import errors


class BadCursor(ValueError):
    pass


def encode_cursor(offset: int, query_key: str) -> str:
    raw = json.dumps({"o": offset, "q": query_key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, query_key: str) -> int:
    """Offset of a cursor; a cursor reused with other query parameters is refused (moto)."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset = int(data["o"])
    except (ValueError, KeyError, TypeError):
        raise BadCursor(token) from None
    if data.get("q") != query_key or offset < 0:
        raise BadCursor(token)
    return offset


def page_size(raw: str | None, default: int, maximum: int | None) -> int:
    """Okta clamps an oversized limit to the endpoint's maximum (None: the spec gives none);
    -1 or absent means the default."""
    if raw is None:
        return default
    n = int(raw)
    if n <= 0:
        return default
    return n if maximum is None else min(n, maximum)


def slice_page(items: list[Any], offset: int, size: int) -> tuple[list[Any], int | None]:
    chunk = items[offset : offset + size]
    nxt = offset + size if offset + size < len(items) else None
    return chunk, nxt


def okta_links(
    url: URL,
    cursor_param: str,
    next_cursor: str | None,
    size_param: str | None = None,
    size: int | None = None,
) -> CIMultiDict[str]:
    """``Link`` headers as Okta sends them: absolute, self first, then next when more pages
    exist (the SDK keeps the last). The self link names the page size in force
    (``size_param``), as recorded ones do (okta-recorded/apps-users/list-limit50-link-self.json,
    groups/list-all-sdkpy-2020.json); one 2020 recording has only the next link (users/
    list-limit1-link-next-only-sdkpy-2020.json), today's carry both (SOURCES.md, paging)."""
    if size_param is not None and size is not None:
        url = url.update_query({size_param: str(size)})
    headers: CIMultiDict[str] = CIMultiDict()
    headers.add("Link", f'<{url}>; rel="self"')
    if next_cursor is not None:
        nxt = url.update_query({cursor_param: next_cursor})
        headers.add("Link", f'<{nxt}>; rel="next"')
    return headers


def graph_next_link(url: URL, next_cursor: str | None) -> str | None:
    if next_cursor is None:
        return None
    return str(url.update_query({"$skiptoken": next_cursor}))


def query_key(url: URL, drop: tuple[str, ...]) -> str:
    """The query minus paging parameters: what a cursor is bound to."""
    return "&".join(f"{k}={v}" for k, v in sorted(url.query.items()) if k not in drop)


def okta_window(
    request: web.Request,
    items: list[Any],
    default: int,
    maximum: int | None,
    size_param: str = "limit",
) -> web.Response | tuple[list[Any], str | None, int]:
    """The page of ``items`` an Okta list request asks for (its page size and ``after``
    cursor), the next page's cursor (None on the last page) and the size in force; or the
    answer Okta gives a size that is not a number or a cursor it did not issue."""
    try:
        size = page_size(request.query.get(size_param), default, maximum)
    except ValueError:
        return errors.okta_bad_request(size_param, (f"{size_param}: must be an integer",))
    key = query_key(request.url, ("after", size_param))
    offset = 0
    if "after" in request.query:
        try:
            offset = decode_cursor(request.query["after"], key)
        except BadCursor:
            return errors.okta_invalid_paging()
    chunk, nxt = slice_page(items, offset, size)
    return chunk, (encode_cursor(nxt, key) if nxt is not None else None), size
