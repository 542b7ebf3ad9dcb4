"""Drift: a baseline snapshot and a later one with known differences, built from the golden
tenant; every change found with its kind, fields, old and new values and who made it."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import pytest

from okta_m365_audit.collect.collector import collect
from okta_m365_audit.config import load_tenant
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.outputs import drift
from okta_m365_audit.snapshot import document as snap
from tests.conftest import DEMO_YAML, golden_doc
from tests.scenarios.fed import domain_left_managed
from tests.scenarios.helpers import (
    app_id,
    federation,
    graph_domain,
    new_certificate,
    okta_user,
    per_app,
)

BASELINE_AT = "2026-11-20T06:00:00.000Z"  #: the golden snapshot's collectedAt
NOW = "2026-11-21T06:00:00.000Z"
ADMIN = "ops.admin@contoso.com"
NEW_USER_ID = "00uNEWhire000000x7"
NEW_LOGIN = "new.hire@contoso.com"
GONE_UPN = "isla.murphy@contoso.com"


# --- building the pair ---------------------------------------------------------------------


def next_run(doc: dict[str, Any]) -> dict[str, Any]:
    """The same tenant collected a day later: new runId and collectedAt, different request
    counts and System Log window. None of this is a change."""
    doc["meta"].update(runId="5e0f3c1a-0000-4000-8000-000000000001", collectedAt=NOW,
                       source="live")  # fmt: skip
    for api in snap.APIS:
        for name, entry in doc[api].items():
            reads = entry.values() if snap.resource(api, name).per_parent else [entry]
            for read in reads:
                read["requests"] = read.get("requests", 1) + 2
                read["request"] = read["request"].replace("2026-11-13T06", "2026-11-14T06")
                read["request"] = read["request"].replace("2026-11-20T06", "2026-11-21T06")
    return doc


def log_event(doc: dict[str, Any], event_type: str, published: str, actor: str,
              targets: list[dict[str, Any]], uuid: str,
              outcome: str = "SUCCESS") -> dict[str, Any]:  # fmt: skip
    events = per_app(doc, "logs")["data"]
    event = copy.deepcopy(events[-1])
    system = actor == "system@okta.com"
    event.update(
        uuid=uuid,
        published=published,
        eventType=event_type,
        displayMessage=event_type,
        outcome={"result": outcome, "reason": None},
        actor={"id": actor if system else f"00u-{actor}",
               "type": "SystemPrincipal" if system else "User",
               "alternateId": actor, "displayName": actor.split("@")[0], "detailEntry": None},
        target=targets,
    )  # fmt: skip
    events.append(event)
    return event


def app_target(doc: dict[str, Any]) -> dict[str, Any]:
    return {"id": app_id(doc), "type": "AppInstance", "alternateId": "Microsoft Office 365",
            "displayName": "Microsoft Office 365", "detailEntry": None}  # fmt: skip


def the_changes(doc: dict[str, Any]) -> None:
    """Five real changes, with System Log events for some, and noise that is not a change."""
    app = app_target(doc)
    # 1. the provisioning connection disabled by an admin (plus events that must not count)
    per_app(doc, "appConnection")["data"]["status"] = "DISABLED"
    log_event(doc, "application.lifecycle.update", "2026-11-20T09:30:00.000Z", ADMIN, [app],
              "drift-1")  # fmt: skip
    log_event(doc, "system.import.complete", "2026-11-21T04:00:00.000Z", "system@okta.com",
              [app], "drift-2")  # fmt: skip
    log_event(doc, "application.lifecycle.update", "2026-11-19T12:00:00.000Z",
              "old.admin@contoso.com", [app], "drift-3")  # fmt: skip
    log_event(doc, "application.lifecycle.update", "2026-11-20T12:00:00.000Z",
              "intruder@contoso.com", [app], "drift-6", outcome="DENY")  # fmt: skip
    # 2. an Okta user added, assigned to the app by the admin
    user = copy.deepcopy(okta_user(doc, "isla.murphy@contoso.com"))
    user["id"] = NEW_USER_ID
    user["profile"].update(login=NEW_LOGIN, email=NEW_LOGIN, firstName="New", lastName="Hire")
    doc["okta"]["users"]["data"].append(user)
    log_event(doc, "application.user_membership.add", "2026-11-20T10:00:00.000Z", ADMIN,
              [app, {"id": NEW_USER_ID, "type": "User", "alternateId": NEW_LOGIN,
                     "displayName": "New Hire", "detailEntry": None}], "drift-4")  # fmt: skip
    # 3. a Graph user removed; Okta's deprovisioning names it by UPN (alternateId) only
    users = doc["graph"]["users"]["data"]
    users[:] = [u for u in users if u["userPrincipalName"] != GONE_UPN]
    log_event(doc, "application.provision.user.deactivate", "2026-11-20T11:00:00.000Z",
              "system@okta.com", [app, {"id": "0uaGONE00000000x7", "type": "AppUser",
                                        "alternateId": GONE_UPN, "displayName": "Isla Murphy",
                                        "detailEntry": None}], "drift-5")  # fmt: skip
    # 4. Entra trusts another certificate for contoso.com (no System Log event: not Okta's)
    federation(doc, "contoso.com")["signingCertificate"] = new_certificate()
    # 5. fabrikam.com switched to Managed in Entra
    graph_domain(doc, "fabrikam.com")["authenticationType"] = "Managed"
    # noise: volatile fields, and order
    okta_user(doc, "isla.murphy@contoso.com")["lastLogin"] = "2026-11-21T05:00:00.000Z"
    for a in per_app(doc, "appUsers")["data"]:
        a["lastSync"] = a["lastUpdated"] = "2026-11-21T03:00:00.000Z"
    per_app(doc, "appUsers")["data"].reverse()
    for agent in doc["okta"]["agentPools"]["data"][0]["agents"]:
        agent["lastConnection"] += 86_400_000
    links = per_app(doc, "appConnection")["data"]["_links"]
    links["authorize"]["href"] = links["authorize"]["href"].replace("state=223a", "state=99ff")
    doc["okta"]["org"]["data"]["lastUpdated"] = "2026-11-20T20:00:00.000Z"
    federation(doc, "contoso.com")["signingCertificateUpdateStatus"]["lastRunDateTime"] = NOW
    doc["okta"]["office365Apps"]["data"][0]["settings"]["app"]["domains"].reverse()


@pytest.fixture(scope="module")
def pair() -> tuple[dict[str, Any], dict[str, Any]]:
    current = next_run(golden_doc())
    the_changes(current)
    return golden_doc(), current


@pytest.fixture(scope="module")
def report(pair) -> dict[str, Any]:
    return drift.compare(*pair)


def one(report: dict[str, Any], api: str, resource: str, **match: Any) -> dict[str, Any]:
    found = [
        c
        for c in drift.changes_of(report, api, resource)
        if all(c.get(k) == v for k, v in match.items())
    ]
    assert len(found) == 1, (api, resource, match, drift.changes_of(report, api, resource))
    return found[0]


# --- the changes ---------------------------------------------------------------------------


def test_exactly_the_five_changes_are_found(report):
    """When five things changed and many volatile fields moved: five changes, no more."""
    assert report["summary"] == {"added": 1, "removed": 1, "changed": 3, "unreadable": 0}, [
        (c["api"], c["resource"], c["object"], c["fields"]) for c in report["changes"]
    ]
    assert report["unreadable"] == []
    assert report["baseline"]["collectedAt"] == BASELINE_AT
    assert report["current"]["collectedAt"] == NOW
    assert report["baseline"]["runId"] != report["current"]["runId"]


def test_connection_disabled_is_attributed_to_the_admin(report, pair):
    """When the connection is DISABLED and the System Log has the admin's update: found, with
    the admin; Okta's own import, an update before the baseline and a denied attempt are
    not blamed."""
    app = app_id(pair[1])
    c = one(report, "okta", "appConnection", parent=app)
    assert c["kind"] == "changed"
    assert c["object"] == app
    assert c["label"] == "provisioning connection of Microsoft Office 365"
    assert c["fields"] == [{"path": "status", "old": "ENABLED", "new": "DISABLED"}]
    assert [(w["actor"], w["eventType"], w["published"]) for w in c["who"]] == [
        (ADMIN, "application.lifecycle.update", "2026-11-20T09:30:00.000Z")
    ]


def test_okta_user_added_with_who(report):
    c = one(report, "okta", "users", object=NEW_USER_ID)
    assert (c["kind"], c["label"], c["parent"], c["fields"]) == ("added", NEW_LOGIN, None, [])
    assert c["value"]["profile"]["login"] == NEW_LOGIN
    assert [(w["actor"], w["eventType"]) for w in c["who"]] == [
        (ADMIN, "application.user_membership.add")
    ]


def test_graph_user_removed_attributed_by_upn(report, pair):
    """When a Graph user is gone: removed, and Okta's deprovisioning event (which names the
    user by UPN only) is who."""
    gone = next(u for u in pair[0]["graph"]["users"]["data"] if u["userPrincipalName"] == GONE_UPN)
    c = one(report, "graph", "users", object=gone["id"])
    assert (c["kind"], c["label"]) == ("removed", GONE_UPN)
    assert c["value"]["userPrincipalName"] == GONE_UPN
    assert "deleted" in c["note"]
    assert [(w["actor"], w["eventType"]) for w in c["who"]] == [
        ("system@okta.com", "application.provision.user.deactivate")
    ]


def test_federation_certificate_changed_not_in_the_log(report, pair):
    old = federation(pair[0], "contoso.com")
    new = federation(pair[1], "contoso.com")
    c = one(report, "graph", "federationConfiguration", parent="contoso.com")
    assert (c["kind"], c["object"], c["label"]) == (
        "changed",
        old["id"],
        "federation of contoso.com",
    )
    assert c["fields"] == [
        {"path": "signingCertificate", "old": old["signingCertificate"],
         "new": new["signingCertificate"]}
    ]  # fmt: skip
    assert c["who"] == []


def test_domain_switched_to_managed(report):
    c = one(report, "graph", "domains", object="fabrikam.com")
    assert (c["kind"], c["label"]) == ("changed", "fabrikam.com")
    assert c["fields"] == [{"path": "authenticationType", "old": "Federated", "new": "Managed"}]


def test_volatile_fields_order_and_collection_metadata_are_not_changes(report):
    """lastLogin, lastSync, lastUpdated, an agent's heartbeat, a link's nonce, the certificate
    job's last run, item and list order, runId, collectedAt and request counts: no change."""
    touched = {(c["api"], c["resource"]) for c in report["changes"]}
    for quiet in (("okta", "appUsers"), ("okta", "agentPools"), ("okta", "org"),
                  ("okta", "office365Apps")):  # fmt: skip
        assert quiet not in touched
    paths = [f["path"] for c in report["changes"] for f in c["fields"]]
    assert not any("_links" in p or "last" in p.lower() for p in paths), paths


