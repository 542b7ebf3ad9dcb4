"""Office 365 app instances, domains and WS-Fed URLs in every form the real world writes
them: each sign-in URI judged whole (scheme, host, port, path, endpoint, key), domain names
compared normalised, the default domain never federated, instances mapped per domain."""

from __future__ import annotations

import copy
from typing import Any

from . import Scenario
from .helpers import federation, o365_app

C, F = "[demo-contoso.com]", "[demo-fabrikam.com]"
FED03 = "test_fed_03_sign_in_uris_point_at_this_org"
FED09 = "test_fed_09_sign_in_routes_to_okta"


def _uri(domain: str, field: str, old: str, new: str):
    def mutate(doc: dict[str, Any]) -> None:
        fed = federation(doc, domain)
        assert old in fed[field], (old, fed[field])
        fed[field] = fed[field].replace(old, new)
        doc.get("realm", {}).pop("userRealm", None)  # Microsoft answers from the federation

    return mutate


def fabrikam_is_default(doc: dict[str, Any]) -> None:
    """fabrikam.com made the tenant's default domain (the initial domain no longer is)."""
    for d in doc["graph"]["domains"]["data"]:
        d["isDefault"] = d["id"] == "fabrikam.com"


def leftover_instance_without_domains(doc: dict[str, Any]) -> None:
    """An older, ACTIVE Office 365 instance of the same tenant that lists no domain."""
    apps = doc["okta"]["office365Apps"]["data"]
    twin = copy.deepcopy(apps[0])
    twin["id"] = "0oaleft0ver0ffice3x7"
    twin["settings"]["app"].update(domain=None, domains=[])
    apps.append(twin)


def other_tenants_app(doc: dict[str, Any]) -> None:
    """An ACTIVE Office 365 app of another M365 tenant in the same Okta org (an MSP's org
    serving two customers), listed first."""
    apps = doc["okta"]["office365Apps"]["data"]
    other = copy.deepcopy(apps[0])
    other.update(id="0oa0ther0tenant0ff3x7", label="Microsoft Office 365 (Northwind)")
    other["settings"]["app"].update(
        msftTenant="northwinddemo", domain="northwind.example", domains=["northwind.example"]
    )
    apps.insert(0, other)


def initial_domain_unknown_two_tenants(doc: dict[str, Any]) -> None:
    """That app, and GET /organization names no initial domain (no verifiedDomains entry
    with isInitial): which app serves this tenant cannot be told, so none is judged."""
    other_tenants_app(doc)
    for org in doc["graph"]["organization"]["data"]:
        for d in org["verifiedDomains"]:
            d["isInitial"] = False


def domains_written_loosely(data: dict[str, Any]) -> None:
    """The tenant file writes its domains and accounts in another case, with a root dot."""
    exp = data["expect"]
    exp["domains_to_federate"] = [f"{d.upper()}." for d in exp["domains_to_federate"]]
    exp["excluded_accounts"] = [a.upper() for a in exp["excluded_accounts"]]
    exp["custom_domain"] = exp["custom_domain"].upper() + "."


def app_domains_in_upper_case(doc: dict[str, Any]) -> None:
    settings = o365_app(doc)["settings"]["app"]
    settings["domains"] = [d.upper() for d in settings["domains"]]
    settings["domain"] = settings["domain"].upper() + "."


