"""ESS (phase 1): the M365 service account, and the accounts that must stay out of Okta.

The service account is a cloud-only Global Administrator on the initial (onmicrosoft.com)
domain; excluded accounts (the service account and the break-glass accounts) exist in
Entra, have no Okta user, are not assigned to the Office 365 app and sit on a domain that
is never federated; no undeclared service-like account was pulled into Okta; and enough
break-glass Global Administrators remain outside Okta.
"""

import pytest

from okta_m365_audit.views import DataUnavailable, domain_of


def _service_account(tenant):
    """(UPN, Entra user) of the declared service account; ERROR when Entra has no such user:
    test_ess_01_service_account_exists is the test that fails for it."""
    upn = tenant.cfg.expect.service_account
    user = tenant.entra_user(upn)
    if user is None:
        raise DataUnavailable(
            f"the service account {upn} does not exist in Entra; see "
            "test_ess_01_service_account_exists"
        )
    return upn, user


def _on_prem(user):
    return {
        "onPremisesSyncEnabled": user.get("onPremisesSyncEnabled"),
        "onPremisesImmutableId": user.get("onPremisesImmutableId"),
    }


# --- ESS-01: the service account -----------------------------------------------------------


@pytest.mark.check("ESS-01")
def test_ess_01_service_account_exists(tenant, evidence):
    upn = tenant.cfg.expect.service_account
    user = tenant.entra_user(upn)
    evidence.update(observed=user and {"id": user.get("id")}, expected=f"an Entra user {upn}")
    assert user is not None, f"the service account {upn} does not exist in Entra"


@pytest.mark.check("ESS-01")
def test_ess_01_service_account_enabled(tenant, evidence):
    upn, user = _service_account(tenant)
    enabled = user.get("accountEnabled")
    evidence.update(observed={"accountEnabled": enabled}, expected={"accountEnabled": True})
    if enabled is None:
        raise DataUnavailable(f"GET /users did not return accountEnabled for {upn}")
    assert enabled is True, f"the service account {upn} is disabled in Entra"


@pytest.mark.check("ESS-01")
def test_ess_01_service_account_cloud_only(tenant, evidence):
    upn, user = _service_account(tenant)
    evidence.update(
        observed=_on_prem(user),
        expected={"onPremisesSyncEnabled": "not true", "onPremisesImmutableId": None},
    )
    assert tenant.is_cloud_only(user), (
        f"the service account {upn} is not cloud-only: {_on_prem(user)}; it must never be "
        "synced from AD or anchored for federation"
    )


@pytest.mark.check("ESS-01")
def test_ess_01_service_account_on_initial_domain(tenant, evidence):
    upn = tenant.cfg.expect.service_account
    initial = tenant.initial_domain
    evidence.update(observed=domain_of(upn), expected=initial)
    assert domain_of(upn) == initial, (
        f"the service account {upn} is on {domain_of(upn)}; expected the initial domain "
        f"{initial}, which can never be federated"
    )


# --- ESS-02: its Global Administrator role -------------------------------------------------


@pytest.mark.check("ESS-02")
def test_ess_02_service_account_global_admin(tenant, evidence):
    upn, user = _service_account(tenant)
    admins = sorted(u["userPrincipalName"] for u in tenant.global_admin_users)
    evidence.update(
        observed={"id": user.get("id"), "Global Administrators": admins},
        expected=f"{upn} holds an active, tenant-wide Global Administrator assignment",
    )
    assert (user.get("id") or "").lower() in tenant.global_admin_ids, (
        f"the service account {upn} holds no active Global Administrator assignment "
        f"(Global Administrators: {', '.join(admins) or 'none'})"
    )


# --- ESS-03: every excluded account stays out of Okta --------------------------------------


@pytest.mark.check("ESS-03")
def test_ess_03_excluded_account_exists(tenant, excluded_account, evidence):
    user = tenant.entra_user(excluded_account)
    evidence.update(observed=user and {"id": user.get("id")}, expected="an Entra user")
    assert user is not None, f"the excluded account {excluded_account} does not exist in Entra"


@pytest.mark.check("ESS-03")
def test_ess_03_excluded_account_not_in_okta(tenant, excluded_account, evidence):
    okta = tenant.okta_by_login.get(excluded_account.lower())
    evidence.update(
        observed=okta and {"id": okta.get("id"), "status": okta.get("status")},
        expected="no Okta user with that login",
    )
    assert okta is None, (
        f"the excluded account {excluded_account} has an Okta user {okta and okta.get('id')} "
        f"({okta and okta.get('status')}); delete it from Okta"
    )