def test_new_system_log_events_are_counted(report):
    """Events after the baseline: five of the six added (one is from before the baseline)."""
    log = report["systemLog"]
    assert log["newEvents"] == 5
    assert log["since"] == BASELINE_AT
    assert log["window"] == {"since": "2026-11-14T06:00:00.000Z", "until": NOW}
    assert log["coversBaseline"] is True


def test_the_report_is_json(report, pair):
    before = json.dumps(pair, sort_keys=True)
    again = drift.compare(*pair)
    assert json.dumps(pair, sort_keys=True) == before, "compare must not modify its inputs"
    assert json.loads(json.dumps(again, allow_nan=False)) == again == report


# --- nothing changed -----------------------------------------------------------------------


def test_identical_snapshots_have_no_changes():
    r = drift.compare(golden_doc(), golden_doc())
    assert r["changes"] == [] and r["unreadable"] == [] and r["notes"] == []
    assert r["summary"] == {"added": 0, "removed": 0, "changed": 0, "unreadable": 0}
    assert r["systemLog"]["newEvents"] == 0


def test_a_later_run_of_the_same_state_has_no_changes():
    r = drift.compare(golden_doc(), next_run(golden_doc()))
    assert r["changes"] == [] and r["unreadable"] == []


def test_a_fresh_collection_of_the_same_state_has_no_changes():
    """Collected again through the emulator (other links, runId, request counts): no drift."""
    cfg = load_tenant(DEMO_YAML)
    with Emulator(golden_doc(), registrations_for(cfg)) as emu:
        fresh = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
    r = drift.compare(golden_doc(), fresh)
    assert r["changes"] == [], [(c["resource"], c["object"], c["fields"]) for c in r["changes"]]
    assert r["unreadable"] == []


