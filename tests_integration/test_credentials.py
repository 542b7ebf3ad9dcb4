"""CRED: the Office 365 app's provisioning API credentials are valid after re-authentication.

No read-only API presses the console's "Test API Credentials" button; these four checks
together stand in for it, and the suite never calls a write endpoint to test.

Consent is judged on Entra's side: Okta's own request example sends legacy admin credentials
under ``authScheme: OAUTH2`` (api-facts.md, Corrections, "Provisioning connection"), so the
connection's scheme alone cannot tell a consent-based connection from a legacy one.
"""

import warnings

import pytest

from okta_m365_audit.catalog.consent import OFFICE365_CREDENTIAL_FAILURES

#: Application permissions Okta's provisioning client needs to push users and groups: the
#: user, group and organization permissions of "Okta Microsoft Graph Client" (api-facts.md,
#: "Okta Microsoft Graph Client handles provisioning ... Permissions: User.ReadWrite.All,
#: Group.ReadWrite.All, GroupMember.ReadWrite.All, Organization.Read.All, ...").
PROVISIONING_PERMISSIONS = {
    "User.ReadWrite.All",
    "Group.ReadWrite.All",
    "GroupMember.ReadWrite.All",
    "Organization.Read.All",
}

#: System Log event types that mean the provisioning credentials do not work: Okta's generic
#: one and Office 365's own credential and Graph-client failures (api-facts.md, Corrections,
#: from Okta's event-type catalogue as copied in elastic/integrations packages/okta/
#: data_stream/system/elasticsearch/ingest_pipeline/ecs_category_type.yml; CATALOG.md CRED-04).
CREDENTIAL_FAILURES = frozenset(
    {"application.integration.authentication_failure", *OFFICE365_CREDENTIAL_FAILURES}
)

#: Judged apart (CATALOG.md CRED-04: "reported separately (lower severity)"): a failure that
#: may have another cause than the credentials.
GENERAL_FAILURE = "application.integration.general_failure"

#: Event types that show provisioning or import actually ran.
PROVISIONING_ACTIVITY = (
    "application.provision.",
    "system.import.",
    "app.user_management.push",
    "app.office365.api.sync.",
)


@pytest.mark.check("CRED-01")
def test_cred_01_connection_enabled(connection, evidence):
    status = connection.get("status")
    evidence.update(observed=status, expected="ENABLED")
    assert status == "ENABLED", (
        f"the provisioning connection is {status}; expected ENABLED "
        "(re-authenticate the app with Microsoft)"
    )


@pytest.mark.check("CRED-02")
def test_cred_02_connection_uses_oauth_consent(tenant, connection, evidence):
    """A TOKEN scheme is legacy outright; an OAUTH2 one is consent-based only when Entra holds
    the service principal of the connection's OAuth client (its appId is the client_id of
    the connection's authorize link) with consented permissions. Without that link the
    client cannot be told: the check ERRORs (view), never passes."""
    schemes = {
        "authScheme": connection.get("authScheme"),
        "profile.authScheme": (connection.get("profile") or {}).get("authScheme"),
    }
    evidence.update(auth_schemes=schemes, expected="OAUTH2, consented in Entra")
    problem = None
    if schemes["profile.authScheme"] != "OAUTH2" or schemes["authScheme"] not in (None, "OAUTH2"):
        problem = (
            f"the provisioning connection authenticates with {schemes}; expected OAUTH2 "
            "(admin consent), not legacy admin credentials (TOKEN)"
        )
    else:
        client = tenant.connection_client_id
        sp = tenant.provisioning_principal
        permissions = sorted(tenant.consented_permissions(sp["id"])) if sp else []
        evidence.update(
            client_id=client,
            observed=sp
            and {
                "displayName": sp.get("displayName"),
                "id": sp.get("id"),
                "consented permissions": permissions,
            },
        )
        if sp is None:
            problem = (
                f"Entra holds no service principal with appId {client}, the client of the "
                "connection's authorize link: consent was never granted (or was removed); "
                "re-authenticate the app with admin consent"
            )
        elif not permissions:
            problem = (
                f"the connection's client {sp.get('displayName')!r} ({client}) holds no "
                "consented permission in Entra; expected admin consent"
            )
    assert problem is None, problem


