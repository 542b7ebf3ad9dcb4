"""PREP scenarios: the Office 365 app's instances and sign-on, the domains, the immutable
IDs and the usernames broken one way at a time."""

from __future__ import annotations

import copy
import re
from typing import Any

from okta_m365_audit.catalog.checks import BY_ID

from . import Expected, Scenario
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
    """Okta sends one user's immutable ID for another (a mapping copied the wrong source
    attribute): two app users with one profile.immutableId, Entra's two IDs distinct."""
    value = app_user_of(doc, CONTOSO_USER)["profile"]["immutableId"]
    app_user_of(doc, OTHER_CONTOSO_USER)["profile"]["immutableId"] = value
    assert graph_user(doc, OTHER_CONTOSO_USER)["onPremisesImmutableId"] != value


def cloud_only_users_without_immutable_id(doc: dict[str, Any]) -> None:
    """The Okta-mastered users before Okta provisioned them: no onPremisesImmutableId in
    Entra yet (Okta writes it when it provisions a cloud-only tenant's users)."""
    for u in doc["graph"]["users"]["data"]:
        if u["userPrincipalName"].endswith("@fabrikam.com"):
            u["onPremisesImmutableId"] = None


def directory_sync_on_without_id(doc: dict[str, Any]) -> None:
    """Entra Connect syncing (organization.onPremisesSyncEnabled true), a user without ID."""
    doc["graph"]["organization"]["data"][0]["onPremisesSyncEnabled"] = True
    user_without_immutable_id(doc)


def _tenant_file(phase: int, ad: bool):
    def patch(data: dict[str, Any]) -> None:
        data["expect"]["phase"] = phase
        if not ad:
            data["expect"].pop("on_prem_ad", None)

    return patch


def _not_due(phase: int, extra: dict[str, str]):
    """Every check due after ``phase`` skipped as not yet due, and the ``extra`` changes
    (FED-08 fails before phase 5: the golden's domains are federated)."""

    def expected(golden: dict[str, str]) -> dict[str, str]:
        changes = {
            test_id: "skipped"
            for test_id, verdict in golden.items()
            if verdict != "skipped" and BY_ID[_check_id(test_id)].due_in_phase > phase
        }
        fed08 = {"test_fed_08_no_premature_federation[demo]": "failed"} if phase < 5 else {}
        return changes | fed08 | extra

    return expected


def _check_id(test_id: str) -> str:
    m = re.match(r"^test_([a-z]+)_(\d{2})_", test_id)
    assert m, test_id
    return f"{m.group(1).upper()}-{m.group(2)}"


def _no_ad_declared(extra: Expected):
    """The ORG-01 and ORG-09 tests skip without a declared AD, and the ``extra`` changes (a
    dict, or a function of the golden verdicts)."""

    def expected(golden: dict[str, str]) -> dict[str, str]:
        more = extra(golden) if callable(extra) else extra
        return {
            k: "skipped" for k in golden if k.startswith(("test_org_01_", "test_org_09_"))
        } | more

    return expected


def okta_sends_other_immutable_id(doc: dict[str, Any]) -> None:
    """The app profile carries the Okta user id where Entra holds the AD objectGUID."""
    app_user = app_user_of(doc, CONTOSO_USER)
    app_user["profile"]["immutableId"] = app_user["id"]


def username_not_upn(doc: dict[str, Any]) -> None:
    """An assignment whose username is the user's alias, not the UPN (externalId still
    points at the Entra user)."""
    app_user_of(doc, CONTOSO_USER)["credentials"]["userName"] = "aclarke@contoso.com"


def prefix_username_template(doc: dict[str, Any]) -> None:
    """The built-in "Okta username prefix" format, and the one user pushed since then named
    amelia.clarke, not the UPN: the outcome fails; the others, still UPNs, pass."""
    o365_app(doc)["credentials"]["userNameTemplate"] = {
        "template": '${fn:substringBefore(source.login, "@")}',
        "type": "BUILT_IN",
    }
    app_user_of(doc, CONTOSO_USER)["credentials"]["userName"] = CONTOSO_USER.split("@")[0]


