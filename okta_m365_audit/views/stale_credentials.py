"""Stale Okta credentials in Entra (CRED-05): Okta service principals that outlived the
connection they served and still hold a directory role or consented permissions.

- Every legacy "Okta AAD Service Principal" (catalog/consent.py) is stale once it holds a
  directory role, an application permission or a delegated grant: the admin-credential
  flow that used it is gone.
- Any other Okta principal whose ``appId`` is not the client id of a current provisioning
  connection is stale when it holds a directory role or one of the provisioning write
  permissions (application or delegated): a provisioning client of an earlier connection.
  Okta's federation client holds Domain.ReadWrite.All and RoleManagement.ReadWrite.Directory
  by design (api-facts.md Corrections, "Okta's Entra service principals"): not
  provisioning, so not stale; its permissions are evidence.
- The display name is evidence, never the test (as CRED-03): a renamed client is still
  found by its appId.
"""

from __future__ import annotations

from typing import Any

from ..catalog.consent import connection_client_ids, is_legacy_principal
from .base import BaseView, DataUnavailable, require_field

#: what only a provisioning client needs: "Okta Microsoft Graph Client"'s write permissions
#: (api-facts.md §13) and the directory-wide one that covers them all
PROVISIONING_WRITE = frozenset(
    {"User.ReadWrite.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All",
     "Directory.ReadWrite.All"}
)  # fmt: skip


class StaleCredentialsView(BaseView):
    def current_client_ids(self) -> set[str]:
        """Client ids of the current connections (lower-case); ERROR when the judged
        instance's connection cannot tell its client (CredentialsView)."""
        judged = self.connection_client_id  # type: ignore[attr-defined]
        others = connection_client_ids(self.doc["okta"].get("appConnection"))
        return {judged.lower(), *(c.lower() for c in others)}

    def _graph_permission_names(self) -> tuple[set[str], dict[str, str]]:
        """(Microsoft Graph's principal ids, its appRole id -> permission ``value``)."""
        sps = self.data("graph", "graphServicePrincipal")
        ids = {str(sp.get("id")) for sp in sps if sp.get("id")}
        if not ids:
            raise DataUnavailable(
                "GET /servicePrincipals returned Microsoft Graph's principal without id: cannot "
                "tell which app role assignments grant Graph permissions"
            )
        names = {
            str(r["id"]): str(r["value"])
            for sp in sps
            for r in sp.get("appRoles") or []
            if isinstance(r, dict) and r.get("id") and r.get("value")
        }
        return ids, names

    def principal_permissions(self, sp: dict[str, Any], named: bool = True) -> set[str]:
        """A principal's live application permissions (Microsoft Graph's by name, other
        APIs' as ``<resource>: <appRoleId>``) and every delegated scope granted to it,
        whatever the consent type; ERROR naming the field where one cannot be told.
        ``named`` False: a Graph permission whose name cannot be told is kept by its id
        (for a legacy principal any permission is stale, whichever it is)."""
        graph_ids, names = self._graph_permission_names()
        out: set[str] = set()
        for a in self.data("graph", "appRoleAssignments", sp["id"]):
            if a.get("deletedDateTime") is not None:
                continue
            role, resource = a.get("appRoleId"), a.get("resourceId")
            if not role or not resource:
                raise DataUnavailable(
                    f"an app role assignment of {sp.get('displayName')} came without "
                    f"{'appRoleId' if not role else 'resourceId'}: cannot tell what it grants"
                )
            if str(resource) not in graph_ids:
                out.add(f"{a.get('resourceDisplayName') or resource}: {role}")
            elif str(role) in names:
                out.add(names[str(role)])
            elif not named:
                out.add(f"Microsoft Graph app role {role}")
            else:
                raise DataUnavailable(
                    f"cannot tell which Microsoft Graph permission app role {role} of "
                    f"{sp.get('displayName')} is: no appRoles entry has that id with a value"
                )
        for g in self.data("graph", "oauth2PermissionGrants", sp["id"]):
            if not isinstance(g.get("scope"), str):
                raise DataUnavailable(
                    f"a delegated grant of {sp.get('displayName')} came without scope"
                )
            out.update(g["scope"].split())
        return out

    def stale_principals(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(stale principals, the other Okta principals judged), each with its roles and
        permissions; ERROR when a read they need failed."""
        clients = self.current_client_ids()
        principals = require_field(
            self.okta_service_principals, "appId",  # type: ignore[attr-defined]
            "GET /servicePrincipals", "cannot tell a current client from an earlier one",
        )  # fmt: skip
        stale, kept = [], []
        for sp in principals:
            legacy = is_legacy_principal(sp)
            if str(sp["appId"]).lower() in clients and not legacy:
                continue
            roles = self.directory_roles(sp["id"])  # type: ignore[attr-defined]
            perms = self.principal_permissions(sp, named=not legacy)
            row = {
                "principal": sp.get("displayName"),
                "id": sp.get("id"),
                "appId": sp.get("appId"),
                "kind": "legacy" if legacy else "not a current connection's client",
                "directory roles": roles,
                "permissions": sorted(perms),
            }
            if roles or (perms if legacy else perms & PROVISIONING_WRITE):
                stale.append(row)
            else:
                kept.append(row)
        return stale, kept