@pytest.mark.check("CRED-02")
def test_cred_02_no_legacy_principal_with_role(tenant, evidence):
    """Okta's legacy admin-credential flow left "Okta AAD Service Principal:<appId>" objects,
    which may hold Global Administrator (api-facts.md, Corrections): none may hold a
    directory role once provisioning runs on consent."""
    holding = {
        f"{sp.get('displayName')} ({sp['id']})": roles
        for sp in tenant.legacy_principals
        if (roles := tenant.directory_roles(sp["id"]))
    }
    evidence.update(
        legacy_principals=[sp.get("displayName") for sp in tenant.legacy_principals],
        observed=holding,
        expected="no legacy Okta AAD Service Principal holds a directory role",
    )
    assert not holding, "legacy Okta principal(s) still hold directory roles: " + "; ".join(
        f"{name}: {', '.join(roles)}" for name, roles in holding.items()
    )


@pytest.mark.check("CRED-03")
def test_cred_03_okta_service_principal_consented(tenant, evidence):
    """The provisioning principal is the one whose appId is the connection's client id;
    names such as "Okta Microsoft Graph Client" are evidence, not the test (CATALOG.md)."""
    client = tenant.connection_client_id
    sp = tenant.provisioning_principal
    others = {
        sp_.get("displayName"): sp_.get("appId")
        for sp_ in tenant.okta_service_principals
        if str(sp_.get("appId", "")).lower() != client.lower()
    }
    expected = {"appId": client, "accountEnabled": True,
                "permissions include": sorted(PROVISIONING_PERMISSIONS)}  # fmt: skip
    if sp is None:
        evidence.update(observed=None, expected=expected, other_okta_principals=others)
        pytest.fail(
            f"Entra holds no service principal with appId {client} (the connection's "
            f"client); Okta-named principals with other appIds: {others or 'none'}"
        )
    held = tenant.granted_permissions(sp["id"])
    missing = sorted(PROVISIONING_PERMISSIONS - held)
    evidence.update(
        observed={"displayName": sp.get("displayName"), "id": sp.get("id"), "appId": client,
                  "accountEnabled": sp.get("accountEnabled"), "permissions": sorted(held)},
        expected=expected,
    )  # fmt: skip
    assert sp.get("accountEnabled") is True and not missing, (
        f"the provisioning principal {sp.get('displayName')!r} ({client}): "
        f"accountEnabled={sp.get('accountEnabled')}, missing consent for "
        f"{missing or 'nothing'}; expected enabled with {sorted(PROVISIONING_PERMISSIONS)}"
    )


@pytest.mark.check("CRED-04")
def test_cred_04_no_credential_failures(tenant, office365_app, evidence):
    """Events naming this app, and Office 365 events naming no instance where this app is the
    org's only one (with several: ERROR); another instance's events never count (view)."""
    failures = tenant.failure_events(CREDENTIAL_FAILURES)
    days = tenant.cfg.expect.windows.system_log_days
    evidence.update(window_days=days, failures=failures, types=sorted(CREDENTIAL_FAILURES))
    assert not failures, (
        f"{len(failures)} provisioning credential failure(s) for {office365_app.get('label')} "
        f"in the last {days} days, latest {failures[-1]['eventType']} at "
        f"{failures[-1]['published']} ({failures[-1]['instance']}); expected none"
    )


@pytest.mark.check("CRED-04")
def test_cred_04_no_general_failures(tenant, office365_app, evidence):
    """``application.integration.general_failure`` apart from the credential failures: it
    may have other causes, so its own item (CATALOG.md: reported separately)."""
    failures = tenant.failure_events({GENERAL_FAILURE})
    days = tenant.cfg.expect.windows.system_log_days
    evidence.update(window_days=days, failures=failures)
    assert not failures, (
        f"{len(failures)} general failure(s) ({GENERAL_FAILURE}) for "
        f"{office365_app.get('label')} in the last {days} days, latest at "
        f"{failures[-1]['published']}; expected none"
    )


@pytest.mark.check("CRED-04")
def test_cred_04_recent_provisioning_activity(tenant, office365_app, evidence):
    if not tenant.provisioning_enabled:
        pytest.skip("provisioning is not enabled on the app; no activity expected")
    activity = [
        a
        for a in tenant.app_events
        if a.instance == "this app"
        and str(a.event.get("eventType", "")).startswith(PROVISIONING_ACTIVITY)
        and (a.event.get("outcome") or {}).get("result") == "SUCCESS"
    ]
    evidence.update(successful_events=len(activity))
    if not activity:
        warnings.warn(
            f"no successful provisioning or import event for {office365_app.get('label')} in "
            f"the last {tenant.cfg.expect.windows.system_log_days} days",
            stacklevel=1,
        )
