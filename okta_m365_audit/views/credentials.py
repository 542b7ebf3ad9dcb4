"""The Office 365 app's provisioning credentials: its connection, Okta's service principals
in Entra and their consent, and the System Log events that tell whether the credentials
work (CRED checks).

Consent is judged on Entra's side (api-facts.md, Corrections, "Provisioning connection":
``authScheme`` OAUTH2 does not tell a consent-based connection from a legacy one): the
service principal whose ``appId`` is the client id in the connection's authorize link
(catalog/consent.py; an inference from the spec, never guessed when the link is absent) and the
legacy "Okta AAD Service Principal" objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..catalog.consent import authorize_client_id, authorize_href, is_legacy_principal
from ..catalog.resources import GLOBAL_ADMIN_ROLE_TEMPLATE
from ..snapshot.document import parse_time
from .base import BaseView, DataUnavailable, require_field

#: what an event's target list calls an Okta app instance (okta-developer-docs System Log
#: event reference; the app instance's ``id`` is the app id, as the ``logs`` read filters)
APP_INSTANCE = "AppInstance"

#: Microsoft's built-in role template ids -> names, for evidence only (Learn, "Microsoft Entra
#: built-in roles"); any other role is shown by its id
ROLE_NAMES = {GLOBAL_ADMIN_ROLE_TEMPLATE: "Global Administrator"}


@dataclass(frozen=True)
class AppEvent:
    """A System Log event and whom it is about: this app, or an unknown instance."""

    event: dict[str, Any]
    instance: str  #: "this app" or "unknown instance" (no app instance named)

    def summary(self) -> dict[str, Any]:
        e = self.event
        return {
            "published": e.get("published"),
            "eventType": e.get("eventType"),
            "outcome": (e.get("outcome") or {}).get("result"),
            "displayMessage": e.get("displayMessage"),
            "instance": self.instance,
        }


def target_ids(event: dict[str, Any], of_type: str | None = None) -> set[str]:
    """Ids of an event's targets (of one type only, when given)."""
    targets = event.get("target")
    return {
        str(t.get("id"))
        for t in (targets if isinstance(targets, list) else [])
        if isinstance(t, dict) and t.get("id") and of_type in (None, t.get("type"))
    }


