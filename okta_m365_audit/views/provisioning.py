"""The Office 365 app's instances, sign-on and provisioning settings, and the reconciliation
of M365 users with Okta users and assignments (PREP, IMP and PROV checks).

Everything here reads the raw app JSON: real Office 365 apps come with ``settings.app`` keys
missing, a null ``signOnMode``, an empty ``features`` list, app users without ``profile``
or ``credentials``. A key the API did not return is "cannot tell" (``DataUnavailable``, the
check ERRORs); a key it returned as null is an answer (the check judges it).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from .base import BaseView, DataUnavailable, app_settings, describe_read

#: Okta's answer to GET /apps/{id}/features when the instance has no provisioning:
#: 400 E0000001 "Api validation failed: feature", cause "Provisioning is not enabled for the
#: app instance." (spec) or "Provisioning is not supported." (recorded).
PROVISIONING_NOT_ENABLED = "E0000001"

#: Okta user statuses of an activated user. PASSWORD_EXPIRED and RECOVERY users were
#: activated and sign in (after a password change); STAGED, PROVISIONED (activation
#: pending), SUSPENDED, LOCKED_OUT and DEPROVISIONED users cannot.
ACTIVATED = frozenset({"ACTIVE", "PASSWORD_EXPIRED", "RECOVERY"})


def listing(items: Iterable[Any], limit: int = 10) -> str:
    """The first ``limit`` items, comma-separated, and how many more (for short messages).

    >>> listing(["a", "b", "c"], limit=2)
    'a, b and 1 more'
    """
    items = [str(i) for i in items]
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def app_summary(app: dict[str, Any]) -> dict[str, Any]:
    """What PREP-01 shows of an Office 365 app instance."""
    settings = app_settings(app)
    return {
        "id": app.get("id"),
        "label": app.get("label"),
        "status": app.get("status"),
        "msftTenant": settings.get("msftTenant"),
        "signOnMode": app.get("signOnMode"),
    }


class ProvisioningView(BaseView):
    # --- the Office 365 app instances (PREP-01) ---

    @cached_property
    def tenant_office365_apps(self) -> list[dict[str, Any]]:
        """Every ``office365`` app (any status) whose ``settings.app.msftTenant`` names this
        M365 tenant: the initial-domain prefix, or the whole initial domain, any case.

        >>> [a["label"] for a in tenant.tenant_office365_apps]
        ['Microsoft Office 365']
        """
        msft = self.msft_tenant  # type: ignore[attr-defined]
        if msft is None:
            self.data("graph", "organization")  # raises with the read's cause, if it failed
            raise DataUnavailable(
                "GET /organization names no initial domain (*.onmicrosoft.com, .us, "
                "partner.onmschina.cn); cannot tell "
                "which Office 365 app belongs to this M365 tenant"
            )
        unknown = [
            a.get("id")
            for a in self.office365_apps  # type: ignore[attr-defined]
            if "msftTenant" not in app_settings(a)
        ]
        if unknown:
            raise DataUnavailable(
                f"office365 app(s) {', '.join(map(str, unknown))} returned no "
                "settings.app.msftTenant; cannot tell which M365 tenant they serve"
            )
        names = self.msft_tenant_names  # type: ignore[attr-defined]
        return [
            a
            for a in self.office365_apps  # type: ignore[attr-defined]
            if str(app_settings(a).get("msftTenant") or "").lower() in names
        ]

    # --- the app's settings (PREP-02, PREP-03, PROV-03) ---

    def app_setting(self, name: str) -> Any:
        """``settings.app.<name>`` of the tenant's Office 365 app (None when Okta sent null).

        >>> tenant.app_setting("wsFedConfigureType")
        'AUTO'
        """
        return self.instance_setting(self.office365_app, name)  # type: ignore[attr-defined]

    def app_field(self, name: str) -> Any:
        """A top-level field of the tenant's Office 365 app (None when Okta sent null).

        >>> tenant.app_field("signOnMode")
        'SAML_1_1'
        """
        return self.instance_field(self.office365_app, name)  # type: ignore[attr-defined]

    @cached_property
    def username_template(self) -> dict[str, Any]:
        """``credentials.userNameTemplate`` of the app: ``template`` and ``type``.

        >>> tenant.username_template["template"]
        '${source.login}'
        """
        app = self.office365_app  # type: ignore[attr-defined]
        tpl = (app.get("credentials") or {}).get("userNameTemplate")
        if not isinstance(tpl, dict) or not tpl.get("template"):
            raise DataUnavailable(
                f"the Office 365 app {app.get('id')} has no credentials.userNameTemplate"
            )
        return tpl

    # --- provisioning features (PROV-01, PROV-02) ---

    @cached_property
    def _features_read(self) -> dict[str, Any]:
        read = self.read("okta", "appFeatures", self.app_id)  # type: ignore[attr-defined]
        if not read["ok"]:
            raise DataUnavailable(describe_read(read))
        if read["status"] == 400:
            code = (read.get("error") or {}).get("code")
            if code not in (None, PROVISIONING_NOT_ENABLED):
                raise DataUnavailable(describe_read(read))
        elif not isinstance(read.get("data"), list):
            raise DataUnavailable(f"{describe_read(read)}: the answer is not a list of features")
        return read

    @cached_property
    def app_features(self) -> dict[str, dict[str, Any]] | None:
        """The app's features by name; None when Okta answered 400 E0000001 (provisioning
        is not enabled on the instance).

        >>> sorted(tenant.app_features)
        ['INBOUND_PROVISIONING', 'USER_PROVISIONING']
        """
        read = self._features_read
        if read["status"] == 400:
            return None
        return {f["name"]: f for f in read["data"] if isinstance(f, dict) and f.get("name")}

    @property
    def features_refusal(self) -> str | None:
        """Okta's 400 answer when provisioning is not enabled (for evidence), else None."""
        read = self._features_read
        if read["status"] != 400:
            return None
        err = read.get("error") or {}
        request = str(read.get("request")).split("?", 1)[0]
        return f"{request} answered 400 {err.get('code') or ''}: {err.get('message')}"

    @cached_property
    def user_provisioning(self) -> dict[str, Any] | None:
        """The USER_PROVISIONING feature, or None when the app has none (400, or not listed).

        >>> tenant.user_provisioning["status"]
        'ENABLED'
        """
        features = self.app_features
        return None if features is None else features.get("USER_PROVISIONING")

    def capability_status(self, *path: str) -> str:
        """``capabilities.<path>.status`` of USER_PROVISIONING, e.g. ("update", "password").

        ERROR when there is no USER_PROVISIONING feature to read (PROV-01 fails for that)
        or when Okta did not return that capability's status.

        >>> tenant.capability_status("create", "lifecycleCreate")
        'ENABLED'
        """
        feature = self.user_provisioning
        if feature is None:
            why = self.features_refusal or "the features answer lists no USER_PROVISIONING"
            raise DataUnavailable(
                f"provisioning is not enabled on the Office 365 app ({why}); see PROV-01"
            )
        node: Any = feature.get("capabilities")
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        status = node.get("status") if isinstance(node, dict) else None
        if status is None:
            raise DataUnavailable(f"USER_PROVISIONING has no capabilities.{'.'.join(path)}.status")
        return status

    # --- assignment groups (PROV-04) ---

    @cached_property
    def okta_groups(self) -> list[dict[str, Any]]:
        return self.data("okta", "groups")

    def groups_named(self, name: str) -> list[dict[str, Any]]:
        """Okta groups whose ``profile.name`` is ``name`` (case-insensitive, as Okta
        compares group names).

        >>> [g["id"][:3] for g in tenant.groups_named("m365 licensed users")]
        ['00g']
        """
        return [
            g
            for g in self.okta_groups
            if str((g.get("profile") or {}).get("name") or "").lower() == name.lower()
        ]

    @cached_property
    def app_group_ids(self) -> set[str]:
        """Ids of the groups assigned to the Office 365 app."""
        groups = self.data("okta", "appGroups", self.app_id)  # type: ignore[attr-defined]
        return {g["id"] for g in groups if g.get("id")}

    def group_name(self, group_id: str) -> str | None:
        found = next((g for g in self.okta_groups if g.get("id") == group_id), None)
        return ((found or {}).get("profile") or {}).get("name")

    # --- app users joined to Entra (PREP-04, PREP-05) ---

    def entra_user_of(self, app_user: dict[str, Any]) -> dict[str, Any] | None:
        """The Entra user of an assignment: by externalId (the Entra object id), else by
        credentials.userName (the UPN); None when neither matches (IMP-04's orphans)."""
        by_id = self.entra_by_id.get(  # type: ignore[attr-defined]
            str(app_user.get("externalId") or "").lower()
        )
        if by_id is not None:
            return by_id
        user_name = (app_user.get("credentials") or {}).get("userName")
        return self.entra_by_upn.get(str(user_name or "").lower())  # type: ignore[attr-defined]

    def immutable_id(self, user: dict[str, Any]) -> str | None:
        """An Entra user's onPremisesImmutableId (None: not set); ERROR when Graph did not
        return the field."""
        if "onPremisesImmutableId" not in user:
            raise DataUnavailable(
                f"GET /users did not return onPremisesImmutableId for "
                f"{user.get('userPrincipalName')}"
            )
        return user["onPremisesImmutableId"] or None

    # --- the IMP reconciliation ---

    def missing_in_okta(self) -> list[str]:
        """UPNs of in-scope users with no Okta user of that login (IMP-01)."""
        by_login = self.okta_by_login  # type: ignore[attr-defined]
        return [
            u["userPrincipalName"].lower()
            for u in self.in_scope_users  # type: ignore[attr-defined]
            if u["userPrincipalName"].lower() not in by_login
        ]

    def unassigned(self) -> list[str]:
        """UPNs of in-scope users with no Office 365 assignment (IMP-02)."""
        return [
            u["userPrincipalName"].lower()
            for u in self.in_scope_users  # type: ignore[attr-defined]
            if self.app_user_for(u) is None  # type: ignore[attr-defined]
        ]

    def okta_statuses(self) -> dict[str, str | None]:
        """UPN -> Okta user status, for in-scope users that have an Okta user (IMP-03)."""
        by_login = self.okta_by_login  # type: ignore[attr-defined]
        return {
            upn: by_login[upn].get("status")
            for u in self.in_scope_users  # type: ignore[attr-defined]
            if (upn := u["userPrincipalName"].lower()) in by_login
        }

    def not_activated(self) -> dict[str, str]:
        """UPN -> status of in-scope users whose Okta user is not activated (IMP-03)."""
        return {
            upn: status
            for upn, status in self.okta_statuses().items()
            if status is not None and status not in ACTIVATED
        }

    def sync_errors(self) -> list[dict[str, Any]]:
        """Assignments in syncState ERROR (IMP-05)."""
        return [
            _app_user_summary(a)
            for a in self.app_users  # type: ignore[attr-defined]
            if a.get("syncState") == "ERROR"
        ]

    def reconciliation(self) -> dict[str, Any]:
        """IMP evidence: counts and the complete lists of differences. A part whose data
        could not be read says why instead (the check that needs it ERRORs). Computed once
        (five checks record it; at 100k users each computation is a noticeable cost).

        >>> tenant.reconciliation()["counts"]["in scope"]
        33
        """
        return self._reconciled

    @cached_property
    def _reconciled(self) -> dict[str, Any]:

        def attempt(compute: Any) -> Any:
            try:
                return compute()
            except DataUnavailable as exc:
                return f"could not read: {exc}"

        def minus(total: Any, diff: Any) -> int | None:
            if isinstance(total, int) and isinstance(diff, list | dict):
                return total - len(diff)
            return None

        scope = attempt(lambda: len(self.in_scope_users))  # type: ignore[attr-defined]
        missing = attempt(self.missing_in_okta)
        unassigned = attempt(self.unassigned)
        statuses = attempt(self.okta_statuses)
        inactive = attempt(self.not_activated)
        orphaned = attempt(
            lambda: [_app_user_summary(a) for a in self.orphaned_app_users()]  # type: ignore[attr-defined]
        )
        errors = attempt(self.sync_errors)
        unlicensed = attempt(self.unlicensed_in_scope)  # type: ignore[attr-defined]
        counts = {
            "in scope": scope if isinstance(scope, int) else None,
            "unlicensed in scope": len(unlicensed) if isinstance(unlicensed, list) else None,
            "in Okta": minus(scope, missing),
            "assigned": minus(scope, unassigned),
            "activated": (
                sum(1 for s in statuses.values() if s in ACTIVATED)
                if isinstance(statuses, dict)
                else None
            ),
            "orphaned": len(orphaned) if isinstance(orphaned, list) else None,
            "sync errors": len(errors) if isinstance(errors, list) else None,
        }
        return {
            "counts": counts,
            "missing in Okta": missing,
            "not assigned": unassigned,
            "not activated": inactive,
            "orphaned assignments": orphaned,
            "sync errors": errors,
            "unlicensed in scope": unlicensed,  # evidence: they sign in through Okta too
        }


def _app_user_summary(a: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": a.get("id"),
        "userName": (a.get("credentials") or {}).get("userName"),
        "externalId": a.get("externalId"),
        "status": a.get("status"),
        "syncState": a.get("syncState"),
        "lastSync": a.get("lastSync"),
    }
