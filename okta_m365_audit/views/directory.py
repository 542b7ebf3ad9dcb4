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

from ..catalog.resources import union_by_id
from ..catalog.scope import (  # noqa: F401 (domain_of, is_guest: views exports them)
    domain_of,
    in_scope,
    is_guest,
    upn_of,
)
from ..core.normalize import login
from .base import BaseView, DataUnavailable, app_id_of


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
        return {upn_of(u): u for u in self.entra_users}

    @cached_property
    def entra_by_id(self) -> dict[str, dict[str, Any]]:
        """Entra users by object id (lower-case). ERROR when a user came back without its
        ``id`` ("Key. Not nullable": Graph user resource): a join on ids that misses one
        would call its assignments orphaned or its role held by nobody."""
        no_id = [str(u.get("userPrincipalName")) for u in self.entra_users if not u.get("id")]
        if no_id:
            raise DataUnavailable(
                f"GET /users did not return id for {len(no_id)} user(s) "
                f"({', '.join(sorted(no_id)[:5])}); cannot join them by object id"
            )
        return {str(u["id"]).lower(): u for u in self.entra_users}

    def entra_user(self, upn: str) -> dict[str, Any] | None:
        return self.entra_by_upn.get(login(upn))

    @property
    def declared_domains(self) -> set[str]:
        return set(self.cfg.expect.domains_to_federate)

    @property
    def excluded_accounts(self) -> set[str]:
        return set(self.cfg.expect.excluded_accounts) | {self.cfg.expect.service_account}

    @cached_property
    def in_scope_users(self) -> list[dict[str, Any]]:
        """Enabled members whose UPN is on a domain to federate, not excluded, licensed or
        not (scope.in_scope: every user of a federated domain signs in through Okta).

        A user whose accountEnabled or userPrincipalName Graph did not return cannot be
        judged: that is an ERROR, never a silent "out of scope" (a missing UPN would
        otherwise leave every user out, and the IMP checks pass on nobody: field sweep).
        """
        no_upn = [str(u.get("id")) for u in self.entra_users if not upn_of(u)]
        if no_upn:
            raise DataUnavailable(
                f"GET /users did not return userPrincipalName for {len(no_upn)} user(s) "
                f"({', '.join(sorted(no_upn)[:5])}); cannot tell who is in scope"
            )
        scoped, unknown = [], []
        roots = self._root_domains()
        for u in self.entra_users:
            verdict = in_scope(u, self.declared_domains, self.excluded_accounts, roots)
            if verdict is None:
                unknown.append(upn_of(u))
            elif verdict:
                scoped.append(u)
        if unknown:
            raise DataUnavailable(
                f"GET /users did not return accountEnabled for {len(unknown)} user(s) "
                f"({', '.join(sorted(unknown)[:5])}); cannot tell who is in scope"
            )
        return sorted(scoped, key=upn_of)

    def _root_domains(self) -> set[str]:
        """The domains Entra says are roots (``isRoot`` true); none when GET /domains could
        not be read: every subdomain of a declared domain then stays in scope, the broader
        (stricter) reading."""
        try:
            return self.root_domains  # type: ignore[attr-defined]
        except DataUnavailable:
            return set()

    # global_admin_ids, global_admin_users: roles.py (direct, group-held, PIM-eligible)

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
        """Okta users by login (lower-case). ERROR when a user came back without
        ``profile.login`` (spec UserProfile.login: "Every user within your Okta org must have
        a unique identifier for a login"): such a user may be any account, so "no Okta user
        with that login" could not be told (ESS-03, IMP-01)."""
        no_login = [
            str(u.get("id")) for u in self.okta_users if not (u.get("profile") or {}).get("login")
        ]
        if no_login:
            raise DataUnavailable(
                f"GET /api/v1/users returned {len(no_login)} user(s) without profile.login "
                f"({', '.join(no_login[:5])}); cannot tell which accounts Okta holds"
            )
        return {login(u["profile"]["login"]): u for u in self.okta_users}

    @cached_property
    def okta_by_id(self) -> dict[str, dict[str, Any]]:
        return {u["id"]: u for u in self.okta_users if u.get("id")}

    @cached_property
    def app_users(self) -> list[dict[str, Any]]:
        """Assignments of every instance that serves a declared domain (in manual WS-Fed a
        user is assigned to the instance of their domain), else of the judged instance.
        ERROR when there is no such app."""
        return [
            a
            for app_id in self.assignment_instance_ids  # type: ignore[attr-defined]
            for a in self.data("okta", "appUsers", app_id)
        ]

    def app_user_for(self, entra: dict[str, Any]) -> dict[str, Any] | None:
        """The Office 365 assignment of an Entra user, by externalId, else by userName, in
        the instance that serves the user's domain (views.instances)."""
        app_id = self.instance_id_for_upn(entra.get("userPrincipalName"))  # type: ignore[attr-defined]
        return self.assignment_in(app_id, entra)  # type: ignore[attr-defined]

    # --- the join ---

    @cached_property
    def people(self) -> list[Person]:
        """Every in-scope M365 user with their Okta user and Office 365 assignment."""
        return [
            Person(
                upn=upn_of(u),
                entra=u,
                okta_user=self.okta_by_login.get(upn_of(u)),
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
            and login((a.get("credentials") or {}).get("userName")) not in self.entra_by_upn
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

    def assignments_of(self, upn: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Every Office 365 assignment of a UPN, as (instance, app user), in every office365
        app of the org whatever its status, by externalId (the Entra object id) or userName,
        also when Entra has no such user. An account kept out of Okta must be assigned in
        none: in manual WS-Fed (an instance per domain), or beside a second or leftover
        instance, the instance the other checks judge is not the only one that could sign
        it in or provision it. A UPN's domain and an Entra object id belong to one M365
        tenant, so a match in another tenant's instance cannot be a different account.
        Before phase 2 Okta may hold no Office 365 app at all: then nobody is assigned.

        >>> tenant.assignments_of("breakglass1@contosodemo.onmicrosoft.com")
        []
        """
        entra = self.entra_user(upn) or {"userPrincipalName": upn}
        found = []
        for app in self.office365_apps:  # type: ignore[attr-defined]
            assignment = self.assignment_in(app_id_of(app), entra)  # type: ignore[attr-defined]
            if assignment is not None:
                found.append((app, assignment))
        return found

    @cached_property
    def assigned_user_names(self) -> list[str]:
        """``credentials.userName`` of every app user of every office365 app of the org: an
        account Okta assigns need not be in Entra (provisioning creates it), and ESS-04
        judges the names Okta would sign in or create as well as Entra's. An app user
        without one is named by its Entra user when its externalId names one; else ERROR:
        its name cannot be told."""
        names, unnamed = set(), []
        for app in self.office365_apps:  # type: ignore[attr-defined]
            for a in self.data("okta", "appUsers", app_id_of(app)):
                name = (a.get("credentials") or {}).get("userName")
                if name:
                    names.add(str(name))
                elif str(a.get("externalId") or "").lower() not in self.entra_by_id:
                    unnamed.append(str(a.get("id")))
        if unnamed:
            raise DataUnavailable(
                f"{len(unnamed)} Office 365 app user(s) have no credentials.userName and no "
                f"externalId of an Entra user ({', '.join(unnamed[:5])}): cannot tell their names"
            )
        return sorted(names)

    @staticmethod
    def assignment_summary(app: dict[str, Any], assignment: dict[str, Any]) -> dict[str, Any]:
        """An assignment as ESS evidence shows it: the instance, then the app user."""
        return {
            "instance": f"{app.get('label')} ({app.get('id')}, {app.get('status')})",
            "id": assignment.get("id"),
            "externalId": assignment.get("externalId"),
            "userName": (assignment.get("credentials") or {}).get("userName"),
            "status": assignment.get("status"),
        }

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