class CredentialsView(BaseView):
    # --- Okta: the connection ---

    @cached_property
    def connection(self) -> dict[str, Any]:
        return self.data("okta", "appConnection", self.app_id)  # type: ignore[attr-defined]

    @cached_property
    def connection_client_id(self) -> str:
        """The OAuth client id in the connection's ``_links.authorize.href`` (inferred from
        the spec: catalog/consent.py); DataUnavailable naming the field when absent."""
        conn = self.connection
        if authorize_href(conn) is None:
            raise DataUnavailable(
                "the provisioning connection has no _links.authorize.href: the OAuth client "
                "it was consented for cannot be told (a legacy connection's shape is "
                "unconfirmed, api-facts.md Corrections)"
            )
        client = authorize_client_id(conn)
        if client is None:
            raise DataUnavailable(
                "the provisioning connection's _links.authorize.href has no single client_id "
                f"parameter: {authorize_href(conn)}"
            )
        return client

    @cached_property
    def provisioning_enabled(self) -> bool:
        """USER_PROVISIONING is ENABLED, read as PROV-01 reads it (ProvisioningView:
        400 E0000001 means not enabled; any other failure is cannot tell)."""
        up = self.user_provisioning  # type: ignore[attr-defined]
        return bool(up and up.get("status") == "ENABLED")

    # --- Entra: Okta's service principals ---

    @cached_property
    def okta_service_principals(self) -> list[dict[str, Any]]:
        """Every principal the name-filtered read returned (startswith(displayName,'Okta')).
        A principal without its displayName cannot be told legacy or not: cannot tell."""
        found = require_field(
            self.data("graph", "oktaServicePrincipals"), "displayName",
            "GET /servicePrincipals", "cannot tell Okta's legacy ones",
        )  # fmt: skip
        return [sp for sp in found if str(sp["displayName"]).lower().startswith("okta")]

    @cached_property
    def provisioning_principal(self) -> dict[str, Any] | None:
        """The service principal whose appId is the connection's client id (found by appId,
        whatever its display name), or None when Entra has none."""
        client = self.connection_client_id
        found = self.data("graph", "oktaClientPrincipal", client)
        return next(
            (sp for sp in found if str(sp.get("appId", "")).lower() == client.lower()), None
        )

    @cached_property
    def legacy_principals(self) -> list[dict[str, Any]]:
        """Okta's legacy "Okta AAD Service Principal:<appId>" objects (catalog/consent.py)."""
        return [sp for sp in self.okta_service_principals if is_legacy_principal(sp)]

    def directory_roles(self, sp_id: str) -> list[str]:
        """Names (or template ids) of the directory roles a principal holds (active
        assignments, GET /roleManagement/directory/roleAssignments by principalId)."""
        return sorted(
            ROLE_NAMES.get(a.get("roleDefinitionId"), str(a.get("roleDefinitionId")))
            for a in self.data("graph", "legacyPrincipalRoles", sp_id)
            if a.get("principalId") in (None, sp_id)
        )

    @cached_property
    def graph_app_roles(self) -> dict[str, str]:
        """Microsoft Graph appRole id -> permission name (e.g. User.ReadWrite.All)."""
        sps = self.data("graph", "graphServicePrincipal")
        return {
            r["id"]: r.get("value") or r.get("displayName") or r["id"]
            for sp in sps
            for r in sp.get("appRoles") or []
            if "id" in r
        }

    def application_permissions(self, sp_id: str) -> set[str]:
        """Application permissions (app role assignments) held by a principal."""
        return {
            self.graph_app_roles.get(a.get("appRoleId"), a.get("appRoleId"))
            for a in self.data("graph", "appRoleAssignments", sp_id)
            if a.get("deletedDateTime") is None
        }

    def consented_permissions(self, sp_id: str) -> set[str]:
        """Enough of a principal's permissions to tell whether it was consented at all: its
        application permissions, and only when it has none its delegated grants too (so an
        unreadable grants list does not hide consent the app roles already show)."""
        return self.application_permissions(sp_id) or self.granted_permissions(sp_id)

    def granted_permissions(self, sp_id: str) -> set[str]:
        """Application permissions and AllPrincipals delegated scopes held by a principal."""
        roles = self.application_permissions(sp_id)
        grants = {
            scope
            for g in self.data("graph", "oauth2PermissionGrants", sp_id)
            if g.get("consentType") == "AllPrincipals"
            for scope in (g.get("scope") or "").split()
        }
        return roles | grants

    # --- Okta: the System Log ---

    @cached_property
    def log_events(self) -> list[dict[str, Any]]:
        """Events whose target is the app (the ``logs`` read, filtered by target.id)."""
        return self.data("okta", "logs", self.app_id)  # type: ignore[attr-defined]

    @cached_property
    def app_events(self) -> list[AppEvent]:
        """Events of the window about this app: those naming it as an app instance target,
        from both System Log reads (each once), and Office 365's own events (app.office365.*)
        that name no app instance at all, as "unknown instance" (whether Okta names the app
        on them is unconfirmed: api-facts.md Corrections). An event naming another app
        instance only is that instance's, never this app's."""
        days = self.cfg.expect.windows.system_log_days
        start = self.as_of.timestamp() - days * 86400
        seen: set[str] = set()
        out = []
        app_id = self.app_id  # type: ignore[attr-defined]
        for e in [*self.log_events, *self.data("okta", "office365Logs")]:
            uid = str(e.get("uuid"))
            if not e.get("published"):
                raise DataUnavailable(
                    f"GET /api/v1/logs returned event {uid} without published; cannot tell "
                    "whether it falls in the window"
                )
            if uid in seen or parse_time(e["published"]).timestamp() < start:
                continue
            seen.add(uid)
            if app_id in target_ids(e):
                out.append(AppEvent(e, "this app"))
            elif not target_ids(e, APP_INSTANCE):
                out.append(AppEvent(e, "unknown instance"))
        return out

    def failure_events(self, types: set[str] | frozenset[str]) -> list[dict[str, Any]]:
        """Summaries of this app's failure events of the window (``eventType`` or
        ``legacyEventType`` in ``types``). Office 365 events naming no app instance count
        when this app is the org's only Office 365 instance (they can be no other's); with
        several, nobody can tell whose they are: DataUnavailable (the check ERRORs), never a
        pass. Any of them is listed with its instance when this app's own failures exist."""
        found = [
            a
            for a in self.app_events
            if a.event.get("eventType") in types or a.event.get("legacyEventType") in types
        ]
        ours = [a for a in found if a.instance == "this app"]
        unknown = [a for a in found if a.instance != "this app"]
        if unknown and not ours and not self.only_office365_instance:
            kinds = ", ".join(sorted({str(a.event.get("eventType")) for a in unknown}))
            raise DataUnavailable(
                f"{len(unknown)} failure event(s) name no app instance and the org has "
                f"{len(self.office365_apps)} Office 365 apps: cannot tell whether they are "  # type: ignore[attr-defined]
                f"this app's ({kinds})"
            )
        return [a.summary() for a in found]

    @cached_property
    def only_office365_instance(self) -> bool:
        """Whether this app is the org's only Office 365 app instance: then an Office 365
        event that names no instance can only be about it."""
        return [a.get("id") for a in self.office365_apps] == [self.app_id]  # type: ignore[attr-defined]