# --- reads that failed, parents that come and go --------------------------------------------


def failed_read(request: str, status: int = 403) -> dict[str, Any]:
    return snap.make_read(request, status, ok=False, pages=0, error={
        "status": status, "code": "E0000006", "message": "You do not have permission",
        "needs": "okta.users.read", "body": None})  # fmt: skip


def test_a_failed_read_on_either_side_is_unreadable_never_no_change():
    baseline, current = golden_doc(), golden_doc()
    current["okta"]["users"] = failed_read("GET /api/v1/users?limit=200")
    app = app_id(baseline)
    baseline["okta"]["appUsers"][app] = failed_read(f"GET /api/v1/apps/{app}/users", 500)
    per_app(current, "appUsers")["data"].pop()  # would be a change, were it comparable
    r = drift.compare(baseline, current)
    assert r["changes"] == []
    assert r["summary"]["unreadable"] == 2
    assert r["unreadable"] == [
        f"okta.appUsers[{app}] (Microsoft Office 365): not comparable, the baseline read failed "
        "(500 E0000006: You do not have permission)",  # a 500 needs no other grant
        "okta.users: not comparable, the current read failed "
        "(403 E0000006: You do not have permission; needs okta.users.read)",
    ]
    assert "not comparable" in drift.render_text(r)


