"""PREP (phase 2), the users: every in-scope M365 user anchored by a unique immutable ID
that Okta sends at sign-in, and Office 365 usernames that are the M365 UPNs."""

from collections import defaultdict

import pytest

from okta_m365_audit.views.provisioning import listing

#: Username templates that yield the UPN, given that Okta logins are the UPNs (IMP-01):
#: the BUILT_IN "Okta username" and "Email" formats, and the same attributes written as a
#: CUSTOM expression. Any other CUSTOM expression is judged by its outcome: the app users'
#: credentials.userName must all be their Entra UPNs. Any other BUILT_IN format (username
#: or email prefix, AD SAM account name...) does not yield a UPN and fails.
UPN_TEMPLATES = {
    "${source.login}",
    "${source.email}",
    "source.login",
    "source.email",
    "user.login",
    "user.email",
}


@pytest.mark.check("PREP-04")
def test_prep_04_users_have_immutable_id(tenant, evidence):
    users = tenant.in_scope_users
    missing = [u["userPrincipalName"] for u in users if tenant.immutable_id(u) is None]
    evidence.update(in_scope=len(users), without_immutable_id=missing)
    assert not missing, (
        f"{len(missing)} of {len(users)} in-scope user(s) have no onPremisesImmutableId: "
        f"{listing(missing)}"
    )


@pytest.mark.check("PREP-04")
def test_prep_04_immutable_ids_unique(tenant, evidence):
    holders = defaultdict(list)
    for u in tenant.in_scope_users:
        if (value := tenant.immutable_id(u)) is not None:
            holders[value].append(u["userPrincipalName"])
    shared = {value: upns for value, upns in holders.items() if len(upns) > 1}
    evidence.update(shared=shared, expected="one onPremisesImmutableId per user")
    assert not shared, f"{len(shared)} immutable ID(s) shared: " + listing(
        f"{' and '.join(upns)} share {value}" for value, upns in shared.items()
    )


@pytest.mark.check("PREP-04")
def test_prep_04_okta_sends_entra_immutable_id(tenant, evidence):
    """Where the user is assigned, the app profile's immutableId (what Okta sends at sign-in)
    equals Entra's onPremisesImmutableId. Users without one are judged by the test above,
    unassigned users by IMP-02."""
    compared, wrong = 0, []
    for u in tenant.in_scope_users:
        entra_value = tenant.immutable_id(u)
        app_user = tenant.app_user_for(u)
        if entra_value is None or app_user is None:
            continue
        compared += 1
        sent = (app_user.get("profile") or {}).get("immutableId")
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


@pytest.mark.check("PREP-05")
def test_prep_05_username_template_yields_upn(tenant, evidence):
    """The template is one of UPN_TEMPLATES; another CUSTOM template is judged by the app
    users' userName (all of them their Entra UPNs)."""
    tpl = tenant.username_template
    template, kind = str(tpl["template"]).strip(), tpl.get("type")
    evidence.update(
        observed={"template": template, "type": kind},
        expected=f"one of {sorted(UPN_TEMPLATES)}, or a CUSTOM template whose app users' "
        "userName is their UPN",
    )
    if template in UPN_TEMPLATES:
        return
    judged, wrong = _username_mismatches(tenant)
    evidence.update(judged_by_app_users=judged, mismatched=wrong)
    assert kind == "CUSTOM", (
        f"the app's username template {template} ({kind}) does not yield the M365 UPN"
    )
    assert judged and not wrong, (
        f"the app's custom username template {template} yields {len(wrong)} of {judged} "
        f"username(s) that are not the UPN: {listing(w['userName'] for w in wrong)}"
    )


@pytest.mark.check("PREP-05")
def test_prep_05_app_usernames_are_upns(tenant, evidence):
    """Every assignment's credentials.userName is its Entra user's UPN (case-insensitive),
    the Entra user found by externalId, else by userName. Assignments with no Entra user
    are IMP-04's orphans."""
    judged, wrong = _username_mismatches(tenant)
    evidence.update(judged=judged, mismatched=wrong)
    assert not wrong, (
        f"{len(wrong)} of {judged} app user(s) have a username that is not their UPN: "
        + listing(f"{w['userName'] or '(no userName)'} (UPN {w['upn']})" for w in wrong)
    )


def _username_mismatches(tenant):
    judged, wrong = 0, []
    for a in tenant.app_users:
        entra = tenant.entra_user_of(a)
        if entra is None:
            continue
        judged += 1
        user_name = (a.get("credentials") or {}).get("userName")
        if str(user_name or "").lower() != entra["userPrincipalName"].lower():
            wrong.append(
                {
                    "userName": user_name,
                    "upn": entra["userPrincipalName"],
                    "externalId": a.get("externalId"),
                    "okta user id": a.get("id"),
                }
            )
    return judged, wrong
