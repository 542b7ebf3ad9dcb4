"""CRED: the Office 365 app's provisioning API credentials are valid after re-authentication.

No read-only API presses the console's "Test API Credentials" button; these four checks
together stand in for it, and the suite never calls a write endpoint to test.
"""

import warnings

import pytest

from okta_m365_audit.snapshot import parse_time

#: Application permissions Okta's provisioning client needs to push users and groups.
PROVISIONING_PERMISSIONS = {
    "User.ReadWrite.All",
    "Group.ReadWrite.All",
    "GroupMember.ReadWrite.All",
    "Organization.Read.All",
}

#: System Log event types that mean the provisioning credentials do not work.
CREDENTIAL_FAILURES = {
    "application.integration.authentication_failure",
    "application.integration.general_failure",
    "app.office365.api.error.validate.creds",
    "app.office365.api.error.validate.admin.creds",
    "app.office365.api.error.unable.to.create.graph.client",
}

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
def test_cred_02_connection_uses_oauth_consent(connection, evidence):
    scheme = (connection.get("profile") or {}).get("authScheme")
    legacy = connection.get("authScheme")
    evidence.update(
        observed={"profile.authScheme": scheme, "authScheme": legacy},
        expected={"profile.authScheme": "OAUTH2"},
    )
    assert scheme == "OAUTH2" and legacy in (None, "OAUTH2"), (
        f"the provisioning connection authenticates with {legacy or scheme}; expected OAUTH2 "
        "(admin consent), not legacy admin credentials (TOKEN)"
    )


@pytest.mark.check("CRED-03")
def test_cred_03_okta_service_principal_consented(tenant, evidence):
    principals = tenant.okta_service_principals
    found = {
        sp["displayName"]: {
            "enabled": sp.get("accountEnabled"),
            "permissions": sorted(tenant.granted_permissions(sp["id"])),
        }
        for sp in principals
    }
    evidence.update(
        observed=found,
        expected={"an enabled Okta principal holding": sorted(PROVISIONING_PERMISSIONS)},
    )
    assert principals, "Entra holds no service principal whose display name starts with 'Okta'"
    good = [
        name
        for name, sp in found.items()
        if sp["enabled"] is True and PROVISIONING_PERMISSIONS <= set(sp["permissions"])
    ]
    assert good, (
        "no enabled Okta service principal holds the provisioning permissions; missing per "
        "principal: "
        + "; ".join(
            f"{name}: enabled={sp['enabled']}, missing "
            f"{sorted(PROVISIONING_PERMISSIONS - set(sp['permissions'])) or 'nothing'}"
            for name, sp in found.items()
        )
    )


def _events_in_window(tenant):
    days = tenant.cfg.expect.windows.system_log_days
    start = tenant.as_of.timestamp() - days * 86400
    return [e for e in tenant.log_events if parse_time(e["published"]).timestamp() >= start]


@pytest.mark.check("CRED-04")
def test_cred_04_no_credential_failures(tenant, office365_app, evidence):
    failures = [
        {
            "published": e.get("published"),
            "eventType": e.get("eventType"),
            "outcome": e.get("outcome"),
            "displayMessage": e.get("displayMessage"),
        }
        for e in _events_in_window(tenant)
        if e.get("eventType") in CREDENTIAL_FAILURES
    ]
    evidence.update(window_days=tenant.cfg.expect.windows.system_log_days, failures=failures)
    assert not failures, (
        f"{len(failures)} provisioning credential failure(s) for {office365_app.get('label')} "
        f"in the last {tenant.cfg.expect.windows.system_log_days} days, latest "
        f"{failures[-1]['eventType']} at {failures[-1]['published']}"
    )


@pytest.mark.check("CRED-04")
def test_cred_04_recent_provisioning_activity(tenant, office365_app, evidence):
    if not tenant.provisioning_enabled:
        pytest.skip("provisioning is not enabled on the app; no activity expected")
    activity = [
        e
        for e in _events_in_window(tenant)
        if str(e.get("eventType", "")).startswith(PROVISIONING_ACTIVITY)
        and (e.get("outcome") or {}).get("result") == "SUCCESS"
    ]
    evidence.update(successful_events=len(activity))
    if not activity:
        warnings.warn(
            f"no successful provisioning or import event for {office365_app.get('label')} in "
            f"the last {tenant.cfg.expect.windows.system_log_days} days",
            stacklevel=1,
        )