def custom_username_template(doc: dict[str, Any]) -> None:
    """A CUSTOM username expression that no list of template strings holds, whose outcome
    is the UPN for every app user (the golden's usernames are UPNs); and, to prove the
    run judged it, an unrelated finding (a domain unverified)."""
    o365_app(doc)["credentials"]["userNameTemplate"] = {
        "template": 'String.toLowerCase(user.firstName + "." + user.lastName) + "@" + '
        'String.substringAfter(user.login, "@")',
        "type": "CUSTOM",
    }
    domain_unverified(doc)


SCENARIOS = [
    Scenario(
        "two Office 365 app instances for one tenant, both claiming its domains",
        {
            "test_prep_01_domain_served_by_one_instance[demo-contoso.com]": "failed",
            "test_prep_01_domain_served_by_one_instance[demo-fabrikam.com]": "failed",
        },
        mutate=second_instance,
        checks=("PREP-01",),
    ),
    Scenario(
        "the Office 365 app INACTIVE",
        # the other checks still judge the instance's configuration: only PREP-01 fails
        {
            f"test_prep_01_office365_instances_active{T}": "failed",
            "test_prep_01_domain_served_by_one_instance[demo-contoso.com]": "failed",
            "test_prep_01_domain_served_by_one_instance[demo-fabrikam.com]": "failed",
        },
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
        {
            "test_prep_03_domain_on_app[demo-fabrikam.com]": "failed",
            "test_prep_01_domain_served_by_one_instance[demo-fabrikam.com]": "failed",
        },
        mutate=domain_not_on_app,
        checks=("PREP-03", "PREP-01"),
    ),
    Scenario(
        "an in-scope user without an immutable ID",
        {f"test_prep_04_users_have_immutable_id{T}": "failed"},
        mutate=user_without_immutable_id,
        checks=("PREP-04",),
    ),
    Scenario(
        "two app users sent the same immutable ID (Entra's distinct)",
        {
            f"test_prep_04_immutable_ids_unique{T}": "failed",
            # Entra's IDs are distinct, so one of the two is sent another ID than Entra holds
            f"test_prep_04_okta_sends_entra_immutable_id{T}": "failed",
        },
        mutate=shared_immutable_id,
        checks=("PREP-04",),
    ),
    Scenario(
        "a cloud-only tenant at phase 3, users without an immutable ID yet",
        # Okta writes the IDs when it provisions (phase 4): the presence test is not yet due
        _no_ad_declared(_not_due(3, {f"test_prep_04_users_have_immutable_id{T}": "skipped"})),
        mutate=cloud_only_users_without_immutable_id,
        patch=_tenant_file(3, ad=False),
        checks=("PREP-04",),
    ),
    Scenario(
        "a cloud-only tenant at phase 5, a user without an immutable ID",
        _no_ad_declared({f"test_prep_04_users_have_immutable_id{T}": "failed"}),
        mutate=user_without_immutable_id,
        patch=_tenant_file(5, ad=False),
        checks=("PREP-04",),
    ),
    Scenario(
        "an AD declared at phase 3, a user without an immutable ID",
        # the IDs come from AD: the presence test is due from phase 2 (not deferred)
        _not_due(3, {f"test_prep_04_users_have_immutable_id{T}": "failed"}),
        mutate=user_without_immutable_id,
        patch=_tenant_file(3, ad=True),
        checks=("PREP-04",),
    ),
    Scenario(
        "Entra directory sync on, no AD declared, at phase 3, a user without an immutable ID",
        # Entra says AD is there: not cloud-only, the presence test is due; ORG-02 names the
        # disagreement with the tenant file
        _no_ad_declared(
            _not_due(
                3,
                {
                    f"test_prep_04_users_have_immutable_id{T}": "failed",
                    f"test_org_02_directory_sync_matches_declared_ad{T}": "failed",
                },
            )
        ),
        mutate=directory_sync_on_without_id,
        patch=_tenant_file(3, ad=False),
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
        "the username template set to the login prefix, one username pushed with it",
        # the template is evidence, the outcome is judged: one app user is not its UPN
        {f"test_prep_05_app_usernames_are_upns{T}": "failed"},
        mutate=prefix_username_template,
        checks=("PREP-05",),
    ),
    Scenario(
        "a CUSTOM username template no list holds, its outcome the UPN",
        # PREP-05 stays passed: only the unrelated unverified domain changes a verdict
        {"test_prep_03_domain_verified_in_entra[demo-fabrikam.com]": "failed"},
        mutate=custom_username_template,
    ),
]
