"""WS-Fed sign-in URIs judged whole, and names compared in every form the real world writes
them (views/instances.py, core/normalize.py): unit proofs beside the verdict matrix's scenarios
(tests/scenarios/instances.py)."""

from __future__ import annotations

import pytest

from okta_m365_audit.config.expectations import Expectations
from okta_m365_audit.core.normalize import domain_name, login, parents
from okta_m365_audit.views import parse_wsfed_uri

HOSTS = {"contoso-demo.okta.com", "login.contoso.com"}
GOOD = "https://login.contoso.com/app/office365/exk1a2b3c/sso/wsfed/passive"


def test_okta_endpoint_is_accepted_on_either_host_of_the_org():
    for host in HOSTS:
        judged = parse_wsfed_uri(GOOD.replace("login.contoso.com", host), "passive", HOSTS)
        assert judged.problems == () and judged.key == "exk1a2b3c"


@pytest.mark.parametrize(
    "uri, problem",
    [
        (GOOD.replace("https:", "http:"), "scheme http"),
        (GOOD.replace("https://", "https://evil.example@"), "user information"),
        (GOOD.replace(".com/app", ".com:8443/app"), "port 8443"),
        (GOOD.replace("login.contoso.com", "login.contoso.com.evil.example"), "host"),
        (GOOD.replace("login.contoso.com", "contoso-demo.oktapreview.com"), "host"),
        (GOOD.replace("/passive", "/active"), "endpoint active"),
        (GOOD.replace("/app/office365/", "/app/template_wsfed/"), "path"),
        (GOOD.replace("/sso/wsfed/", "/sso/saml/"), "path"),
        (GOOD + "?wa=wsignin1.0", "query"),
        (GOOD + "#x", "fragment"),
        ("", "scheme"),
        (None, "scheme"),
        ("https://[::1", "not a URL"),
    ],
)
def test_every_part_of_the_uri_is_judged(uri, problem):
    assert any(problem in p for p in parse_wsfed_uri(uri, "passive", HOSTS).problems)


def test_home_realm_auth_url_may_carry_its_query():
    auth = (
        GOOD + "?username=a%40contoso.com&wa=wsignin1.0&wtrealm=urn%3afederation%3aMicrosoftOnline"
    )
    assert parse_wsfed_uri(auth, "passive", HOSTS, query=True).problems == ()


def test_a_custom_domain_without_its_certificate_serves_no_sign_in():
    """login.contoso.com is the org's, DNS verified, its certificate not issued (VERIFIED)."""
    unserved = {"login.contoso.com": "its certificate is not issued yet"}
    hosts = HOSTS - set(unserved)
    [problem] = parse_wsfed_uri(GOOD, "passive", hosts, unserved=unserved).problems
    assert (
        problem
        == "host login.contoso.com is this Okta org's, but its certificate is not issued yet"
    )


def test_host_case_and_root_dot_do_not_matter():
    uri = GOOD.replace("login.contoso.com", "LOGIN.Contoso.COM.")
    assert parse_wsfed_uri(uri, "passive", HOSTS).problems == ()


def test_names_compare_normalised():
    assert domain_name(" Contoso.COM. ") == "contoso.com"
    assert login("Adele.Vance@Contoso.COM.") == "adele.vance@contoso.com"
    assert parents("eu.Contoso.com") == ["eu.contoso.com", "contoso.com"]


def test_tenant_file_names_are_normalised():
    exp = Expectations(
        domains_to_federate=["Contoso.COM.", "contoso.com", "Fabrikam.com"],
        service_account="SVC-Okta@ContosoDemo.onmicrosoft.com",
        excluded_accounts=["BreakGlass1@ContosoDemo.onmicrosoft.com."],
        custom_domain="Login.Contoso.com.",
        mfa_behavior="enforceMfaByFederatedIdp",
    )
    assert exp.domains_to_federate == ("contoso.com", "fabrikam.com")
    assert exp.service_account == "svc-okta@contosodemo.onmicrosoft.com"
    assert exp.excluded_accounts == ("breakglass1@contosodemo.onmicrosoft.com",)
    assert exp.custom_domain == "login.contoso.com"


def test_users_of_a_child_domain_are_in_scope_of_its_root():
    """A child domain follows its root's federation: its users sign in through Okta."""
    from okta_m365_audit.catalog.scope import in_scope

    user = {"userPrincipalName": "A@EU.Contoso.com", "accountEnabled": True, "userType": "Member"}
    assert in_scope(user, {"contoso.com"}, ()) is True
    assert in_scope(user, {"fabrikam.com"}, ()) is False
