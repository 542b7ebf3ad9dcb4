"""The field sweep's allowances for Microsoft's reads (Graph, and the public home-realm
answer): "api.resource.path" -> why its readers may stay green without it."""

from __future__ import annotations

from .field_allowances import (
    _ALT,
    _CONSENT_NAMES,
    _ELIGIBLE,
    _EVIDENCE,
    _INITIAL_UNKNOWN,
    Optional_,
)

GRAPH: dict[str, Optional_] = {
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
            "names the id); the scope reads root domains by id, and without them keeps every "
            "subdomain of a declared domain in scope, the broader reading "
            "(views.directory._root_domains)"
        ),
        (
            "FED-09",
            "IMP-01",
            "IMP-03",
            "IMP-04",
            "IMP-05",
            "PREP-01",
            "PREP-04",
            "PREP-05",
            "PROV-05",
            "PROV-06",
        ),
        judged_by="FED-01",
    ),
    "graph.domains.isRoot": Optional_(
        (
            "absent is judged as a root domain by FED-07 and PREP-03 (the child-domain "
            "allowance needs isRoot false), and as a possible child by served_through (PREP-01's"
            " claimants, ESS-03, the scope: the domain and its parents, the earlier and broader "
            "reading); the golden's domains are roots, which both readings serve alike"
        ),
        (),
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
