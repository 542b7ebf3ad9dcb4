"""The field-deletion sweep (issue 12): for every field a check reads, the golden tenant with
that field deleted, and with it set to null, in every object of its resource; no check passes
that was not passing, the checks that read the field fail or ERROR, and the message names it.

The fields are discovered, never listed by hand: the suite runs once on the golden with its
API data recording every field read, per test (tests/field_reads.py); then once more over
every mutated copy at a time, all through the plugin in this process. Where a reader may stay
green, the field is in ``OPTIONAL`` with the reason; a reader that stays green for a known
defect is in ``KNOWN_FALSE_PASSES`` (reported, to be fixed in the check).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .conftest import golden_doc
from .field_reads import Mutation, Outcome, Sweep, run_sweep

_cache: dict[str, Sweep] = {}


def sweep(pytester) -> Sweep:
    """The sweep, computed once per session (about two minutes on two cores)."""
    if "sweep" not in _cache:
        _cache["sweep"] = run_sweep(pytester, golden_doc())
    return _cache["sweep"]


@dataclass(frozen=True)
class Optional_:
    """Readers of a field that may stay passing without it, and why."""

    reason: str
    checks: tuple[str, ...] = ()  #: the readers that may stay green; () = every reader
    #: a check that must fail or ERROR for the same mutation instead (it judges the field)
    judged_by: str | None = None

    def allows(self, check: str) -> bool:
        return not self.checks or check in self.checks


_NO_EVENT = "the golden's System Log holds no failure event: nothing for the field to decide"
_ALT = "an alternative field identifies the same object (either is enough)"
_EVIDENCE = "evidence only: shown, never judged"
_OTHER_TEST = "one test of the check reads it for evidence; its sibling test judges it"
_ELIGIBLE = "PIM eligibility is listed, never counted (views/roles.py): no verdict rests on it"
_CONSENT_NAMES = (
    "CRED-02 needs some consented permission (an app role assignment exists); which ones, by "
    "name, is CRED-03's claim, and it fails without the names"
)
_INITIAL_UNKNOWN = (
    "without the initial domain the instance-wide checks judge the org's only office365 app "
    "(several: ERROR, views.federation.office365_app); whether it is this tenant's is "
    "PREP-01's, which ERRORs with ESS-01"
)

_POLICY_RULES = {"adminConsolePolicyRules": "ORG-05", "office365PolicyRules": "FED-10"}
_NO_CONDITIONS = (
    "a rule without conditions is walked past (only the system catch-all matches every "
    "sign-in without them), so every rule is still judged"
)
_ANY_NETWORK = "an empty network condition is every network (as connection ANYWHERE)"
_BY_PRIORITY = (
    "order falls back on priority (the catch-all has 99); the catch-all is then walked past, "
    "never taken for a rule matching every sign-in"
)

#: "api.resource.path" -> why its readers may stay green without it
OPTIONAL: dict[str, Optional_] = {
    # --- Entra guards (ESS-06, FED-12) ---
    "graph.caPolicies.displayName": Optional_(_EVIDENCE, ("ESS-06", "FED-12"), judged_by=None),
    "graph.caPolicies.conditions.clientAppTypes": Optional_(
        "ESS-06 shows it: a policy for any client type can lock an account out",
        ("ESS-06",),
        judged_by="FED-12",
    ),
    "graph.caPolicies.grantControls": Optional_(
        "null is a policy with session controls only: it refuses nobody (ESS-06); FED-12 "
        "fails without a block",
        ("ESS-06",),
        judged_by="FED-12",
    ),
    "graph.caPolicies.grantControls.authenticationStrength": Optional_(
        "absent in older API revisions: no strength required; the golden's policies name "
        "other controls",
        ("ESS-06", "FED-12"),
        judged_by=None,
    ),
    # --- licences (PROV-05) ---
    "graph.subscribedSkus.skuId": Optional_(
        _ALT + ": a declared SKU is matched on skuPartNumber or skuId (the golden declares "
        "the part number)",
        ("PROV-05",),
        judged_by=None,
    ),
    "graph.subscribedSkus.prepaidUnits.suspended": Optional_(
        _EVIDENCE + ": free seats are enabled minus consumed units", ("PROV-05",), judged_by=None
    ),
    "graph.subscribedSkus.prepaidUnits.warning": Optional_(
        _EVIDENCE + ": free seats are enabled minus consumed units", ("PROV-05",), judged_by=None
    ),
    "graph.securityDefaults.isEnabled": Optional_(
        "either is enough: FED-12 passes on its enabled block policy alone; ESS-06 judges it",
        ("FED-12",),
        judged_by="ESS-06",
    ),
    "okta.appFeatures.name": Optional_(
        "CRED-04's activity item is skipped when provisioning is off: PROV-01's finding",
        ("CRED-04",),
        judged_by="PROV-01",
    ),
    "okta.appFeatures.status": Optional_(
        "CRED-04's activity item is skipped when provisioning is off: PROV-01's finding",
        ("CRED-04",),
        judged_by="PROV-01",
    ),
    "graph.appRoleAssignments.appRoleId": Optional_(
        _CONSENT_NAMES,
        ("CRED-02",),
        judged_by="CRED-03",
    ),
    "graph.appRoleAssignments.deletedDateTime": Optional_(
        "absent or null: not deleted (Graph sets deletedDateTime only on deleted objects)",
        ("CRED-02", "CRED-03", "CRED-05"),
        judged_by=None,
    ),
    "graph.domains.id": Optional_(
        (
            "FED-09 judges Microsoft's own answer; the key it cross-checks comes through the "
            "domain's federation, which FED-01..07 ERROR without (views.federation.domains "
            "names the id)"
        ),
        ("FED-09",),
        judged_by="FED-01",
    ),
    "graph.domains.isRoot": Optional_(
        "absent is judged as a root domain: the child-domain allowance needs isRoot false",
        ("FED-07", "PREP-03"),
        judged_by=None,
    ),
    "graph.federationConfiguration.activeSignInUri": Optional_(
        "optional: FED-03 judges it only when set (WS-Fed active endpoint)",
        ("FED-03",),
        judged_by=None,
    ),
    "graph.federationConfiguration.nextSigningCertificate": Optional_(
        "absent when no certificate rollover is staged",
        ("FED-04", "FED-05"),
        judged_by=None,
    ),
    "graph.federationConfiguration.passiveSignInUri": Optional_(
        (
            "FED-09 judges Microsoft's own routing (NameSpaceType, AuthURL on this org); the "
            "key it cross-checks comes from passiveSignInUri, whose absence FED-03 fails"
        ),
        ("FED-09",),
        judged_by="FED-03",
    ),
    "graph.federationConfiguration.signingCertificate": Optional_(
        (
            "FED-05 judges the expiry of the certificates Entra holds; a missing "
            "signingCertificate is FED-04's failure"
        ),
        ("FED-05",),
        judged_by="FED-04",
    ),
    "graph.globalAdminAssignments.principal": Optional_(
        (
            "a principalId that is an Entra user's object id is that user (views/roles.py); the"
            " expansion only tells groups apart, whose members then go unresolved (ESS-05 "
            "ERRORs)"
        ),
        ("ESS-02",),
        judged_by="ESS-05",
    ),
    "graph.globalAdminAssignments.principal.displayName": Optional_(
        "evidence only: names a group principal in evidence and messages (its id otherwise)",
        ("ESS-02", "ESS-05"),
        judged_by=None,
    ),
    "graph.globalAdminAssignments.principal.isAssignableToRole": Optional_(
        (
            "ESS-02's service account holds the role directly; the flag only decides what a "
            "group's members hold, unresolved without it (ESS-05 ERRORs)"
        ),
        ("ESS-02",),
        judged_by="ESS-05",
    ),
    "graph.globalAdminEligibility.directoryScopeId": Optional_(
        _ELIGIBLE,
        ("ESS-02", "ESS-05"),
        judged_by=None,
    ),
    "graph.globalAdminEligibility.principal": Optional_(
        _ELIGIBLE,
        ("ESS-02", "ESS-05"),
        judged_by=None,
    ),
    "graph.globalAdminEligibility.principalId": Optional_(
        _ELIGIBLE,
        ("ESS-02", "ESS-05"),
        judged_by=None,
    ),
    "graph.globalAdminEligibility.roleDefinitionId": Optional_(
        _ELIGIBLE,
        ("ESS-02", "ESS-05"),
        judged_by=None,
    ),
    "graph.globalAdminGroupMembers.id": Optional_(
        (
            "ESS-02's service account holds the role directly; a group member without an id "
            "goes unresolved (views/roles.py), so ESS-05 ERRORs"
        ),
        ("ESS-02",),
        judged_by="ESS-05",
    ),
    "graph.graphServicePrincipal.appRoles": Optional_(
        _CONSENT_NAMES,
        ("CRED-02",),
        judged_by="CRED-03",
    ),
    "graph.graphServicePrincipal.appRoles.id": Optional_(
        _CONSENT_NAMES,
        ("CRED-02",),
        judged_by="CRED-03",
    ),
    "graph.graphServicePrincipal.appRoles.value": Optional_(
        _CONSENT_NAMES,
        ("CRED-02",),
        judged_by="CRED-03",
    ),
    "graph.oktaClientPrincipal.displayName": Optional_(
        "evidence only: the principal is found by appId, its name is evidence (CATALOG CRED-03)",
        ("CRED-02", "CRED-03"),
        judged_by=None,
    ),
    "graph.oktaServicePrincipals.appId": Optional_(
        "evidence only: CRED-03 lists the other Okta-named principals and their appIds",
        ("CRED-03",),
        judged_by=None,
    ),
    "graph.organization.verifiedDomains": Optional_(
        _INITIAL_UNKNOWN,
        (
            "CRED-01",
            "CRED-02",
            "CRED-03",
            "CRED-04",
            "CRED-05",
            "ESS-03",
            "IMP-01",
            "IMP-02",
            "IMP-03",
            "IMP-04",
            "IMP-05",
            "ORG-01",
            "PREP-01",
            "PREP-04",
            "PREP-05",
            "PROV-01",
            "PROV-02",
            "PROV-03",
            "PROV-04",
        ),
        judged_by="ESS-01",
    ),
    "graph.organization.verifiedDomains.isInitial": Optional_(
        _INITIAL_UNKNOWN,
        (
            "CRED-01",
            "CRED-02",
            "CRED-03",
            "CRED-04",
            "CRED-05",
            "ESS-03",
            "IMP-01",
            "IMP-02",
            "IMP-03",
            "IMP-04",
            "IMP-05",
            "ORG-01",
            "PREP-01",
            "PREP-04",
            "PREP-05",
            "PROV-01",
            "PROV-02",
            "PROV-03",
            "PROV-04",
        ),
        judged_by="ESS-01",
    ),
    "graph.organization.verifiedDomains.name": Optional_(
        _INITIAL_UNKNOWN,
        (
            "CRED-01",
            "CRED-02",
            "CRED-03",
            "CRED-04",
            "CRED-05",
            "ESS-03",
            "IMP-01",
            "IMP-02",
            "IMP-03",
            "IMP-04",
            "IMP-05",
            "ORG-01",
            "PREP-01",
            "PREP-04",
            "PREP-05",
            "PROV-01",
            "PROV-02",
            "PROV-03",
            "PROV-04",
        ),
        judged_by="ESS-01",
    ),
    "graph.users.accountEnabled": Optional_(
        (
            "IMP-04/05 judge every app user whatever its Entra user's state; accountEnabled "
            "decides only IMP-01..03's scope, which ERRORs without it"
        ),
        ("IMP-04", "IMP-05"),
        judged_by="ESS-01",
    ),
    "graph.users.assignedLicenses": Optional_(
        "evidence only: licence state never decides scope (scope.py, people.unlicensed_in_scope)",
        ("IMP-01", "IMP-02", "IMP-03", "IMP-04", "IMP-05"),
        judged_by=None,
    ),
    "graph.users.id": Optional_(
        (
            "evidence, or one of two join keys (externalId, else the UPN: "
            "views.instances.assignment_in, so a join without it finds fewer, never more); "
            "joins on ids alone (entra_by_id: IMP-04, PREP-05, ESS-02/05) ERROR naming it"
        ),
        ("ESS-01", "ESS-03", "IMP-01", "IMP-02", "IMP-03", "IMP-05", "PREP-04"),
        judged_by="ESS-02",
    ),
    "graph.users.onPremisesImmutableId": Optional_(
        (
            "null is Graph's not set (user resource: it associates an on-premises AD account), "
            "so a cloud-only user for ESS-01/05; PREP-04's presence test fails for it"
        ),
        ("ESS-01", "ESS-05", "PREP-04"),
        judged_by="PREP-04",
    ),
    "graph.users.userPrincipalName": Optional_(
        (
            "ESS-03 looks an excluded account's assignment up by the declared UPN, IMP-04 joins"
            " by externalId (either key is enough) and IMP-05 reads no Entra user; scope and "
            "ESS-04/05 ERROR naming it"
        ),
        ("ESS-03", "IMP-04", "IMP-05"),
        judged_by="ESS-01",
    ),
    "graph.users.userType": Optional_(
        "absent keeps the user in scope, the stricter reading (scope.in_scope)",
        ("IMP-01", "IMP-02", "IMP-03", "IMP-04", "IMP-05", "PREP-04", "PROV-05", "PROV-06"),
        judged_by=None,
    ),
    "okta.adApps.created": Optional_(
        (
            "ORG-01's integrated-before test ERRORs naming created; the other two only sort by "
            "it (oldest first)"
        ),
        ("ORG-01", "ORG-09"),
        judged_by="ORG-01",
    ),
    "okta.adApps.id": Optional_(
        _ALT + " (ORG-01: the pool's id is the AD app's id, or its name is the domain)",
        ("ORG-01", "ORG-09"),
        judged_by=None,
    ),
    "okta.adApps.label": Optional_(
        _ALT + " (ORG-01: label or settings.app.namingContext)",
        ("ORG-01", "ORG-09"),
        judged_by=None,
    ),
    "okta.adApps.name": Optional_(
        (
            "the agent pool is found by its name (the AD domain) too; the integration itself "
            "(name active_directory) is ORG-01's integration test, which fails"
        ),
        ("ORG-01", "ORG-09"),
        judged_by="ORG-01",
    ),
    "okta.adApps.settings": Optional_(
        _ALT + " (ORG-01: label or settings.app.namingContext)",
        ("ORG-01",),
        judged_by=None,
    ),
    "okta.adApps.settings.app": Optional_(
        _ALT + " (ORG-01: label or settings.app.namingContext)",
        ("ORG-01",),
        judged_by=None,
    ),
    "okta.adApps.settings.app.namingContext": Optional_(
        _ALT + " (ORG-01: label or settings.app.namingContext)",
        ("ORG-01",),
        judged_by=None,
    ),
    "okta.agentPools.agents.lastConnection": Optional_(
        "evidence only: an agent's operationalStatus decides, the rest is shown",
        ("ORG-01", "ORG-09"),
        judged_by=None,
    ),
    "okta.agentPools.agents.name": Optional_(
        "evidence only: an agent's operationalStatus decides, the rest is shown",
        ("ORG-01", "ORG-09"),
        judged_by=None,
    ),
    "okta.agentPools.agents.version": Optional_(
        "evidence only: an agent's operationalStatus decides, the rest is shown",
        ("ORG-01", "ORG-09"),
        judged_by=None,
    ),
    "okta.agentPools.id": Optional_(
        _ALT + " (ORG-01: the pool's id is the AD app's id, or its name is the domain)",
        ("ORG-01", "ORG-09"),
        judged_by=None,
    ),
    "okta.agentPools.name": Optional_(
        _ALT + " (ORG-01: the pool's id is the AD app's id, or its name is the domain)",
        ("ORG-01", "ORG-09"),
        judged_by=None,
    ),
    "okta.agentPools.type": Optional_(
        (
            "the read asks for poolType=AD (resources.py): every pool it returns is an AD pool,"
            " type only re-checks it"
        ),
        ("ORG-01", "ORG-09"),
        judged_by=None,
    ),
    "okta.appUsers.credentials": Optional_(
        _ALT + " (externalId, else userName); PREP-05 fails for a missing userName",
        ("ESS-03", "IMP-01", "IMP-02", "IMP-03", "IMP-04", "IMP-05", "PREP-04"),
        judged_by="PREP-05",
    ),
    "okta.appUsers.credentials.userName": Optional_(
        _ALT + " (externalId, else userName); PREP-05 fails for a missing userName",
        ("ESS-03", "IMP-01", "IMP-02", "IMP-03", "IMP-04", "IMP-05", "PREP-04"),
        judged_by="PREP-05",
    ),
    "okta.appUsers.externalId": Optional_(
        _ALT + " (IMP-02/04: externalId, else userName)",
        ("ESS-03", "IMP-01", "IMP-02", "IMP-03", "IMP-04", "IMP-05", "PREP-04", "PREP-05"),
        judged_by=None,
    ),
    "okta.appUsers.id": Optional_(
        (
            "the id only merges one Okta user's assignments in two instances: without it more "
            "duplicate immutable IDs count, never fewer"
        ),
        ("PREP-04",),
        judged_by=None,
    ),
    "okta.appUsers.profile.immutableId": Optional_(
        "no value sent, no duplicate; PREP-04's comparison test fails for the missing values",
        ("PREP-04",),
        judged_by="PREP-04",
    ),
    "okta.appUsers.syncState": Optional_(
        (
            "only IMP-05 judges syncState (ERRORs when missing or null: spec AppUserSyncState "
            "has no null); IMP-01..04 show it in the reconciliation evidence"
        ),
        ("IMP-01", "IMP-02", "IMP-03", "IMP-04"),
        judged_by="IMP-05",
    ),
    "okta.customDomains.certificateSourceType": Optional_(
        _EVIDENCE,
        ("ORG-03",),
        judged_by=None,
    ),
    "okta.customDomains.id": Optional_(
        "the details read is keyed by the list's id; the details' own id is evidence",
        ("ORG-03",),
        judged_by=None,
    ),
    "okta.domains.domains.id": Optional_(
        (
            "without the default entry the org's own host comes from GET /api/v1/org's "
            "subdomain (views.instances.org_hosts, recorded list-empty-sdkpy-2021); ORG-03 "
            "ERRORs naming it"
        ),
        ("FED-03", "FED-09", "ORG-03"),
        judged_by="ORG-03",
    ),
    "okta.logs.eventType": Optional_(
        _NO_EVENT,
        ("CRED-04",),
        judged_by=None,
    ),
    "okta.logs.legacyEventType": Optional_(
        _NO_EVENT,
        ("CRED-04",),
        judged_by=None,
    ),
    "okta.logs.outcome": Optional_(
        _NO_EVENT,
        ("CRED-04",),
        judged_by=None,
    ),
    "okta.logs.outcome.result": Optional_(
        _NO_EVENT,
        ("CRED-04",),
        judged_by=None,
    ),
    "okta.logs.target": Optional_(
        _NO_EVENT,
        ("CRED-04",),
        judged_by=None,
    ),
    "okta.logs.target.id": Optional_(
        _NO_EVENT,
        ("CRED-04",),
        judged_by=None,
    ),
    "okta.logs.target.type": Optional_(
        _NO_EVENT,
        ("CRED-04",),
        judged_by=None,
    ),
    "okta.logs.uuid": Optional_(
        _NO_EVENT,
        ("CRED-04",),
        judged_by=None,
    ),
    "okta.office365Apps.credentials": Optional_(
        (
            "evidence only: PREP-05 shows the username template and judges the usernames "
            "themselves (CATALOG PREP-05)"
        ),
        ("PREP-05",),
        judged_by="FED-04",
    ),
    "okta.office365Apps.credentials.userNameTemplate": Optional_(
        (
            "evidence only: PREP-05 shows the username template and judges the usernames "
            "themselves (CATALOG PREP-05)"
        ),
        ("PREP-05",),
        judged_by=None,
    ),
    "okta.office365Apps.credentials.userNameTemplate.template": Optional_(
        (
            "evidence only: PREP-05 shows the username template and judges the usernames "
            "themselves (CATALOG PREP-05)"
        ),
        ("PREP-05",),
        judged_by=None,
    ),
    "okta.office365Apps.credentials.userNameTemplate.type": Optional_(
        (
            "evidence only: PREP-05 shows the username template and judges the usernames "
            "themselves (CATALOG PREP-05)"
        ),
        ("PREP-05",),
        judged_by=None,
    ),
    "okta.office365Apps.id": Optional_(
        (
            "the id keys the per-instance reads (keys, users, features), which ERROR naming it "
            "(views.base.app_id_of); these judge the app's own JSON (status, domains, "
            "signOnMode) or read the app only for IMP evidence"
        ),
        ("FED-03", "IMP-01", "IMP-03", "PREP-01", "PREP-02", "PREP-03", "FED-10"),
        judged_by="IMP-02",
    ),
    "okta.office365Apps.label": Optional_(
        (
            "judged only against a label the tenant file declares (the demo declares none); "
            "evidence otherwise"
        ),
        ("PREP-01", "FED-10"),
        judged_by=None,
    ),
    "okta.office365Apps.name": Optional_(
        (
            "office365_apps ERRORs naming it; IMP-01/03 read the app only for the "
            "reconciliation evidence, and PREP-01's automatic-mode test is vacuous without a "
            "serving instance, which PREP-01's other tests fail or ERROR for"
        ),
        ("IMP-01", "IMP-03", "PREP-01"),
        judged_by="PREP-01",
    ),
    "okta.office365Apps.settings": Optional_(
        (
            "IMP-01/03 read the app only for the reconciliation evidence; PREP-01's "
            "automatic-mode test is vacuous without a serving instance, which PREP-01's other "
            "tests fail or ERROR for"
        ),
        ("IMP-01", "IMP-03", "PREP-01"),
        judged_by="PREP-01",
    ),
    "okta.office365Apps.settings.app": Optional_(
        (
            "IMP-01/03 read the app only for the reconciliation evidence; PREP-01's "
            "automatic-mode test is vacuous without a serving instance, which PREP-01's other "
            "tests fail or ERROR for"
        ),
        ("IMP-01", "IMP-03", "PREP-01"),
        judged_by="PREP-01",
    ),
    "okta.office365Apps.settings.app.domain": Optional_(
        _ALT + " (settings.app.domain or settings.app.domains)",
        (
            "ESS-03",
            "FED-03",
            "FED-04",
            "FED-05",
            "FED-07",
            "IMP-01",
            "IMP-02",
            "IMP-03",
            "IMP-04",
            "IMP-05",
            "PREP-01",
            "PREP-02",
            "PREP-03",
            "PREP-04",
            "PREP-05",
            "FED-10",
        ),
        judged_by=None,
    ),
    "okta.office365Apps.settings.app.domains": Optional_(
        _ALT + " (settings.app.domain or settings.app.domains)",
        (
            "ESS-03",
            "FED-03",
            "FED-04",
            "FED-05",
            "FED-07",
            "IMP-01",
            "IMP-02",
            "IMP-03",
            "IMP-04",
            "IMP-05",
            "PREP-01",
            "PREP-02",
            "PREP-03",
            "PREP-04",
            "PREP-05",
            "FED-10",
        ),
        judged_by="PREP-01",
    ),
    "okta.office365Apps.settings.app.msftTenant": Optional_(
        (
            "IMP-01/03 read the app only for the reconciliation evidence; PREP-01's "
            "automatic-mode test is vacuous without a serving instance, which PREP-01's other "
            "tests fail or ERROR for"
        ),
        ("IMP-01", "IMP-03", "PREP-01"),
        judged_by="PREP-01",
    ),
    "okta.office365Apps.settings.app.wsFedConfigureType": Optional_(
        (
            "null reads as manual, whose expected issuers include the AUTO form <domain>:<key>;"
            " PREP-02 fails for the null"
        ),
        ("FED-07",),
        judged_by="PREP-02",
    ),
    "okta.office365Apps.signOnMode": Optional_(
        "evidence only in PREP-01's instance summary; PREP-02 judges it",
        ("PREP-01",),
        judged_by="PREP-02",
    ),
    "okta.office365Apps.status": Optional_(
        (
            "the instance-wide checks judge the tenant's only office365 app whatever its status"
            " (views.federation.office365_app); PREP-01 fails for a status that is not ACTIVE"
        ),
        (
            "CRED-01",
            "CRED-02",
            "CRED-03",
            "CRED-04",
            "CRED-05",
            "ESS-03",
            "FED-03",
            "FED-04",
            "FED-05",
            "FED-07",
            "IMP-01",
            "IMP-02",
            "IMP-03",
            "IMP-04",
            "IMP-05",
            "ORG-01",
            "PREP-01",
            "PREP-02",
            "PREP-03",
            "PREP-04",
            "PREP-05",
            "PROV-01",
            "PROV-02",
            "PROV-03",
            "PROV-04",
            "FED-10",
        ),
        judged_by="PREP-01",
    ),
    "okta.agentPools.agents": Optional_(_OTHER_TEST, ("ORG-09",), judged_by="ORG-09"),
    "okta.agentPools.agents.isLatestGAedVersion": Optional_(
        _OTHER_TEST + " (ORG-01 shows the same agent rows)",
        ("ORG-01", "ORG-09"),
        judged_by="ORG-09",
    ),
    "okta.agentPools.agents.operationalStatus": Optional_(
        _OTHER_TEST, ("ORG-09",), judged_by="ORG-09"
    ),
    "okta.apiTokens.expiresAt": Optional_(_OTHER_TEST, ("ORG-08",), judged_by="ORG-08"),
    "okta.apiTokens.tokenWindow": Optional_(_OTHER_TEST, ("ORG-08",), judged_by="ORG-08"),
    "okta.apiTokens.userId": Optional_(_OTHER_TEST, ("ORG-08",), judged_by="ORG-08"),
    "okta.agentPools.agents.isHidden": Optional_(_EVIDENCE, ("ORG-01", "ORG-09"), judged_by=None),
    "okta.apiTokens.clientName": Optional_(_EVIDENCE, ("ORG-08",), judged_by=None),
    "okta.apiTokens.created": Optional_(_EVIDENCE, ("ORG-08",), judged_by=None),
    "okta.apiTokens.id": Optional_(_EVIDENCE, ("ORG-08",), judged_by=None),
    "okta.apiTokens.name": Optional_(_EVIDENCE, ("ORG-08",), judged_by=None),
    "okta.apiTokens.network": Optional_(_EVIDENCE, ("ORG-08",), judged_by=None),
    "okta.apiTokens.network.connection": Optional_(_EVIDENCE, ("ORG-08",), judged_by=None),
    "okta.threatInsight.excludeZones": Optional_(_EVIDENCE, ("ORG-07",), judged_by=None),
    **{
        f"okta.adminConsoleApp.{f}": Optional_(_EVIDENCE, ("ORG-05",), judged_by=None)
        for f in ("id", "label", "status")
    },
    "okta.threatInsight.lastUpdated": Optional_(_EVIDENCE, ("ORG-07",), judged_by=None),
    "okta.oktaAdminRoles.assignmentType": Optional_(_EVIDENCE, ("ORG-06",), judged_by=None),
    **{
        f"okta.{r}.{f}": Optional_(_EVIDENCE, (c,), judged_by=None)
        for r, c in _POLICY_RULES.items()
        for f in ("id", "name")
    },
    **{
        f"okta.{r}.conditions": Optional_(_NO_CONDITIONS, (c,), judged_by=None)
        for r, c in _POLICY_RULES.items()
    },
    **{
        f"okta.{r}.conditions.network.connection": Optional_(_ANY_NETWORK, (c,), judged_by=None)
        for r, c in _POLICY_RULES.items()
    },
    **{
        f"okta.{r}.system": Optional_(_BY_PRIORITY, (c,), judged_by=None)
        for r, c in _POLICY_RULES.items()
    },
    "okta.office365PolicyRules.actions.appSignOn.verificationMethod": Optional_(
        "the legacy-client rule denies, so it needs no verification method; the web rule's "
        "lack of one ERRORs FED-10's mfa test",
        ("FED-10",),
        judged_by="FED-10",
    ),
    **{
        f"okta.office365PolicyRules.conditions.office365Client{f}": Optional_(
            "absent, a rule applies to every client (inference, README 'What is not known'): "
            "the golden's first rule then denies every client, which meets every requirement",
            ("FED-10",),
            judged_by=None,
        )
        for f in ("", ".include")
    },
    "okta.users.id": Optional_(
        (
            "Okta users are matched by profile.login; the id is evidence (union_by_id keeps "
            "id-less users)"
        ),
        ("ESS-03", "ESS-05", "IMP-01", "IMP-02", "IMP-03", "IMP-04", "IMP-05", "ORG-08", "ORG-06"),
        judged_by=None,
    ),
    "okta.users.profile": Optional_(
        (
            "IMP-02/04/05 join assignments to Entra users, never to Okta users (the "
            "reconciliation evidence says could not read); okta_by_login ERRORs naming "
            "profile.login (ESS-03, IMP-01)"
        ),
        ("IMP-02", "IMP-04", "IMP-05", "ORG-08", "ORG-06"),
        judged_by="IMP-01",
    ),
    "okta.users.profile.login": Optional_(
        (
            "IMP-02/04/05 join assignments to Entra users, never to Okta users (the "
            "reconciliation evidence says could not read); okta_by_login ERRORs naming "
            "profile.login (ESS-03, IMP-01)"
        ),
        ("IMP-02", "IMP-04", "IMP-05", "ORG-08", "ORG-06"),
        judged_by="IMP-01",
    ),
    "okta.users.status": Optional_(
        (
            "only IMP-03 judges an Okta user's status (ERRORs without it); IMP-01 counts users "
            "in any state"
        ),
        ("IMP-01", "IMP-02", "IMP-04", "IMP-05", "ORG-08", "ORG-06"),
        judged_by="IMP-03",
    ),
    "realm.userRealm.AuthURL": Optional_(
        "an excluded account is judged by NameSpaceType Managed alone; its AuthURL is evidence",
        ("FED-09",),
        judged_by="FED-09",
    ),
    "realm.userRealm.DomainName": Optional_(
        _EVIDENCE,
        ("FED-09",),
        judged_by=None,
    ),
}

_SHOWS_VALUE = "shows the value found (None) against the one expected, not the field's name"
_NOT_FOUND = "reports the object the field identifies as not found (its lookup key is gone)"
#: check -> why its failure messages need not name the missing field (sweep of issue 12)
FAILURE_MESSAGE_GAPS: dict[str, str] = {
    "ACCESS-01": _SHOWS_VALUE,
    "ACCESS-03": _SHOWS_VALUE,
    "CRED-01": _SHOWS_VALUE,
    "CRED-03": _NOT_FOUND,
    "ESS-01": _NOT_FOUND,
    "ESS-02": _NOT_FOUND,
    "ESS-03": _NOT_FOUND,
    "ESS-05": _NOT_FOUND,
    "FED-01": _SHOWS_VALUE,
    "FED-02": _SHOWS_VALUE,
    "FED-03": _NOT_FOUND,
    "FED-09": _NOT_FOUND,
    "IMP-01": _NOT_FOUND,
    "ORG-01": _SHOWS_VALUE,
    "ORG-03": _NOT_FOUND,
    "ORG-08": _NOT_FOUND,
    "PREP-01": _NOT_FOUND,
    "PREP-02": _NOT_FOUND,
    "PREP-03": _SHOWS_VALUE,
    "PREP-04": _NOT_FOUND,
    "PREP-05": _NOT_FOUND,
    "PROV-01": _SHOWS_VALUE,
    "PROV-03": _SHOWS_VALUE,
    "PROV-04": _NOT_FOUND,
}

_PARENT_KEY = "a per-parent read's key: the message names the read not collected for it"
_INITIAL = "names the initial domain GET /organization lacks, the field's meaning"
#: "api.resource.path" -> why the ERRORs it causes need not name it
ERROR_MESSAGE_GAPS: dict[str, str] = {
    "graph.globalAdminAssignments.principalId": "names the group-members read it cannot find",
    "graph.oktaClientPrincipal.id": _PARENT_KEY,
    "graph.organization.verifiedDomains": _INITIAL,
    "graph.organization.verifiedDomains.isInitial": _INITIAL,
    "graph.organization.verifiedDomains.name": _INITIAL,
    "graph.oktaServicePrincipals.id": _PARENT_KEY,
}


def dotted(field: tuple[str, str, str]) -> str:
    return ".".join(field)


def names_field(mutation: Mutation, message: str) -> bool:
    """The message names the field: its dotted path, or its last segment as a word."""
    path = mutation.field[2]
    last = re.escape(path.rsplit(".", 1)[-1])
    return path in message or re.search(rf"(?<![\w@]){last}(?!\w)", message) is not None


_SEE = re.compile(r"\bsee ((?:[A-Z]+-\d\d)|(?:test_\w+))")


def deferred_to(message: str, outcomes: dict[str, Outcome]) -> list[Outcome]:
    """The outcomes of the check an ERROR defers to ("...; see PREP-01")."""
    found = []
    for ref in _SEE.findall(message):
        found += [o for t, o in outcomes.items() if o.check == ref or t.startswith(ref + "[")]
    return found


def not_green(outcome: Outcome) -> bool:
    return outcome.verdict in ("failed", "error")


def test_recording_changes_no_verdict(pytester):
    """The recording wrapper is transparent: the golden, recorded, has the golden's verdicts."""
    s = sweep(pytester)
    recorded = {t: o.verdict for t, o in s.recorded.items()}
    plain = {t: o.verdict for t, o in s.golden.items()}
    assert recorded == plain, "recording the reads changed verdicts"