def test_a_per_parent_read_missing_on_one_side_is_unreadable_not_removed():
    """fabrikam.com is still a domain, but its federation was not collected this time."""
    current = golden_doc()
    del current["graph"]["federationConfiguration"]["fabrikam.com"]
    r = drift.compare(golden_doc(), current)
    assert r["changes"] == []
    assert r["unreadable"] == [
        "graph.federationConfiguration[fabrikam.com]: not comparable, not collected in the "
        "current snapshot"
    ]


def test_a_resource_missing_on_one_side_is_unreadable():
    current = golden_doc()
    del current["graph"]["globalAdminAssignments"]
    r = drift.compare(golden_doc(), current)
    assert r["unreadable"] == [
        "graph.globalAdminAssignments: not comparable, not collected in the current snapshot"
    ]


def test_a_domain_removed_takes_its_federation_with_it():
    current = golden_doc()
    domains = current["graph"]["domains"]["data"]
    domains[:] = [d for d in domains if d["id"] != "fabrikam.com"]
    del current["graph"]["federationConfiguration"]["fabrikam.com"]
    r = drift.compare(golden_doc(), current)
    assert r["unreadable"] == []
    assert [(c["resource"], c["kind"], c["label"]) for c in r["changes"]] == [
        ("domains", "removed", "fabrikam.com"),
        ("federationConfiguration", "removed", "federation of fabrikam.com"),
    ]


def test_federation_gone_404_is_removed_not_unreadable():
    """The scenario "a domain left Managed": Graph answers 404 (a definitive no) for its
    federation, so the configuration is removed."""
    current = golden_doc()
    domain_left_managed(current)
    r = drift.compare(golden_doc(), current)
    assert r["unreadable"] == []
    got = {(c["resource"], c["kind"]) for c in r["changes"]}
    assert got == {("domains", "changed"), ("federationConfiguration", "removed")}


def test_lists_inside_objects_are_matched_by_id():
    current = golden_doc()
    agent = current["okta"]["agentPools"]["data"][0]["agents"][1]
    agent["operationalStatus"] = "DISRUPTED"
    r = drift.compare(golden_doc(), current)
    c = one(r, "okta", "agentPools", object="0oanRRkTtSclQbUnZ0x7")
    assert c["fields"] == [
        {"path": f"agents[{agent['id']}].operationalStatus", "old": "OPERATIONAL",
         "new": "DISRUPTED"}
    ]  # fmt: skip


