"""FED scenarios: the domains' federation in Entra broken one way at a time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import Scenario
from .helpers import (
    AS_OF,
    federation,
    graph_domain,
    new_certificate,
    not_found_read,
    o365_app,
    per_app,
)


def domain_left_managed(doc: dict[str, Any]) -> None:
    """contoso.com never federated: Managed in Entra, and no federation configuration."""
    graph_domain(doc, "contoso.com")["authenticationType"] = "Managed"
    doc["graph"]["federationConfiguration"]["contoso.com"] = not_found_read(doc, "contoso.com")


def foreign_certificate(doc: dict[str, Any]) -> None:
    """Entra trusts a certificate that is not the Okta app's active signing key."""
    federation(doc, "contoso.com")["signingCertificate"] = new_certificate()


C = "[demo-contoso.com]"

SCENARIOS = [
    Scenario(
        "a domain left Managed",
        {
            f"test_fed_01_domain_federated{C}": "failed",
            f"test_fed_02_federation_prefers_wsfed{C}": "failed",
            # no federation configuration to read: these ERROR with the reason, never pass
            f"test_fed_03_sign_in_uris_point_at_this_org{C}": "error",
            f"test_fed_04_certificate_is_oktas_active_key{C}": "error",
            f"test_fed_05_certificates_not_expiring{C}": "error",
            f"test_fed_06_mfa_behavior_as_declared{C}": "error",
            f"test_fed_07_issuer_identifies_app_and_is_unique{C}": "error",
        },
        mutate=domain_left_managed,
        checks=("FED-01", "FED-02"),
    ),
    Scenario(
        "a certificate that differs from Okta's key",
        {f"test_fed_04_certificate_is_oktas_active_key{C}": "failed"},
        mutate=foreign_certificate,
        checks=("FED-04",),
    ),
]


def saml_instead_of_wsfed(doc: dict[str, Any]) -> None:
    federation(doc, "contoso.com")["preferredAuthenticationProtocol"] = "saml"


def federated_without_configuration(doc: dict[str, Any]) -> None:
    """Entra says Federated, but the domain has no federation configuration (404)."""
    doc["graph"]["federationConfiguration"]["contoso.com"] = not_found_read(doc, "contoso.com")


def passive_uri_on_foreign_host(doc: dict[str, Any]) -> None:
    fed = federation(doc, "contoso.com")
    for name in ("passiveSignInUri", "activeSignInUri"):
        fed[name] = fed[name].replace("login.contoso.com", "login.attacker.example")


def certificate_expiring_in_10_days(doc: dict[str, Any]) -> None:
    """The app's active key (and so Entra's copy of it) expires ten days after collection."""
    start = AS_OF - dt.timedelta(days=365)
    cert = new_certificate(days_valid=375, start=start, cn="contoso-demo")
    app = o365_app(doc)
    kid = app["credentials"]["signing"]["kid"]
    for key in per_app(doc, "appKeys")["data"]:
        if key["kid"] == kid:
            key["x5c"] = [cert]
    for domain in ("contoso.com", "fabrikam.com"):
        federation(doc, domain)["signingCertificate"] = cert


def shared_issuer(doc: dict[str, Any]) -> None:
    """fabrikam.com federated with contoso.com's issuer (Entra needs one issuer a domain)."""
    federation(doc, "fabrikam.com")["issuerUri"] = federation(doc, "contoso.com")["issuerUri"]


def realm_managed_for_federated_domain(doc: dict[str, Any]) -> None:
    """Home-realm discovery still routes a contoso.com user to Entra (Managed)."""
    answers = doc["realm"]["userRealm"]
    login = next(k for k in answers if k.endswith("@contoso.com"))
    data = answers[login]["data"]
    for key in ("AuthURL", "FederationGlobalVersion", "AuthNForwardType"):
        data.pop(key, None)
    data.update(State=4, UserState=1, NameSpaceType="Managed")


def realm_federated_excluded_account(doc: dict[str, Any]) -> None:
    """A break-glass account would be sent to Okta at sign-in."""
    data = doc["realm"]["userRealm"]["breakglass1@contosodemo.onmicrosoft.com"]["data"]
    auth = "https://login.contoso.com/app/office365/exk/sso/wsfed/passive"
    data.update(NameSpaceType="Federated", State=3, UserState=2, AuthURL=auth)


F = "[demo-fabrikam.com]"

SCENARIOS += [
    Scenario(
        "SAML instead of WS-Fed",
        {f"test_fed_02_federation_prefers_wsfed{C}": "failed"},
        mutate=saml_instead_of_wsfed,
    ),
    Scenario(
        "no federation configuration for a Federated domain",
        {
            f"test_fed_02_federation_prefers_wsfed{C}": "failed",
            f"test_fed_03_sign_in_uris_point_at_this_org{C}": "error",
            f"test_fed_04_certificate_is_oktas_active_key{C}": "error",
            f"test_fed_05_certificates_not_expiring{C}": "error",
            f"test_fed_06_mfa_behavior_as_declared{C}": "error",
            f"test_fed_07_issuer_identifies_app_and_is_unique{C}": "error",
        },
        mutate=federated_without_configuration,
    ),
    Scenario(
        "the passive URI on a foreign host",
        {f"test_fed_03_sign_in_uris_point_at_this_org{C}": "failed"},
        mutate=passive_uri_on_foreign_host,
    ),
    Scenario(
        "a certificate expiring in 10 days",
        {
            f"test_fed_05_certificates_not_expiring{C}": "failed",
            f"test_fed_05_certificates_not_expiring{F}": "failed",
        },
        mutate=certificate_expiring_in_10_days,
    ),
    Scenario(
        "two federated domains sharing one issuer",
        {
            f"test_fed_07_issuer_identifies_app_and_is_unique{C}": "failed",
            f"test_fed_07_issuer_identifies_app_and_is_unique{F}": "failed",
        },
        mutate=shared_issuer,
    ),
    Scenario(
        "home-realm discovery answering Managed for a federated domain",
        {f"test_fed_09_sign_in_routes_to_okta{C}": "failed"},
        mutate=realm_managed_for_federated_domain,
    ),
    Scenario(
        "home-realm discovery sending an excluded account to Okta",
        {
            "test_fed_09_excluded_account_stays_managed"
            "[demo-breakglass1@contosodemo.onmicrosoft.com]": "failed"
        },
        mutate=realm_federated_excluded_account,
    ),
]
