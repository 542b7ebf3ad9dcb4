"""One side of a comparison: a read's objects by key, their human names, the ids a System
Log event would carry for them, and the field-by-field difference of two objects.

Both snapshots are untrusted (a baseline is a file handed around), so every reader here is
type-safe: a value of an unexpected type reads as "absent", never as an exception. A read
whose ``data`` cannot be what its resource returns is not comparable
(snapshot.data_problem), never an empty list that makes every object "removed".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ...catalog.resource_keys import wrapped_items
from ...snapshot import document as snap
from .rules import IGNORED_FIELDS, ITEM_KEYS, NESTED_KEYS, PARENT_LIST


def get(obj: Any, *path: str) -> Any:
    """``obj[path[0]][path[1]]...``, None where a step is missing or not an object."""
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def items_of(doc: dict[str, Any], api: str, name: str) -> list[dict[str, Any]]:
    """The objects of an ok list read whose data is what it should be; [] otherwise."""
    read = get(doc, api, name)
    if not isinstance(read, dict) or problem(snap.resource(api, name), read) is not None:
        return []
    if not read.get("ok") or not isinstance(read.get("data"), list):
        return []
    return [i for i in read["data"] if isinstance(i, dict)]


def problem(res: snap.Resource, read: dict[str, Any]) -> str | None:
    """Why an ok read's data is not what ``res`` returns (snapshot.data_problem)."""
    return snap.data_problem(res, read)


# --- labels and attribution ids ------------------------------------------------------------


@dataclass
class Names:
    """Lookups from both snapshots, to give objects human names."""

    apps: dict[str, str]
    groups: dict[str, str]
    upns: dict[str, str]
    app_roles: dict[str, str]
    sps: dict[str, str]
    logins: dict[str, str]  #: Okta user id -> login (the admins, their roles)

    @classmethod
    def of(cls, *docs: dict[str, Any]) -> Names:
        names = cls({}, {}, {}, {}, {}, {})
        for doc in docs:
            for app in items_of(doc, "okta", "office365Apps") + items_of(doc, "okta", "adApps"):
                names.apps[str(app.get("id"))] = str(app.get("label") or app.get("id"))
            for g in items_of(doc, "okta", "groups"):
                names.groups[str(g.get("id"))] = str(get(g, "profile", "name"))
            for u in items_of(doc, "graph", "users"):
                names.upns[str(u.get("id"))] = str(u.get("userPrincipalName"))
            for sp in items_of(doc, "graph", "graphServicePrincipal"):
                for role in as_list(sp.get("appRoles")):
                    if isinstance(role, dict):
                        names.app_roles[str(role.get("id"))] = str(role.get("value"))
            for sp in items_of(doc, "graph", "oktaServicePrincipals"):
                names.sps[str(sp.get("id"))] = str(sp.get("displayName"))
            for u in items_of(doc, "okta", "users") + items_of(doc, "okta", "deprovisionedUsers"):
                names.logins[str(u.get("id"))] = str(get(u, "profile", "login"))
        return names

    def parent(self, api: str, resource: str, key: str | None) -> str | None:
        if key is None:
            return None
        per = snap.resource(api, resource).per
        if per == "office365 app":
            return self.apps.get(key, key)
        if per == "service principal":
            return self.sps.get(key, key)
        if per == "Okta admin":
            return self.logins.get(key, key)
        if per == "break-glass account":
            return self.upns.get(key, key)
        return key


def label(api: str, name: str, obj: dict[str, Any], key: str, parent: str | None,
          names: Names) -> str:  # fmt: skip
    """A human name for an object (its login, label, domain...), else its key."""
    r = (api, name)
    value: Any = None
    if r in {("okta", "office365Apps"), ("okta", "adApps")}:
        value = obj.get("label")
    elif r == ("okta", "appKeys"):
        value = f"signing key {obj.get('kid')}"
    elif r == ("okta", "appConnection"):
        value = f"provisioning connection of {names.apps.get(key, key)}"
    elif r == ("okta", "appUsers"):
        value = get(obj, "credentials", "userName") or get(obj, "profile", "email")
    elif r == ("okta", "appGroups"):
        value = names.groups.get(key)
    elif r == ("okta", "users"):
        value = get(obj, "profile", "login")
    elif r == ("okta", "groups"):
        value = get(obj, "profile", "name")
    elif r == ("okta", "domains"):
        value = obj.get("domain")
    elif r == ("okta", "org"):
        value = obj.get("companyName") or obj.get("subdomain")
    elif r == ("graph", "users"):
        value = obj.get("userPrincipalName")
    elif r == ("graph", "federationConfiguration"):
        value = f"federation of {parent}"
    elif r in {("graph", "globalAdminAssignments"), ("graph", "globalAdminEligibility")}:
        who = obj.get("principalId")
        principal = obj.get("principal") if isinstance(obj.get("principal"), dict) else {}
        who = names.upns.get(str(who)) or principal.get("displayName") or who
        eligible = " (eligible, PIM)" if name == "globalAdminEligibility" else ""
        value = f"Global Administrator{eligible}: {who}"
    elif r == ("graph", "appRoleAssignments"):
        role = names.app_roles.get(str(obj.get("appRoleId")), obj.get("appRoleId"))
        value = f"{role} granted to {obj.get('principalDisplayName') or obj.get('principalId')}"
    elif r == ("graph", "oauth2PermissionGrants"):
        value = f"delegated {obj.get('scope')} ({obj.get('consentType')})"
    elif r == ("realm", "userRealm"):
        value = key
    else:
        value = obj.get("displayName") or obj.get("name") or obj.get("label")
    return str(value) if value not in (None, "") else key