def test_app_label_change_on_the_app_itself():
    """The app's own fields: an app-level System Log event by an admin counts."""
    current = next_run(golden_doc())
    current["okta"]["office365Apps"]["data"][0]["label"] = "Office 365 (prod)"
    log_event(current, "application.lifecycle.update", "2026-11-20T08:00:00.000Z", ADMIN,
              [app_target(current)], "drift-label")  # fmt: skip
    r = drift.compare(golden_doc(), current)
    c = one(r, "okta", "office365Apps")
    assert c["fields"] == [{"path": "label", "old": "Microsoft Office 365",
                            "new": "Office 365 (prod)"}]  # fmt: skip
    assert [w["actor"] for w in c["who"]] == [ADMIN]


# --- the System Log window and the tenant ---------------------------------------------------


def test_a_baseline_older_than_the_log_window_is_said():
    baseline = golden_doc()
    baseline["meta"]["collectedAt"] = "2026-10-01T06:00:00.000Z"
    r = drift.compare(baseline, golden_doc())
    assert r["systemLog"]["coversBaseline"] is False
    assert any("cannot be attributed" in n for n in r["notes"])


def test_a_failed_system_log_read_is_said():
    current = golden_doc()
    app = app_id(current)
    current["okta"]["logs"][app] = failed_read(f"GET /api/v1/logs?filter={app}")
    r = drift.compare(golden_doc(), current)
    assert r["changes"] == []
    assert (
        r["systemLog"]["unreadable"] and "cannot be attributed" in r["systemLog"]["unreadable"][0]
    )


def test_another_tenant_is_refused():
    other = golden_doc()
    other["meta"]["okta"]["orgUrl"] = "https://fabrikam.okta.com"
    with pytest.raises(drift.DriftError, match="another Okta org"):
        drift.compare(golden_doc(), other)


def test_every_ignored_field_has_a_reason():
    assert drift.IGNORED_FIELDS
    for f in drift.IGNORED_FIELDS:
        assert len(f.reason) > 20, f
        assert f.api == "*" or f.api in snap.APIS
        assert f.resource == "*" or (f.api, f.resource) in snap.BY_NAME


# --- rendering -----------------------------------------------------------------------------


def test_render_html_escapes_and_shortens(report):
    current = golden_doc()
    current["okta"]["office365Apps"]["data"][0]["label"] = "<script>alert(1)</script>"
    current["okta"]["users"]["data"][0]["profile"]["login"] = "<img src=x onerror=alert(2)>"
    federation(current, "contoso.com")["signingCertificate"] = new_certificate()
    r = drift.compare(golden_doc(), current)
    page = drift.render_html(r)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    full = federation(current, "contoso.com")["signingCertificate"]
    assert full not in page  # shortened for display ...
    assert full[:20] in page and "chars, sha256" in page
    assert json.dumps(r).count(full) == 1  # ... and whole in the JSON
    assert page.startswith("<style>") and page.endswith("</section>")


def test_render_html_of_the_pair(report):
    page = drift.render_html(report)
    assert "3 changed, 1 added, 1 removed" in page
    assert page.count("<tr class='d-") == 5
    assert "ops.admin@contoso.com" in page
    assert "not in the System Log window" in page  # the certificate and the domain


def test_render_html_with_no_changes():
    page = drift.render_html(drift.compare(golden_doc(), golden_doc()))
    assert "No change in the resources the checks read." in page


def test_render_text(report):
    text = drift.render_text(report)
    lines = text.splitlines()
    assert lines[0].startswith("drift: Since the baseline of 2026-11-20T06:00:00.000Z")
    assert "3 changed, 1 added, 1 removed" in lines[0]
    assert any("status ENABLED -> DISABLED [ops.admin@contoso.com]" in line for line in lines)
    assert any("[not in the System Log window]" in line for line in lines)
    assert len(lines) == 6