def test_fields_were_discovered(pytester):
    """Every check that passes on the golden read at least one API field, but those that
    judge the reads themselves (their ok and status, not their data)."""
    s = sweep(pytester)
    readers = {s.golden[t].check for tests in s.reads.values() for t in tests}
    passing = {o.check for o in s.golden.values() if o.verdict == "passed"}
    assert passing - readers <= {"ACCESS-02", "ACCESS-04"}, "checks with no field read recorded"


def test_no_check_passes_that_was_not_passing(pytester):
    """No mutation turns a check that was not passing on the golden into a pass."""
    s = sweep(pytester)
    gained = [
        f"{m}: {t} {s.golden[t].verdict} -> passed"
        for m, outcomes in s.outcomes.items()
        for t, o in outcomes.items()
        if o.verdict == "passed" and s.golden[t].verdict != "passed"
    ]
    assert not gained, "a missing field made checks pass:\n" + "\n".join(gained)


def _allowance(m: Mutation, check: str) -> Optional_ | None:
    entry = OPTIONAL.get(dotted(m.field))
    return entry if entry is not None and entry.allows(check) else None


def test_readers_of_a_missing_field_do_not_pass(pytester):
    """Each test that read the field (and passed on the golden) fails or ERRORs without it,
    unless the field is optional for its check; an optional field judged by another check
    needs that check to fail or ERROR for the same mutation."""
    s = sweep(pytester)
    wrong = []
    for m, outcomes in s.outcomes.items():
        for t in sorted(s.reads[m.field]):
            if s.golden[t].verdict != "passed" or not_green(outcomes[t]):
                continue
            entry = _allowance(m, outcomes[t].check)
            if entry is None:
                wrong.append(f"{m}: {t} {outcomes[t].verdict}")
            elif entry.judged_by and not any(
                not_green(o) for o in outcomes.values() if o.check == entry.judged_by
            ):
                wrong.append(f"{m}: {t} passed and {entry.judged_by} did not fail either")
    assert not wrong, f"{len(wrong)} reader(s) stayed green:\n" + "\n".join(wrong)