def attribution_ids(api: str, name: str, obj: dict[str, Any], key: str,
                    parent: str | None) -> set[str]:  # fmt: skip
    """Values a System Log target's id or alternateId would carry for this object."""
    ids = [key, obj.get("id"), obj.get("kid")]
    if (api, name) == ("graph", "federationConfiguration"):
        ids.append(parent)  # the domain
    if (api, name) == ("okta", "appUsers"):
        ids.append(get(obj, "credentials", "userName"))
    elif (api, name) == ("okta", "users"):
        ids.append(get(obj, "profile", "login"))
    elif (api, name) == ("okta", "domains"):
        ids.append(obj.get("domain"))
    elif (api, name) == ("graph", "users"):
        ids.append(obj.get("userPrincipalName"))
    elif (api, name) == ("realm", "userRealm"):
        ids.append(obj.get("Login"))
    return {i.lower() for i in ids if isinstance(i, str) and i}


# --- normalization and field diff ----------------------------------------------------------


def strip_ignored(api: str, resource: str, value: Any, keys: tuple[str, ...] = ()) -> Any:
    """The value minus IGNORED_FIELDS, at any depth."""
    if isinstance(value, dict):
        return {
            k: strip_ignored(api, resource, v, (*keys, k))
            for k, v in value.items()
            if not any(f.matches(api, resource, (*keys, k)) for f in IGNORED_FIELDS)
        }
    if isinstance(value, list):
        return [strip_ignored(api, resource, v, keys) for v in value]
    return value


def canon(value: Any) -> str:
    """Canonical JSON (ASCII, so any string, lone surrogates included, can be hashed)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _nested_key(old: list[Any], new: list[Any]) -> str | None:
    """The field that identifies the items of both lists (all objects, unique per list)."""
    if not old + new or not all(isinstance(i, dict) for i in old + new):
        return None
    for key in NESTED_KEYS:
        ok = True
        for items in (old, new):
            values = [i.get(key) for i in items]
            if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
                ok = False
            elif len(set(values)) != len(values):
                ok = False
        if ok:
            return key
    return None


def diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """Changed leaves as {"path", "old", "new"}; absent on one side reads as None."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[dict[str, Any]] = []
        for k in list(old) + [k for k in new if k not in old]:
            out += diff(old.get(k), new.get(k), f"{path}.{k}" if path else str(k))
        return out
    if isinstance(old, list) and isinstance(new, list):
        if sorted(map(canon, old)) == sorted(map(canon, new)):
            return []  # same items, maybe in another order
        key = _nested_key(old, new)
        if key is None:
            return [{"path": path, "old": old, "new": new}]
        before = {i[key]: i for i in old}
        after = {i[key]: i for i in new}
        out = []
        for k in list(before) + [k for k in after if k not in before]:
            out += diff(before.get(k), after.get(k), f"{path}[{k}]")
        return out
    if canon(old) == canon(new):
        return []
    return [{"path": path, "old": old, "new": new}]


# --- reads ---------------------------------------------------------------------------------


def failure(read: dict[str, Any]) -> str:
    """Why a read failed, in one phrase: status, code, message, and what it needs when it
    was refused (snapshot.document.needs_hint)."""
    err = read.get("error")
    err = err if isinstance(err, dict) else {}
    parts = [str(err.get("status") or read.get("status"))]
    if err.get("code"):
        parts.append(str(err["code"]))
    text = " ".join(parts)
    if err.get("message"):
        text += f": {err['message']}"
    hint = snap.needs_hint(read)
    if hint:
        text += f"; needs {hint}"
    return text


def objects_of(
    res: snap.Resource, read: dict[str, Any], parent: str | None
) -> dict[str, dict[str, Any]]:
    """The read's objects by key. Call only for an ok read whose data has no problem."""
    data = read.get("data")
    if res.kind == "object":
        if not isinstance(data, dict):
            return {}
        key = parent if parent is not None else str(data.get("id") or res.name)
        return {key: data}
    if res.kind == "wrapped":
        data = data.get(res.list_key) if isinstance(data, dict) else None
    field = ITEM_KEYS.get((res.api, res.name), "id")
    out: dict[str, dict[str, Any]] = {}
    for item in as_list(data):
        if not isinstance(item, dict):
            continue
        raw = item.get(field)
        if raw is None or raw == "":  # no key: identified by content (a change is
            key = "#" + hashlib.sha256(canon(item).encode()).hexdigest()[:12]  # removed + added)
        else:
            key = str(raw)
        n, base = 2, key
        while key in out:
            key, n = f"{base}#{n}", n + 1
        out[key] = item
    return out


def parent_state(doc: dict[str, Any], per: str, key: str) -> str:
    """'present', 'absent' (the parent list was read and lacks it) or 'unknown'."""
    source = PARENT_LIST.get(per)
    if source is None:
        return "unknown"
    api, name, field = source
    read = get(doc, api, name)
    if not isinstance(read, dict) or not read.get("ok"):
        return "unknown"
    if problem(snap.resource(api, name), read) is not None:
        return "unknown"
    res = snap.resource(api, name)
    items = items_of(doc, api, name) if res.kind != "wrapped" else wrapped_items(read.get("data"))
    keys = {str(i.get(field)) for i in items}
    return "present" if key in keys else "absent"
