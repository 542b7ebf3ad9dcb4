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
from .base import BaseView

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

    def stale_principals(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(stale principals, the other Okta principals judged), each with its roles and
        permissions; ERROR when a read they need failed."""
        clients = self.current_client_ids()
        stale, kept = [], []
        for sp in self.okta_service_principals:  # type: ignore[attr-defined]
            app_id = str(sp.get("appId") or "").lower()
            if app_id in clients and not is_legacy_principal(sp):
                continue
            legacy = is_legacy_principal(sp)
            roles = self.directory_roles(sp["id"])  # type: ignore[attr-defined]
            perms = self.granted_permissions(sp["id"])  # type: ignore[attr-defined]
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
