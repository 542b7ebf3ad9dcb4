"""Drift's rows for the resources read since issue 17 said in plain words: "Conditional
Access policy CA002: state enabled -> disabled; excluded groups added g1", "API token
Reporting added", "Security Defaults turned on". The field list stays beside it (the JSON
keeps every path and value); these words are for the person reading the report.

Field names: microsoft-graph-docs-contrib resources/conditionalaccesspolicy.md (state,
conditions.users.*, grantControls), identitysecuritydefaultsenforcementpolicy.md
(isEnabled); Okta spec AccessPolicyRule (actions.appSignOn.access, verificationMethod.
factorMode), ThreatInsightConfiguration (action, excludeZones), ApiToken, the role
assignment (type, label, status). Values stay raw here: the renderers escape them.
"""

from __future__ import annotations

import json
from typing import Any

#: (api, resource) -> what one object is called
KINDS: dict[tuple[str, str], str] = {
    ("graph", "caPolicies"): "Conditional Access policy",
    ("graph", "securityDefaults"): "Security Defaults",
    ("graph", "breakGlassMemberOf"): "break-glass account's group",
    ("graph", "caExcludedGroupMembers"): "member of a group Conditional Access excludes",
    ("okta", "oktaAdmins"): "Okta admin",
    ("okta", "oktaAdminRoles"): "admin role",
    ("okta", "threatInsight"): "ThreatInsight",
    ("okta", "apiTokens"): "API token",
    ("okta", "adminConsoleApp"): "Admin Console app",
    ("okta", "adminConsolePolicyRules"): "Admin Console sign-on rule",
    ("okta", "office365PolicyRules"): "Office 365 sign-on rule",
}

_RULE = {
    "name": "name",
    "status": "status",
    "priority": "priority",
    "actions.appSignOn.access": "access",
    "actions.appSignOn.verificationMethod.factorMode": "factor mode",
    "actions.appSignOn.verificationMethod.reauthenticateIn": "re-authentication",
    "actions.appSignOn.verificationMethod.constraints": "factor constraints",
    "conditions.people.groups.include": "groups included",
    "conditions.people.groups.exclude": "groups excluded",
    "conditions.people.users.exclude": "users excluded",
    "conditions.network.connection": "network",
}
#: (api, resource) -> field path (list selectors removed) -> its name in words
FIELDS: dict[tuple[str, str], dict[str, str]] = {
    ("graph", "caPolicies"): {
        "displayName": "name",
        "state": "state",
        "conditions.users.includeUsers": "users included",
        "conditions.users.excludeUsers": "users excluded",
        "conditions.users.includeGroups": "groups included",
        "conditions.users.excludeGroups": "groups excluded",
        "conditions.users.excludeRoles": "roles excluded",
        "conditions.applications.includeApplications": "apps included",
        "conditions.clientAppTypes": "client apps",
        "grantControls.builtInControls": "grant controls",
        "grantControls.operator": "grant operator",
        "grantControls.authenticationStrength": "authentication strength",
    },
    ("okta", "threatInsight"): {"action": "action", "excludeZones": "excluded zones"},
    ("okta", "apiTokens"): {
        "name": "name",
        "userId": "owner",
        "tokenWindow": "token window",
        "network.connection": "network",
    },
    ("okta", "oktaAdminRoles"): {
        "type": "role type",
        "label": "role",
        "status": "status",
        "assignmentType": "assigned to",
    },
    ("okta", "adminConsolePolicyRules"): _RULE,
    ("okta", "office365PolicyRules"): _RULE,
    ("okta", "adminConsoleApp"): {
        "_links.accessPolicy.href": "authentication policy",
        "status": "status",
    },
}


def label_of(api: str, name: str, obj: dict[str, Any], key: str, parent_label: str | None,
             logins: dict[str, str]) -> str | None:  # fmt: skip
    """A human name for an object of these resources; None for the others."""
    r = (api, name)
    if r == ("okta", "oktaAdmins"):
        return logins.get(key, key)
    if r == ("okta", "oktaAdminRoles"):
        return f"{obj.get('label') or obj.get('type') or key} of {parent_label}"
    if r == ("okta", "threatInsight"):
        return "ThreatInsight"
    if r == ("okta", "adminConsoleApp"):
        return str(obj.get("label") or "Okta Admin Console")
    if r == ("okta", "apiTokens"):
        return str(obj.get("name") or key)
    if r == ("graph", "caExcludedGroupMembers"):
        return str(obj.get("userPrincipalName") or obj.get("displayName") or key)
    if r == ("graph", "securityDefaults"):
        return "Security Defaults"
    return None


def _plain(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "none"
    return json.dumps(value, default=str, ensure_ascii=False)


def _list_change(old: Any, new: Any) -> str | None:
    """ "added x, y; removed z" for two lists of scalars, else None."""
    if not (isinstance(old, list | type(None)) and isinstance(new, list | type(None))):
        return None
    old, new = old or [], new or []
    if any(isinstance(v, dict | list) for v in old + new):
        return None
    added = [v for v in new if v not in old]
    removed = [v for v in old if v not in new]
    parts = []
    if added:
        parts.append("added " + ", ".join(_plain(v) for v in added))
    if removed:
        parts.append("removed " + ", ".join(_plain(v) for v in removed))
    return "; ".join(parts) or None


def _bare(path: str) -> str:
    """The path without list selectors: ``agents[a1].version`` -> ``agents.version``."""
    out, depth = [], 0
    for ch in path:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def describe(api: str, name: str, kind: str, label: str, fields: list[dict[str, Any]],
             value: Any) -> str | None:  # fmt: skip
    """One sentence for a change of these resources; None for the others."""
    what = KINDS.get((api, name))
    if what is None:
        return None
    if (api, name) == ("graph", "securityDefaults") and kind == "changed":
        flip = next((f for f in fields if f["path"] == "isEnabled"), None)
        if flip is not None and isinstance(flip["new"], bool):
            return f"Security Defaults turned {'on' if flip['new'] else 'off'}"
    subject = what if label == what else f"{what} {label}"
    if kind == "added":
        state = value.get("state") or value.get("status") if isinstance(value, dict) else None
        return f"{subject} added" + (f" ({state})" if isinstance(state, str) else "")
    if kind == "removed":
        return f"{subject} removed"
    names = FIELDS.get((api, name), {})
    parts = []
    for f in fields:
        bare = _bare(f["path"])
        word = names.get(bare) or next(
            (w for p, w in names.items() if bare.startswith(p + ".")), bare
        )
        listed = _list_change(f["old"], f["new"])
        parts.append(f"{word} {listed}" if listed else
                     f"{word} {_plain(f['old'])} -> {_plain(f['new'])}")  # fmt: skip
    return f"{subject}: " + "; ".join(parts)
