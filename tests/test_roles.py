"""Global Administrator holders (views/roles.py) and the ESS-02/ESS-05 messages, on the
golden snapshot edited directly (no emulator): how each holder holds the role, what is
never counted, and what is "cannot tell" rather than "not an administrator"."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from okta_m365_audit.config import load_tenant
from okta_m365_audit.views import DataUnavailable, TenantView

from .conftest import DEMO_YAML, SUITE, golden_doc
from .scenarios.ess import BREAK_GLASS_1, BREAK_GLASS_2, SERVICE
from .scenarios.ess_roles import (
    group_assignment,
    group_members_unreadable,
    make_eligible_only,
    move_into_group,
)
from .scenarios.helpers import graph_user

_spec = importlib.util.spec_from_file_location("ess_checks", SUITE / "test_essentials.py")
assert _spec and _spec.loader
ess = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ess)


def view(doc: dict[str, Any]) -> TenantView:
    return TenantView(load_tenant(DEMO_YAML), doc)


def holders(doc: dict[str, Any]) -> dict[str, str]:
    v = view(doc)
    return v.upns(v.global_admins.active)


def failure(check, doc: dict[str, Any]) -> str:
    with pytest.raises(AssertionError) as exc:
        check(view(doc), {})
    return str(exc.value)


def test_golden_holders_and_how():
    """When the golden is read: direct holders, the group's member, the eligible admin apart."""
    v = view(golden_doc())
    assert v.upns(v.global_admins.active) == {
        BREAK_GLASS_1: "direct",
        BREAK_GLASS_2: "via group Break-glass admins",
        SERVICE: "direct",
    }
    assert v.upns(v.global_admins.eligible_only) == {
        "okta.admin@contoso.com": "eligible (PIM), direct"
    }


def test_eligible_and_active_is_active():
    """When an active holder also has an eligibility (a PIM activation): active, not listed."""
    doc = golden_doc()
    make_eligible_only(doc, SERVICE)
    uid = graph_user(doc, SERVICE)["id"]
    activated = {"@odata.type": "#microsoft.graph.user", "id": uid}
    doc["graph"]["globalAdminAssignments"]["data"].append(
        {**group_assignment(doc), "principalId": uid, "principal": activated}
    )
    v = view(doc)
    assert SERVICE in v.upns(v.global_admins.active)
    assert SERVICE not in v.upns(v.global_admins.eligible_only)


def test_ess_02_message_says_eligible_only():
    """When the service account is eligible only: the failure says so, not "no assignment"."""
    doc = golden_doc()
    make_eligible_only(doc, SERVICE)
    message = failure(ess.test_ess_02_service_account_global_admin, doc)
    assert "eligible only (PIM), not active" in message


def test_ess_05_message_lists_eligible_only_holders():
    """When a break-glass is eligible only: it is named among those not counted."""
    doc = golden_doc()
    make_eligible_only(doc, BREAK_GLASS_1)
    message = failure(ess.test_ess_05_enough_break_glass_admins, doc)
    assert f"{BREAK_GLASS_1}: eligible (PIM), direct, not active" in message


def test_group_held_break_glass_counts():
    """When both break-glass accounts hold the role through the group: both still count."""
    doc = golden_doc()
    move_into_group(doc, BREAK_GLASS_1)
    assert holders(doc)[BREAK_GLASS_1] == "via group Break-glass admins"
    ess.test_ess_05_enough_break_glass_admins(view(doc), {})


def test_unreadable_members_are_cannot_tell():
    """When the group's members cannot be read: ERROR, never "not an administrator"."""
    doc = golden_doc()
    group_members_unreadable(doc)
    v = view(doc)
    assert BREAK_GLASS_2 not in v.upns(v.global_admins.active)
    with pytest.raises(DataUnavailable, match="members of group Break-glass admins"):
        v.global_admin_ids  # noqa: B018
    with pytest.raises(DataUnavailable):
        ess.test_ess_05_enough_break_glass_admins(v, {})
    ess.test_ess_02_service_account_global_admin(v, {})  # held directly: still known


def test_unexpanded_principals():
    """When a snapshot has no expanded principals (collected before $expand=principal): a
    user principal is still known by its id; any other principal is "cannot tell"."""
    doc = golden_doc()
    for a in doc["graph"]["globalAdminAssignments"]["data"]:
        del a["principal"]
    v = view(doc)
    assert set(v.upns(v.global_admins.active)) == {BREAK_GLASS_1, SERVICE}
    assert len(v.global_admins.unresolved) == 1
    with pytest.raises(DataUnavailable):
        ess.test_ess_05_enough_break_glass_admins(v, {})


def test_failed_eligibility_read_changes_no_holder():
    """When the eligibility read failed: active holders stand, the gap is in the evidence."""
    doc = golden_doc()
    doc["graph"]["globalAdminEligibility"].update(ok=False, status=403, data=None)
    v = view(doc)
    assert len(v.upns(v.global_admins.active)) == 3
    assert v.global_admins.eligibility_unresolved
