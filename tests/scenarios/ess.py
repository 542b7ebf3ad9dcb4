"""ESS scenarios: the service account and the accounts kept out of Okta, broken one way at a
time."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from . import Scenario
from .helpers import graph_user, okta_user, per_app

SERVICE = "svc-okta@contosodemo.onmicrosoft.com"
BREAK_GLASS_1 = "breakglass1@contosodemo.onmicrosoft.com"
BREAK_GLASS_2 = "breakglass2@contosodemo.onmicrosoft.com"


def _okta_id(seed: str) -> str:
    """A stable Okta-shaped user id (00u + 17 characters)."""
    return "00u" + uuid.uuid5(uuid.NAMESPACE_URL, seed).hex[:14] + "0x7"


def add_okta_user(doc: dict[str, Any], login: str, first: str, last: str) -> dict[str, Any]:
    """An ACTIVE Okta user imported from Office 365 with that login (a copy of a golden one)."""
    user = copy.deepcopy(okta_user(doc, "adam.faure@fabrikam.com"))
    user["id"] = _okta_id(login)
    user["profile"].update(login=login, email=login, firstName=first, lastName=last)
    user["credentials"]["provider"] = {"type": "IMPORT", "name": "IMPORT"}
    user["_links"]["self"]["href"] = user["_links"]["self"]["href"].rsplit("/", 1)[0] + (
        f"/{user['id']}"
    )
    doc["okta"]["users"]["data"].append(user)
    return user


def assign_to_app(doc: dict[str, Any], login: str) -> dict[str, Any]:
    """Assign the Okta user with that login to the Office 365 app, matched to its Entra user."""
    user = okta_user(doc, login)
    entra = graph_user(doc, login)
    apps = per_app(doc, "appUsers")["data"]
    app_user = copy.deepcopy(apps[0])
    app_user.update(id=user["id"], externalId=entra["id"], scope="USER")
    app_user["credentials"] = {"userName": login}
    app_user["profile"].update(
        immutableId=None,
        displayName=entra["displayName"],
        firstName=user["profile"]["firstName"],
        lastName=user["profile"]["lastName"],
        email=login,
    )
    app_user["_links"]["user"]["href"] = app_user["_links"]["user"]["href"].rsplit("/", 1)[0] + (
        f"/{user['id']}"
    )
    apps.append(app_user)
    return app_user


def remove_global_admin(doc: dict[str, Any], upn: str) -> None:
    """No active Global Administrator for the user: neither directly nor through a group."""
    principal = graph_user(doc, upn)["id"]
    read = doc["graph"]["globalAdminAssignments"]
    read["data"] = [a for a in read["data"] if a["principalId"] != principal]
    for members in doc["graph"].get("globalAdminGroupMembers", {}).values():
        members["data"] = [m for m in members["data"] or [] if m.get("id") != principal]


def service_account_synced(doc: dict[str, Any]) -> None:
    """The service account is synced from on-premises AD (anchored: it could be federated)."""
    user = graph_user(doc, SERVICE)
    user["onPremisesSyncEnabled"] = True
    user["onPremisesImmutableId"] = "q1v3dq0N8kW5mBqH0mF1xw=="


def service_account_disabled(doc: dict[str, Any]) -> None:
    graph_user(doc, SERVICE)["accountEnabled"] = False


def service_account_deleted(doc: dict[str, Any]) -> None:
    """The service account was deleted from Entra (its role assignment went with it)."""
    users = doc["graph"]["users"]["data"]
    gone = graph_user(doc, SERVICE)
    users.remove(gone)
    read = doc["graph"]["globalAdminAssignments"]
    read["data"] = [a for a in read["data"] if a["principalId"] != gone["id"]]


def service_account_not_admin(doc: dict[str, Any]) -> None:
    remove_global_admin(doc, SERVICE)


def break_glass_imported(doc: dict[str, Any]) -> None:
    """An import from Office 365 pulled a break-glass account into Okta."""
    add_okta_user(doc, BREAK_GLASS_1, "Break Glass", "1")


def service_account_assigned(doc: dict[str, Any]) -> None:
    """The service account was imported and assigned to the Office 365 app."""
    add_okta_user(doc, SERVICE, "Okta", "Service")
    assign_to_app(doc, SERVICE)


def break_glass_not_admin(doc: dict[str, Any]) -> None:
    """breakglass2 lost its Global Administrator role: one break-glass admin remains."""
    remove_global_admin(doc, BREAK_GLASS_2)


SYNC_ACCOUNT = "Sync_CORP-DC01_5f3c2a1b9e7d@contosodemo.onmicrosoft.com"


def add_cloud_user(doc: dict[str, Any], upn: str, **fields: Any) -> dict[str, Any]:
    """A new enabled, cloud-only Entra member (a copy of breakglass1) with that UPN, a stable
    id of its own, and ``fields`` over it."""
    user = copy.deepcopy(graph_user(doc, BREAK_GLASS_1))
    user.update(id=str(uuid.uuid5(uuid.NAMESPACE_URL, upn)), userPrincipalName=upn, **fields)
    doc["graph"]["users"]["data"].append(user)
    return user


def sync_account_imported(doc: dict[str, Any]) -> None:
    """Entra Connect's directory-sync account exists and an import pulled it into Okta."""
    add_cloud_user(
        doc,
        SYNC_ACCOUNT,
        displayName="On-Premises Directory Synchronization Service Account",
        createdDateTime="2026-02-11T10:02:44Z",
    )
    add_okta_user(doc, SYNC_ACCOUNT.lower(), "On-Premises Directory", "Synchronization")


GUEST_ADMIN = "tech_msp-partner.example#EXT#@contosodemo.onmicrosoft.com"


