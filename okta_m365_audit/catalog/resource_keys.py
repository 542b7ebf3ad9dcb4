"""Which items a per-item read is made for, found in the data of the read before it: the
custom domains of the domain list, the authentication policies of the apps, the groups
holding a role. The collector, the emulator and the views derive them the same way.
Imports nothing of the package.
"""

from __future__ import annotations

import urllib.parse

DEPROVISIONED = "DEPROVISIONED"


def listed_by_default(user: dict) -> bool:
    """Whether a plain ``GET /api/v1/users`` returns this user (see DEPROVISIONED_SEARCH)."""
    return user.get("status") != DEPROVISIONED


#: The id of the org's own domain in ``GET /api/v1/domains`` (okta-recorded/domains/
#: list-default-domain-only-sdkpy-2026.json); every other entry is a custom domain.
DEFAULT_DOMAIN_ID = "default"


def custom_domain_ids(domains: object) -> list[str]:
    """Ids of the custom domains in a ``GET /api/v1/domains`` body, in its order: each is read
    again with ``GET /api/v1/domains/{id}``, the only read that carries its certificate
    (spec DomainListResponse: "a subset of the properties"; api-facts.md, Corrections)."""
    items = domains.get("domains") if isinstance(domains, dict) else None
    return [
        d["id"]
        for d in items or []
        if isinstance(d, dict) and isinstance(d.get("id"), str) and d["id"] != DEFAULT_DOMAIN_ID
    ]


#: the Admin Console's app name (api-facts.md, Corrections: "Admin Console app name saasure")
ADMIN_CONSOLE_APP = "saasure"


def access_policy_id(app: object) -> str | None:
    """The id of an Okta app's authentication policy: the last path segment of its
    ``_links.accessPolicy.href`` (spec ApplicationLinks.accessPolicy; Identity Engine only),
    or None when the app carries no such link."""
    links = app.get("_links") if isinstance(app, dict) else None
    link = links.get("accessPolicy") if isinstance(links, dict) else None
    href = link.get("href") if isinstance(link, dict) else None
    if not isinstance(href, str):
        return None
    path = urllib.parse.urlsplit(href).path.rstrip("/")
    head, _, last = path.rpartition("/")
    return last if head.endswith("/api/v1/policies") and last else None


def access_policy_ids(apps: object) -> list[str]:
    """The authentication policy ids of a list of apps, each once, in order: the policies
    whose rules the collector reads (several instances may share one policy)."""
    found = (
        (access_policy_id(a) for a in apps if isinstance(a, dict)) if isinstance(apps, list) else ()
    )
    return list(dict.fromkeys(p for p in found if p))


def wrapped_items(body: object) -> list[dict]:
    """The objects of a wrapped list body (``{"value": [...]}``, ``{"domains": [...]}``):
    its one list value's dicts ([] when it has none)."""
    items = (
        next((v for v in body.values() if isinstance(v, list)), [])
        if isinstance(body, dict)
        else []
    )
    return [i for i in items if isinstance(i, dict)]


GRAPH_GROUP_TYPE = "#microsoft.graph.group"


def role_group_ids(*reads: object) -> list[str]:
    """Ids of the group principals in roleAssignments / roleEligibilitySchedules bodies (each
    item's expanded ``principal`` with ``@odata.type`` #microsoft.graph.group), each once, in
    order: the groups whose members the collector reads (globalAdminGroupMembers)."""
    out: list[str] = []
    for items in reads:
        for item in items if isinstance(items, list) else []:
            principal = item.get("principal") if isinstance(item, dict) else None
            if not isinstance(principal, dict):
                continue
            gid = principal.get("id")
            if principal.get("@odata.type") == GRAPH_GROUP_TYPE and isinstance(gid, str):
                if gid not in out:
                    out.append(gid)
    return out


def union_by_id(*lists: object) -> list:
    """The objects of several lists, each id once (the first wins); id-less objects kept."""
    seen: set[str] = set()
    out = []
    for items in lists:
        for obj in items if isinstance(items, list) else []:
            oid = obj.get("id") if isinstance(obj, dict) else None
            if isinstance(oid, str):
                if oid in seen:
                    continue
                seen.add(oid)
            out.append(obj)
    return out
