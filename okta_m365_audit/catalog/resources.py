"""The catalogue of what the suite reads: every resource, where it lives, how it pages and
what scope or permission it needs, and the first request of each.

Collection (collect/collector.py), the emulator, the snapshot file (snapshot/document.py,
which re-exports all of this), the views and drift all read the same table, so a resource
is declared once. Imports only the tenant file's defaults (config).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from .change_events import ENTRA_AUDIT_FILTER, OKTA_CHANGE_FILTER
from .resource_keys import (  # noqa: F401 (re-exported: where a per-item read's items come from)
    ADMIN_CONSOLE_APP,
    DEFAULT_DOMAIN_ID,
    DEPROVISIONED,
    GRAPH_GROUP_TYPE,
    access_policy_id,
    access_policy_ids,
    custom_domain_ids,
    listed_by_default,
    role_group_ids,
    union_by_id,
    wrapped_items,
)

Api = Literal["okta", "graph", "realm"]
APIS: tuple[str, ...] = ("okta", "graph", "realm")

GLOBAL_ADMIN_ROLE_TEMPLATE = "62e90394-69f5-4237-9190-012177145e10"
MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"

GRAPH_USER_FIELDS = (
    "id",
    "userPrincipalName",
    "displayName",
    "givenName",
    "surname",
    "mail",
    "accountEnabled",
    "userType",
    "onPremisesImmutableId",
    "onPremisesSyncEnabled",
    "assignedLicenses",
    "createdDateTime",
    # PROV-05/06: "Returned only on $select" (microsoft-graph-docs-contrib api-reference/
    # v1.0/resources/user.md), so the users read asks for them; no further request
    "usageLocation",
    "licenseAssignmentStates",
    "onPremisesLastSyncDateTime",
)
GRAPH_SP_FIELDS = (
    "id",
    "appId",
    "displayName",
    "appOwnerOrganizationId",
    "accountEnabled",
    "servicePrincipalType",
)


#: Okta's list defaults. A plain ``GET /api/v1/users`` omits DEPROVISIONED users; a
#: ``search`` (or ``filter``) returns them. Sources: spec listUsers ("This operation omits
#: users that have a status of DEPROVISIONED ... use a filter or search query instead");
#: api-facts.md, Corrections ("Users: a list without search/filter omits DEPROVISIONED").
DEPROVISIONED_SEARCH = f'status eq "{DEPROVISIONED}"'


@dataclass(frozen=True)
class Resource:
    """One collectable resource: where it lives, how it pages, what it needs."""

    api: Api
    name: str
    path: str  #: path template; ``{key}`` is the parent id for per-parent resources
    query: tuple[tuple[str, str], ...] = ()
    #: wrapped: {"domains": [...]} or {"value": [...], "_links": {"next": ...}}
    kind: Literal["list", "object", "wrapped"] = "list"
    page_size_param: str | None = None
    max_page_size: int | None = None
    needs: str = ""  #: Okta scope or Graph application permission
    per: str | None = None  #: what the key is: "office365 app", "custom domain", "domain"...
    answers: tuple[int, ...] = ()  #: non-2xx statuses that are definitive answers
    doc: str = ""
    wrapped_in: str = ""  #: a wrapped body's list key, when not the resource's name

    @property
    def list_key(self) -> str:
        """The key of a wrapped body's list."""
        return self.wrapped_in or self.name

    @property
    def per_parent(self) -> bool:
        return self.per is not None

    def url_path(self, key: str | None = None) -> str:
        return self.path.replace("{key}", key) if key is not None else self.path


_O = "okta"
_G = "graph"
_R = "realm"

