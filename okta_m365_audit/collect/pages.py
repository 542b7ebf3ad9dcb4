"""One read's pages as the snapshot records them: one list of items, or the object sent."""

from __future__ import annotations

from typing import Any

from ..snapshot import document as snap


def read_items(read: Any) -> list[dict[str, Any]]:
    """The objects of a read that succeeded with a list (its non-object items left out);
    none for a failed, absent or non-list read: what a dependent read takes its keys from."""
    if not isinstance(read, dict) or not read.get("ok") or not isinstance(read.get("data"), list):
        return []
    return [i for i in read["data"] if isinstance(i, dict)]


def join_pages(res: snap.Resource, pages: list[Any]) -> Any:
    """The items of every page as one list (Graph's from each page's ``value``); an object
    as sent; a wrapped body as its last page (its links), holding every page's items (a
    wrapped Okta list pages by its body's next link: spec RoleAssignedUsers)."""
    if res.kind == "wrapped":
        key = res.list_key
        if len(pages) == 1:
            return pages[0]
        items = [i for body in pages if isinstance(body.get(key), list) for i in body[key]]
        return {**pages[-1], key: items}
    if res.kind != "list":
        return pages[0]
    items: list[Any] = []
    for body in pages:
        items.extend(body["value"] if res.api == "graph" and isinstance(body, dict) else body)
    return items
