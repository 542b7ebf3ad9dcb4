"""Drift: what changed between an earlier snapshot (a baseline, e.g. the one handed over at
go-live) and this run's, in the resources the checks read, and who changed it where the
Okta System Log says so. A nightly audit answers "what changed since handover, and who".

``compare(baseline, current)`` returns a JSON-serializable report::

    {"format": "okta-m365-audit/drift", "schemaVersion": 1,
     "baseline": {tenant, runId, collectedAt, source, sha256},
     "current":  {...same...},
     "summary":  {"added": n, "removed": n, "changed": n, "unreadable": n},
     "changes":  [{"api", "resource", "parent", "parentLabel", "object", "label", "kind",
                   "fields": [{"path", "old", "new"}],      # kind "changed"
                   "value": {...},                           # kind "added" / "removed"
                   "note": str | null,
                   "who": [{"actor", "actorName", "actorType", "eventType", "published",
                            "outcome", "displayMessage", "uuid"}]}],
     "unreadable": ["okta.users: not comparable, the baseline read failed (403 ...)"],
     "systemLog": {"events", "newEvents", "since", "window", "coversBaseline", "unreadable"},
     "notes": [...]}

How objects are compared
------------------------
* Only the ``data`` of each Read is compared. Collection bookkeeping (``meta``: runId,
  collectedAt; and each Read's request line, status, page and request counts) is never a
  change by itself. A definitive non-2xx answer (a domain without federation: 404, an app
  without provisioning: 400) reads as "no object", so gaining or losing one is an
  added/removed object, not a read failure.
* Items of list resources are matched by a stable key (``ITEM_KEYS``; ``id`` unless
  listed), never by position, so a different order is not a change. Object resources (the
  Okta org, each app's provisioning connection, each login's home realm) compare as one
  object keyed by their id or by their parent.
* Inside an object, lists of objects that all carry a unique ``id``/``kid``/``name``/
  ``skuId``/``servicePlanId`` are matched by it (path ``agents[a53o...].version``); other
  lists compare as a whole and order-insensitively (``settings.app.domains``).
* ``IGNORED_FIELDS`` lists the fields that are left out, each with its reason. The rule:
  bookkeeping that moves without anyone changing the configuration (activity timestamps,
  heartbeats, hypermedia links) is ignored; anything that describes configuration or state
  is compared even when it can change by itself (an Okta-managed certificate renewed, a
  newer AD agent made GA). Those are reported with ``who: []`` (not in the System Log),
  which is the honest answer.
* A resource whose read failed on either side, or that was not collected on one side, is
  listed under ``unreadable``: it is never silently "no change".
* The System Log (``okta.logs``) is not diffed: it is the attribution source.

Attribution
-----------
Events of the current snapshot's System Log (and the baseline's, deduplicated by uuid)
published after the baseline's collectedAt, not failed or denied (``NO_CHANGE_OUTCOMES``),
whose targets name the object: a target ``id``
or ``alternateId`` (case-insensitive: logins, UPNs) equal to one of the object's ids
(``attribution_ids``). Newest first, at most ``MAX_WHO``. The System Log is collected per
Office 365 app (``target.id eq "<app>"``), so every event names the app; for the app itself
and its app-level sub-resources (connection, features, keys) an event counts only when the
app is its only target and its type is not routine activity (``ACTIVITY_EVENT_PREFIXES``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import snapshot as snap

FORMAT = "okta-m365-audit/drift"
SCHEMA_VERSION = 1
MAX_WHO = 5  #: events listed per change, newest first
HTML_VALUE_LIMIT = 120  #: characters of a value shown in the HTML (the JSON keeps all)
HTML_ROW_LIMIT = 300  #: changes shown in the HTML table (the JSON keeps all)
TEXT_CHANGE_LIMIT = 8  #: changes listed by render_text


class DriftError(ValueError):
    """The two snapshots cannot be compared (different tenants)."""


# --- what is compared ----------------------------------------------------------------------


@dataclass(frozen=True)
class IgnoredField:
    """A field left out of the comparison. ``path`` is a dotted key path matched against the
    end of a field's path (list selectors removed), so ``lastUpdated`` matches at any depth.
    ``resource`` "*" applies to every resource of ``api`` ("*": every api)."""

    api: str
    resource: str
    path: str
    reason: str

    def matches(self, api: str, resource: str, keys: tuple[str, ...]) -> bool:
        if self.api not in ("*", api) or self.resource not in ("*", resource):
            return False
        want = tuple(self.path.split("."))
        return keys[-len(want) :] == want


IGNORED_FIELDS: tuple[IgnoredField, ...] = (
    IgnoredField("*", "*", "_links",
                 "Hypermedia links derived from ids and state; some carry per-request values "
                 "(the connection's authorize link has a fresh OAuth state nonce on every "
                 "read). A real change shows in the object's own fields."),
    IgnoredField("okta", "*", "lastUpdated",
                 "Does mean something changed, but not what: the compared fields show what. "
                 "On app assignments it moves on every provisioning sync; on users on "
                 "password changes. Alone it would be a change nobody can explain."),
    IgnoredField("okta", "*", "statusChanged",
                 "Timestamp companion of status; the status field itself shows the change."),
    IgnoredField("okta", "*", "passwordChanged",
                 "Users change their own passwords; not configuration the checks read."),
    IgnoredField("okta", "users", "lastLogin",
                 "Every sign-in moves it; signing in changes nothing."),
    IgnoredField("okta", "appUsers", "lastSync",
                 "Every provisioning cycle moves it; syncState shows whether sync works."),
    IgnoredField("okta", "groups", "lastMembershipUpdated",
                 "Moves on every join or leave; memberships are not in this resource, so "
                 "the change could not be shown (assignments are compared in appUsers)."),
    IgnoredField("okta", "agentPools", "agents.lastConnection",
                 "The agent's heartbeat (epoch ms), different on every read; "
                 "operationalStatus shows whether the agent is connected."),
    IgnoredField("graph", "organization", "onPremisesLastSyncDateTime",
                 "Entra Connect's sync heartbeat (every ~30 minutes when sync is on); "
                 "onPremisesSyncEnabled shows the configuration."),
    IgnoredField("graph", "organization", "onPremisesLastPasswordSyncDateTime",
                 "Password hash sync heartbeat; not configuration."),
    IgnoredField("graph", "federationConfiguration",
                 "signingCertificateUpdateStatus.lastRunDateTime",
                 "When Entra's certificate update job last ran; it runs on its own schedule. "
                 "certificateUpdateResult and the certificates themselves are compared."),
)  # fmt: skip

#: key of list items other than ``id``: (api, resource) -> field
ITEM_KEYS: dict[tuple[str, str], str] = {
    ("okta", "appKeys"): "kid",
    ("okta", "appFeatures"): "name",
}
#: keys that identify the items of a list nested inside an object, tried in order
NESTED_KEYS = ("id", "kid", "name", "skuId", "servicePlanId")

#: System Log event types that are routine activity on the app, never a change made to it
ACTIVITY_EVENT_PREFIXES: tuple[str, ...] = (
    "system.import.",
    "application.provision.",
    "application.integration.",
    "app.user_management.",
    "app.app_instance.provision_sync_job.",
    "user.authentication.",
    "user.session.",
    "policy.evaluate_sign_on",
)

#: outcomes of events that changed nothing (an attempt that failed or was denied)
NO_CHANGE_OUTCOMES = ("FAILURE", "DENY")

#: (api, resource) of the objects that are the Office 365 app or part of its own configuration
APP_LEVEL = {("okta", "office365Apps"), ("okta", "appConnection"), ("okta", "appFeatures"),
             ("okta", "appKeys")}  # fmt: skip

#: what "removed" can mean, where it is not simply "deleted"
REMOVED_NOTES: dict[tuple[str, str], str] = {
    ("okta", "users"): "no longer returned by GET /api/v1/users: deleted, or deactivated "
    "(the list leaves out DEPROVISIONED users)",
    ("okta", "appUsers"): "no longer assigned to the app",
    ("graph", "users"): "no longer returned by GET /users: deleted (or soft-deleted)",
}


# --- labels and attribution ids ------------------------------------------------------------


@dataclass
class _Names:
    """Lookups from both snapshots, to give objects human names."""

    apps: dict[str, str]
    groups: dict[str, str]
    upns: dict[str, str]
    app_roles: dict[str, str]
    sps: dict[str, str]

    @classmethod
    def of(cls, *docs: dict[str, Any]) -> _Names:
        names = cls({}, {}, {}, {}, {})
        for doc in docs:
            for app in _items(doc, "okta", "office365Apps") + _items(doc, "okta", "adApps"):
                names.apps[str(app.get("id"))] = str(app.get("label") or app.get("id"))
            for g in _items(doc, "okta", "groups"):
                names.groups[str(g.get("id"))] = str((g.get("profile") or {}).get("name"))
            for u in _items(doc, "graph", "users"):
                names.upns[str(u.get("id"))] = str(u.get("userPrincipalName"))
            for sp in _items(doc, "graph", "graphServicePrincipal"):
                for role in sp.get("appRoles") or []:
                    if isinstance(role, dict):
                        names.app_roles[str(role.get("id"))] = str(role.get("value"))
            for sp in _items(doc, "graph", "oktaServicePrincipals"):
                names.sps[str(sp.get("id"))] = str(sp.get("displayName"))
        return names

    def parent(self, api: str, resource: str, key: str | None) -> str | None:
        if key is None:
            return None
        per = snap.resource(api, resource).per
        if per == "office365 app":
            return self.apps.get(key, key)
        if per == "service principal":
            return self.sps.get(key, key)
        return key


def _items(doc: dict[str, Any], api: str, name: str) -> list[dict[str, Any]]:
    read = (doc.get(api) or {}).get(name)
    if not isinstance(read, dict) or not read.get("ok") or not isinstance(read.get("data"), list):
        return []
    return [i for i in read["data"] if isinstance(i, dict)]


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _label(api: str, name: str, obj: dict[str, Any], key: str, parent: str | None,
           names: _Names) -> str:  # fmt: skip
    r = (api, name)
    value: Any = None
    if r in {("okta", "office365Apps"), ("okta", "adApps")}:
        value = obj.get("label")
    elif r == ("okta", "appKeys"):
        value = f"signing key {obj.get('kid')}"
    elif r == ("okta", "appConnection"):
        value = f"provisioning connection of {names.apps.get(key, key)}"
    elif r == ("okta", "appUsers"):
        value = _get(obj, "credentials", "userName") or _get(obj, "profile", "email")
    elif r == ("okta", "appGroups"):
        value = names.groups.get(key)
    elif r == ("okta", "users"):
        value = _get(obj, "profile", "login")
    elif r == ("okta", "groups"):
        value = _get(obj, "profile", "name")
    elif r == ("okta", "domains"):
        value = obj.get("domain")
    elif r == ("okta", "org"):
        value = obj.get("companyName") or obj.get("subdomain")
    elif r == ("graph", "users"):
        value = obj.get("userPrincipalName")
    elif r == ("graph", "federationConfiguration"):
        value = f"federation of {parent}"
    elif r == ("graph", "globalAdminAssignments"):
        who = obj.get("principalId")
        value = f"Global Administrator: {names.upns.get(str(who), who)}"
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


def _ids(api: str, name: str, obj: dict[str, Any], key: str, parent: str | None) -> set[str]:
    """Values a System Log target's id or alternateId would carry for this object."""
    ids = {key, obj.get("id"), obj.get("kid")}
    if (api, name) == ("graph", "federationConfiguration"):
        ids.add(parent)  # the domain
    if (api, name) == ("okta", "appUsers"):
        ids.add(_get(obj, "credentials", "userName"))
    elif (api, name) == ("okta", "users"):
        ids.add(_get(obj, "profile", "login"))
    elif (api, name) == ("okta", "domains"):
        ids.add(obj.get("domain"))
    elif (api, name) == ("graph", "users"):
        ids.add(obj.get("userPrincipalName"))
    elif (api, name) == ("realm", "userRealm"):
        ids.add(obj.get("Login"))
    return {str(i).lower() for i in ids if isinstance(i, str) and i}