RESOURCES: tuple[Resource, ...] = (
    # --- Okta Management API ---
    Resource(_O, "org", "/api/v1/org", kind="object", needs="okta.orgs.read",
             doc="Org settings: subdomain, companyName, status (ACCESS-01, ORG-04)."),
    Resource(_O, "office365Apps", "/api/v1/apps", (("filter", 'name eq "office365"'),),
             page_size_param="limit", max_page_size=200, needs="okta.apps.read",
             doc="Every Office 365 app instance, raw JSON (the SDK models reject them)."),
    Resource(_O, "adApps", "/api/v1/apps", (("filter", 'name eq "active_directory"'),),
             page_size_param="limit", max_page_size=200, needs="okta.apps.read",
             doc="Active Directory integrations (ORG-01)."),
    Resource(_O, "appKeys", "/api/v1/apps/{key}/credentials/keys", needs="okta.apps.read",
             per="office365 app", doc="Signing keys; the active one is credentials.signing.kid."),
    Resource(_O, "appFeatures", "/api/v1/apps/{key}/features", needs="okta.apps.read",
             per="office365 app", answers=(400,),
             doc="Provisioning features; 400 E0000001 means provisioning is not enabled."),
    Resource(_O, "appConnection", "/api/v1/apps/{key}/connections/default", kind="object",
             needs="okta.apps.read", per="office365 app",
             doc="The provisioning connection (CRED-01, CRED-02)."),
    Resource(_O, "appUsers", "/api/v1/apps/{key}/users", page_size_param="limit",
             max_page_size=500, needs="okta.apps.read", per="office365 app",
             doc="Assignments with externalId, syncState and the app profile (IMP, PREP-04)."),
    Resource(_O, "appGroups", "/api/v1/apps/{key}/groups", page_size_param="limit",
             max_page_size=200, needs="okta.apps.read", per="office365 app",
             doc="Group assignments (PROV-04)."),
    Resource(_O, "users", "/api/v1/users", page_size_param="limit", max_page_size=200,
             needs="okta.users.read",
             doc="Okta users but DEPROVISIONED ones, which a plain list omits (ESS-03, IMP)."),
    Resource(_O, "deprovisionedUsers", "/api/v1/users",
             (("search", DEPROVISIONED_SEARCH),), page_size_param="limit", max_page_size=200,
             needs="okta.users.read",
             doc="Deactivated (DEPROVISIONED) Okta users: accounts that still exist (ESS, IMP)."),
    Resource(_O, "groups", "/api/v1/groups", page_size_param="limit", max_page_size=10000,
             needs="okta.groups.read", doc="Okta groups, to name assignment groups (PROV-04)."),
    Resource(_O, "domains", "/api/v1/domains", kind="wrapped", needs="okta.domains.read",
             doc='Domains, wrapped as {"domains": [...]}; no certificates in it (ORG-03, FED-03).'),
    Resource(_O, "customDomains", "/api/v1/domains/{key}", kind="object",
             needs="okta.domains.read", per="custom domain",
             doc="Each custom domain in full, publicCertificate included (ORG-03)."),
    # limitPerPoolType: default 5, no documented maximum (spec listAgentPools), so the
    # collector asks for the default and follows the next links
    Resource(_O, "agentPools", "/api/v1/agentPools", (("poolType", "AD"),), max_page_size=5,
             needs="okta.agentPools.read", doc="AD agent pools and their agents (ORG-01)."),
    # spec getCurrentConfiguration: one object, scope okta.threatInsights.read
    Resource(_O, "threatInsight", "/api/v1/threats/configuration", kind="object",
             needs="okta.threatInsights.read",
             doc="The ThreatInsight configuration: action none, audit or block (ORG-07)."),
    # spec listApiTokens: "the active API tokens", no paging parameter, so one request
    Resource(_O, "apiTokens", "/api/v1/api-tokens", needs="okta.apiTokens.read",
             doc="Metadata of the org's SSWS API tokens: owner, expiry, window (ORG-08)."),
    # the Admin Console is an app like any other (name saasure; okta-recorded/apps-list/
    # list-limit200-27-apps-incl-office365-swa.json element 0), with an access policy link
    Resource(_O, "adminConsoleApp", "/api/v1/apps", (("filter", f'name eq "{ADMIN_CONSOLE_APP}"'),),
             page_size_param="limit", max_page_size=200, needs="okta.apps.read",
             doc="The Okta Admin Console app, for its authentication policy link (ORG-05)."),
    # spec listPolicyRules: a limitParameter with no default or maximum, so none is sent and
    # the next links are followed; one read per policy (no list spans policies). The same
    # path twice: costs.PARENT maps one parent list per ``per``.
    Resource(_O, "adminConsolePolicyRules", "/api/v1/policies/{key}/rules",
             needs="okta.policies.read", per="admin console policy",
             doc="Rules of the Admin Console's authentication policy (ORG-05)."),
    Resource(_O, "office365PolicyRules", "/api/v1/policies/{key}/rules",
             needs="okta.policies.read", per="office365 app policy",
             doc="Rules of each Office 365 instance's authentication policy (FED-10)."),
    # spec listUsersWithRoleAssignments: limit default 100, no maximum documented, so the
    # default is asked; the body is {"value": [...], "_links": {"next": ...}} and pages by
    # its next link. Only ids: the role types need one read per user (no list carries them)
    Resource(_O, "oktaAdmins", "/api/v1/iam/assignees/users", kind="wrapped",
             page_size_param="limit", max_page_size=100, needs="okta.roles.read",
             wrapped_in="value",
             doc='Users holding an admin role, wrapped as {"value": [...]} (ORG-06).'),
    # spec listAssignedRolesForUser: the user's roles, USER and GROUP assignments, no paging
    Resource(_O, "oktaAdminRoles", "/api/v1/users/{key}/roles", needs="okta.roles.read",
             per="Okta admin", doc="The admin roles of each listed admin (ORG-06)."),
    Resource(_O, "logs", "/api/v1/logs", (("filter", 'target.id eq "{key}"'),),
             page_size_param="limit", max_page_size=1000, needs="okta.logs.read",
             per="office365 app", doc="System Log events naming the app, in the window (CRED-04)."),
    # Office 365's own event types (app.office365.*, api-facts.md Corrections): whether they
    # carry the app as a target is unconfirmed, so they are read org-wide by type and judged
    # by the app instance they name (views/credentials.py). ``sw`` is a System Log filter
    # operator: spec listLogEvents ("All operators except [ ] are supported"); example
    # ``eventType sw "user.authentication."`` in okta.com/integrate/documentation/
    # isv-syslog-references.
    Resource(_O, "office365Logs", "/api/v1/logs", (("filter", 'eventType sw "app.office365"'),),
             page_size_param="limit", max_page_size=1000, needs="okta.logs.read",
             doc="Office 365's own System Log events (app.office365.*), org-wide, in the "
                 "window (CRED-04)."),
    # Drift's actors for admin roles, ThreatInsight, policy rules and API tokens: their
    # change events are not targeted at an Office 365 app, so one org-wide read by type
    # (catalog/change_events.py names each type and its source)
    Resource(_O, "changeLogs", "/api/v1/logs", (("filter", OKTA_CHANGE_FILTER),),
             page_size_param="limit", max_page_size=1000, needs="okta.logs.read",
             doc="System Log events changing admin roles, ThreatInsight, sign-on policy rules "
                 "and API tokens, org-wide, in the window (drift's actors)."),
    # --- Microsoft Graph v1.0 ---
    Resource(_G, "organization", "/organization", needs="Organization.Read.All",
             doc="The tenant: id, onPremisesSyncEnabled, verifiedDomains (ACCESS-03, ORG-02)."),
    Resource(_G, "domains", "/domains", needs="Domain.Read.All",
             doc="Domains with authenticationType and isVerified (PREP-03, FED-01)."),
    Resource(_G, "federationConfiguration", "/domains/{key}/federationConfiguration",
             needs="Domain.Read.All", per="domain", answers=(404,),
             doc="internalDomainFederation of each domain; 404 when it has none (FED-02..07)."),
    Resource(_G, "users", "/users", (("$select", ",".join(GRAPH_USER_FIELDS)),),
             page_size_param="$top", max_page_size=999, needs="User.Read.All",
             doc="Users with the on-premises and licence fields the checks read."),
    # $expand=principal: each assignment carries its principal with its @odata.type (user,
    # group, servicePrincipal), so group principals can be told apart and named. Source:
    # microsoft-graph-docs-contrib api-reference/v1.0/api/rbacapplication-list-roleassignments.md
    # ("Example 1: Request using a filter on roleDefinitionId and expand the principal object")
    Resource(_G, "globalAdminAssignments", "/roleManagement/directory/roleAssignments",
             (("$filter", f"roleDefinitionId eq '{GLOBAL_ADMIN_ROLE_TEMPLATE}'"),
              ("$expand", "principal")),
             needs="RoleManagement.Read.Directory", doc="Active Global Administrator assignments."),
    # PIM eligibility (not active until activated). List roleEligibilitySchedules supports
    # $filter and $expand (principal: "Supports $expand"): microsoft-graph-docs-contrib
    # api-reference/v1.0/api/rbacapplication-list-roleeligibilityschedules.md and
    # resources/unifiedroleeligibilityschedule.md. Application permissions accepted, least
    # privileged first: RoleEligibilitySchedule.Read.Directory, RoleManagement.Read.Directory,
    # ...; the suite already holds RoleManagement.Read.Directory for roleAssignments (and
    # api-facts.md, Corrections: "PIM eligibility ... (RoleManagement.Read.Directory)"), so
    # naming it asks for no further grant.
    Resource(_G, "globalAdminEligibility", "/roleManagement/directory/roleEligibilitySchedules",
             (("$filter", f"roleDefinitionId eq '{GLOBAL_ADMIN_ROLE_TEMPLATE}'"),
              ("$expand", "principal")),
             needs="RoleManagement.Read.Directory",
             doc="PIM-eligible Global Administrator schedules: not active (ESS-02, ESS-05)."),
    # Direct members are all members: "Group nesting isn't supported. A group can't be added
    # as a member of a role-assignable group" (MicrosoftDocs/entra-docs docs/identity/
    # role-based-access-control/groups-concept.md, "How are role-assignable groups
    # protected?"), and only role-assignable groups can hold a role (same page). Least
    # privileged application permission: GroupMember.Read.All (microsoft-graph-docs-contrib
    # api-reference/v1.0/api/group-list-members.md; Directory.Read.All also covers it).
    Resource(_G, "globalAdminGroupMembers", "/groups/{key}/members",
             page_size_param="$top", max_page_size=999, needs="GroupMember.Read.All",
             per="group holding Global Administrator",
             doc="Members of each group principal of a Global Administrator assignment or "
                 "eligibility (ESS-02, ESS-05)."),
    Resource(_G, "oktaServicePrincipals", "/servicePrincipals",
             (("$filter", "startswith(displayName,'Okta')"),
              ("$select", ",".join(GRAPH_SP_FIELDS))),
             page_size_param="$top", max_page_size=999, needs="Application.Read.All",
             doc="Okta's multi-tenant apps in the tenant (CRED-03)."),
    Resource(_G, "graphServicePrincipal", "/servicePrincipals",
             (("$filter", f"appId eq '{MICROSOFT_GRAPH_APP_ID}'"),
              ("$select", "id,appId,displayName,appRoles")),
             needs="Application.Read.All", doc="Microsoft Graph's appRoles, to name permissions."),
    Resource(_G, "appRoleAssignments", "/servicePrincipals/{key}/appRoleAssignments",
             page_size_param="$top", max_page_size=999,
             needs="Application.Read.All", per="service principal",
             doc="Application permissions granted to each Okta service principal."),
    Resource(_G, "oauth2PermissionGrants", "/oauth2PermissionGrants",
             (("$filter", "clientId eq '{key}'"),), page_size_param="$top",
             max_page_size=999, needs="Directory.Read.All",
             per="service principal", doc="Delegated grants (consentType AllPrincipals)."),
    # CRED-02/03: the service principal of the connection's client, found by appId whatever
    # its display name (consent.authorize_client_id). $filter on appId: Learn "List
    # servicePrincipals" (appId supports $filter eq), as graphServicePrincipal above.
    Resource(_G, "oktaClientPrincipal", "/servicePrincipals",
             (("$filter", "appId eq '{key}'"), ("$select", ",".join(GRAPH_SP_FIELDS))),
             needs="Application.Read.All", per="connection client id",
             doc="The service principal whose appId is the provisioning connection's OAuth "
                 "client id (CRED-02, CRED-03)."),
    # CRED-02/05: directory roles held by each legacy "Okta AAD Service Principal" (consent.
    # is_legacy_principal) and by every Okta principal but the current client
    # (consent.role_read_principal_ids). Learn "List unifiedRoleAssignments" (rbacapplication-list-
    # roleassignments): $filter on principalId; least privileged application permission
    # RoleManagement.Read.Directory, which the suite already holds.
    Resource(_G, "legacyPrincipalRoles", "/roleManagement/directory/roleAssignments",
             (("$filter", "principalId eq '{key}'"),), needs="RoleManagement.Read.Directory",
             per="service principal",
             doc="Directory role assignments of each legacy Okta AAD Service Principal and "
                 "of every other Okta principal but the current connection's client "
                 "(CRED-02, CRED-05)."),
    # --- Entra guards around federation (ESS-06, FED-12) ---
    # List conditionalAccessPolicies: $top/$skip/$filter/$select, no documented maximum page
    # size, so none is sent and the next links are followed (microsoft-graph-docs-contrib
    # api-reference/v1.0/api/conditionalaccessroot-list-policies.md); application permission
    # Policy.Read.All. Conditional Access needs Entra ID P1: what the list answers without it
    # is unconfirmed, so a refusal ERRORs the checks (views/guards.py names the licence).
    Resource(_G, "caPolicies", "/identity/conditionalAccess/policies", needs="Policy.Read.All",
             doc="Conditional Access policies: state, users, apps, client apps, grant "
                 "controls (ESS-06, FED-12)."),
    # Get identitySecurityDefaultsEnforcementPolicy: one object (isEnabled); Policy.Read.All
    # (identitysecuritydefaultsenforcementpolicy-get.md; api-facts.md Corrections)
    Resource(_G, "securityDefaults", "/policies/identitySecurityDefaultsEnforcementPolicy",
             kind="object", needs="Policy.Read.All",
             doc="Security Defaults: isEnabled (ESS-06, FED-12)."),
    # List a user's transitiveMemberOf: groups (and directory roles) the user is in through
    # any nesting; least privileged application permission User.Read.All
    # (includes/permissions/user-list-transitivememberof-permissions.md). The API has no
    # list across users: one read per break-glass account.
    Resource(_G, "breakGlassMemberOf", "/users/{key}/transitiveMemberOf",
             page_size_param="$top", max_page_size=999, needs="User.Read.All",
             per="break-glass account",
             doc="Groups each break-glass account is in, nested ones included, to tell "
                 "whether a Conditional Access policy includes or excludes it (ESS-06)."),
    # List group transitiveMembers (group-list-transitivemembers.md): GroupMember.Read.All,
    # as the direct members above. The API has no list across groups: one read per group a
    # policy excludes.
    Resource(_G, "caExcludedGroupMembers", "/groups/{key}/transitiveMembers",
             (("$select", "id,userPrincipalName"),), page_size_param="$top",
             max_page_size=999, needs="GroupMember.Read.All",
             per="group excluded by Conditional Access",
             doc="Everyone each group excluded by an enabled Conditional Access policy "
                 "reaches, nested members included (FED-12)."),
    # --- Entra's sign-in log (FED-13) ---
    # List signIns (microsoft-graph-docs-contrib api-reference/v1.0/api/signin-list.md):
    # "The maximum and default page size is 1,000", $top/$skiptoken/$filter only (no
    # $select), newest first; application permission AuditLog.Read.All (includes/
    # permissions/signin-list-permissions.md). The $filter (window and error codes) is
    # request_params'; an `or` across status/errorCode is unconfirmed on real Graph (a 400
    # ERRORs FED-13 naming the filter). Needs Entra ID P1 (resources/signin.md): without it
    # Graph answers 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant (NOT_LICENSED).
    Resource(_G, "signIns", "/auditLogs/signIns", page_size_param="$top", max_page_size=1000,
             needs="AuditLog.Read.All",
             doc="Sign-ins in the window that failed with a federation error (FED-13); "
                 "needs Entra ID P1."),
    # Drift's actors for Conditional Access and Security Defaults: the Entra audit log's
    # Policy category in the window (catalog/change_events.py: filter, permission, licence)
    Resource(_G, "directoryAudits", "/auditLogs/directoryAudits",
             (("$filter", ENTRA_AUDIT_FILTER),), needs="AuditLog.Read.All",
             doc="Entra audit events of the Policy category in the window: who changed a "
                 "Conditional Access policy or Security Defaults (drift's actors)."),
    # --- Licences and writers (PROV-05) ---
    # List subscribedSkus: "supports only the $select OData query parameter", no $filter and
    # no page size (microsoft-graph-docs-contrib api-reference/v1.0/api/subscribedsku-list.md):
    # one request, next links followed if any. Least privileged application permission
    # Organization.Read.All, which the suite already holds
    # (includes/permissions/subscribedsku-list-permissions.md).
    Resource(_G, "subscribedSkus", "/subscribedSkus", needs="Organization.Read.All",
             doc="The tenant's subscriptions: skuPartNumber, capabilityStatus, prepaidUnits, "
                 "consumedUnits (PROV-05)."),
    # --- Microsoft's public home-realm discovery (unauthenticated) ---
    Resource(_R, "userRealm", "/getuserrealm.srf", (("login", "{key}"), ("json", "1")),
             kind="object", per="login",
             doc="How Entra routes a user's sign-in: NameSpaceType and AuthURL (FED-09)."),
)  # fmt: skip

