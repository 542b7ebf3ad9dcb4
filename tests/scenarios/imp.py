"""IMP scenarios: users not imported, not assigned, not activated; orphaned and failed
assignments."""

from __future__ import annotations

import copy
from typing import Any

from . import Scenario
from .helpers import app_user_of, graph_user, okta_user, per_app

T = "[demo]"

#: In-scope users that no System Log event and no home-realm probe of the golden names.
NEVER_IMPORTED = ("noah.patel@contoso.com", "lea.dubois@fabrikam.com")
UNASSIGNED = "oliver.bennett@contoso.com"
STAGED = "grace.walker@contoso.com"
SUSPENDED = "nathan.girard@fabrikam.com"
FAILED_PUSH = "camille.rousseau@fabrikam.com"
DEACTIVATED = "hugo.bernard@fabrikam.com"
UNLICENSED_TEMPLATE = "emma.laurent@fabrikam.com"
UNLICENSED_NEW = "zoe.contractor@fabrikam.com"  #: sorts after the realm sample (adam.faure)


def never_imported(doc: dict[str, Any]) -> None:
    """Two M365 users never imported: no Okta user, so no assignment either."""
    for login in NEVER_IMPORTED:
        uid = okta_user(doc, login)["id"]
        users = doc["okta"]["users"]["data"]
        users[:] = [u for u in users if u["id"] != uid]
        app_users = per_app(doc, "appUsers")["data"]
        app_users[:] = [a for a in app_users if a["id"] != uid]


def unassigned(doc: dict[str, Any]) -> None:
    """An imported Okta user never assigned to the Office 365 app."""
    uid = okta_user(doc, UNASSIGNED)["id"]
    app_users = per_app(doc, "appUsers")["data"]
    app_users[:] = [a for a in app_users if a["id"] != uid]


def not_activated(doc: dict[str, Any]) -> None:
    """One user imported but never activated (STAGED), one SUSPENDED."""
    staged = okta_user(doc, STAGED)
    staged.update(status="STAGED", activated=None, lastLogin=None)
    suspended = okta_user(doc, SUSPENDED)
    suspended.update(status="SUSPENDED")


def orphaned_assignment(doc: dict[str, Any]) -> None:
    """A leaver: the Entra account deleted, the Okta user and its assignment left behind."""
    template_user = okta_user(doc, FAILED_PUSH)
    leaver = copy.deepcopy(template_user)
    leaver["id"] = "00uleaverformer0emp0x7"
    leaver["profile"].update(
        firstName="Former", lastName="Employee", login="former.employee@fabrikam.com",
        email="former.employee@fabrikam.com",
    )  # fmt: skip
    leaver["_links"]["self"]["href"] = leaver["_links"]["self"]["href"].replace(
        template_user["id"], leaver["id"]
    )
    doc["okta"]["users"]["data"].append(leaver)
    assignment = copy.deepcopy(app_user_of(doc, FAILED_PUSH))
    assignment.update(id=leaver["id"], externalId="5a0c1b6e-0000-4000-8000-00000000dead")
    assignment["credentials"]["userName"] = "former.employee@fabrikam.com"
    assignment["profile"].update(
        immutableId=leaver["id"], displayName="Former Employee", firstName="Former",
        lastName="Employee", email="former.employee@fabrikam.com",
    )  # fmt: skip
    per_app(doc, "appUsers")["data"].append(assignment)


def sync_error(doc: dict[str, Any]) -> None:
    app_user_of(doc, FAILED_PUSH)["syncState"] = "ERROR"