# --- normalization and field diff ----------------------------------------------------------


def _strip(api: str, resource: str, value: Any, keys: tuple[str, ...] = ()) -> Any:
    """The value minus IGNORED_FIELDS, at any depth."""
    if isinstance(value, dict):
        return {
            k: _strip(api, resource, v, (*keys, k))
            for k, v in value.items()
            if not any(f.matches(api, resource, (*keys, k)) for f in IGNORED_FIELDS)
        }
    if isinstance(value, list):
        return [_strip(api, resource, v, keys) for v in value]
    return value


def _canon(value: Any) -> str:
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


def _diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """Changed leaves as {"path", "old", "new"}; absent on one side reads as None."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[dict[str, Any]] = []
        for k in list(old) + [k for k in new if k not in old]:
            out += _diff(old.get(k), new.get(k), f"{path}.{k}" if path else str(k))
        return out
    if isinstance(old, list) and isinstance(new, list):
        if sorted(map(_canon, old)) == sorted(map(_canon, new)):
            return []  # same items, maybe in another order
        key = _nested_key(old, new)
        if key is None:
            return [{"path": path, "old": old, "new": new}]
        before = {i[key]: i for i in old}
        after = {i[key]: i for i in new}
        out = []
        for k in list(before) + [k for k in after if k not in before]:
            out += _diff(before.get(k), after.get(k), f"{path}[{k}]")
        return out
    if _canon(old) == _canon(new):
        return []
    return [{"path": path, "old": old, "new": new}]


# --- reads ---------------------------------------------------------------------------------


def _failure(read: dict[str, Any]) -> str:
    err = read.get("error") or {}
    parts = [str(err.get("status") or read.get("status"))]
    if err.get("code"):
        parts.append(str(err["code"]))
    text = " ".join(parts)
    if err.get("message"):
        text += f": {err['message']}"
    if err.get("needs"):
        text += f"; needs {err['needs']}"
    return text


def _objects(
    res: snap.Resource, read: dict[str, Any], parent: str | None
) -> dict[str, dict[str, Any]]:
    """The read's objects by key. Call only for an ok read."""
    data = read.get("data")
    if res.kind == "object":
        if not isinstance(data, dict):
            return {}
        key = parent if parent is not None else str(data.get("id") or res.name)
        return {key: data}
    if res.kind == "wrapped":
        data = data.get(res.name) if isinstance(data, dict) else None
    if not isinstance(data, list):
        return {}
    field = ITEM_KEYS.get((res.api, res.name), "id")
    out: dict[str, dict[str, Any]] = {}
    for item in data:
        if not isinstance(item, dict):
            continue
        raw = item.get(field)
        if raw in (None, ""):  # no key: identified by content (a change is removed + added)
            key = "#" + hashlib.sha256(_canon(item).encode()).hexdigest()[:12]
        else:
            key = str(raw)
        n, base = 2, key
        while key in out:
            key, n = f"{base}#{n}", n + 1
        out[key] = item
    return out


