"""PREP (phase 2), the users: every in-scope M365 user anchored by a unique immutable ID
that Okta sends at sign-in, and Office 365 usernames that are the M365 UPNs."""

import pytest

from okta_m365_audit.views import DataUnavailable
from okta_m365_audit.views.provisioning import listing


@pytest.mark.check("PREP-04")
def test_prep_04_users_have_immutable_id(tenant, evidence):
    """Every in-scope user holds an onPremisesImmutableId in Entra. In a cloud-only tenant
    Okta writes it when it provisions (api-facts.md, Corrections, "Immutable ID"), so there
    this test is not yet due before phase 4 (CATALOG.md PREP-04)."""
    evidence.update(
        cloud_only_tenant=tenant.cloud_only_tenant,
        reading="cloud-only: no on_prem_ad declared and Entra directory sync not on",
    )
    if reason := tenant.immutable_id_presence_not_due():
        pytest.skip(reason)
    users = tenant.in_scope_users
    missing = [u["userPrincipalName"] for u in users if tenant.immutable_id(u) is None]
    evidence.update(in_scope=len(users), without_immutable_id=missing)
    assert not missing, (
        f"{len(missing)} of {len(users)} in-scope user(s) have no onPremisesImmutableId: "
        f"{listing(missing)}"
    )


@pytest.mark.check("PREP-04")
def test_prep_04_immutable_ids_unique(tenant, evidence):
    """No two Office 365 app users are sent the same immutable ID (their app profile's
    immutableId, what Okta sends at sign-in): both would sign in to one M365 account.
    Judged on the Okta side, where the value is sent; Entra refuses a duplicate
    onPremisesImmutableId itself."""
    shared = tenant.shared_sent_immutable_ids()
    evidence.update(
        app_users=len(tenant.app_users),
        shared=shared,
        expected="one profile.immutableId per Office 365 app user",
    )
    assert not shared, f"Okta sends {len(shared)} immutable ID(s) for several app users: " + (
        listing(f"{value} for {' and '.join(names)}" for value, names in shared.items())
    )
    if unknown := tenant.app_users_without_profile:
        raise DataUnavailable(
            f"GET /apps/{tenant.app_id}/users returned {len(unknown)} app user(s) without a "
            f"profile; cannot tell which immutable ID Okta sends them: {listing(unknown)}"
        )


@pytest.mark.check("PREP-04")
def test_prep_04_okta_sends_entra_immutable_id(tenant, evidence):
    """Where the user is assigned, the app profile's immutableId (what Okta sends at sign-in)
    equals Entra's onPremisesImmutableId. Users without one are judged by the test above,
    unassigned users by IMP-02. Compared exactly: the IDs are base64 or Okta ids."""
    compared, wrong, unknown = 0, [], []
    for u in tenant.in_scope_users:
        entra_value = tenant.immutable_id(u)
        app_user = tenant.app_user_for(u)
        if entra_value is None or app_user is None:
            continue
        if not isinstance(app_user.get("profile"), dict):
            unknown.append(u["userPrincipalName"])
            continue
        compared += 1
        sent = tenant.sent_immutable_id(app_user)
        if sent != entra_value:
            wrong.append(
                {
                    "upn": u["userPrincipalName"],
                    "Entra onPremisesImmutableId": entra_value,
                    "Okta app user profile.immutableId": sent,
                }
            )
    evidence.update(compared=compared, mismatched=wrong)
    assert not wrong, (
        f"{len(wrong)} of {compared} assigned user(s) would be sent another immutable ID "
        f"than Entra holds (sign-in fails after go-live): {listing(w['upn'] for w in wrong)}"
    )
    if unknown:
        raise DataUnavailable(
            f"GET /apps/{tenant.app_id}/users returned {len(unknown)} assigned user(s) without "
            f"an app profile; cannot tell which immutable ID Okta sends: {listing(unknown)}"
        )


@pytest.mark.check("PREP-05")
def test_prep_05_app_usernames_are_upns(tenant, evidence):
    """Every assignment's credentials.userName is its Entra user's UPN (case-insensitive),
    the Entra user found by externalId, else by userName: the outcome, whatever the app's
    username template says (CATALOG.md PREP-05; the template is shown as evidence, not
    judged against a list of strings). Assignments with no Entra user are IMP-04's
    orphans; with none to judge, the template cannot be judged by its outcome yet."""
    try:
        tpl = tenant.username_template
        template = f"{tpl.get('template')} ({tpl.get('type')})"
    except DataUnavailable as exc:  # evidence only: the outcome is judged without it
        template = f"could not read: {exc}"
    evidence.update(username_template=template)
    judged, wrong = tenant.username_mismatches()
    evidence.update(judged=judged, mismatched=wrong, expected="userName = the Entra UPN")
    if not judged:
        pytest.skip(
            "no Office 365 assignment of an M365 user yet: the username template "
            f"{template} cannot be judged by its outcome"
        )
    assert not wrong, (
        f"{len(wrong)} of {judged} app user(s) have a username that is not their UPN: "
        + listing(f"{w['userName'] or '(no userName)'} (UPN {w['upn']})" for w in wrong)
    )