BY_NAME: dict[tuple[str, str], Resource] = {(r.api, r.name): r for r in RESOURCES}

#: Graph's answer (401 or 403) to a read the tenant's licence does not cover, Entra's sign-in
#: log without Entra ID P1: microsoft-graph-docs-contrib issue 3808 (the body: "Neither
#: tenant is B2C or tenant doesn't have premium license"), microsoft-graph-docs issue 4336 on
#: List signIns, invictus-ir/Microsoft-Extractor-Suite issue 202 (403 on a free tenant),
#: microsoft-graph-docs-contrib issue 5608 (401, 2020). Not a refused permission
#: (``Authorization_RequestDenied``): the snapshot records it as its own outcome.
#: PIM (globalAdminEligibility) without Entra ID P2 answers 400 ``AadPremiumLicenseRequired``,
#: "The tenant needs an AAD Premium 2 license.": JulianHayward/Azure-MG-Sub-Governance-
#: Reporting issue 114 ("StatusCode: '400' ... error.code: 'AadPremiumLicenseRequired' ...
#: 'The tenant needs an AAD Premium 2 license.'", PIM's ARM twin), microsoft/Microsoft365DSC
#: MSFT_AADRoleEligibilityScheduleRequest.psm1 (Export: "*The tenant needs an AAD Premium*"
#: on Graph's roleEligibilitySchedule reads, "Tenant does not meet license requirement"),
#: Galvnyz/M365-Assess issue 117 and cisagov/ScubaGear issue 981 (Graph PIM reads, no P2).
#: Code -> (the statuses it comes with, the licence it names); only that pair is a licence:
#: the same code with another status, or another 400, stays a failed read.
NOT_LICENSED_ANSWERS: dict[str, tuple[tuple[int, ...], str]] = {
    "Authentication_RequestFromNonPremiumTenantOrB2CTenant": ((401, 403), "Entra ID P1"),
    "AadPremiumLicenseRequired": ((400,), "Entra ID P2"),
}
NOT_LICENSED_CODES = tuple(NOT_LICENSED_ANSWERS)
NOT_LICENSED = "not_licensed"  #: a Read's ``outcome`` then


def licence_needed(status: object, code: object) -> str | None:
    """The licence a Graph answer says the tenant lacks (NOT_LICENSED_ANSWERS), or None."""
    known = NOT_LICENSED_ANSWERS.get(code) if isinstance(code, str) else None
    return known[1] if known and status in known[0] else None


def resource(api: str, name: str) -> Resource:
    return BY_NAME[(api, name)]


def iso_z(t: dt.datetime) -> str:
    """RFC 3339 UTC with milliseconds, as Okta writes timestamps."""
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