#: per-parent resource -> the resource that lists its parents (None: the tenant file does)
PARENT_LIST: dict[str, tuple[str, str, str] | None] = {
    "office365 app": ("okta", "office365Apps", "id"),
    "domain": ("graph", "domains", "id"),
    "service principal": ("graph", "oktaServicePrincipals", "id"),
    "login": None,
}


def _parent_state(doc: dict[str, Any], per: str, key: str) -> str:
    """'present', 'absent' (the parent list was read and lacks it) or 'unknown'."""
    source = PARENT_LIST.get(per)
    if source is None:
        return "unknown"
    api, name, field = source
    read = (doc.get(api) or {}).get(name)
    if not isinstance(read, dict) or not read.get("ok"):
        return "unknown"
    keys = {str(i.get(field)) for i in _items(doc, api, name)}
    return "present" if key in keys else "absent"


# --- the System Log ------------------------------------------------------------------------


def _time(value: Any) -> dt.datetime | None:
    try:
        return snap.parse_time(str(value))
    except ValueError:
        return None


def _events(
    docs: Iterable[tuple[str, dict[str, Any]]],
) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """(app id, event) of every readable per-app System Log, deduplicated by uuid."""
    seen: set[str] = set()
    out: list[tuple[str, dict[str, Any]]] = []
    problems: list[str] = []
    for side, doc in docs:
        for app, read in ((doc.get("okta") or {}).get("logs") or {}).items():
            if not isinstance(read, dict) or not read.get("ok"):
                if side == "current":
                    problems.append(
                        f"okta.logs[{app}]: the System Log read failed in the current "
                        f"snapshot ({_failure(read or {})}); its changes cannot be attributed"
                    )
                continue
            for event in read.get("data") or []:
                if not isinstance(event, dict):
                    continue
                uid = event.get("uuid") or _canon(
                    [event.get("published"), event.get("eventType"), event.get("actor"),
                     event.get("target")]
                )  # fmt: skip
                if uid in seen:
                    continue
                seen.add(uid)
                out.append((app, event))
    return out, problems


