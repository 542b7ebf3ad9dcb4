"""The Entra guards around federation: Conditional Access and Security Defaults judged for
the break-glass accounts (ESS-06) and for legacy authentication (FED-12).

- A policy **could lock a break-glass account out** when it is ``enabled``, targets some
  application (``includeApplications`` other than ``None``, a user action, an authentication
  context, an ``applicationFilter`` not in exclude mode, or an applications field this module
  does not know) and has any grant control (a built-in control, a custom factor, terms of use
  or an authentication strength): each of those can refuse the account. A session-only
  policy refuses nobody.
- A policy **includes** an account through ``All``, its id, a group it is in (transitively:
  ``transitiveMemberOf``) or a role it holds (Global Administrator from the role reads,
  others from the directory roles ``transitiveMemberOf`` lists); it **excludes** it the same
  ways. Role ids in include/excludeRoles are role *template* ids (Microsoft's Conditional
  Access templates target 62e90394-... for Global Administrator): an inference.
  ``transitiveMemberOf`` also lists administrative units, which no policy can name: skipped.
- **Legacy authentication is blocked** (FED-12) by Security Defaults or by one enabled policy
  that only blocks, for ``exchangeActiveSync`` and ``other`` (or ``all``) client apps, all
  applications (no ``applicationFilter``, user action or authentication context), all users,
  no narrowing condition, excluding nobody but break-glass accounts (directly, through
  groups whose every transitive member is one, or Global Administrator when every active
  holder is one).

Whatever cannot be read is "cannot tell" (DataUnavailable): never a pass. Conditional Access
needs Entra ID P1; what the policy list answers on a tenant without it is unconfirmed, so a
refusal's message names the licence as a likely cause.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from ..catalog.guards import ENABLED, break_glass_logins, ids_in, policy_users
from ..catalog.resources import GLOBAL_ADMIN_ROLE_TEMPLATE, GRAPH_GROUP_TYPE
from .base import BaseView, DataUnavailable, describe_read
from .ca_policies import (  # checked_state: also tests_integration's
    checked,
    checked_state,
    lockout_controls,
    narrowing,
    policy_apps,
    targets_something,
)

DIRECTORY_ROLE_TYPE = "#microsoft.graph.directoryRole"
#: transitiveMemberOf lists "groups, directory roles, and administrative units that the user
#: is a member of" (microsoft-graph-docs-contrib api-reference/v1.0/api/
#: user-list-transitivememberof.md); conditionalAccessUsers names users, groups, roles and
#: guests only (include/exclude Users, Groups, Roles, GuestsOrExternalUsers: api-reference/
#: v1.0/resources/conditionalaccessusers.md), so no policy reaches an account through a unit
ADMIN_UNIT_TYPE = "#microsoft.graph.administrativeUnit"
LEGACY_CLIENTS = ("exchangeActiveSync", "other")
_P1 = (
    "; Conditional Access needs Entra ID P1: on a tenant without it the policy list may be "
    "refused (the likely cause of a 403 here), and these checks cannot be judged"
)


class GuardsView(BaseView):
    """Conditional Access, Security Defaults and the break-glass accounts (a TenantView mixin)."""

    @cached_property
    def ca_policies(self) -> list[dict[str, Any]]:
        """``GET /identity/conditionalAccess/policies``; ERROR (naming the P1 licence) when
        not readable.

        >>> [p["displayName"] for p in tenant.ca_policies]
        ['CA001: Require MFA for all users', 'CA002: Block legacy authentication']
        """
        read = self.read("graph", "caPolicies")
        if not read["ok"]:
            raise DataUnavailable(describe_read(read) + _P1)
        return [p for p in read["data"] if isinstance(p, dict)]

    @property
    def enabled_ca_policies(self) -> list[dict[str, Any]]:
        """The enforced policies; ERROR when a policy's state cannot be read."""
        return [p for p in self.ca_policies if checked_state(p) == ENABLED]

    @cached_property
    def security_defaults_on(self) -> bool:
        """``isEnabled`` of Security Defaults; ERROR when unreadable or not a boolean."""
        policy = self.data("graph", "securityDefaults")
        enabled = policy.get("isEnabled") if isinstance(policy, dict) else None
        if not isinstance(enabled, bool):
            raise DataUnavailable(
                "GET /policies/identitySecurityDefaultsEnforcementPolicy did not return isEnabled"
            )
        return enabled

    @property
    def break_glass_logins(self) -> list[str]:
        expect = self.cfg.expect
        return break_glass_logins(expect.excluded_accounts, expect.service_account)

    def break_glass_user(self, upn: str) -> dict[str, Any] | None:
        """The break-glass account's Entra user, None when Entra has none; ERROR when a user
        came back without its UPN (the account may be that one)."""
        user = self.entra_user(upn)  # type: ignore[attr-defined]
        if user is None and any(not u.get("userPrincipalName") for u in self.entra_users):  # type: ignore[attr-defined]
            raise DataUnavailable(
                f"GET /users returned users without userPrincipalName: cannot find the "
                f"break-glass account {upn}"
            )
        return user

    def break_glass_reach(self, upn: str) -> dict[str, set[str]]:
        """How a break-glass account can be named by a policy: its id, its groups and its
        roles (lower-case ids), and (for the record) the administrative units it is in, which
        no policy can name; ERROR when it is not in Entra, its groups are unreadable or one
        of its memberships is of a type this module does not know."""
        user = self.break_glass_user(upn)
        if user is None:
            raise DataUnavailable(
                f"the break-glass account {upn} is not in Entra (see ESS-03): cannot tell "
                "which policies reach it"
            )
        if not user.get("id"):
            raise DataUnavailable(
                f"GET /users returned {upn} without id: its groups cannot be read"
            )
        uid = str(user["id"]).lower()
        groups, roles, units = set(), set(), set()
        for item in self.data("graph", "breakGlassMemberOf", user["id"]):
            kind = item.get("@odata.type")
            if kind == ADMIN_UNIT_TYPE:  # no policy names one (ADMIN_UNIT_TYPE): skipped
                units.add(str(item.get("displayName") or item.get("id")))
                continue
            key = {GRAPH_GROUP_TYPE: "id", DIRECTORY_ROLE_TYPE: "roleTemplateId"}.get(kind)
            if key and not item.get(key):
                raise DataUnavailable(
                    f"GET /users/{{id}}/transitiveMemberOf of {upn} returned a {kind} without "
                    f"{key}: cannot tell whether a policy names it"
                )
            if kind == GRAPH_GROUP_TYPE:
                groups.add(str(item["id"]).lower())
            elif kind == DIRECTORY_ROLE_TYPE:
                roles.add(str(item["roleTemplateId"]).lower())
            else:
                raise DataUnavailable(
                    f"transitiveMemberOf of {upn} returned an object of type {kind!r} "
                    f"({item.get('id')}): cannot tell its groups and roles"
                )
        return {"user": {uid}, "groups": groups, "roles": roles, "administrativeUnits": units}

    def _holds_ga(self, uid: str, roles: set[str]) -> bool:
        """Whether the account holds Global Administrator actively; ERROR when the role
        reads cannot tell."""
        if uid in self.global_admins.active:  # type: ignore[attr-defined]
            return True
        if self.global_admins.unresolved:  # type: ignore[attr-defined]
            raise DataUnavailable(
                "cannot tell every Global Administrator: "
                + "; ".join(self.global_admins.unresolved)  # type: ignore[attr-defined]
            )
        return GLOBAL_ADMIN_ROLE_TEMPLATE in roles

    def reaches(
        self, upn: str, reach: dict[str, set[str]], users: dict[str, Any], side: str
    ) -> str:
        """Why ``users`` (a policy's conditions.users) includes or excludes the account
        (``side`` "include" or "exclude"), or "" when it does not."""
        uid = next(iter(reach["user"]))
        named = {i.lower() for i in ids_in(users, f"{side}Users")}
        if side == "include" and "all" in named:
            return "all users"
        if uid in named:
            return "by id"
        groups = {g.lower() for g in ids_in(users, f"{side}Groups")} & reach["groups"]
        if groups:
            return "through group " + ", ".join(sorted(groups))
        roles = {r.lower() for r in ids_in(users, f"{side}Roles")}
        held = roles & reach["roles"]
        if GLOBAL_ADMIN_ROLE_TEMPLATE in roles and self._holds_ga(uid, reach["roles"]):
            held.add(GLOBAL_ADMIN_ROLE_TEMPLATE)
        if held:
            return "through role " + ", ".join(sorted(held))
        return ""

    def lockouts(self, upn: str) -> list[dict[str, Any]]:
        """The enabled policies that can refuse the break-glass account and do not exclude
        it: (policy, controls, why included)."""
        reach = self.break_glass_reach(upn)
        out = []
        for p in self.enabled_ca_policies:
            controls = lockout_controls(checked(p))
            if not controls or not targets_something(p):
                continue
            users = policy_users(p) or {}
            why = self.reaches(upn, reach, users, "include")
            if why and not self.reaches(upn, reach, users, "exclude"):
                out.append({"policy": p.get("displayName") or p.get("id"),
                            "controls": controls, "includes it": why})  # fmt: skip
        return out

    # --- FED-12: legacy authentication blocked ---

    def _group_outsiders(self, gid: str, allowed: set[str]) -> list[str]:
        """Members of an excluded group who are not break-glass accounts (UPN or id)."""
        out = []
        for m in self.data("graph", "caExcludedGroupMembers", gid):
            mid = str(m.get("id") or "").lower()
            if m.get("@odata.type") == GRAPH_GROUP_TYPE:
                continue  # transitive: the nested group's members are listed too
            if not mid:
                raise DataUnavailable(f"a member of group {gid} came without an id")
            if mid not in allowed:
                out.append(m.get("userPrincipalName") or mid)
        return out

    def legacy_block_problems(self, policy: dict[str, Any]) -> list[str]:
        """Why ``policy`` is not a block of legacy authentication for every federated user
        ([] when it is one); ERROR when whom it excludes cannot be told."""
        problems = []
        checked(policy, "clientAppTypes")
        grant = policy.get("grantControls") or {}
        controls = lockout_controls(policy)
        if "block" not in controls:
            problems.append(f"does not block (grantControls: {', '.join(controls) or 'none'})")
        elif len(controls) > 1 and grant.get("operator") != "AND":
            problems.append(f"block is one choice among {', '.join(controls)} (operator OR)")
        clients = set((policy.get("conditions") or {}).get("clientAppTypes") or [])
        if "all" not in clients and not set(LEGACY_CLIENTS) <= clients:
            problems.append(f"clientAppTypes {sorted(clients)}, not exchangeActiveSync and other")
        apps = policy_apps(policy)
        if "All" not in (apps.get("includeApplications") or []) or apps.get("excludeApplications"):
            problems.append("not all applications (includeApplications, excludeApplications)")
        users = policy_users(policy) or {}
        if "All" not in ids_in(users, "includeUsers"):
            problems.append("not all users (includeUsers)")
        problems += [f"narrowed by {c}" for c in narrowing(policy)]
        return problems + self._exclusion_problems(users)

    def _exclusion_problems(self, users: dict[str, Any]) -> list[str]:
        glass = {
            str(u["id"]).lower()
            for upn in self.break_glass_logins
            if (u := self.break_glass_user(upn)) and u.get("id")
        }
        out = []
        others = [i for i in ids_in(users, "excludeUsers") if i.lower() not in glass]
        if others:
            upns = [(self.entra_by_id.get(i.lower()) or {}).get("userPrincipalName") or i  # type: ignore[attr-defined]
                    for i in others]  # fmt: skip
            out.append(f"excludes users beyond the break-glass accounts: {', '.join(upns)}")
        for gid in ids_in(users, "excludeGroups"):
            outsiders = self._group_outsiders(gid.lower(), glass)
            if outsiders:
                out.append(f"excludes group {gid}, whose members include {', '.join(outsiders)}")
        for rid in ids_in(users, "excludeRoles"):
            if rid.lower() != GLOBAL_ADMIN_ROLE_TEMPLATE:
                out.append(f"excludes the holders of role {rid}")
                continue
            holders = self.global_admin_ids - glass  # type: ignore[attr-defined]
            if holders:
                out.append(
                    "excludes Global Administrators, among them "
                    + ", ".join(sorted(self.upns({h: [] for h in holders})))  # type: ignore[attr-defined]
                )
        for key in ("excludeGuestsOrExternalUsers",):
            if users.get(key):
                out.append("excludes guests or external users")
        return out
