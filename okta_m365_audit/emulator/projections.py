"""What each Okta operation serves of the one object the emulator stores: one table.

The emulator keeps ONE stored object per Okta resource (a custom domain with its
certificate, an app, a user) and every operation that returns it goes through this table.
Okta does not return the same thing everywhere: ``GET /api/v1/domains`` returns "a subset
of the properties for each domain", and only ``GET /api/v1/domains/{id}`` carries the
certificate. A list that served the whole stored object would let a check read a field no
real list ever sends (ORG-03 did), so the difference lives here, once, with its source.

Each row names the spec operation (``operationId`` in okta-management-openapi.yaml) and the
spec schema its body (or each list item) follows; tests/test_okta_conformance.py validates
every body the emulator serves against that operation's response schema, and checks that
every Okta route the emulator registers has a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Projection:
    """What one operation serves of a stored object."""

    route: str  #: the emulator's route, as registered
    operation: str  #: the spec's operationId
    schema: str  #: the spec component the body, or each list item, follows
    #: keys of the stored object served, in the stored order; None: the whole object
    fields: tuple[str, ...] | None = None
    source: str = ""  #: why these fields

    def of(self, obj: Any) -> Any:
        """The stored object as this operation serves it."""
        if self.fields is None or not isinstance(obj, dict):
            return obj
        return {k: v for k, v in obj.items() if k in self.fields}


#: The lists whose recorded elements carry the same keys as a single read of the object.
_SAME_AS_SINGLE = (
    "okta-recorded/apps-list/list-limit200-element-office365-swa-with-provisioning-fields.json "
    "has the keys of apps-single/office365-browser_plugin-active.json at every depth"
)

PROJECTIONS: tuple[Projection, ...] = (
    Projection("/api/v1/org", "getOrgSettings", "OrgSetting",
               source="a single object (okta-recorded/org/get-org-sdkpy-2021.json)"),
    Projection("/api/v1/apps", "listApplications", "Application", source=_SAME_AS_SINGLE),
    Projection("/api/v1/apps/{id}", "getApplication", "Application",
               source="a single object (okta-recorded/apps-single/)"),
    Projection("/api/v1/apps/{id}/credentials/keys", "listApplicationKeys", "JsonWebKey",
               source="every JsonWebKey field (SOURCES.md, Application keys)"),
    Projection("/api/v1/apps/{id}/features", "listFeaturesForApplication",
               "ApplicationFeature", source="okta-recorded/apps-features/*-enabled.json"),
    Projection("/api/v1/apps/{id}/connections/default",
               "getDefaultProvisioningConnectionForApplication",
               "ProvisioningConnectionResponse",
               source="okta-recorded/apps-connections-default/"),
    Projection("/api/v1/apps/{id}/users", "listApplicationUsers", "AppUser",
               source="okta-recorded/apps-users/list-limit50-link-self.json"),
    Projection("/api/v1/apps/{id}/groups", "listApplicationGroupAssignments",
               "ApplicationGroupAssignment",
               source="okta-recorded/apps-groups/list-limit200-link-self.json"),
    Projection("/api/v1/users", "listUsers", "User",
               source="whole users (okta-recorded/users/list-search-*.json); which users: "
               "resources.listed_by_default"),
    Projection("/api/v1/groups", "listGroups", "Group",
               source="okta-recorded/groups/list-*.json"),
    Projection("/api/v1/domains", "listCustomDomains", "DomainListResponse",
               fields=("id", "domain", "certificateSourceType", "validationStatus", "brandId",
                       "_links"),
               source='spec DomainListResponse ("a subset of the properties for each '
               'domain"); okta-recorded/domains/list-two-custom-domains.json and '
               "list-default-domain-only-sdkpy-2026.json carry exactly these keys; "
               "api-facts.md, Corrections (publicCertificate only from /domains/{id})"),
    Projection("/api/v1/domains/{id}", "getCustomDomain", "DomainResponse",
               source="okta-recorded/domains/single-*.json: dnsRecords and the certificate"),
    Projection("/api/v1/agentPools", "listAgentPools", "AgentPool",
               source="spec AgentPool (no pool recorded: okta-recorded/agentPools/ holds "
               "only empty lists)"),
    Projection("/api/v1/threats/configuration", "getCurrentConfiguration",
               "ThreatInsightConfiguration",
               source="spec ThreatInsightResponseExample (a single object)"),
    Projection("/api/v1/policies/{id}/rules", "listPolicyRules", "AccessPolicyRule",
               source="spec list-all-access-policy-rule-response; conditions.office365Client "
               "(not in the spec): okta/terraform-provider-okta issue 1387"),
    Projection("/api/v1/iam/assignees/users", "listUsersWithRoleAssignments",
               "RoleAssignedUsers", source="spec RoleAssignedUsersResponseExample (wrapped, "
               "its next link in the body)"),
    Projection("/api/v1/users/{id}/roles", "listAssignedRolesForUser", "StandardRole",
               source="spec StandardRolesListResponse"),
    Projection("/api/v1/api-tokens", "listApiTokens", "ApiToken",
               source="spec ApiTokenListMetadataResponse (its links are _links; the schema "
               "says _link)"),
    Projection("/api/v1/logs", "listLogEvents", "LogEvent",
               source="spec LogEvent and its ListLogs example (no /logs recording exists)"),
)  # fmt: skip

BY_OPERATION: dict[str, Projection] = {p.operation: p for p in PROJECTIONS}
BY_ROUTE: dict[str, Projection] = {p.route: p for p in PROJECTIONS}


def served(operation: str, body: Any) -> Any:
    """``body`` (one stored object, a list of them, or the domains wrapper) as ``operation``
    serves it."""
    p = BY_OPERATION[operation]
    if isinstance(body, list):
        return [p.of(o) for o in body]
    if operation == "listCustomDomains" and isinstance(body, dict):
        return {**body, "domains": [p.of(d) for d in body.get("domains") or []]}
    return p.of(body)
