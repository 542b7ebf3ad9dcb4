"""The change events drift names its actors by, for the resources read since issue 17:
which Okta System Log event types and which Entra audit activities say who changed an admin
role, ThreatInsight, a sign-on policy rule, an API token, a Conditional Access policy or
Security Defaults. The collector reads them in one request per API (``changeLogs``,
``directoryAudits`` in resources.py); drift (outputs/drift/actors.py) matches them.

Sources
-------
Okta event types: the event-type catalog, okta/okta-developer-docs
packages/@okta/vuepress-site/data/event-types.json (release 2026.08.1), each id below
present there with its description (``user.account.privilege.grant``: "A User's admin
privileges changed"; ``security.threat.configuration.update``: "Fired when a ThreatInsight
configuration has been updated ... updating the action or the excluded zones"; its schema
names no targets, so it is matched by type alone; ``policy.rule.*``: targets
``PolicyResourceDetails``). ``or`` joins filter terms: Okta's filter operators
(okta-developer-docs docs/reference/core-okta-api/index.md, "Operators": ``or``, Logical OR)
and spec listLogEvents ("All operators except [ ] are supported").
Not settled by any source, so not read: which event (if any) the Admin Console app's own
authentication-policy link change logs; a change to it shows with "actor unknown".

Entra activities: MicrosoftDocs/entra-docs docs/identity/monitoring-health/
reference-audit-activities.md, section "Conditional Access": category ``Policy``, activities
"Add/Update/Delete Conditional Access policy" and "Update security defaults".
List directoryAudits (microsoft-graph-docs-contrib api-reference/v1.0/api/directoryaudit-list.md):
``$filter`` with ``eq``, ``ge``, ``le``, ``startswith`` (no ``or``: one category), ``$top``
with no documented maximum (none is sent; the next links are followed); application
permission "AuditLog.Read.All and Directory.Read.All" (includes/permissions/
directoryaudit-list-permissions.md; the suite holds Directory.Read.All already). Licence:
entra-docs howto-configure-prerequisites-for-reporting-api.md ("Roles and license
requirements") asks Entra ID P1/P2 for the sign-in reports only; it names none for the audit
log, so none is assumed: a refusal is reported as the read's failure, never as "no change".

Imports nothing of the package.
"""

from __future__ import annotations

ADMIN_ROLE_EVENTS = (
    "user.account.privilege.grant",
    "user.account.privilege.revoke",
    "group.privilege.grant",
    "group.privilege.revoke",
    "iam.resourceset.bindings.add",
    "iam.resourceset.bindings.delete",
)
THREAT_INSIGHT_EVENTS = ("security.threat.configuration.update",)
POLICY_RULE_EVENTS = (
    "policy.rule.add",
    "policy.rule.update",
    "policy.rule.delete",
    "policy.rule.activate",
    "policy.rule.deactivate",
)
API_TOKEN_EVENTS = (
    "system.api_token.create",
    "system.api_token.update",
    "system.api_token.enable",
    "system.api_token.revoke",
)
OKTA_CHANGE_EVENTS = (
    ADMIN_ROLE_EVENTS + THREAT_INSIGHT_EVENTS + POLICY_RULE_EVENTS + API_TOKEN_EVENTS
)

#: the System Log filter of the change events (one request, in the log window)
OKTA_CHANGE_FILTER = " or ".join(f'eventType eq "{t}"' for t in OKTA_CHANGE_EVENTS)

ENTRA_AUDIT_CATEGORY = "Policy"
CA_POLICY_ACTIVITIES = (
    "Add Conditional Access policy",
    "Update Conditional Access policy",
    "Delete Conditional Access policy",
)
SECURITY_DEFAULTS_ACTIVITIES = ("Update security defaults",)

#: the directoryAudits filter: the Policy category in the log window (``{since}``/``{until}``
#: are filled in by resources.request_params, as the System Log's since/until)
ENTRA_AUDIT_FILTER = (
    f"category eq '{ENTRA_AUDIT_CATEGORY}' and activityDateTime ge {{since}} "
    "and activityDateTime le {until}"
)


#: (api, resource) -> (log, event types or activities, how an event names the object):
#: "target" (a target's id/alternateId is one of the object's ids) or "type" (the resource
#: is one per org: its event type alone says it)
ACTORS: dict[tuple[str, str], tuple[str, tuple[str, ...], str]] = {
    ("okta", "oktaAdmins"): ("okta", ADMIN_ROLE_EVENTS, "target"),
    ("okta", "oktaAdminRoles"): ("okta", ADMIN_ROLE_EVENTS, "target"),
    ("okta", "threatInsight"): ("okta", THREAT_INSIGHT_EVENTS, "type"),
    ("okta", "adminConsolePolicyRules"): ("okta", POLICY_RULE_EVENTS, "target"),
    ("okta", "office365PolicyRules"): ("okta", POLICY_RULE_EVENTS, "target"),
    ("okta", "apiTokens"): ("okta", API_TOKEN_EVENTS, "target"),
    ("graph", "caPolicies"): ("entra", CA_POLICY_ACTIVITIES, "target"),
    ("graph", "securityDefaults"): ("entra", SECURITY_DEFAULTS_ACTIVITIES, "type"),
}

#: resources of issue 17 whose changes no log read here names an actor for, and why
NO_ACTOR_SOURCE: dict[tuple[str, str], str] = {
    ("okta", "adminConsoleApp"): "no documented System Log event for the Admin Console "
    "app's policy link is read",
    ("graph", "breakGlassMemberOf"): "group membership changes are not read (the Entra "
    "audit read covers the Policy category only)",
    ("graph", "caExcludedGroupMembers"): "group membership changes are not read (the Entra "
    "audit read covers the Policy category only)",
}
