"""ESS (phase 1): the M365 service account, and the accounts that must stay out of Okta.

The service account is a cloud-only Global Administrator on the initial (onmicrosoft.com)
domain; excluded accounts (the service account and the break-glass accounts) exist in
Entra, have no Okta user, are not assigned to the Office 365 app and sit on a domain that
is never federated; no undeclared service-like account was pulled into Okta; and enough
break-glass Global Administrators remain outside Okta.
"""

import pytest

from okta_m365_audit.views import DataUnavailable, domain_of, is_guest


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
    """Okta's legacy provisioning works through this account, so it needs Global
    Administrator held now: directly or as a member of a role-assignable group holding it.
    A PIM-eligible assignment grants nothing until activated (views/roles.py)."""
    upn, user = _service_account(tenant)
    admins = tenant.global_admins
    uid = (user.get("id") or "").lower()
    how = admins.active.get(uid)
    evidence.update(
        observed={
            "id": user.get("id"),
            "holds": ", ".join(how or admins.eligible_only.get(uid) or ["nothing"]),
            "Global Administrators": tenant.upns(admins.active),
            "eligible only (PIM), not active": tenant.upns(admins.eligible_only),
            "not counted": admins.not_counted,
            "cannot tell": admins.unresolved + admins.eligibility_unresolved,
        },
        expected=f"{upn} holds an active, tenant-wide Global Administrator assignment "
        "(directly or through a role-assignable group)",
    )
    if how is None and admins.unresolved:
        raise DataUnavailable(
            f"cannot tell whether {upn} holds Global Administrator: " + "; ".join(admins.unresolved)
        )
    eligible = admins.eligible_only.get(uid)
    assert how is not None, (
        f"the service account {upn} is eligible only (PIM), not active "
        f"({', '.join(eligible)}): it holds Global Administrator only while activated"
        if eligible
        else f"the service account {upn} holds no active Global Administrator assignment "
        f"(Global Administrators: {', '.join(tenant.upns(admins.active)) or 'none'})"
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
    found = [tenant.assignment_summary(*pair) for pair in tenant.assignments_of(excluded_account)]
    evidence.update(
        observed=found,
        instances_searched=[f"{a.get('label')} ({a.get('id')})" for a in tenant.office365_apps],
        expected="not assigned to any Office 365 app instance",
    )
    assert not found, (
        f"the excluded account {excluded_account} is assigned to "
        + "; ".join(
            f"Office 365 instance {f['instance']} as {f['userName']} (app user {f['id']}, "
            f"{f['status']})"
            for f in found
        )
        + "; remove the assignment"
    )


@pytest.mark.check("ESS-03")
def test_ess_03_excluded_account_domain_not_federated(tenant, excluded_account, evidence):
    domain = domain_of(excluded_account)
    entra = tenant.domains.get(domain)
    # a child domain takes its sign-in from its root (views.federation.served_through): a
    # declared parent federates it at go-live
    covering = [d for d in tenant.served_through(domain) if d in tenant.declared_domains]
    declared = covering[0] if covering else None
    if entra is None and not declared:
        # a user's UPN is on one of the tenant's domains: one GET /domains does not list
        # cannot be judged Managed (field sweep: a domain read without its id)
        raise DataUnavailable(
            f"{domain} is not in GET /domains; cannot tell whether it is federated"
        )
    if entra is not None and entra.get("authenticationType") is None:
        raise DataUnavailable(f"GET /domains did not return authenticationType for {domain}")
    auth = entra and entra.get("authenticationType")
    evidence.update(
        observed={
            "domain": domain,
            "authenticationType": auth,
            "isRoot": entra and entra.get("isRoot"),
            "to be federated as": declared,
        },
        expected="a Managed domain that is not to be federated (the initial domain)",
    )
    assert auth != "Federated" and not declared, (
        f"the excluded account {excluded_account} is on {domain}, which is "
        + (
            "Federated in Entra"
            if auth == "Federated"
            else "a domain to federate"
            if declared == domain
            else f"a child of {declared}, a domain to federate, whose sign-in it inherits"
        )
        + "; it would sign in through Okta: move it to the initial onmicrosoft.com domain"
    )


# --- ESS-04: undeclared service-like accounts ----------------------------------------------


@pytest.mark.check("ESS-04")
def test_ess_04_no_undeclared_service_account_in_okta(tenant, evidence):
    no_upn = [str(u.get("id")) for u in tenant.entra_users if not u.get("userPrincipalName")]
    if no_upn:
        # a user whose name Graph did not return may be the service-like one
        raise DataUnavailable(
            f"GET /users did not return userPrincipalName for {len(no_upn)} user(s) "
            f"({', '.join(sorted(no_upn)[:5])}); cannot tell which look like service accounts"
        )
    # Entra's users, and the names Okta assigns in any Office 365 instance (one Okta would
    # create in M365 has no Entra user yet)
    names = {
        str(u["userPrincipalName"]).lower(): u["userPrincipalName"] for u in tenant.entra_users
    }
    for name in tenant.assigned_user_names:
        names.setdefault(name.lower(), name)
    looks_like = [
        upn
        for key, upn in names.items()
        if tenant.looks_like_service_account(upn) and key not in tenant.excluded_accounts
    ]
    offenders = []
    for upn in looks_like:
        okta = tenant.okta_by_login.get(upn.lower())
        assigned = [
            tenant.assignment_summary(*pair)["instance"] for pair in tenant.assignments_of(upn)
        ]
        if okta or assigned:
            offenders.append(
                {
                    "upn": upn,
                    "okta user": okta and f"{okta.get('id')} ({okta.get('status')})",
                    "assigned to Office 365 instances": assigned,
                }
            )
    evidence.update(
        patterns=list(tenant.cfg.expect.service_account_patterns),
        undeclared_service_like=looks_like,
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
    """Break-glass accounts must hold Global Administrator when Okta is down: an active
    assignment (direct or through a role-assignable group) counts; a PIM-eligible one does
    not (its activation may itself depend on the sign-in that is broken), so eligible-only
    holders are listed, never counted (views/roles.py)."""
    need = tenant.cfg.expect.min_break_glass_admins
    initial = tenant.initial_domain
    service = tenant.cfg.expect.service_account
    admins = tenant.global_admins
    qualified, rejected, unknown = {}, {}, {}
    for u in tenant.users_by_id(admins.active):
        upn = str(u.get("userPrincipalName") or "").lower()
        if not upn:
            unknown[str(u.get("id"))] = "GET /users did not return userPrincipalName"
            continue
        why = []
        if upn == service:
            # Okta works through it (legacy provisioning credentials); not a break-glass
            why.append("the declared service account")
        if is_guest(u):
            # a B2B guest's UPN carries #EXT# on this tenant's initial domain, but it signs
            # in at its home organization (Entra docs, "B2B collaboration user properties"):
            # no emergency access of this tenant's own
            why.append("a guest (B2B) account: it signs in at its home organization")
        elif u.get("userType") != "Member":  # Graph user.userType: "Member and Guest"
            unknown[upn] = (
                f"GET /users returned userType {u.get('userType')!r}; cannot tell a guest"
            )
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
            qualified[upn] = ", ".join(admins.active[u["id"].lower()])
    eligible_only = tenant.upns(admins.eligible_only)
    evidence.update(
        observed={
            "break-glass": qualified,
            "other Global Administrators": rejected,
            "eligible only (PIM), not counted": eligible_only,
            "not counted": admins.not_counted,
            "cannot tell": admins.unresolved + admins.eligibility_unresolved,
        },
        expected=f"at least {need} enabled, cloud-only member (not guest) Global "
        f"Administrators on {initial} without an Okta user, holding the role actively",
    )
    unknown = {k: v for k, v in unknown.items() if k not in rejected}
    if len(qualified) < need and (unknown or admins.unresolved):
        raise DataUnavailable(
            "cannot tell whether there are enough break-glass accounts: "
            + "; ".join([f"{k}: {v}" for k, v in unknown.items()] + admins.unresolved)
        )
    not_counted = [f"{k}: {', '.join(v)}" for k, v in rejected.items()]
    not_counted += [f"{k}: {v}, not active" for k, v in eligible_only.items()]
    not_counted += admins.not_counted
    assert len(qualified) >= need, (
        f"{len(qualified)} break-glass Global Administrator(s) "
        f"({', '.join(qualified) or 'none'}); expected at least {need}. Not counted: "
        + ("; ".join(not_counted) or "nobody")
    )
