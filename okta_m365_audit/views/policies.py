"""Okta authentication policies: which rules a sign-in can reach, and what they demand
(ORG-05: the Admin Console; FED-10: the Office 365 app, per client type).

Okta evaluates an authentication policy's ACTIVE rules in priority order and applies the
first whose conditions match (spec AccessPolicyRuleConditions: "conditions for at least
one rule must be met to apply the settings specified in the policy and the associated
rule"). So a rule is *reached* by some sign-in unless an earlier rule matches every sign-in:
an *unconditional* rule. A condition this module does not know is taken as narrowing (the
walk goes on and judges more rules): an unknown shape can add findings or ERRORs, never
hide a rule that lets someone in.

What a reached rule demands (spec AccessPolicyRuleApplicationSignOn, AssuranceMethod):
``access`` DENY, or ALLOW with ``verificationMethod`` ``type`` ASSURANCE and ``factorMode``
1FA or 2FA. An authenticator chain (AUTH_METHOD_CHAIN) or identity proofing is not judged
here: a rule of that kind that a check needs to judge ERRORs, saying so.

``conditions.office365Client.include`` (WEB, MODERN_AUTH, EXCHANGE_ACTIVE_SYNC, AAD_JOIN)
is not in the spec; it is shown on a real Office 365 rule in okta/terraform-provider-okta
issue 1387 and PR 2644 (api-facts.md, Corrections). A rule without it applies to every
client (an absent condition does not narrow: inference).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from ..catalog.resources import ADMIN_CONSOLE_APP, access_policy_id
from .base import BaseView, DataUnavailable

OFFICE365_CLIENTS = ("WEB", "MODERN_AUTH", "EXCHANGE_ACTIVE_SYNC", "AAD_JOIN")

#: conditions whose empty value (None, {}, [] or a dict of empties) matches every sign-in
_CONDITIONS = ("people", "network", "device", "platform", "riskScore", "userType", "elCondition")


def _empty(value: Any) -> bool:
    if value is None or value == [] or value == {} or value == "":
        return True
    return isinstance(value, dict) and all(_empty(v) for v in value.values())


def _matches_all(name: str, value: Any) -> bool:
    """Whether one condition lets every sign-in through."""
    if _empty(value):
        return True
    if name == "network" and isinstance(value, dict):
        # spec PolicyNetworkCondition: ANYWHERE is every network
        rest = {k: v for k, v in value.items() if k != "connection"}
        return value.get("connection") == "ANYWHERE" and _empty(rest)
    if name == "riskScore" and isinstance(value, dict):
        return value.get("level") == "ANY" and _empty(
            {k: v for k, v in value.items() if k != "level"}
        )
    return False


def narrowing(rule: dict[str, Any], ignore: tuple[str, ...] = ()) -> list[str]:
    """The conditions of a rule that leave some sign-ins out (every unknown one included),
    bar those in ``ignore``. No conditions at all match every sign-in only on the system
    catch-all rule; on any other rule they are not known, so the walk goes past it."""
    conditions = rule.get("conditions")
    if conditions is None:  # the catch-all's shape (spec example); on another rule: unknown
        return [] if rule.get("system") is True else ["conditions"]
    if not isinstance(conditions, dict):
        return ["conditions"]
    return [
        name
        for name, value in conditions.items()
        if name not in ignore and not (name in _CONDITIONS and _matches_all(name, value))
    ]


def active_in_order(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ACTIVE rules as Okta evaluates them: by ``priority``, the system (catch-all) rule
    last; a rule without a priority (but the catch-all) makes the order unknown: ERROR."""

    active = [r for r in rules if r.get("status") == "ACTIVE"]
    unordered = [
        r for r in active if r.get("system") is not True and not isinstance(r.get("priority"), int)
    ]
    if unordered and len(active) > 1:
        raise DataUnavailable(
            "cannot tell the order Okta evaluates these rules in: no priority on "
            + ", ".join(repr(r.get("name")) for r in unordered)
        )

    def key(r: dict[str, Any]) -> tuple[bool, bool, int]:
        p = r.get("priority")
        return (r.get("system") is True, not isinstance(p, int), p if isinstance(p, int) else 0)

    return sorted(active, key=key)


