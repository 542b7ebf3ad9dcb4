"""People on both sides: Entra users, Okta users, Office 365 assignments, and the join between
them (ESS, PREP-04/05, IMP checks).

Users are matched on the UPN, case-insensitively (IMP-01); assignments on externalId (the
Entra object id) or on credentials.userName (the UPN), since Okta fills externalId only once
it has provisioned or matched the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..snapshot import GLOBAL_ADMIN_ROLE_TEMPLATE
from .base import BaseView, DataUnavailable


def domain_of(upn: str | None) -> str:
    return (upn or "").rsplit("@", 1)[-1].lower()


@dataclass(frozen=True)
class Person:
    """One in-scope M365 user and what Okta holds for them (None: nothing found)."""

    upn: str
    entra: dict[str, Any]
    okta_user: dict[str, Any] | None
    app_user: dict[str, Any] | None


class DirectoryView(BaseView):
    # --- Entra ---

    @cached_property
    def entra_users(self) -> list[dict[str, Any]]:
        return self.data("graph", "users")

    @cached_property
    def entra_by_upn(self) -> dict[str, dict[str, Any]]:
        return {(u.get("userPrincipalName") or "").lower(): u for u in self.entra_users}

    @cached_property
    def entra_by_id(self) -> dict[str, dict[str, Any]]:
        return {u["id"].lower(): u for u in self.entra_users if u.get("id")}

    def entra_user(self, upn: str) -> dict[str, Any] | None:
        return self.entra_by_upn.get(upn.lower())

    @property
    def declared_domains(self) -> set[str]:
        return set(self.cfg.expect.domains_to_federate)

    @property
    def excluded_accounts(self) -> set[str]:
        return set(self.cfg.expect.excluded_accounts) | {self.cfg.expect.service_account}

    @cached_property
    def in_scope_users(self) -> list[dict[str, Any]]:
        """Enabled, licensed members whose UPN is on a domain to federate, not excluded.

        A user whose accountEnabled or assignedLicenses Graph did not return cannot be
        judged: that is an ERROR, never a silent "out of scope".
        """
        scoped, unknown = [], []
        for u in self.entra_users:
            upn = (u.get("userPrincipalName") or "").lower()
            if domain_of(upn) not in self.declared_domains or upn in self.excluded_accounts:
                continue
            if u.get("userType") == "Guest" or "#ext#" in upn:
                continue
            if u.get("accountEnabled") is None or u.get("assignedLicenses") is None:
                unknown.append(upn)
                continue
            if u["accountEnabled"] and u["assignedLicenses"]:
                scoped.append(u)
        if unknown:
            raise DataUnavailable(
                f"GET /users did not return accountEnabled/assignedLicenses for {len(unknown)} "
                f"user(s) ({', '.join(sorted(unknown)[:5])}); cannot tell who is in scope"
            )
        return sorted(scoped, key=lambda u: u["userPrincipalName"].lower())

    @cached_property
    def global_admin_ids(self) -> set[str]:
        """Principal ids holding an active, tenant-wide Global Administrator assignment."""
        return {
            (a.get("principalId") or "").lower()
            for a in self.data("graph", "globalAdminAssignments")
            if a.get("roleDefinitionId") == GLOBAL_ADMIN_ROLE_TEMPLATE
            and a.get("directoryScopeId") in ("/", None)
        }

    # --- Okta ---

    @cached_property
    def okta_users(self) -> list[dict[str, Any]]:
        return self.data("okta", "users")

    @cached_property
    def okta_by_login(self) -> dict[str, dict[str, Any]]:
        return {
            ((u.get("profile") or {}).get("login") or "").lower(): u
            for u in self.okta_users
            if (u.get("profile") or {}).get("login")
        }

    @cached_property
    def okta_by_id(self) -> dict[str, dict[str, Any]]:
        return {u["id"]: u for u in self.okta_users if u.get("id")}

    @cached_property
    def app_users(self) -> list[dict[str, Any]]:
        """Assignments of the Office 365 app (ERROR when there is no such app)."""
        return self.data("okta", "appUsers", self.app_id)  # type: ignore[attr-defined]

    @cached_property
    def app_users_by_external_id(self) -> dict[str, dict[str, Any]]:
        return {
            (a.get("externalId") or "").lower(): a for a in self.app_users if a.get("externalId")
        }

    @cached_property
    def app_users_by_username(self) -> dict[str, dict[str, Any]]:
        return {
            ((a.get("credentials") or {}).get("userName") or "").lower(): a
            for a in self.app_users
            if (a.get("credentials") or {}).get("userName")
        }

    @cached_property
    def app_users_by_okta_id(self) -> dict[str, dict[str, Any]]:
        return {a["id"]: a for a in self.app_users if a.get("id")}

    def app_user_for(self, entra: dict[str, Any]) -> dict[str, Any] | None:
        """The Office 365 assignment of an Entra user: by externalId, else by userName."""
        by_id = self.app_users_by_external_id.get((entra.get("id") or "").lower())
        return by_id or self.app_users_by_username.get(
            (entra.get("userPrincipalName") or "").lower()
        )

    # --- the join ---

    @cached_property
    def people(self) -> list[Person]:
        """Every in-scope M365 user with their Okta user and Office 365 assignment."""
        return [
            Person(
                upn=u["userPrincipalName"].lower(),
                entra=u,
                okta_user=self.okta_by_login.get(u["userPrincipalName"].lower()),
                app_user=self.app_user_for(u),
            )
            for u in self.in_scope_users
        ]

    def orphaned_app_users(self) -> list[dict[str, Any]]:
        """Assignments whose externalId and userName match no Entra user (IMP-04)."""
        return [
            a
            for a in self.app_users
            if (a.get("externalId") or "").lower() not in self.entra_by_id
            and ((a.get("credentials") or {}).get("userName") or "").lower()
            not in self.entra_by_upn
        ]