def _log_window(doc: dict[str, Any]) -> dict[str, str] | None:
    """since/until of the current System Log reads (their first request's parameters)."""
    for read in ((doc.get("okta") or {}).get("logs") or {}).values():
        if not isinstance(read, dict) or not read.get("ok"):
            continue
        query = urllib.parse.urlsplit(str(read.get("request", "")).removeprefix("GET ")).query
        params = dict(urllib.parse.parse_qsl(query))
        if "since" in params:
            return {"since": params["since"], "until": params.get("until")}
    return None


class _Attribution:
    """The System Log events after the baseline, newest first, indexed by target id and
    alternateId (lower case)."""

    def __init__(self, events: list[tuple[str, dict[str, Any]]], after: dt.datetime | None):
        timed = []
        for app, e in events:
            t = _time(e.get("published"))
            if t is None or (after is not None and t <= after):
                continue
            timed.append((t, app, e))
        timed.sort(key=lambda x: x[0], reverse=True)
        self.events = [(app, e) for _, app, e in timed]
        self.index: dict[str, set[int]] = {}
        for n, (_, e) in enumerate(self.events):
            for target in e.get("target") or []:
                if isinstance(target, dict):
                    for value in _target_ids(target):
                        self.index.setdefault(value, set()).add(n)

    def who(self, ids: set[str], app_level: bool) -> list[dict[str, Any]]:
        found = []
        for n in sorted(set().union(*(self.index.get(i, set()) for i in ids))):
            app, e = self.events[n]
            if str((e.get("outcome") or {}).get("result", "")).upper() in NO_CHANGE_OUTCOMES:
                continue
            targets = [t for t in e.get("target") or [] if isinstance(t, dict)]
            hits = [t for t in targets if _target_ids(t) & ids]
            only_the_app = all(str(t.get("id")) == app for t in hits)
            if only_the_app and not _about_the_app(e, app, targets, app_level):
                continue
            found.append(_who(e))
            if len(found) == MAX_WHO:
                break
        return found