@pytest.mark.check("ESS-03")
def test_ess_03_excluded_account_not_assigned(tenant, excluded_account, evidence):
    assignment = tenant.assignment_of(excluded_account)
    summary = assignment and {
        "id": assignment.get("id"),
        "externalId": assignment.get("externalId"),
        "userName": (assignment.get("credentials") or {}).get("userName"),
        "status": assignment.get("status"),
    }
    evidence.update(observed=summary, expected="not assigned to the Office 365 app")
    assert assignment is None, (
        f"the excluded account {excluded_account} is assigned to the Office 365 app as "
        f"{summary['userName']} (app user {summary['id']}, {summary['status']}); remove the "
        "assignment"
    )


@pytest.mark.check("ESS-03")
def test_ess_03_excluded_account_domain_not_federated(tenant, excluded_account, evidence):
    domain = domain_of(excluded_account)
    entra = tenant.domains.get(domain)
    if entra is not None and entra.get("authenticationType") is None:
        raise DataUnavailable(f"GET /domains did not return authenticationType for {domain}")
    auth = entra and entra.get("authenticationType")
    declared = domain in tenant.declared_domains
    evidence.update(
        observed={"domain": domain, "authenticationType": auth, "to be federated": declared},
        expected="a Managed domain that is not to be federated (the initial domain)",
    )
    assert auth != "Federated" and not declared, (
        f"the excluded account {excluded_account} is on {domain}, which is "
        + ("Federated in Entra" if auth == "Federated" else "a domain to federate")
        + "; it would sign in through Okta: move it to the initial onmicrosoft.com domain"
    )


# --- ESS-04: undeclared service-like accounts ----------------------------------------------


@pytest.mark.check("ESS-04")
def test_ess_04_no_undeclared_service_account_in_okta(tenant, evidence):
    looks_like = [
        u
        for u in tenant.entra_users
        if tenant.looks_like_service_account(u.get("userPrincipalName"))
        and (u.get("userPrincipalName") or "").lower() not in tenant.excluded_accounts
    ]
    offenders = []
    for u in looks_like:
        upn = u["userPrincipalName"]
        okta = tenant.okta_by_login.get(upn.lower())
        assigned = tenant.assignment_of(upn)
        if okta or assigned:
            offenders.append(
                {
                    "upn": upn,
                    "okta user": okta and f"{okta.get('id')} ({okta.get('status')})",
                    "assigned to the Office 365 app": assigned is not None,
                }
            )
    evidence.update(
        patterns=list(tenant.cfg.expect.service_account_patterns),
        undeclared_service_like=[u["userPrincipalName"] for u in looks_like],
        observed=offenders,
        expected=[],
    )
    assert not offenders, (
        f"{len(offenders)} undeclared service-like account(s) imported into or assigned in "
        f"Okta: {', '.join(o['upn'] for o in offenders)}; declare them as excluded and remove "
        "them from Okta"
    )


# --- ESS-05: break-glass Global Administrators ---------------------------------------------


@pytest.mark.check("ESS-05")
def test_ess_05_enough_break_glass_admins(tenant, evidence):
    need = tenant.cfg.expect.min_break_glass_admins
    initial = tenant.initial_domain
    service = tenant.cfg.expect.service_account
    qualified, rejected, unknown = [], {}, {}
    for u in tenant.global_admin_users:
        upn = u["userPrincipalName"].lower()
        why = []
        if upn == service:
            # Okta works through it (legacy provisioning credentials); not a break-glass
            why.append("the declared service account")
        if domain_of(upn) != initial:
            why.append(f"on {domain_of(upn)}, not {initial}")
        if upn in tenant.okta_by_login:
            why.append("has an Okta user")
        try:
            if not tenant.is_cloud_only(u):
                why.append("synced or anchored on-premises")
        except DataUnavailable as exc:
            unknown[upn] = str(exc)
        if u.get("accountEnabled") is False:
            why.append("disabled")
        elif u.get("accountEnabled") is None:
            unknown[upn] = "GET /users did not return accountEnabled"
        if why:
            rejected[upn] = why
        elif upn not in unknown:
            qualified.append(upn)
    evidence.update(
        observed={"break-glass": qualified, "other Global Administrators": rejected},
        expected=f"at least {need} enabled, cloud-only Global Administrators on {initial} "
        "without an Okta user",
    )
    unknown = {k: v for k, v in unknown.items() if k not in rejected}
    if len(qualified) < need and unknown:
        raise DataUnavailable(f"cannot tell whether these are break-glass accounts: {unknown}")
    assert len(qualified) >= need, (
        f"{len(qualified)} break-glass Global Administrator(s) ({', '.join(qualified) or 'none'})"
        f"; expected at least {need}. Not counted: "
        + ("; ".join(f"{k}: {', '.join(v)}" for k, v in rejected.items()) or "nobody")
    )
