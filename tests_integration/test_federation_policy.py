"""FED (phase 5), the sign-on policy: once a domain federates, every sign-in of its users
meets the Office 365 app's authentication policy in Okta. For each client type the tenant
file judges (``expect.office365_sign_on``: web and modern authentication need two factors,
Exchange ActiveSync and legacy clients are denied, by default), every ACTIVE rule a sign-in
of that client can reach must do so (views/policies.py walks the rules as Okta does).

The policy is the one of the instance serving each declared domain; when no rule matches
every sign-in of a client, what Okta does with the rest is not sourced, so the check ERRORs
rather than guess."""

import pytest

from okta_m365_audit.views import DataUnavailable
from okta_m365_audit.views.policies import (
    narrowing,
    office365_clients,
    reached,
    rule_text,
    sign_on,
    strength,
)

#: what each requirement accepts of a reached rule (views.policies.strength)
ACCEPTS = {"deny": ("deny",), "mfa": ("deny", "2FA")}


def _text(s):
    return (
        f"{s['client']}: {rule_text(s)} (conditions: office365Client "
        f"{s['clients']}, narrowed by {', '.join(s['narrowedBy']) or 'nothing else'})"
    )


def _of(rule, client):
    """A reached rule as judged for one client."""
    return sign_on(rule) | {
        "client": client,
        "clients": office365_clients(rule) or "all",
        "narrowedBy": narrowing(rule, ("office365Client",)),
    }


def _judge(tenant, domain, evidence, need):
    """(client, reached rule) pairs that break ``need`` for the clients declared so."""
    clients = [c for c, n in tenant.cfg.expect.office365_sign_on.required().items() if n == need]
    if not clients:
        pytest.skip(f"no Office 365 client type is declared {need!r} (expect.office365_sign_on)")
    app = tenant.instance_for(domain)
    policy, rules = tenant.policy_rules(app, "office365PolicyRules")
    walks = {c: reached(rules, c) for c in clients}
    evidence.update(
        instance={k: app.get(k) for k in ("id", "label", "status")},
        policy=policy,
        observed={c: [_of(r, c) for r in walk] for c, (walk, _) in walks.items()},
        expected=f"every rule reached by {', '.join(clients)}: "
        + ("DENY" if need == "deny" else "DENY, or ALLOW with ASSURANCE factorMode 2FA"),
    )
    open_ended = [c for c, (_, ends) in walks.items() if not ends]
    if open_ended:
        raise DataUnavailable(
            f"policy {policy} has no ACTIVE rule that matches every {', '.join(open_ended)} "
            "sign-in: what Okta does with the rest is not known here"
        )
    pairs = [(c, r) for c, (walk, _) in walks.items() for r in walk]
    # an ALLOW of any kind breaks "deny"; for "mfa" a chain or a missing method cannot be told
    unknown = [
        _of(r, c)
        for c, r in pairs
        if strength(r) == "unknown" and (need == "mfa" or sign_on(r)["access"] != "ALLOW")
    ]
    if unknown:
        raise DataUnavailable(
            "cannot tell what these reachable rules require (only DENY, or ALLOW with "
            "ASSURANCE factorMode 1FA/2FA, is judged): " + "; ".join(_text(s) for s in unknown)
        )
    return [_of(r, c) for c, r in pairs if strength(r) not in ACCEPTS[need]]


@pytest.mark.check("FED-10")
def test_fed_10_sign_on_requires_mfa(tenant, domain, evidence):
    bad = _judge(tenant, domain, evidence, "mfa")
    assert not bad, (
        f"the Office 365 app serving {domain} lets these clients in with one factor: "
        + "; ".join(_text(s) for s in bad)
        + "; expected two factors (2FA) or DENY"
    )


@pytest.mark.check("FED-10")
def test_fed_10_sign_on_denies_legacy_clients(tenant, domain, evidence):
    bad = _judge(tenant, domain, evidence, "deny")
    assert not bad, (
        f"the Office 365 app serving {domain} lets in clients declared denied: "
        + "; ".join(_text(s) for s in bad)
        + "; expected DENY"
    )
