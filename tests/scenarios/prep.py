"""PREP scenarios: the Office 365 app's instances and sign-on, the domains, the immutable
IDs and the usernames broken one way at a time."""

from __future__ import annotations

import copy
from typing import Any

from . import Scenario
from .helpers import app_user_of, graph_domain, graph_user, o365_app

T = "[demo]"

#: Okta-mastered and AD-sourced users that no System Log event of the golden names.
FABRIKAM_USER = "emma.laurent@fabrikam.com"
CONTOSO_USER = "amelia.clarke@contoso.com"
OTHER_CONTOSO_USER = "oliver.bennett@contoso.com"


def second_instance(doc: dict[str, Any]) -> None:
    """A second, ACTIVE Office 365 app for the same M365 tenant (added later, listed after)."""
    apps = doc["okta"]["office365Apps"]["data"]
    twin = copy.deepcopy(apps[0])
    twin["id"] = "0oadupl1cate0ffice3x7"
    twin["label"] = "Microsoft Office 365 (new)"
    twin["orn"] = twin["orn"].replace(apps[0]["id"], twin["id"])
    apps.append(twin)


def app_inactive(doc: dict[str, Any]) -> None:
    o365_app(doc)["status"] = "INACTIVE"


def app_in_swa_mode(doc: dict[str, Any]) -> None:
    """Sign-on switched to SWA: signOnMode BROWSER_PLUGIN, a password scheme and no signing
    key, as a recorded office365 BROWSER_PLUGIN app returns them."""
    app = o365_app(doc)
    app["signOnMode"] = "BROWSER_PLUGIN"
    creds = app["credentials"]
    creds.update(scheme="EDIT_USERNAME_AND_PASSWORD", revealPassword=False, signing={})


def domain_unverified(doc: dict[str, Any]) -> None:
    graph_domain(doc, "fabrikam.com")["isVerified"] = False


def domain_not_on_app(doc: dict[str, Any]) -> None:
    settings = o365_app(doc)["settings"]["app"]
    settings["domains"] = [d for d in settings["domains"] if d != "fabrikam.com"]
    assert settings["domain"] != "fabrikam.com"


def user_without_immutable_id(doc: dict[str, Any]) -> None:
    graph_user(doc, FABRIKAM_USER)["onPremisesImmutableId"] = None


def shared_immutable_id(doc: dict[str, Any]) -> None:
    """Two users anchored to one immutable ID in Entra (and Okta sends it for both)."""
    value = graph_user(doc, CONTOSO_USER)["onPremisesImmutableId"]
    graph_user(doc, OTHER_CONTOSO_USER)["onPremisesImmutableId"] = value
    app_user_of(doc, OTHER_CONTOSO_USER)["profile"]["immutableId"] = value


def okta_sends_other_immutable_id(doc: dict[str, Any]) -> None:
    """The app profile carries the Okta user id where Entra holds the AD objectGUID."""
    app_user = app_user_of(doc, CONTOSO_USER)
    app_user["profile"]["immutableId"] = app_user["id"]


def username_not_upn(doc: dict[str, Any]) -> None:
    """An assignment whose username is the user's alias, not the UPN (externalId still
    points at the Entra user)."""
    app_user_of(doc, CONTOSO_USER)["credentials"]["userName"] = "aclarke@contoso.com"


def prefix_username_template(doc: dict[str, Any]) -> None:
    """The built-in "Okta username prefix" format: yields amelia.clarke, not the UPN."""
    o365_app(doc)["credentials"]["userNameTemplate"] = {
        "template": '${fn:substringBefore(source.login, "@")}',
        "type": "BUILT_IN",
    }


SCENARIOS = [
    Scenario(
        "two Office 365 app instances for one tenant",
        {f"test_prep_01_one_active_office365_app{T}": "failed"},
        mutate=second_instance,
        checks=("PREP-01",),
    ),
    Scenario(
        "the Office 365 app INACTIVE",
        # the other checks still judge the instance's configuration: only PREP-01 fails
        {f"test_prep_01_one_active_office365_app{T}": "failed"},
        mutate=app_inactive,
        checks=("PREP-01",),
    ),
    Scenario(
        "the Office 365 app in SWA mode (BROWSER_PLUGIN)",
        {
            f"test_prep_02_sign_on_is_wsfed{T}": "failed",
            # no signing key to compare with Entra's certificate: these ERROR with the reason
            **{
                f"test_fed_{n}[demo-{d}]": "error"
                for n in ("04_certificate_is_oktas_active_key", "05_certificates_not_expiring")
                for d in ("contoso.com", "fabrikam.com")
            },
        },
        mutate=app_in_swa_mode,
        checks=("PREP-02",),
    ),
    Scenario(
        "a domain to federate not verified in Entra",
        {"test_prep_03_domain_verified_in_entra[demo-fabrikam.com]": "failed"},
        mutate=domain_unverified,
        checks=("PREP-03",),
    ),
    Scenario(
        "a domain to federate missing from the app's domains",
        {"test_prep_03_domain_on_app[demo-fabrikam.com]": "failed"},
        mutate=domain_not_on_app,
        checks=("PREP-03",),
    ),
    Scenario(
        "an in-scope user without an immutable ID",
        {f"test_prep_04_users_have_immutable_id{T}": "failed"},
        mutate=user_without_immutable_id,
        checks=("PREP-04",),
    ),
    Scenario(
        "two users sharing an immutable ID",
        {f"test_prep_04_immutable_ids_unique{T}": "failed"},
        mutate=shared_immutable_id,
        checks=("PREP-04",),
    ),
    Scenario(
        "an app user's immutableId differing from Entra's",
        {f"test_prep_04_okta_sends_entra_immutable_id{T}": "failed"},
        mutate=okta_sends_other_immutable_id,
        checks=("PREP-04",),
    ),
    Scenario(
        "an app user whose username is not the UPN",
        {f"test_prep_05_app_usernames_are_upns{T}": "failed"},
        mutate=username_not_upn,
        checks=("PREP-05",),
    ),
    Scenario(
        "the username template set to the login prefix",
        {f"test_prep_05_username_template_yields_upn{T}": "failed"},
        mutate=prefix_username_template,
        checks=("PREP-05",),
    ),
]