def guest_admin_instead_of_break_glass(doc: dict[str, Any]) -> None:
    """breakglass2 lost Global Administrator, and the MSP's technician, invited as a B2B guest,
    holds it directly: cloud-only, enabled, on the initial domain (#EXT#), no Okta user. It
    signs in at its home organization, so it is no break-glass account of this tenant."""
    remove_global_admin(doc, BREAK_GLASS_2)
    guest = add_cloud_user(
        doc,
        GUEST_ADMIN,
        displayName="MSP Technician (guest)",
        mail="tech@msp-partner.example",
        userType="Guest",
    )
    read = doc["graph"]["globalAdminAssignments"]
    direct = next(a for a in read["data"] if a["principal"]["@odata.type"].endswith(".user"))
    assignment = copy.deepcopy(direct)
    assignment.update(id=direct["id"].rsplit("-", 1)[0][:-4] + "gst1-1", principalId=guest["id"])
    assignment["principal"].update(
        {k: guest[k] for k in ("id", "userPrincipalName", "displayName") if k in guest}
    )
    read["data"].append(assignment)


def service_like_assignment_without_entra_user(doc: dict[str, Any]) -> None:
    """An Okta user (login vaultsync.nightly@corp.contoso.com) is assigned to the Office 365 app as
    svc-backup@contoso.com, a name Entra does not hold yet: Okta would create it in M365."""
    user = add_okta_user(doc, "vaultsync.nightly@corp.contoso.com", "Vaultsync", "Nightly")
    apps = per_app(doc, "appUsers")["data"]
    app_user = copy.deepcopy(apps[0])
    apps.append(app_user)
    app_user.update(id=user["id"], externalId=None, scope="USER")
    app_user["credentials"] = {"userName": "svc-backup@contoso.com"}
    app_user["profile"].update(
        email="svc-backup@contoso.com", displayName="Vaultsync Nightly", immutableId=None
    )
    app_user["_links"]["user"]["href"] = app_user["_links"]["user"]["href"].rsplit("/", 1)[0] + (
        f"/{user['id']}"
    )


def initial_domain_not_listed(doc: dict[str, Any]) -> None:
    """GET /domains leaves out the initial domain, the excluded accounts' domain: whether it
    is federated cannot be told (never read as Managed)."""
    domains = doc["graph"]["domains"]["data"]
    domains[:] = [d for d in domains if d["id"] != "contosodemo.onmicrosoft.com"]


ESS01 = "test_ess_01_service_account_{}[demo]"
ESS02 = "test_ess_02_service_account_global_admin[demo]"
ESS03 = "test_ess_03_excluded_account_{}[demo-{}]"
ESS05 = "test_ess_05_enough_break_glass_admins[demo]"

SCENARIOS = [
    Scenario(
        "the service account synced from on-premises",
        {ESS01.format("cloud_only"): "failed"},
        mutate=service_account_synced,
        checks=("ESS-01",),
    ),
    Scenario(
        "the service account disabled",
        {ESS01.format("enabled"): "failed"},
        mutate=service_account_disabled,
        checks=("ESS-01",),
    ),
    Scenario(
        "the service account deleted from Entra",
        {
            ESS01.format("exists"): "failed",
            ESS03.format("exists", SERVICE): "failed",
            # no account to read: these ERROR with the reason, never pass
            ESS01.format("enabled"): "error",
            ESS01.format("cloud_only"): "error",
            ESS02: "error",
        },
        mutate=service_account_deleted,
        checks=("ESS-01", "ESS-03"),
    ),
    Scenario(
        "the service account without Global Administrator",
        {ESS02: "failed"},
        mutate=service_account_not_admin,
        checks=("ESS-02",),
    ),
    Scenario(
        "a break-glass account imported into Okta",
        {
            ESS03.format("not_in_okta", BREAK_GLASS_1): "failed",
            # Okta now manages it, so it no longer counts as break-glass: 1 of 2 left
            ESS05: "failed",
        },
        mutate=break_glass_imported,
        checks=("ESS-03", "ESS-05"),
    ),
    Scenario(
        "the service account assigned to the Office 365 app",
        {
            ESS03.format("not_in_okta", SERVICE): "failed",
            ESS03.format("not_assigned", SERVICE): "failed",
        },
        mutate=service_account_assigned,
        checks=("ESS-03",),
    ),
    Scenario(
        "a guest (B2B) Global Administrator in place of a break-glass account",
        {ESS05: "failed"},
        mutate=guest_admin_instead_of_break_glass,
        checks=("ESS-05",),
    ),
    Scenario(
        "fewer break-glass Global Administrators than declared",
        {ESS05: "failed"},
        mutate=break_glass_not_admin,
        checks=("ESS-05",),
    ),
    Scenario(
        "GET /domains without the excluded accounts' domain",
        {
            ESS03.format("domain_not_federated", a): "error"
            for a in (BREAK_GLASS_1, BREAK_GLASS_2, SERVICE)
        },
        mutate=initial_domain_not_listed,
        checks=("ESS-03",),
    ),
    Scenario(
        "a service-like name assigned in Okta that Entra does not hold yet",
        {
            "test_ess_04_no_undeclared_service_account_in_okta[demo]": "failed",
            "test_imp_04_no_orphaned_assignments[demo]": "failed",  # no Entra user: an orphan
        },
        mutate=service_like_assignment_without_entra_user,
        checks=("ESS-04",),
    ),
    Scenario(
        "the undeclared directory-sync account imported into Okta",
        {"test_ess_04_no_undeclared_service_account_in_okta[demo]": "failed"},
        mutate=sync_account_imported,
        checks=("ESS-04",),
    ),
]