#: Which app is this tenant's cannot be told: every check that judges the app ERRORs (never
#: judges another tenant's app); IMP-01/03 need no app and stay passed, and so does ESS-03's
#: "not assigned", which searches every office365 app of the org (views.directory).
_WHICH_APP_UNKNOWN = {
    **{f"test_cred_0{n}[demo]": "error" for n in (
        "1_connection_enabled", "2_connection_uses_oauth_consent",
        "3_okta_service_principal_consented", "4_no_credential_failures",
        "4_no_general_failures", "4_recent_provisioning_activity")},
    "test_ess_01_service_account_on_initial_domain[demo]": "error",
    # CRED-05 needs the judged instance's connection client, which is unknown too
    "test_cred_05_no_stale_okta_principal[demo]": "error",
    "test_ess_05_enough_break_glass_admins[demo]": "error",
    **{f"test_{t}{d}": "error" for d in (C, F) for t in (
        "fed_03_sign_in_uris_point_at_this_org", "fed_04_certificate_is_oktas_active_key",
        "fed_05_certificates_not_expiring", "fed_07_issuer_identifies_app_and_is_unique",
        "prep_01_domain_served_by_one_instance", "prep_03_domain_on_app",
        "fed_10_sign_on_requires_mfa", "fed_10_sign_on_denies_legacy_clients")},
    **{f"test_{t}[demo]": "error" for t in (
        "imp_02_users_assigned", "imp_04_no_orphaned_assignments", "imp_05_no_sync_errors",
        "org_01_ad_integrated_before_office365", "prep_01_office365_instances_active",
        "prep_04_immutable_ids_unique", "prep_04_okta_sends_entra_immutable_id",
        "prep_05_app_usernames_are_upns", "prov_01_user_provisioning_enabled",
        "prov_03_provisioning_type_as_declared", "prov_04_assignment_groups_assigned")},
    **{f"test_prov_02_capability_as_declared[demo-{c}]": "error"
       for c in ("create", "deactivate", "password_push", "update_profile")},
    # no serving instance to judge: cannot tell, pointing at PREP-01
    "test_prep_02_sign_on_is_wsfed[demo]": "error",
    "test_prep_02_wsfed_configure_type_as_declared[demo]": "error",
}  # fmt: skip

SCENARIOS = [
    Scenario(
        "the passive sign-in URI over http",
        {FED03 + C: "failed", FED09 + C: "failed"},
        mutate=_uri("contoso.com", "passiveSignInUri", "https://", "http://"),
        checks=("FED-03", "FED-09"),
    ),
    Scenario(
        "the active sign-in URI names the passive endpoint",
        {FED03 + F: "failed"},
        mutate=_uri("fabrikam.com", "activeSignInUri", "/wsfed/active", "/wsfed/passive"),
        checks=("FED-03",),
    ),
    Scenario(
        "the passive sign-in URI on another port",
        {FED03 + C: "failed", FED09 + C: "failed"},
        mutate=_uri("contoso.com", "passiveSignInUri", ".com/app/", ".com:8443/app/"),
        checks=("FED-03", "FED-09"),
    ),
    Scenario(
        "the passive sign-in URI on a look-alike host",
        {FED03 + C: "failed", FED09 + C: "failed"},
        mutate=_uri(
            "contoso.com", "passiveSignInUri", "login.contoso.com", "login.contoso.com.evil.example"
        ),
        checks=("FED-03", "FED-09"),
    ),
    Scenario(
        "the passive sign-in URI with user information before the host",
        {FED03 + C: "failed", FED09 + C: "failed"},
        mutate=_uri("contoso.com", "passiveSignInUri", "https://", "https://evil.example@"),
        checks=("FED-03", "FED-09"),
    ),
    Scenario(
        "the passive sign-in URI on another Okta app type's path",
        {
            FED03 + C: "failed",
            FED09 + C: "failed",
            # no app key to expect in the issuer: cannot tell
            "test_fed_07_issuer_identifies_app_and_is_unique" + C: "error",
        },
        mutate=_uri("contoso.com", "passiveSignInUri", "/app/office365/", "/app/template_wsfed/"),
        checks=("FED-03", "FED-09"),
    ),
    Scenario(
        "a domain to federate is the tenant's default domain",
        {"test_prep_03_domain_is_not_the_default" + F: "failed"},
        mutate=fabrikam_is_default,
        checks=("PREP-03",),
    ),
    Scenario(
        "an older ACTIVE instance of the tenant that serves no domain (stays green)",
        {},
        mutate=leftover_instance_without_domains,
    ),
    Scenario(
        "another M365 tenant's Office 365 app in the same Okta org (stays green)",
        {},
        mutate=other_tenants_app,
    ),
    Scenario(
        "another tenant's Office 365 app, and no initial domain in GET /organization",
        _WHICH_APP_UNKNOWN,
        mutate=initial_domain_unknown_two_tenants,
        checks=("PREP-01",),
    ),
    Scenario(
        "the tenant file writes domains and accounts in another case (stays green)",
        {},
        patch=domains_written_loosely,
    ),
    Scenario(
        "the app lists its domains in upper case with a root dot (stays green)",
        {},
        mutate=app_domains_in_upper_case,
    ),
]