def unlicensed_user_not_in_okta(doc: dict[str, Any]) -> None:
    """A new M365 user on a federated domain, enabled, without a licence, never imported
    into Okta: it signs in through Okta all the same, so it is in scope (before: ignored)."""
    template = graph_user(doc, UNLICENSED_TEMPLATE)
    user = copy.deepcopy(template)
    user.update(
        id="7c1d2e3f-0000-4000-8000-00000000c0de", userPrincipalName=UNLICENSED_NEW,
        displayName="Zoe Contractor", givenName="Zoe", surname="Contractor",
        mail=UNLICENSED_NEW, onPremisesImmutableId="00uzoecontractor00x7", assignedLicenses=[],
    )  # fmt: skip
    users = doc["graph"]["users"]["data"]
    users.append(user)
    users.sort(key=lambda u: u["userPrincipalName"])


def deactivated_in_okta(doc: dict[str, Any]) -> None:
    """An in-scope user's Okta account deactivated: DEPROVISIONED (a plain list omits it;
    the emulator serves it to the collector's status search), and, as Okta deprovisions a
    deactivated user from all assigned apps (spec deactivateUser), no assignment."""
    user = okta_user(doc, DEACTIVATED)
    user.update(status="DEPROVISIONED", lastLogin=None)
    app_users = per_app(doc, "appUsers")["data"]
    app_users[:] = [a for a in app_users if a["id"] != user["id"]]


def mixed_case_upn_and_login(doc: dict[str, Any]) -> None:
    """One person's UPN, Okta login and app username in three different cases (UPNs and
    logins compare case-insensitively: all still match); and, to prove the run judged
    them, an unrelated finding (another user's push in sync ERROR)."""
    graph_user(doc, UNASSIGNED)["userPrincipalName"] = "Oliver.Bennett@Contoso.COM"
    app_user_of(doc, UNASSIGNED)["credentials"]["userName"] = "OLIVER.bennett@contoso.com"
    okta_user(doc, UNASSIGNED)["profile"]["login"] = "oliver.BENNETT@CONTOSO.com"
    sync_error(doc)


SCENARIOS = [
    Scenario(
        "in-scope users missing in Okta",
        {
            f"test_imp_01_users_in_okta{T}": "failed",
            # never imported, so never assigned either
            f"test_imp_02_users_assigned{T}": "failed",
        },
        mutate=never_imported,
        checks=("IMP-01",),
    ),
    Scenario(
        "an in-scope user not assigned",
        {f"test_imp_02_users_assigned{T}": "failed"},
        mutate=unassigned,
        checks=("IMP-02",),
    ),
    Scenario(
        "Okta users STAGED and SUSPENDED",
        {f"test_imp_03_okta_users_activated{T}": "failed"},
        mutate=not_activated,
        checks=("IMP-03",),
    ),
    Scenario(
        "an orphaned assignment",
        {f"test_imp_04_no_orphaned_assignments{T}": "failed"},
        mutate=orphaned_assignment,
        checks=("IMP-04",),
    ),
    Scenario(
        "an unlicensed enabled user on a federated domain not in Okta",
        {
            f"test_imp_01_users_in_okta{T}": "failed",
            f"test_imp_02_users_assigned{T}": "failed",
        },
        mutate=unlicensed_user_not_in_okta,
        checks=("IMP-01", "IMP-02"),
    ),
    Scenario(
        "an in-scope user's Okta account deactivated (DEPROVISIONED)",
        {
            # not activated, named with its status; never missing (IMP-01 stays passed)
            f"test_imp_03_okta_users_activated{T}": "failed",
            # deactivation deprovisions the user from every app
            f"test_imp_02_users_assigned{T}": "failed",
        },
        mutate=deactivated_in_okta,
        checks=("IMP-03",),
    ),
    Scenario(
        "a UPN, its Okta login and app username differing only in case",
        # IMP-01..04, PREP-04/05 stay passed: only the unrelated sync error fails
        {f"test_imp_05_no_sync_errors{T}": "failed"},
        mutate=mixed_case_upn_and_login,
    ),
    Scenario(
        "an app user in sync ERROR",
        {f"test_imp_05_no_sync_errors{T}": "failed"},
        mutate=sync_error,
        checks=("IMP-05",),
    ),
]
