"""FED (phase 5): every declared domain is federated to this Okta org's Office 365 app
with WS-Federation, the right certificate and the declared MFA behaviour."""

import pytest

from okta_m365_audit.core.normalize import parents
from okta_m365_audit.views import DataUnavailable, parse_wsfed_uri
from okta_m365_audit.views.instances import WSFED_ENDPOINTS
from okta_m365_audit.views.provisioning import listing


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
    """Each sign-in URI is judged whole (views.instances.parse_wsfed_uri): https, a host of
    this Okta org (its own host or a custom domain whose certificate is issued, GET
    /api/v1/domains), the endpoint the field names, and one app key that names the instance
    serving the domain
    (the same key as its other domains, another key than other instances' domains)."""
    hosts = tenant.org_hosts
    uris = {
        field: federation.get(field)
        for field in WSFED_ENDPOINTS
        if field == "passiveSignInUri" or federation.get(field)
    }
    unserved = tenant.uncertified_hosts
    judged = {
        f: parse_wsfed_uri(u, WSFED_ENDPOINTS[f], hosts, unserved=unserved) for f, u in uris.items()
    }
    app = tenant.instance_for(domain)
    evidence.update(
        observed=uris,
        instance=app.get("id"),
        expected={
            f: f"https://{{{'|'.join(sorted(hosts))}}}/app/office365/<key>/sso/wsfed/{e}"
            for f, e in WSFED_ENDPOINTS.items()
            if f in uris
        },
    )
    wrong = [f"{f} {j.uri!r} ({'; '.join(j.problems)})" for f, j in judged.items() if j.problems]
    assert not wrong, f"{domain}: {', '.join(wrong)}: not this Okta org's WS-Fed endpoint"
    keys = {j.key for j in judged.values()}
    assert len(keys) == 1, f"{domain}: the passive and active URIs name different apps {keys}"
    clashes = tenant.instance_key_clashes(domain)
    evidence.update(key=keys.pop(), key_clashes=clashes)
    assert not clashes, (
        f"{domain}: its app key does not name its instance {app.get('id')} alone: "
        f"{listing(clashes)} (one key per instance)"
    )


@pytest.mark.check("FED-07")
def test_fed_07_issuer_identifies_app_and_is_unique(tenant, federation, domain, evidence):
    """Automatic WS-Fed (the serving instance's wsFedConfigureType AUTO) writes
    ``<domain>:<key>``, a child domain its root's (api-facts section 11). The manual issuer
    is unconfirmed (``https://<key>`` per Okta support, older setups unknown): it must carry
    the instance's key. Entra needs one issuer per domain (child domains share their root's)."""
    issuer = federation.get("issuerUri")
    key = tenant.federation_key(domain)
    if key is None:
        raise DataUnavailable(f"{domain}: no app key in its passiveSignInUri to expect; see FED-03")
    auto = tenant.instance_setting(tenant.instance_for(domain), "wsFedConfigureType") == "AUTO"
    is_root = tenant.domain(domain).get("isRoot")
    owners = [domain] if is_root is not False else parents(domain)
    expected = [f"{d}:{key}" for d in owners]
    if not auto:
        expected.insert(0, f"https://{key}")
    others = {
        d: f.get("issuerUri")
        for d in tenant.cfg.expect.domains_to_federate
        if d != domain and (f := tenant.federation(d)) is not None
    }
    evidence.update(observed=issuer, expected=expected, mode="AUTO" if auto else "manual",
                    other_domains=others)  # fmt: skip
    assert issuer in expected, f"{domain}: issuerUri {issuer!r}; expected {' or '.join(expected)}"
    related = set(parents(domain))
    clash = [
        d
        for d, i in others.items()
        if i == issuer and d not in related and domain not in parents(d)
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
    """Microsoft's answer for a user of the domain: Federated, with an AuthURL that is this
    org's passive WS-Fed endpoint (judged whole, its query aside) carrying the domain's key."""
    _skip_unless_probed(tenant)
    login = tenant.realm_sample(domain)
    answer = _realm(tenant, login, evidence)
    hosts = tenant.org_hosts
    auth = parse_wsfed_uri(
        answer.get("AuthURL"), "passive", hosts, query=True, unserved=tenant.uncertified_hosts
    )
    tenant.federation(domain)  # its read failed: cannot tell which key Microsoft should name
    key = tenant.federation_key(domain)  # None only without a federation: FED-02's finding
    endpoint = f"/app/office365/{key or '<key>'}/sso/wsfed/passive?..."
    evidence.update(
        expected={
            "NameSpaceType": "Federated",
            "AuthURL": f"https://{'|'.join(sorted(hosts))}{endpoint}",
        }
    )
    assert answer.get("NameSpaceType") == "Federated", (
        f"Microsoft routes {login} as {answer.get('NameSpaceType')}; expected Federated to Okta"
    )
    assert not auth.problems, (
        f"Microsoft sends {login} to {answer.get('AuthURL')}, not to this Okta org "
        f"({'; '.join(auth.problems)})"
    )
    assert key is None or auth.key == key, (
        f"Microsoft sends {login} to app key {auth.key}; {domain}'s federation names {key}"
    )


@pytest.mark.check("FED-09")
def test_fed_09_excluded_account_stays_managed(tenant, excluded_account, evidence):
    answer = _realm(tenant, excluded_account, evidence)
    evidence.update(expected={"NameSpaceType": "Managed"})
    assert answer.get("NameSpaceType") == "Managed", (
        f"Microsoft routes the excluded account {excluded_account} as "
        f"{answer.get('NameSpaceType')}; it must sign in with Entra (Managed), not via Okta"
    )
