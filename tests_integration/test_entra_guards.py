"""The Entra guards around federation: no Conditional Access policy can lock a break-glass
account out, Security Defaults are off where Conditional Access is used (ESS-06), and
legacy authentication is blocked for every federated user (FED-12).

Break-glass accounts are the tenant file's excluded accounts but the service account
(catalog/guards.py); what includes, excludes and blocks is in views/guards.py.
"""

import pytest

from okta_m365_audit.views import DataUnavailable
from okta_m365_audit.views.guards import checked_state


def _policy_summary(p):
    users = (p.get("conditions") or {}).get("users") or {}
    grant = p.get("grantControls") or {}
    return {
        "state": p.get("state"),
        "grant": grant.get("builtInControls"),
        "clientAppTypes": (p.get("conditions") or {}).get("clientAppTypes"),
        "includeUsers": users.get("includeUsers"),
        "excludeUsers": users.get("excludeUsers"),
        "excludeGroups": users.get("excludeGroups"),
        "excludeRoles": users.get("excludeRoles"),
    }


# --- ESS-06: break-glass accounts cannot be locked out -------------------------------------


@pytest.mark.check("ESS-06")
def test_ess_06_break_glass_excluded_from_conditional_access(tenant, evidence):
    accounts = tenant.break_glass_logins
    policies = {p.get("displayName") or p.get("id"): _policy_summary(p) for p in tenant.ca_policies}
    found, cannot = {}, []
    for upn in accounts:
        try:
            found[upn] = tenant.lockouts(upn)
        except DataUnavailable as exc:
            cannot.append(f"{upn}: {exc}")
    evidence.update(
        observed={"policies": policies, "not excluded": {u: f for u, f in found.items() if f}},
        expected="every break-glass account excluded (by id, group or role) from every "
        "enabled policy with a grant control that reaches it",
        **{"break-glass accounts": accounts},
    )
    failing = [
        f"{upn} by {f['policy']!r} ({', '.join(f['controls'])}; includes it {f['includes it']})"
        for upn, fs in found.items()
        for f in fs
    ]
    if cannot and not failing:
        raise DataUnavailable("; ".join(cannot))
    assert not failing, (
        f"Conditional Access can lock out break-glass account(s): {'; '.join(failing)}; "
        "exclude them (directly or through their group) from each such policy"
        + (f" (also cannot tell: {'; '.join(cannot)})" if cannot else "")
    )


@pytest.mark.check("ESS-06")
def test_ess_06_security_defaults_off_with_conditional_access(tenant, evidence):
    on = tenant.security_defaults_on
    evidence.update(observed={"Security Defaults isEnabled": on}, expected="off when any "
                    "Conditional Access policy is enabled")  # fmt: skip
    if not on:
        return
    enabled = [p.get("displayName") or p.get("id") for p in tenant.enabled_ca_policies]
    evidence.update(observed={"Security Defaults isEnabled": on, "enabled policies": enabled})
    assert not enabled, (
        f"Security Defaults are on while Conditional Access policies are enabled "
        f"({', '.join(enabled)}); turn Security Defaults off when using Conditional Access"
    )


# --- FED-12: legacy authentication blocked -------------------------------------------------


@pytest.mark.check("FED-12")
def test_fed_12_legacy_authentication_blocked(tenant, evidence):
    try:
        defaults = tenant.security_defaults_on
    except DataUnavailable as exc:
        defaults, defaults_error = None, str(exc)
    if defaults:
        evidence.update(observed={"Security Defaults isEnabled": True},
                        expected="Security Defaults on, or a Conditional Access block")  # fmt: skip
        return
    verdicts, cannot = {}, []
    for p in tenant.ca_policies:
        name = p.get("displayName") or p.get("id")
        try:
            if checked_state(p) != "enabled":
                verdicts[name] = [f"state {p.get('state')}"]
                continue
            verdicts[name] = tenant.legacy_block_problems(p)
        except DataUnavailable as exc:
            cannot.append(f"{name}: {exc}")
    blocking = [n for n, problems in verdicts.items() if not problems]
    evidence.update(
        observed={"Security Defaults isEnabled": defaults, "policies": verdicts},
        expected="an enabled policy blocking exchangeActiveSync and other clients for all "
        "users and apps, excluding only break-glass accounts; or Security Defaults on",
    )
    if blocking:
        return
    if defaults is None:
        raise DataUnavailable(defaults_error)
    if cannot:
        raise DataUnavailable("; ".join(cannot))
    assert blocking, (
        "legacy authentication is not blocked: Security Defaults are off and no enabled "
        "Conditional Access policy blocks exchangeActiveSync and other clients for all users ("
        + ("; ".join(f"{n}: {', '.join(p)}" for n, p in verdicts.items()) or "no policy")
        + ")"
    )


# --- CRED-05: no stale Okta credential in Entra --------------------------------------------


@pytest.mark.check("CRED-05")
def test_cred_05_no_stale_okta_principal(tenant, evidence):
    """Legacy "Okta AAD Service Principal" objects and provisioning principals of earlier
    connections must hold no directory role or consented permission (views/
    stale_credentials.py); the current connection's client is CRED-03's."""
    stale, kept = tenant.stale_principals()
    evidence.update(
        observed={"stale": stale, "other Okta principals": kept},
        expected="no legacy principal with a role or permission; no principal but the "
        "current connection's client with a role or provisioning write permission",
        **{"current client ids": sorted(tenant.current_client_ids())},
    )
    assert not stale, (
        "stale Okta credentials in Entra: "
        + "; ".join(
            f"{s['principal']} ({s['appId']}, {s['kind']}) holds "
            + ", ".join(s["directory roles"] + s["permissions"])
            for s in stale
        )
        + "; remove these service principals or revoke their roles and consents"
    )
