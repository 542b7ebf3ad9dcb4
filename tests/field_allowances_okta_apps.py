"""The field sweep's allowances for Okta's reads of the Office 365 app instances (their
settings, keys, users, groups, connection, logs and sign-on rules): "api.resource.path" ->
why its readers may stay green without it."""

from __future__ import annotations

from .field_allowances import (
    _ALT,
    _ANY_NETWORK,
    _BY_PRIORITY,
    _EVIDENCE,
    _NO_CONDITIONS,
    _NO_EVENT,
    _POLICY_RULES,
    Optional_,
)

OKTA_APPS: dict[str, Optional_] = {
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
    "okta.appUsers.credentials": Optional_(
        _ALT + " (externalId, else userName); PREP-05 fails for a missing userName",
        ("ESS-03", "ESS-04", "IMP-01", "IMP-02", "IMP-03", "IMP-04", "IMP-05", "PREP-04"),
        judged_by="PREP-05",
    ),
    "okta.appUsers.credentials.userName": Optional_(
        _ALT + " (externalId, else userName); PREP-05 fails for a missing userName",
        ("ESS-03", "ESS-04", "IMP-01", "IMP-02", "IMP-03", "IMP-04", "IMP-05", "PREP-04"),
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
        ("PREP-01", "FED-10", "ESS-03"),
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
}
