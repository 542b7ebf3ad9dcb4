"""FED (phase 5): every declared domain is federated to this Okta org's Office 365 app
with WS-Federation, the right certificate and the declared MFA behaviour."""

import pytest

from okta_m365_audit.views import wsfed_key


@pytest.mark.check("FED-01")
def test_fed_01_domain_federated(entra_domain, domain, evidence):
    observed = entra_domain.get("authenticationType")
    evidence.update(observed=observed, expected="Federated")
    assert observed == "Federated", f"{domain} is {observed} in Entra; expected Federated"


@pytest.mark.check("FED-02")
def test_fed_02_federation_prefers_wsfed(tenant, domain, evidence):
    federation = tenant.federation(domain)
    protocol = federation.get("preferredAuthenticationProtocol") if federation else None
    evidence.update(
        observed=federation and {"preferredAuthenticationProtocol": protocol},
        expected={"preferredAuthenticationProtocol": "wsFed"},
    )
    assert federation is not None, f"{domain} has no federation configuration in Entra"
    assert protocol == "wsFed", f"{domain} federates with {protocol}; expected wsFed"


@pytest.mark.check("FED-03")
def test_fed_03_sign_in_uris_point_at_this_org(tenant, federation, domain, evidence):
    uris = {"passiveSignInUri": federation.get("passiveSignInUri")}
    if federation.get("activeSignInUri"):
        uris["activeSignInUri"] = federation["activeSignInUri"]
    hosts = sorted(tenant.okta_sign_in_hosts)
    evidence.update(
        observed=uris,
        expected=f"https://{{{'|'.join(hosts)}}}/app/office365/<key>/sso/wsfed/{{passive|active}}",
    )
    wrong = []
    for name, uri in uris.items():
        host, key = wsfed_key(uri)
        if host not in tenant.okta_sign_in_hosts or key is None:
            wrong.append(f"{name} {uri}")
    keys = {wsfed_key(u)[1] for u in uris.values()}
    assert not wrong, f"{domain}: {', '.join(wrong)} is not this Okta org's WS-Fed endpoint"
    assert len(keys) == 1, f"{domain}: passive and active URIs name different apps {keys}"


@pytest.mark.check("FED-07")
def test_fed_07_issuer_identifies_app_and_is_unique(tenant, federation, domain, evidence):
    issuer = federation.get("issuerUri")
    _, key = wsfed_key(federation.get("passiveSignInUri"))
    mode = tenant.cfg.expect.office365_app.ws_fed_configure_type
    if mode == "AUTO":
        is_root = tenant.domain(domain).get("isRoot")
        parents = [domain] if is_root is not False else _parents(domain)
        expected = [f"{d}:{key}" for d in parents]
    else:
        expected = [f"https://{key}"]
    others = {
        d: f.get("issuerUri")
        for d in tenant.cfg.expect.domains_to_federate
        if d != domain and (f := tenant.federation(d)) is not None
    }
    evidence.update(observed=issuer, expected=expected, other_domains=others)
    assert issuer in expected, f"{domain}: issuerUri {issuer!r}; expected {' or '.join(expected)}"
    related = set(_parents(domain))
    clash = [
        d
        for d, i in others.items()
        if i == issuer and d not in related and domain not in _parents(d)
    ]
    assert not clash, (
        f"{domain} shares its issuer {issuer} with {clash}; Entra needs one issuer per domain"
    )


@pytest.mark.check("FED-08")
def test_fed_08_no_premature_federation(tenant, evidence):
    phase = tenant.cfg.expect.phase
    if phase >= 5:
        pytest.skip("the tenant is expected to have gone live (phase 5)")
    federated = [
        d
        for d in tenant.cfg.expect.domains_to_federate
        if tenant.domain(d).get("authenticationType") == "Federated"
    ]
    evidence.update(expected_phase=phase, federated=federated)
    assert not federated, f"phase {phase}, but already federated before go-live: {federated}"


def _parents(domain):
    parts = domain.split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]


def _skip_unless_probed(tenant):
    if tenant.realm_skip_reason:
        pytest.skip(tenant.realm_skip_reason)


def _realm(tenant, login, evidence):
    _skip_unless_probed(tenant)
    answer = tenant.realm_answer(login)
    evidence.update(login=login, observed={k: answer.get(k) for k in
                                           ("NameSpaceType", "DomainName", "AuthURL")})  # fmt: skip
    return answer


@pytest.mark.check("FED-09")
def test_fed_09_sign_in_routes_to_okta(tenant, domain, evidence):
    _skip_unless_probed(tenant)
    login = tenant.realm_sample(domain)
    answer = _realm(tenant, login, evidence)
    host, key = wsfed_key((answer.get("AuthURL") or "").split("?", 1)[0])
    evidence.update(expected={"NameSpaceType": "Federated",
                              "AuthURL": f"https://{'|'.join(sorted(tenant.okta_sign_in_hosts))}"
                              "/app/office365/<key>/sso/wsfed/passive"})  # fmt: skip
    assert answer.get("NameSpaceType") == "Federated", (
        f"Microsoft routes {login} as {answer.get('NameSpaceType')}; expected Federated to Okta"
    )
    assert host in tenant.okta_sign_in_hosts and key, (
        f"Microsoft sends {login} to {answer.get('AuthURL')}, not to this Okta org"
    )


@pytest.mark.check("FED-09")
def test_fed_09_excluded_account_stays_managed(tenant, excluded_account, evidence):
    answer = _realm(tenant, excluded_account, evidence)
    evidence.update(expected={"NameSpaceType": "Managed"})
    assert answer.get("NameSpaceType") == "Managed", (
        f"Microsoft routes the excluded account {excluded_account} as "
        f"{answer.get('NameSpaceType')}; it must sign in with Entra (Managed), not via Okta"
    )
