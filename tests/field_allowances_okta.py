"""The field sweep's allowances for Okta's reads of the org (users, groups, domains, agents,
admins, tokens...): "api.resource.path" -> why its readers may stay green without it."""

from __future__ import annotations

from .field_allowances import (
    _ALT,
    _EVIDENCE,
    _OTHER_TEST,
    Optional_,
)

OKTA_ORG: dict[str, Optional_] = {
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
}