def _about_the_app(e: dict[str, Any], app: str, targets: list[dict[str, Any]],
                   app_level: bool) -> bool:  # fmt: skip
    """Every event of an app's log names the app: it is about the app's own configuration
    only when the app is its only target and it is not routine activity."""
    if not app_level:
        return False
    if any(str(t.get("id")) != app for t in targets):
        return False
    return not str(e.get("eventType", "")).startswith(ACTIVITY_EVENT_PREFIXES)


def _target_ids(target: dict[str, Any]) -> set[str]:
    return {str(v).lower() for v in (target.get("id"), target.get("alternateId")) if v}


def _who(e: dict[str, Any]) -> dict[str, Any]:
    actor = e.get("actor") or {}
    return {
        "actor": actor.get("alternateId") or actor.get("displayName") or actor.get("id"),
        "actorName": actor.get("displayName"),
        "actorType": actor.get("type"),
        "eventType": e.get("eventType"),
        "published": e.get("published"),
        "outcome": (e.get("outcome") or {}).get("result"),
        "displayMessage": e.get("displayMessage"),
        "uuid": e.get("uuid"),
    }


# --- compare -------------------------------------------------------------------------------


def _side(doc: dict[str, Any]) -> dict[str, Any]:
    meta = doc.get("meta") or {}
    return {
        "tenant": meta.get("tenant"),
        "runId": meta.get("runId"),
        "collectedAt": meta.get("collectedAt"),
        "source": meta.get("source"),
        "sha256": snap.digest(doc),
    }