def test_errors_name_the_missing_field(pytester):
    """A check that ERRORs for a missing field says which: it names the field, or defers to
    the check that judges it ("see PREP-01"), which then fails or ERRORs itself."""
    s = sweep(pytester)
    wrong = []
    for m, outcomes in s.outcomes.items():
        if dotted(m.field) in ERROR_MESSAGE_GAPS:
            continue
        for t, o in sorted(outcomes.items()):
            if o.verdict != "error" or s.golden[t].verdict == "error" or names_field(m, o.message):
                continue
            deferred = deferred_to(o.message, outcomes)
            if not any(not_green(d) for d in deferred):
                wrong.append(f"{m}: {t}: {o.message[:200]}")
    assert not wrong, f"{len(wrong)} ERROR(s) name no field:\n" + "\n".join(wrong)


def test_failures_name_the_missing_field(pytester):
    """A check that fails for a missing field names it, or shows the missing value in a way
    ``FAILURE_MESSAGE_GAPS`` explains for that check."""
    s = sweep(pytester)
    wrong = []
    for m, outcomes in s.outcomes.items():
        for t, o in sorted(outcomes.items()):
            if o.verdict != "failed" or s.golden[t].verdict == "failed":
                continue
            if names_field(m, o.message) or o.check in FAILURE_MESSAGE_GAPS:
                continue
            wrong.append(f"{m}: {t}: {o.message[:200]}")
    assert not wrong, f"{len(wrong)} failure(s) name no field:\n" + "\n".join(wrong)
