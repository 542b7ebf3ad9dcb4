"""People on both sides: Entra users, Okta users, Office 365 assignments, and the join between
them (ESS, PREP-04/05, IMP checks).

Users are matched on the UPN, case-insensitively (IMP-01); assignments on externalId (the
Entra object id) or on credentials.userName (the UPN), since Okta fills externalId only once
it has provisioned or matched the user.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..resources import union_by_id
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
        """Every Okta user, deactivated (DEPROVISIONED) ones included: a plain
        ``GET /api/v1/users`` omits them (resources.DEPROVISIONED_SEARCH), yet such an
        account still exists in Okta, so "does this account exist in Okta" must see it.
        ERROR when either read failed or was not collected: cannot tell.

        >>> sorted({u["status"] for u in tenant.okta_users})
        ['ACTIVE']
        """
        return union_by_id(self.data("okta", "users"), self.data("okta", "deprovisionedUsers"))

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

    # --- accounts kept out of Okta (ESS) ---

    @cached_property
    def initial_domain(self) -> str:
        """The tenant's initial domain (``organization.verifiedDomains`` with isInitial): the
        ``*.onmicrosoft.com`` domain, ``*.onmicrosoft.us`` or the like in national clouds.

        >>> tenant.initial_domain
        'contosodemo.onmicrosoft.com'
        """
        for org in self.data("graph", "organization"):
            for d in org.get("verifiedDomains") or []:
                if d.get("isInitial") and d.get("name"):
                    return d["name"].lower()
        raise DataUnavailable("GET /organization names no initial domain (verifiedDomains)")

    @staticmethod
    def is_cloud_only(user: dict[str, Any]) -> bool:
        """Neither synced from on-premises (``onPremisesSyncEnabled``) nor anchored to an
        on-premises or federated identity (``onPremisesImmutableId``). Graph answers null
        for both on a cloud-only user; a field it did not return is "cannot tell".

        >>> tenant.is_cloud_only(tenant.entra_user("breakglass1@contosodemo.onmicrosoft.com"))
        True
        """
        missing = [f for f in ("onPremisesSyncEnabled", "onPremisesImmutableId") if f not in user]
        if missing:
            raise DataUnavailable(
                f"GET /users did not return {', '.join(missing)} for "
                f"{user.get('userPrincipalName')}; cannot tell whether it is cloud-only"
            )
        return user["onPremisesSyncEnabled"] is not True and not user["onPremisesImmutableId"]

    def assignment_of(self, upn: str) -> dict[str, Any] | None:
        """The Office 365 assignment of a UPN, also when Entra has no such user (by userName).
        Before phase 2 Okta may hold no Office 365 app at all: then nobody is assigned.

        >>> tenant.assignment_of("breakglass1@contosodemo.onmicrosoft.com") is None
        True
        """
        if not self.office365_apps:  # type: ignore[attr-defined]
            return None
        return self.app_user_for(self.entra_user(upn) or {"userPrincipalName": upn})

    @cached_property
    def global_admin_users(self) -> list[dict[str, Any]]:
        """Entra users holding an active Global Administrator assignment (groups and service
        principals among the principals are left out).

        >>> sorted(u["userPrincipalName"] for u in tenant.global_admin_users)[0]
        'breakglass1@contosodemo.onmicrosoft.com'
        """
        return sorted(
            (self.entra_by_id[i] for i in self.global_admin_ids if i in self.entra_by_id),
            key=lambda u: (u.get("userPrincipalName") or "").lower(),
        )

    def looks_like_service_account(self, upn: str) -> bool:
        """The UPN's local part matches one of ``expect.service_account_patterns`` (fnmatch,
        case-insensitive).

        >>> tenant.looks_like_service_account("Sync_DC01_1a2b3c@contosodemo.onmicrosoft.com")
        True
        """
        local = (upn or "").rsplit("@", 1)[0].lower()
        return any(
            fnmatch.fnmatchcase(local, p.lower()) for p in self.cfg.expect.service_account_patterns
        )
