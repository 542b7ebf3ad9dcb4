"""ESS-02 and ESS-05 scenarios: how Global Administrator is held. The golden holds it three
ways: the service account and breakglass1 directly, breakglass2 through the role-assignable
group "Break-glass admins", and the Okta admin PIM-eligible only (scripts/demo_builder/
entra_roles.py). Each scenario moves one holder to another way, or breaks the group."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from . import Scenario
from .ess import BREAK_GLASS_1, ESS02, ESS05, SERVICE
from .helpers import graph_user

GROUP = "Break-glass admins"


def assignments(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return doc["graph"]["globalAdminAssignments"]["data"]


def group_assignment(doc: dict[str, Any]) -> dict[str, Any]:
    return next(a for a in assignments(doc) if a["principal"].get("displayName") == GROUP)


def group_members_read(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["graph"]["globalAdminGroupMembers"][group_assignment(doc)["principalId"]]


def take_direct(doc: dict[str, Any], upn: str) -> dict[str, Any]:
    """Remove the user's direct, active assignment; its expanded principal is returned."""
    uid = graph_user(doc, upn)["id"]
    found = next(a for a in assignments(doc) if a["principalId"] == uid)
    assignments(doc).remove(found)
    return found["principal"]


def make_eligible_only(doc: dict[str, Any], upn: str) -> None:
    """The user's active assignment becomes a PIM eligibility (never activated)."""
    principal = take_direct(doc, upn)
    schedules = doc["graph"]["globalAdminEligibility"]["data"]
    schedule = copy.deepcopy(schedules[0])
    sid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"scenario eligibility {upn}"))
    schedule.update(id=sid, createdUsing=sid, principalId=principal["id"], principal=principal)
    schedules.append(schedule)


def move_into_group(doc: dict[str, Any], upn: str) -> None:
    """The user's direct assignment replaced by membership of the role-assignable group."""
    group_members_read(doc)["data"].append(take_direct(doc, upn))


def service_account_eligible_only(doc: dict[str, Any]) -> None:
    make_eligible_only(doc, SERVICE)


def break_glass_eligible_only(doc: dict[str, Any]) -> None:
    make_eligible_only(doc, BREAK_GLASS_1)


def group_not_role_assignable(doc: dict[str, Any]) -> None:
    """The group holding Global Administrator for breakglass2 reads as not role-assignable
    (Entra refuses such an assignment: groups-concept.md; its members hold nothing)."""
    group_assignment(doc)["principal"]["isAssignableToRole"] = False


def group_members_unreadable(doc: dict[str, Any]) -> None:
    """Graph refuses the members of the break-glass group (403)."""
    read = group_members_read(doc)
    message = "Insufficient privileges to complete the operation."
    body = {"error": {"code": "Authorization_RequestDenied", "message": message}}
    read.update(status=403, ok=False, data=None, pages=0)
    read["error"] = {"status": 403, "code": "Authorization_RequestDenied", "message": message,
                     "needs": "GroupMember.Read.All", "body": body}  # fmt: skip


def all_break_glass_in_group_service_eligible(doc: dict[str, Any]) -> None:
    """Both break-glass accounts hold the role through the group (a no-false-fail variant:
    ESS-05 must stay green), and the service account is eligible only (ESS-02 fails)."""
    move_into_group(doc, BREAK_GLASS_1)
    make_eligible_only(doc, SERVICE)


SCENARIOS = [
    Scenario(
        "the service account's Global Administrator eligible only (PIM)",
        {ESS02: "failed"},
        mutate=service_account_eligible_only,
        checks=("ESS-02",),
    ),
    Scenario(
        "a break-glass account's Global Administrator eligible only (PIM)",
        {ESS05: "failed"},
        mutate=break_glass_eligible_only,
        checks=("ESS-05",),
    ),
    Scenario(
        "a break-glass account's Global Administrator through a group not role-assignable",
        {ESS05: "failed"},
        mutate=group_not_role_assignable,
        checks=("ESS-05",),
    ),
    Scenario(
        "the members of the break-glass group unreadable",
        {
            "test_access_04_graph_read_allowed[demo-globalAdminGroupMembers]": "failed",
            # breakglass2 may hold the role through it: cannot tell, never "not an admin"
            ESS05: "error",
        },
        mutate=group_members_unreadable,
        checks=("ESS-05",),
    ),
    Scenario(
        "both break-glass accounts admins through the group, the service account eligible",
        {ESS02: "failed"},
        mutate=all_break_glass_in_group_service_eligible,
        checks=("ESS-02", "ESS-05"),
    ),
]
