"""Who holds Global Administrator, and how (ESS-02, ESS-05).

Active holders are the user principals of tenant-wide (``directoryScopeId`` "/") active
assignments, and the members of each role-assignable group principal of one. PIM-eligible
holders (``roleEligibilitySchedules``) hold nothing until they activate: an eligible user
who is not also an active holder is "eligible only", listed and never counted.

Sources:
- An assignment's ``principal`` (``$expand=principal``) carries its ``@odata.type``
  (microsoft-graph-docs-contrib api-reference/v1.0/api/rbacapplication-list-roleassignments.md,
  Example 1); schedules the same (resources/unifiedroleeligibilityschedule.md).
- Only a group created with ``isAssignableToRole`` true can be assigned a role, and "Group
  nesting isn't supported. A group can't be added as a member of a role-assignable group"
  (MicrosoftDocs/entra-docs docs/identity/role-based-access-control/groups-concept.md): the
  direct members (``GET /groups/{id}/members``) are all the members. A group principal whose
  isAssignableToRole is false holds no role for its members; one whose flag was not returned
  cannot be judged.
- A members read that failed, or a principal whose type cannot be told, is "cannot tell",
  never "not an administrator": a check that would fail without it ERRORs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..catalog.resources import GLOBAL_ADMIN_ROLE_TEMPLATE, GRAPH_GROUP_TYPE
from .base import BaseView, DataUnavailable, describe_read

GRAPH_USER_TYPE = "#microsoft.graph.user"
DIRECT = "direct"


@dataclass
class GlobalAdmins:
    """Global Administrator holders by Entra user id (lower-case): how each holds it."""

    active: dict[str, list[str]] = field(default_factory=dict)
    #: eligible (PIM) and not active: never counted
    eligible_only: dict[str, list[str]] = field(default_factory=dict)
    #: principals whose members hold nothing through them (a group not role-assignable)
    not_counted: list[str] = field(default_factory=list)
    #: what could not be told about active holders: a failed members read, a principal
    #: of unknown type; an active holder may be missing
    unresolved: list[str] = field(default_factory=list)
    #: the same for eligibility (it lists, never counts: no verdict depends on it)
    eligibility_unresolved: list[str] = field(default_factory=list)


def _tenant_wide_ga(item: dict[str, Any]) -> bool | None:
    """A Global Administrator assignment (or schedule) at the tenant-wide scope "/"; None
    when Graph returned no ``directoryScopeId``: the scope's identifier (unifiedRoleAssignment
    resource) documents no meaning for null, so a missing scope is "cannot tell", never "/"."""
    if item.get("roleDefinitionId") != GLOBAL_ADMIN_ROLE_TEMPLATE:
        return False
    scope = item.get("directoryScopeId")
    return None if scope is None else scope == "/"


def _no_scope(item: dict[str, Any]) -> str:
    return (
        f"principal {str(item.get('principalId') or '').lower()}: directoryScopeId not "
        "returned, cannot tell whether the assignment is tenant-wide"
    )


class RolesView(BaseView):
    """Global Administrator holders (a mixin of TenantView)."""

    @cached_property
    def global_admins(self) -> GlobalAdmins:
        """Active and eligible-only Global Administrators; ERROR when the active
        assignments could not be read.

        >>> sorted(tenant.global_admins.active.values())
        [['direct'], ['direct'], ['via group Break-glass admins']]
        >>> list(tenant.global_admins.eligible_only.values())
        [['eligible (PIM), direct']]
        """
        out = GlobalAdmins()
        active: dict[str, list[str]] = {}
        for a in self.data("graph", "globalAdminAssignments"):
            wide = _tenant_wide_ga(a)
            if wide is None:
                out.unresolved.append(_no_scope(a))
            elif wide:
                self._holders(a, active, out.not_counted, out.unresolved)
        eligible: dict[str, list[str]] = {}
        try:
            schedules = self.data("graph", "globalAdminEligibility")
        except DataUnavailable as exc:
            out.eligibility_unresolved.append(str(exc))
            schedules = []
        for s in schedules:
            wide = _tenant_wide_ga(s)
            if wide is None:
                out.eligibility_unresolved.append(_no_scope(s))
            elif wide:
                self._holders(s, eligible, [], out.eligibility_unresolved)
        out.active = active
        out.eligible_only = {
            uid: [f"eligible (PIM), {how}" for how in hows]
            for uid, hows in eligible.items()
            if uid not in active
        }
        return out

    def _holders(self, item: dict[str, Any], into: dict[str, list[str]],
                 not_counted: list[str], unresolved: list[str]) -> None:  # fmt: skip
        """Add the users an assignment or schedule reaches to ``into`` (user id -> how)."""
        pid = str(item.get("principalId") or "").lower()
        principal = item.get("principal") if isinstance(item.get("principal"), dict) else {}
        kind = principal.get("@odata.type")
        if kind == GRAPH_USER_TYPE or (kind is None and pid in self.entra_by_id):  # type: ignore[attr-defined]
            into.setdefault(pid, []).append(DIRECT)
        elif kind == GRAPH_GROUP_TYPE:
            self._group_members(pid, principal, into, not_counted, unresolved)
        elif kind is None:
            unresolved.append(f"principal {pid}: neither an Entra user nor expanded with its type")
        # a service principal (or other non-user) holds the role itself: no user account

    def _group_members(self, gid: str, group: dict[str, Any], into: dict[str, list[str]],
                       not_counted: list[str], unresolved: list[str]) -> None:  # fmt: skip
        name = group.get("displayName") or gid
        assignable = group.get("isAssignableToRole")
        if assignable is False:
            not_counted.append(
                f"group {name}: not role-assignable (isAssignableToRole false), so its "
                "members hold no role through it"
            )
            return
        if assignable is not True:
            unresolved.append(f"group {name}: isAssignableToRole not returned")
            return
        try:
            read = self.read("graph", "globalAdminGroupMembers", gid)
        except DataUnavailable as exc:
            unresolved.append(f"members of group {name}: {exc}")
            return
        if not read["ok"]:
            unresolved.append(f"members of group {name}: {describe_read(read)}")
            return
        for m in read["data"]:
            mid = str(m.get("id") or "").lower()
            kind = m.get("@odata.type")
            if not mid:
                unresolved.append(f"group {name}: a member without an id ({kind})")
            elif kind == GRAPH_USER_TYPE or (kind is None and mid in self.entra_by_id):  # type: ignore[attr-defined]
                into.setdefault(mid, []).append(f"via group {name}")
            elif kind == GRAPH_GROUP_TYPE or kind is None:
                # nesting is not supported in a role-assignable group (groups-concept.md)
                unresolved.append(f"group {name}: member {mid} of type {kind}, unexpected")

    def _strict(self) -> GlobalAdmins:
        admins = self.global_admins
        if admins.unresolved:
            raise DataUnavailable(
                "cannot tell every Global Administrator: " + "; ".join(admins.unresolved)
            )
        return admins

    @property
    def global_admin_ids(self) -> set[str]:
        """Entra user ids holding an active, tenant-wide Global Administrator assignment,
        directly or through a role-assignable group; ERROR when one may be missing."""
        return set(self._strict().active)

    def users_by_id(self, ids: object) -> list[dict[str, Any]]:
        """The Entra users with these ids (ids Graph has no user for are left out), by UPN."""
        return sorted(
            (self.entra_by_id[i] for i in ids if i in self.entra_by_id),  # type: ignore[attr-defined]
            key=lambda u: (u.get("userPrincipalName") or "").lower(),
        )

    @property
    def global_admin_users(self) -> list[dict[str, Any]]:
        """Entra users holding an active Global Administrator assignment (directly or through
        a role-assignable group); ERROR when one may be missing.

        >>> [u["userPrincipalName"] for u in tenant.global_admin_users][1]
        'breakglass2@contosodemo.onmicrosoft.com'
        """
        return self.users_by_id(self.global_admin_ids)

    def upns(self, holders: dict[str, list[str]]) -> dict[str, str]:
        """UPN (or the id, for a user Graph did not list) -> how, for evidence and messages."""
        named = {i: (self.entra_by_id.get(i) or {}).get("userPrincipalName") for i in holders}  # type: ignore[attr-defined]
        return dict(sorted((named[i] or i, ", ".join(h)) for i, h in holders.items()))
