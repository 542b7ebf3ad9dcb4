"""PREP (phase 2): M365 is prepared for Okta SSO and the Office 365 app is configured: one
active WS-Federation instance for the tenant, its domains verified and on the app, every
in-scope user anchored by a unique immutable ID that Okta sends, and usernames that are
the M365 UPNs."""

from collections import defaultdict

import pytest

from okta_m365_audit.views import DataUnavailable
from okta_m365_audit.views.provisioning import app_summary, listing

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


@pytest.mark.check("PREP-01")
def test_prep_01_one_active_office365_app(tenant, evidence):
    """Exactly one ``office365`` app (never judged by label) whose msftTenant is this
    tenant's initial-domain prefix, and it is ACTIVE (and has the declared label, if any)."""
    mine = tenant.tenant_office365_apps
    label = tenant.cfg.expect.office365_app.label
    evidence.update(
        office365_apps=[app_summary(a) for a in tenant.office365_apps],
        observed=[app_summary(a) for a in mine],
        expected={"msftTenant": tenant.msft_tenant, "instances": 1, "status": "ACTIVE"}
        | ({"label": label} if label else {}),
    )
    where = f"for M365 tenant {tenant.msft_tenant!r}"
    found = listing(f"{a.get('id')} ({a.get('label')}, {a.get('status')})" for a in mine)
    assert len(mine) == 1, (
        f"{len(mine)} Office 365 app(s) {where}{': ' + found if mine else ''} "
        f"({len(tenant.office365_apps)} office365 app(s) in the org); expected exactly one"
    )
    app = mine[0]
    assert app.get("status") == "ACTIVE", (
        f"the Office 365 app {where} ({app.get('id')}, {app.get('label')}) is "
        f"{app.get('status')}; expected ACTIVE"
    )
    assert not label or app.get("label") == label, (
        f"the Office 365 app {where} is labelled {app.get('label')!r}; the tenant file "
        f"declares {label!r}"
    )


@pytest.mark.check("PREP-02")
def test_prep_02_sign_on_is_wsfed(tenant, evidence):
    """signOnMode SAML_1_1 is the Office 365 app's WS-Federation; BROWSER_PLUGIN is SWA."""
    mode = tenant.app_field("signOnMode")
    evidence.update(observed={"signOnMode": mode}, expected={"signOnMode": "SAML_1_1"})
    swa = " (SWA, password sign-on)" if mode == "BROWSER_PLUGIN" else ""
    assert mode == "SAML_1_1", (
        f"the Office 365 app signs on with {mode}{swa}; expected SAML_1_1 (WS-Federation)"
    )


@pytest.mark.check("PREP-02")
def test_prep_02_wsfed_configure_type_as_declared(tenant, evidence):
    expected = tenant.cfg.expect.office365_app.ws_fed_configure_type
    observed = tenant.app_setting("wsFedConfigureType")
    evidence.update(
        observed={"wsFedConfigureType": observed},
        expected={"wsFedConfigureType": expected},
        note="AUTO is the only API value confirmed; the manual mode's string is unconfirmed",
    )
    assert observed == expected, (
        f"the Office 365 app's WS-Fed configuration is {observed}; the tenant file "
        f"declares {expected}"
    )


@pytest.mark.check("PREP-03")
def test_prep_03_domain_verified_in_entra(tenant, domain, evidence):
    found = tenant.domains.get(domain.lower())
    evidence.update(
        observed=found and {"isVerified": found.get("isVerified")},
        expected={"isVerified": True},
    )
    assert found is not None, f"{domain} is not a domain of the M365 tenant (GET /domains)"
    if "isVerified" not in found:
        raise DataUnavailable(f"GET /domains did not return isVerified for {domain}")
    assert found["isVerified"] is True, f"{domain} is not verified in Entra"


@pytest.mark.check("PREP-03")
def test_prep_03_domain_on_app(tenant, domain, evidence):
    """The app lists the domain in settings.app.domains, or has it as settings.app.domain
    (case-insensitive)."""
    configured = tenant.app_domains
    evidence.update(observed=sorted(configured), expected=f"contains {domain}")
    assert domain.lower() in configured, (
        f"{domain} is not configured on the Office 365 app (settings.app.domain/domains: "
        f"{sorted(configured) or 'none'})"
    )


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
