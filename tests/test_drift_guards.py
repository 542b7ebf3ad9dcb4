"""Drift of the resources read since issue 17: Conditional Access policies, Security
Defaults, Okta admin roles, ThreatInsight, API tokens, the Admin Console's and Office 365's
sign-on rules. Two snapshots differing one way -> the row, in plain words, with the actor
from a matching change event (Okta System Log changeLogs, Entra directoryAudits); with that
log's read failed or absent -> "actor unknown: <why>", never a guessed actor."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from okta_m365_audit.outputs import drift
from okta_m365_audit.snapshot import document as snap
from tests.conftest import golden_doc
from tests.test_drift import next_run

AFTER = "2026-11-20T18:30:00.000Z"  #: after the baseline, before the next run
BEFORE = "2026-11-19T18:30:00.000Z"  #: before the baseline: never an actor of a change
ADMIN = "sec.admin@contoso.com"


def pair() -> tuple[dict[str, Any], dict[str, Any]]:
    return golden_doc(), next_run(golden_doc())


def okta_event(doc: dict[str, Any], event_type: str, targets: list[dict[str, Any]],
               uuid: str, published: str = AFTER, outcome: str = "SUCCESS",
               actor: str = ADMIN) -> dict[str, Any]:  # fmt: skip
    events = doc["okta"]["changeLogs"]["data"]
    e = copy.deepcopy(events[0])
    e.update(uuid=uuid, published=published, eventType=event_type, target=targets,
             outcome={"result": outcome, "reason": None},
             actor={"id": "00uSEC", "type": "User", "alternateId": actor,
                    "displayName": "Sec Admin", "detailEntry": None})  # fmt: skip
    events.append(e)
    return e


def entra_event(doc: dict[str, Any], activity: str, target_id: str | None, uid: str,
                published: str = AFTER, result: str = "success",
                actor: str = ADMIN) -> dict[str, Any]:  # fmt: skip
    events = doc["graph"]["directoryAudits"]["data"]
    e = copy.deepcopy(events[0])
    e.update(id=uid, activityDisplayName=activity, activityDateTime=published, result=result,
             initiatedBy={"app": None, "user": {"id": "u-sec", "displayName": "Sec Admin",
                                                "userPrincipalName": actor}},
             targetResources=[{"id": target_id, "displayName": "x", "type": "Policy"}]
             if target_id else [])  # fmt: skip
    events.insert(0, e)
    return e


def only(report: dict[str, Any], api: str, resource: str) -> dict[str, Any]:
    [change] = drift.changes_of(report, api, resource)
    return change


def failed(doc: dict[str, Any], api: str, name: str, status: int = 403) -> None:
    needs = snap.resource(api, name).needs
    doc[api][name] = snap.make_read(doc[api][name]["request"], status, ok=False, pages=0, error={
        "status": status, "code": "Authorization_RequestDenied", "message": "Insufficient "
        "privileges to complete the operation.", "needs": needs, "body": None})  # fmt: skip


def ca(doc: dict[str, Any], word: str) -> dict[str, Any]:
    return next(p for p in doc["graph"]["caPolicies"]["data"] if word in p["displayName"])


# --- Conditional Access and Security Defaults (Entra audit log) ---------------------------


def test_a_changed_ca_policy_is_said_in_words_with_its_entra_actor():
    baseline, current = pair()
    policy = ca(current, "legacy")
    policy["state"] = "disabled"
    policy["conditions"]["users"]["excludeGroups"].append("g-new-exclusion")
    policy["grantControls"]["builtInControls"] = ["mfa"]
    entra_event(current, "Update Conditional Access policy", policy["id"], "a1")
    entra_event(current, "Update Conditional Access policy", "other-policy", "a2")  # not it
    entra_event(
        current,
        "Update Conditional Access policy",
        policy["id"],
        "a3",
        result="failure",
        actor="failed@contoso.com",
    )  # changed nothing
    entra_event(
        current,
        "Update Conditional Access policy",
        policy["id"],
        "a4",
        published=BEFORE,
        actor="earlier@contoso.com",
    )  # before the baseline
    c = only(drift.compare(baseline, current), "graph", "caPolicies")
    assert c["kind"] == "changed" and c["label"] == policy["displayName"]
    words = c["summary"]
    assert words.startswith(f"Conditional Access policy {policy['displayName']}: ")
    assert "state enabled -> disabled" in words
    assert "groups excluded added g-new-exclusion" in words
    assert "grant controls added mfa; removed block" in words
    assert [w["actor"] for w in c["who"]] == [ADMIN]
    assert c["who"][0]["log"] == "entra" and c["actorUnknown"] is None


def test_added_and_removed_ca_policies_name_their_actors():
    baseline, current = pair()
    gone = ca(current, "MFA")
    current["graph"]["caPolicies"]["data"].remove(gone)
    new = copy.deepcopy(gone) | {"id": "p-new", "displayName": "CA003: Block risky sign-ins"}
    current["graph"]["caPolicies"]["data"].append(new)
    entra_event(current, "Delete Conditional Access policy", gone["id"], "d1", actor="del@x.com")
    entra_event(current, "Add Conditional Access policy", "p-new", "d2", actor="add@x.com")
    rows = {c["kind"]: c for c in drift.changes_of(drift.compare(baseline, current), "graph",
                                                   "caPolicies")}  # fmt: skip
    assert rows["removed"]["summary"] == f"Conditional Access policy {gone['displayName']} removed"
    assert rows["removed"]["who"][0]["actor"] == "del@x.com"
    assert (
        rows["added"]["summary"] == "Conditional Access policy CA003: Block risky sign-ins "
        "added (enabled)"
    )
    assert rows["added"]["who"][0]["actor"] == "add@x.com"


def test_security_defaults_turned_on_is_attributed_by_its_activity():
    baseline, current = pair()
    current["graph"]["securityDefaults"]["data"]["isEnabled"] = True
    entra_event(current, "Update security defaults", None, "s1")
    entra_event(current, "Update Conditional Access policy", None, "s2", actor="no@x.com")
    c = only(drift.compare(baseline, current), "graph", "securityDefaults")
    assert c["summary"] == "Security Defaults turned on"
    assert [w["actor"] for w in c["who"]] == [ADMIN]
    assert c["who"][0]["eventType"] == "Update security defaults"


@pytest.mark.parametrize("how", ["failed", "absent"])
def test_with_the_audit_log_unread_the_actor_is_unknown_never_guessed(how):
    baseline, current = pair()
    policy = ca(current, "legacy")
    policy["state"] = "disabled"
    entra_event(baseline, "Update Conditional Access policy", policy["id"], "b1")  # not used
    if how == "failed":
        failed(current, "graph", "directoryAudits")
    else:
        del current["graph"]["directoryAudits"]  # a snapshot of an earlier version
    r = drift.compare(baseline, current)
    c = only(r, "graph", "caPolicies")
    assert c["who"] == []
    assert c["actorUnknown"].startswith("actor unknown: the Entra audit log (Policy category): ")
    assert ("403" in c["actorUnknown"]) if how == "failed" else ("not read" in c["actorUnknown"])
    assert r["changeLogs"]["entra"]["unreadable"]
    assert c["actorUnknown"] in drift.render_text(r)
    assert "actor unknown: the Entra audit log" in drift.render_html(r)


def test_no_matching_event_says_not_in_the_audit_log_window():
    baseline, current = pair()
    ca(current, "legacy")["state"] = "disabled"
    r = drift.compare(baseline, current)
    c = only(r, "graph", "caPolicies")
    assert c["who"] == [] and c["actorUnknown"] is None
    assert "not in the Entra audit log window" in drift.render_html(r)


# --- Okta: admin roles, ThreatInsight, API tokens, sign-on rules (System Log) -------------


def _user(doc: dict[str, Any], uid: str) -> dict[str, Any]:
    return next(u for u in doc["okta"]["users"]["data"] if u["id"] == uid)


def _user_target(u: dict[str, Any]) -> dict[str, Any]:
    return {"id": u["id"], "type": "User", "alternateId": u["profile"]["login"],
            "displayName": u["profile"]["login"], "detailEntry": None}  # fmt: skip


def test_a_role_granted_to_a_new_admin_is_two_rows_with_the_grant_actor():
    baseline, current = pair()
    admins = current["okta"]["oktaAdmins"]["data"]["value"]
    listed = {a["id"] for a in admins}
    user = next(u for u in current["okta"]["users"]["data"] if u["id"] not in listed)
    admins.append({"id": user["id"], "orn": "orn:x", "_links": {}})
    role = copy.deepcopy(next(iter(current["okta"]["oktaAdminRoles"].values()))["data"][0])
    role.update(id="ra1NEW", type="SUPER_ADMIN", label="Super Administrator")
    template = next(iter(current["okta"]["oktaAdminRoles"].values()))
    current["okta"]["oktaAdminRoles"][user["id"]] = {
        **template,
        "request": f"GET /api/v1/users/{user['id']}/roles",
        "data": [role],
    }
    okta_event(current, "user.account.privilege.grant", [_user_target(user)], "g1")
    okta_event(
        current,
        "user.account.privilege.grant",
        [_user_target(_user(current, next(iter(listed))))],
        "g2",
        actor="other@x.com",
    )  # another user's grant
    okta_event(
        current,
        "application.user_membership.add",
        [_user_target(user)],
        "g3",
        actor="wrongtype@x.com",
    )  # the same user, not a role event
    r = drift.compare(baseline, current)
    assert not [u for u in r["unreadable"] if "oktaAdminRoles" in u]
    admin = only(r, "okta", "oktaAdmins")
    login = user["profile"]["login"]
    assert admin["kind"] == "added" and admin["summary"] == f"Okta admin {login} added"
    assert [w["actor"] for w in admin["who"]] == [ADMIN]
    role_row = only(r, "okta", "oktaAdminRoles")
    assert role_row["label"] == f"Super Administrator of {login}"
    assert role_row["summary"].startswith(f"admin role Super Administrator of {login} added")
    assert [w["actor"] for w in role_row["who"]] == [ADMIN]


def test_a_changed_role_type_and_a_revoke():
    baseline, current = pair()
    uid, read = next(iter(current["okta"]["oktaAdminRoles"].items()))
    read["data"][0].update(type="READ_ONLY_ADMIN", label="Read-only Administrator")
    okta_event(current, "user.account.privilege.revoke", [_user_target(_user(current, uid))], "r1")
    c = only(drift.compare(baseline, current), "okta", "oktaAdminRoles")
    assert "role type SUPER_ADMIN -> READ_ONLY_ADMIN" in c["summary"]
    assert c["who"][0]["eventType"] == "user.account.privilege.revoke"


def test_threatinsight_action_and_zones_with_the_actor_by_event_type():
    baseline, current = pair()
    current["okta"]["threatInsight"]["data"].update(action="audit", excludeZones=["nzoOFFICE"])
    okta_event(current, "security.threat.configuration.update", [], "t1")
    c = only(drift.compare(baseline, current), "okta", "threatInsight")
    assert c["summary"] == ("ThreatInsight: action block -> audit; excluded zones added "
                            "nzoOFFICE")  # fmt: skip
    assert [w["actor"] for w in c["who"]] == [ADMIN]


def test_api_tokens_added_and_removed():
    baseline, current = pair()
    tokens = current["okta"]["apiTokens"]["data"]
    old = tokens.pop()
    tokens.append(copy.deepcopy(old) | {"id": "00TNEW", "name": "Backup script"})
    okta_event(current, "system.api_token.create", [{"id": "00TNEW", "type": "Token"}], "k1")
    okta_event(
        current,
        "system.api_token.revoke",
        [{"id": old["id"], "type": "Token"}],
        "k2",
        actor="rev@x.com",
    )
    rows = {c["kind"]: c for c in drift.changes_of(drift.compare(baseline, current), "okta",
                                                   "apiTokens")}  # fmt: skip
    assert rows["added"]["summary"].startswith("API token Backup script added")
    assert rows["added"]["who"][0]["actor"] == ADMIN
    assert rows["removed"]["who"][0]["actor"] == "rev@x.com"


@pytest.mark.parametrize("name", ["office365PolicyRules", "adminConsolePolicyRules"])
def test_sign_on_rule_access_factor_mode_status_and_priority(name):
    baseline, current = pair()
    read = next(iter(current["okta"][name].values()))
    rule = next(r for r in read["data"] if not r.get("system"))
    sign_on = rule["actions"]["appSignOn"]
    sign_on["access"] = "ALLOW" if sign_on["access"] == "DENY" else "DENY"
    if "verificationMethod" in sign_on:
        sign_on["verificationMethod"]["factorMode"] = "1FA"
    rule.update(status="INACTIVE", priority=rule["priority"] + 5)
    okta_event(current, "policy.rule.update", [{"id": rule["id"], "type": "PolicyRule"}], "p1")
    okta_event(
        current,
        "policy.rule.update",
        [{"id": "0prOTHER", "type": "PolicyRule"}],
        "p2",
        actor="other@x.com",
    )
    c = only(drift.compare(baseline, current), "okta", name)
    assert "access " in c["summary"] and "status ACTIVE -> INACTIVE" in c["summary"]
    assert f"priority {rule['priority'] - 5} -> {rule['priority']}" in c["summary"]
    if "verificationMethod" in sign_on:
        assert "factor mode 2FA -> 1FA" in c["summary"]
    assert [w["actor"] for w in c["who"]] == [ADMIN]


def test_with_the_change_events_unread_okta_actors_are_unknown():
    baseline, current = pair()
    current["okta"]["threatInsight"]["data"]["action"] = "none"
    okta_event(baseline, "security.threat.configuration.update", [], "x1")
    failed(current, "okta", "changeLogs", 503)
    r = drift.compare(baseline, current)
    c = only(r, "okta", "threatInsight")
    assert c["who"] == []
    assert c["actorUnknown"].startswith("actor unknown: the Okta System Log's change events: "
                                        "its read failed (503")  # fmt: skip


def test_the_golden_weeks_events_never_name_an_actor_of_a_later_change():
    """The golden events are before the baseline: a change after it has no actor."""
    baseline, current = pair()
    current["okta"]["threatInsight"]["data"]["action"] = "audit"
    ca(current, "legacy")["state"] = "disabled"
    r = drift.compare(baseline, current)
    assert [c["who"] for c in r["changes"]] == [[], []]
    assert r["changeLogs"] == {"okta": {"newEvents": 0, "unreadable": None},
                               "entra": {"newEvents": 0, "unreadable": None}}  # fmt: skip


# --- hostile values ---------------------------------------------------------------------------


def test_hostile_names_values_and_actors_are_escaped():
    baseline, current = pair()
    hostile = "<script>alert(1)</script>\x1b[31m\u202e"
    policy = ca(current, "legacy")
    policy["displayName"] = hostile
    policy["state"] = "<img src=x onerror=alert(2)>"
    entra_event(
        current,
        "Update Conditional Access policy",
        policy["id"],
        "h1",
        actor="<b onmouseover=alert(3)>x</b>",
    )
    current["okta"]["threatInsight"]["data"]["action"] = "<svg onload=alert(4)>"
    okta_event(
        current,
        "security.threat.configuration.update",
        [],
        "h2",
        actor="<iframe src=javascript:alert(5)>",
    )
    r = drift.compare(baseline, current)
    html = drift.render_html(r)
    for raw in ("<script>", "<img", "<b onmouseover", "<svg", "<iframe"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b onmouseover=alert(3)&gt;x&lt;/b&gt;" in html
    text = drift.render_text(r)
    assert "\x1b" not in text and "\u202e" not in text
