"""Okta Super Administrator scenarios (ORG-06): too few, too many, inactive, shared-looking
or excluded holders, unreadable roles; and realistic variations that must stay green."""

from __future__ import annotations

import copy
from typing import Any

from okta_m365_audit.snapshot import document as snap

from . import Scenario
from .helpers import okta_user

ORG06 = {
    t: f"test_org_06_{t}[demo]"
    for t in ("super_admin_count", "super_admins_active", "super_admins_are_persons",
              "no_excluded_account_is_super_admin")
}  # fmt: skip
SUPER = ("oliver.bennett@contoso.com", "isla.murphy@contoso.com")
BREAK_GLASS = "breakglass1@contosodemo.onmicrosoft.com"


def _assignees(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return doc["okta"]["oktaAdmins"]["data"]["value"]


def _roles(doc: dict[str, Any], uid: str) -> list[dict[str, Any]]:
    return doc["okta"]["oktaAdminRoles"][uid]["data"]


def _grant(doc: dict[str, Any], uid: str, role: str = "SUPER_ADMIN", how: str = "USER") -> None:
    """Give ``uid`` a role, listing it as an assignee if it is not yet."""
    template = _roles(doc, okta_user(doc, SUPER[0])["id"])[0]
    if not any(a["id"] == uid for a in _assignees(doc)):
        entry = copy.deepcopy(_assignees(doc)[0])
        entry.update(id=uid, orn=entry["orn"].rsplit(":", 1)[0] + f":{uid}")
        _assignees(doc).append(entry)
        res = snap.resource("okta", "oktaAdminRoles")
        line = snap.request_line(res, uid, [])
        doc["okta"]["oktaAdminRoles"][uid] = snap.make_read(line, 200, ok=True, data=[])
    role_obj = copy.deepcopy(template)
    role_obj.update(id=f"ra1{role[:4]}{uid[-8:]}", type=role, assignmentType=how)
    _roles(doc, uid).append(role_obj)


def _new_okta_user(doc: dict[str, Any], login: str) -> str:
    """An Okta user with this login (a copy of a super admin's, another id)."""
    user = copy.deepcopy(okta_user(doc, SUPER[0]))
    user["id"] = "00uBreakGlass001x7"
    user["profile"].update(login=login, email=login)
    doc["okta"]["users"]["data"].append(user)
    return user["id"]


def shared_admin_is_super(doc: dict[str, Any]) -> None:
    """The shared okta.admin account is made Super Administrator too."""
    _roles(doc, okta_user(doc, "okta.admin@contoso.com")["id"])[0]["type"] = "SUPER_ADMIN"


def super_admin_deactivated(doc: dict[str, Any]) -> None:
    """A Super Administrator left and was deactivated; the role stays assigned."""
    users = doc["okta"]["users"]["data"]
    user = okta_user(doc, SUPER[1])
    users.remove(user)
    user["status"] = "DEPROVISIONED"
    doc["okta"]["deprovisionedUsers"]["data"].append(user)


def five_super_admins(doc: dict[str, Any]) -> None:
    for login in (
        "amelia.clarke@contoso.com",
        "noah.patel@contoso.com",
        "ava.thompson@contoso.com",
    ):
        _grant(doc, okta_user(doc, login)["id"])


def one_super_admin(doc: dict[str, Any]) -> None:
    """Only one Super Administrator: the other was moved to Organization Administrator."""
    _roles(doc, okta_user(doc, SUPER[1])["id"])[0]["type"] = "ORG_ADMIN"


def unknown_user_is_super(doc: dict[str, Any]) -> None:
    """A Super Administrator id that neither Okta user read returns."""
    _grant(doc, "00uGhostAdmin0000x7")


def role_without_type(doc: dict[str, Any]) -> None:
    del _roles(doc, okta_user(doc, SUPER[0])["id"])[0]["type"]


def break_glass_is_super(doc: dict[str, Any]) -> None:
    """A break-glass account was given an Okta account and made Super Administrator."""
    _grant(doc, _new_okta_user(doc, BREAK_GLASS))


def third_through_group(doc: dict[str, Any]) -> None:
    """A third Super Administrator through a GROUP assignment (still within the maximum)."""
    _grant(doc, okta_user(doc, "amelia.clarke@contoso.com")["id"], how="GROUP")


def inactive_role_on_shared(doc: dict[str, Any]) -> None:
    """The shared admin account's Super Administrator role is INACTIVE; it keeps ORG_ADMIN."""
    _grant(doc, okta_user(doc, "okta.admin@contoso.com")["id"])
    _roles(doc, okta_user(doc, "okta.admin@contoso.com")["id"])[-1]["status"] = "INACTIVE"


def many_helpdesk_admins(doc: dict[str, Any]) -> None:
    """150 more admins with the Help Desk role listed first: the assignee list takes two
    pages, and the super admins are on the second (a reader that stops at the first page
    would count none)."""
    before = list(_assignees(doc))
    for n in range(150):
        _grant(doc, f"00uHelpDesk{n:04d}x7", role="HELP_DESK_ADMIN")
    _assignees(doc)[:] = _assignees(doc)[len(before) :] + before


def two_allowed(data: dict[str, Any]) -> None:
    data["expect"]["okta_admins"] = {"max_super_admins": 2}


SCENARIOS = [
    Scenario("the shared okta.admin account is a Super Administrator",
             {ORG06["super_admins_are_persons"]: "failed"}, mutate=shared_admin_is_super,
             checks=("ORG-06",)),
    Scenario("a Super Administrator deactivated, the role still assigned",
             # the holder is also an M365 user in scope, whose Okta account is now deactivated
             {ORG06["super_admins_active"]: "failed",
              "test_imp_03_okta_users_activated[demo]": "failed"},
             mutate=super_admin_deactivated, checks=("ORG-06",)),
    Scenario("five Super Administrators", {ORG06["super_admin_count"]: "failed"},
             mutate=five_super_admins, checks=("ORG-06",)),
    Scenario("one Super Administrator", {ORG06["super_admin_count"]: "failed"},
             mutate=one_super_admin, checks=("ORG-06",)),
    Scenario("a Super Administrator Okta does not list as a user",
             {ORG06["super_admins_active"]: "failed", ORG06["super_admins_are_persons"]: "error",
              ORG06["no_excluded_account_is_super_admin"]: "error"},
             mutate=unknown_user_is_super, checks=("ORG-06",)),
    Scenario("a break-glass account is an Okta Super Administrator",
             # ESS-03: the excluded account has an Okta user at all; ESS-05: an account in
             # Okta is no break-glass account
             {ORG06["no_excluded_account_is_super_admin"]: "failed",
              f"test_ess_03_excluded_account_not_in_okta[demo-{BREAK_GLASS}]": "failed",
              "test_ess_05_enough_break_glass_admins[demo]": "failed"},
             mutate=break_glass_is_super, checks=("ORG-06",)),
    Scenario("an admin role without a type", dict.fromkeys(ORG06.values(), "error"),
             mutate=role_without_type, checks=("ORG-06",)),
    Scenario("a third Super Administrator through a group (stays green)", {},
             mutate=third_through_group, checks=("ORG-06",)),
    Scenario("an INACTIVE Super Administrator role on the shared admin account (stays green)",
             {}, mutate=inactive_role_on_shared, checks=("ORG-06",)),
    Scenario("150 Help Desk administrators over two pages of admins (stays green)", {},
             mutate=many_helpdesk_admins, checks=("ORG-06",)),
    Scenario("the declared maximum is the two held (stays green)", {}, patch=two_allowed,
             checks=("ORG-06",)),
]  # fmt: skip