def _same_tenant(baseline: dict[str, Any], current: dict[str, Any]) -> list[str]:
    b, c = baseline.get("meta") or {}, current.get("meta") or {}
    for what, path in (("Okta org", ("okta", "orgUrl")), ("M365 tenant", ("graph", "tenantId"))):
        old, new = _get(b, *path), _get(c, *path)
        if old and new and str(old).rstrip("/").lower() != str(new).rstrip("/").lower():
            raise DriftError(
                f"the baseline is of another {what} ({old}) than this run ({new}); "
                "drift compares two snapshots of the same tenant"
            )
    if b.get("tenant") != c.get("tenant"):
        return [f"the baseline was collected as tenant {b.get('tenant')!r}, this run as "
                f"{c.get('tenant')!r} (same Okta org and M365 tenant)"]  # fmt: skip
    return []


def compare(baseline: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """What changed from ``baseline`` to ``current`` (two snapshot documents of one tenant)."""
    snap.validate(baseline, "baseline")
    snap.validate(current, "current")
    notes = _same_tenant(baseline, current)
    since = _time((baseline.get("meta") or {}).get("collectedAt"))
    until = _time((current.get("meta") or {}).get("collectedAt"))
    if since and until and since > until:
        notes.append("the baseline was collected after this run; old and new are swapped?")

    names = _Names.of(current, baseline)
    events, log_problems = _events((("current", current), ("baseline", baseline)))
    attribution = _Attribution(events, since)
    changes: list[dict[str, Any]] = []
    unreadable: list[str] = []

    for res in snap.RESOURCES:
        if (res.api, res.name) == ("okta", "logs"):
            continue
        old_entry = (baseline.get(res.api) or {}).get(res.name)
        new_entry = (current.get(res.api) or {}).get(res.name)
        if old_entry is None and new_entry is None:
            continue
        where = f"{res.api}.{res.name}"
        if old_entry is None or new_entry is None:
            side = "baseline" if old_entry is None else "current"
            unreadable.append(f"{where}: not comparable, not collected in the {side} snapshot")
            continue
        pairs: list[tuple[str | None, dict[str, Any] | None, dict[str, Any] | None]]
        if res.per_parent:
            keys = list(old_entry) + [k for k in new_entry if k not in old_entry]
            pairs = [(k, old_entry.get(k), new_entry.get(k)) for k in keys]
        else:
            pairs = [(None, old_entry, new_entry)]
        for parent, old, new in pairs:
            label = f"{where}[{parent}]" if parent is not None else where
            parent_label = names.parent(res.api, res.name, parent)
            if parent_label not in (None, parent):
                label += f" ({parent_label})"
            old_objs = _side_objects(res, old, parent, baseline, "baseline", label, unreadable)
            new_objs = _side_objects(res, new, parent, current, "current", label, unreadable)
            if old_objs is None or new_objs is None:
                continue
            changes += _compare_objects(res, parent, parent_label, old_objs, new_objs, names,
                                        attribution)  # fmt: skip

    window = _log_window(current)
    covers = None
    if window and since:
        start = _time(window["since"])
        covers = start is not None and start <= since
        if covers is False:
            notes.append(
                f"the current System Log window starts at {window['since']}, after the "
                f"baseline ({snap.iso_z(since)}): changes made in between cannot be attributed"
            )
    summary = {k: sum(1 for c in changes if c["kind"] == k) for k in ("added", "removed",
                                                                     "changed")}  # fmt: skip
    summary["unreadable"] = len(unreadable)
    return {
        "format": FORMAT,
        "schemaVersion": SCHEMA_VERSION,
        "baseline": _side(baseline),
        "current": _side(current),
        "summary": summary,
        "changes": changes,
        "unreadable": unreadable,
        "systemLog": {
            "events": len(events),
            "newEvents": len(attribution.events),
            "since": snap.iso_z(since) if since else None,
            "window": window,
            "coversBaseline": covers,
            "unreadable": log_problems,
        },
        "notes": notes,
    }


def _side_objects(
    res: snap.Resource,
    read: dict[str, Any] | None,
    parent: str | None,
    doc: dict[str, Any],
    side: str,
    label: str,
    unreadable: list[str],
) -> dict[str, dict[str, Any]] | None:
    """The objects of one side, or None (and a line in ``unreadable``) when not comparable."""
    if read is None:  # per-parent: this parent was not read on this side
        state = _parent_state(doc, res.per or "", parent or "")
        if state == "absent":
            return {}  # its parent is gone (or new): its objects are removed (or added)
        why = (
            f"probed only in the {'baseline' if side == 'current' else 'current'} run"
            if res.per == "login"
            else f"not collected in the {side} snapshot"
        )
        unreadable.append(f"{label}: not comparable, {why}")
        return None
    if not read.get("ok"):
        unreadable.append(f"{label}: not comparable, the {side} read failed ({_failure(read)})")
        return None
    return _objects(res, read, parent)


def _compare_objects(
    res: snap.Resource,
    parent: str | None,
    parent_label: str | None,
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
    names: _Names,
    attribution: _Attribution,
) -> list[dict[str, Any]]:
    out = []
    app_level = (res.api, res.name) in APP_LEVEL
    for key in list(old) + [k for k in new if k not in old]:
        before, after = old.get(key), new.get(key)
        b = _strip(res.api, res.name, before) if before is not None else None
        a = _strip(res.api, res.name, after) if after is not None else None
        if b is not None and a is not None:
            fields = _diff(b, a)
            if not fields:
                continue
            kind = "changed"
        else:
            fields = []
            kind = "added" if b is None else "removed"
        obj = after if after is not None else before
        assert obj is not None
        ids = _ids(res.api, res.name, obj, key, parent)
        if before is not None and after is not None:
            ids |= _ids(res.api, res.name, before, key, parent)
        if app_level and parent is not None:
            ids.add(parent.lower())
        change: dict[str, Any] = {
            "api": res.api,
            "resource": res.name,
            "parent": parent,
            "parentLabel": parent_label,
            "object": key,
            "label": _label(res.api, res.name, obj, key, parent_label, names),
            "kind": kind,
            "fields": fields,
            "note": REMOVED_NOTES.get((res.api, res.name)) if kind == "removed" else None,
            "who": attribution.who(ids, app_level),
        }
        if kind != "changed":
            change["value"] = a if a is not None else b
        out.append(change)
    return out


# --- rendering -----------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def short(value: Any, limit: int = HTML_VALUE_LIMIT) -> str:
    """A value for display: JSON for non-strings; when long, its head and tail, its length and
    a short hash, so two long values that differ in the middle still look different."""
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    if len(text) <= limit:
        return text
    tag = hashlib.sha256(text.encode()).hexdigest()[:8]
    half = max(8, (limit - 30) // 2)
    return f"{text[:half]}…{text[-half // 2 :]} ({len(text)} chars, sha256 {tag}…)"


def _summary_line(drift: dict[str, Any]) -> str:
    s = drift["summary"]
    base = drift["baseline"]
    parts = [f"{s['changed']} changed, {s['added']} added, {s['removed']} removed"]
    text = (
        f"Since the baseline of {base.get('collectedAt')} (run {base.get('runId')}): "
        + ", ".join(parts)
    )
    if s.get("unreadable"):
        text += f"; {s['unreadable']} not comparable"
    log = drift.get("systemLog") or {}
    text += f"; {log.get('newEvents', 0)} new System Log event(s)"
    return text + "."


def _where(c: dict[str, Any]) -> str:
    where = f"{c['api']}.{c['resource']}"
    if c.get("parent") is not None:
        where += f"[{c.get('parentLabel') or c['parent']}]"
    return where


CSS = """
.drift table.drift-changes{table-layout:fixed;width:100%}
.drift table.drift-changes td{overflow-wrap:anywhere}
.drift .c-res{width:16%}.drift .c-obj{width:18%}.drift .c-kind{width:8%}.drift .c-who{width:20%}
.drift .d-added{background:#d4efd4}.drift .d-removed{background:#f8d0d0}
.drift .d-changed{background:#fbe9b7}.drift .kind{font-weight:bold}
.drift .who-none{color:#666;font-style:italic}
"""


def render_html(drift: dict[str, Any]) -> str:
    """An HTML fragment (a <section>): a one-line summary and a table of the changes.

    Everything from the snapshots is escaped; long values are shortened (the JSON keeps
    them whole)."""
    rows = []
    for c in drift["changes"][:HTML_ROW_LIMIT]:
        if c["kind"] == "changed":
            detail = "<br>".join(
                f"<code>{_e(f['path'])}</code>: {_e(short(f['old']))} &rarr; {_e(short(f['new']))}"
                for f in c["fields"]
            )
        else:
            detail = (
                f"<details><summary>{_e(c['kind'])} object</summary>"
                f"<pre>{_e(short(c.get('value'), HTML_VALUE_LIMIT * 4))}</pre></details>"
            )
        if c.get("note"):
            detail += f"<br><small>{_e(c['note'])}</small>"
        if c["who"]:
            who = "<br>".join(
                f"{_e(w['actor'])} <small>{_e(w['eventType'])} at {_e(w['published'])}</small>"
                for w in c["who"]
            )
        else:
            who = "<span class='who-none'>not in the System Log window</span>"
        key = f"<br><small>{_e(c['object'])}</small>" if c["object"] != c["label"] else ""
        parent = ""
        if c.get("parent") is not None:
            parent = f"<br><small>of {_e(c.get('parentLabel') or c['parent'])}</small>"
        rows.append(
            f"<tr class='d-{_e(c['kind'])}' data-kind='{_e(c['kind'])}'>"
            f"<td>{_e(c['api'])}.{_e(c['resource'])}{parent}</td>"
            f"<td>{_e(c['label'])}{key}</td>"
            f"<td class='kind'>{_e(c['kind'].upper())}</td><td>{detail}</td><td>{who}</td></tr>"
        )
    more = len(drift["changes"]) - HTML_ROW_LIMIT
    table = (
        "<table class='drift-changes'><tr><th class='c-res'>Resource</th>"
        "<th class='c-obj'>Object</th><th class='c-kind'>Change</th><th>Old &rarr; new</th>"
        f"<th class='c-who'>Who</th></tr>{''.join(rows)}</table>"
        if rows
        else "<p>No change in the resources the checks read.</p>"
    )
    if more > 0:
        table += f"<p>... and {more} more changes (all in drift.json).</p>"
    extra = "".join(
        f"<li>{_e(line)}</li>"
        for line in [*drift["unreadable"], *drift["systemLog"]["unreadable"], *drift["notes"]]
    )
    return (
        f"<style>{CSS}</style><section class='drift'><h3>Changes since the baseline</h3>"
        f"<p class='drift-summary'>{_e(_summary_line(drift))}</p>{table}"
        + (f"<ul class='drift-notes'>{extra}</ul>" if extra else "")
        + "</section>"
    )


def render_text(drift: dict[str, Any]) -> str:
    """A few lines for the terminal: the summary and the first changes."""
    lines = [f"drift: {_summary_line(drift)}"]
    for c in drift["changes"][:TEXT_CHANGE_LIMIT]:
        if c["kind"] == "changed":
            what = ", ".join(
                f"{f['path']} {short(f['old'], 40)} -> {short(f['new'], 40)}"
                for f in c["fields"][:3]
            )
            if len(c["fields"]) > 3:
                what += f" (+{len(c['fields']) - 3} more)"
        else:
            what = c["kind"]
        who = c["who"][0]["actor"] if c["who"] else "not in the System Log window"
        lines.append(f"  {c['kind']:<7} {_where(c)} {c['label']}: {what} [{who}]")
    if len(drift["changes"]) > TEXT_CHANGE_LIMIT:
        lines.append(f"  ... and {len(drift['changes']) - TEXT_CHANGE_LIMIT} more")
    for line in [*drift["unreadable"], *drift["systemLog"]["unreadable"], *drift["notes"]]:
        lines.append(f"  ! {line}")
    return "\n".join(lines)


def changes_of(drift: dict[str, Any], api: str, resource: str) -> list[dict[str, Any]]:
    """The changes of one resource (a convenience for callers and tests)."""
    return [c for c in drift["changes"] if c["api"] == api and c["resource"] == resource]