def sign_on(rule: dict[str, Any]) -> dict[str, Any]:
    """A rule's access and verification, flattened for evidence and judging."""
    app_sign_on = ((rule.get("actions") or {}).get("appSignOn")) or {}
    method = app_sign_on.get("verificationMethod")
    method = method if isinstance(method, dict) else {}
    return {
        "rule": rule.get("name"),
        "id": rule.get("id"),
        "priority": rule.get("priority"),
        "system": rule.get("system"),
        "access": app_sign_on.get("access"),
        "method": method.get("type"),
        "factorMode": method.get("factorMode"),
    }


def strength(rule: dict[str, Any]) -> str:
    """'deny', '2FA', '1FA' or 'unknown' (a chain, identity proofing, a missing field)."""
    s = sign_on(rule)
    if s["access"] == "DENY":
        return "deny"
    if s["access"] != "ALLOW":
        return "unknown"
    if s["method"] == "ASSURANCE" and s["factorMode"] in ("1FA", "2FA"):
        return s["factorMode"]
    return "unknown"


def reached(rules: list[dict[str, Any]], client: str | None = None) -> tuple[list, bool]:
    """(the ACTIVE rules a sign-in can reach, in order, and whether the walk ended at an
    unconditional rule). With ``client``: only rules that may apply to that Office 365
    client, and a rule is unconditional for it when nothing but ``office365Client`` narrows
    it. A client value outside the four known ones raises DataUnavailable."""
    out = []
    for rule in active_in_order(rules):
        ignore: tuple[str, ...] = ()
        if client is not None:
            clients = office365_clients(rule)
            if clients and client not in clients:
                continue
            ignore = ("office365Client",)
        out.append(rule)
        if not narrowing(rule, ignore):
            return out, True
    return out, False


def office365_clients(rule: dict[str, Any]) -> list[str]:
    """The clients a rule is limited to ([] = every client)."""
    cond = (rule.get("conditions") or {}).get("office365Client")
    if _empty(cond):
        return []
    if (
        not isinstance(cond, dict)
        or set(cond) - {"include"}
        or not isinstance(cond["include"], list)
    ):
        raise DataUnavailable(
            f"rule {rule.get('name')!r} has an office365Client condition this suite cannot "
            f"read ({cond!r}); only an include list of {', '.join(OFFICE365_CLIENTS)} is known"
        )
    unknown = [c for c in cond["include"] if c not in OFFICE365_CLIENTS]
    if unknown:
        raise DataUnavailable(
            f"rule {rule.get('name')!r} names Office 365 client type(s) {unknown} this suite "
            f"does not know (known: {', '.join(OFFICE365_CLIENTS)})"
        )
    return list(cond["include"])


class PolicyView(BaseView):
    @cached_property
    def admin_console_app(self) -> dict[str, Any]:
        """The Admin Console app (``name`` saasure); ERROR when Okta lists none or several."""
        apps = self.data("okta", "adminConsoleApp")
        found = [a for a in apps if isinstance(a, dict) and a.get("name") == ADMIN_CONSOLE_APP]
        if len(found) != 1:
            raise DataUnavailable(
                f'GET /api/v1/apps?filter=name eq "{ADMIN_CONSOLE_APP}" listed {len(found)} '
                "Admin Console apps; expected exactly one"
            )
        return found[0]

    def policy_rules(self, app: dict[str, Any], resource: str) -> tuple[str, list[dict]]:
        """(policy id, its rules) of an app's authentication policy; ERROR when the app has no
        policy link (a Classic Engine org has none) or the rules were not read."""
        policy = access_policy_id(app)
        if policy is None:
            raise DataUnavailable(
                f"the Okta app {app.get('label')!r} ({app.get('id')}) has no authentication "
                "policy link (_links.accessPolicy.href): a Classic Engine org, or a field Okta "
                "did not return; its sign-on rules cannot be judged"
            )
        rules = self.data("okta", resource, policy)
        if not isinstance(rules, list):
            raise DataUnavailable(f"GET /api/v1/policies/{policy}/rules returned no list")
        rules = [r for r in rules if isinstance(r, dict)]
        if not active_in_order(rules):
            raise DataUnavailable(
                f"GET /api/v1/policies/{policy}/rules listed no rule with status ACTIVE (every "
                "authentication policy has an active catch-all rule): cannot tell how it "
                "treats a sign-in"
            )
        return policy, rules


def rule_text(s: dict[str, Any]) -> str:
    """One rule of :func:`sign_on` in a message, naming each field it shows."""
    text = f"{s['rule']!r} (priority {s['priority']}): actions.appSignOn.access {s['access']}"
    if s["access"] != "DENY":
        text += f", verificationMethod.type {s['method']}, factorMode {s['factorMode']}"
    return text
