"""PROV scenarios: provisioning off, its capabilities, its type and the assignment groups
not as the tenant file declares."""

from __future__ import annotations

from typing import Any

from okta_m365_audit.snapshot import document as snap

from . import Scenario
from .helpers import o365_app, per_app

T = "[demo]"
CAPABILITIES = ("create", "update_profile", "deactivate", "password_push")


def _user_provisioning(doc: dict[str, Any]) -> dict[str, Any]:
    return next(f for f in per_app(doc, "appFeatures")["data"] if f["name"] == "USER_PROVISIONING")


#: Okta's answer to GET /apps/{id}/features for an instance without provisioning: the shape
#: of the recorded okta-sdk-python cassette (reference/okta-recorded/apps-features), with
#: the cause the spec documents (ErrorAppFeatureAPIValidationFailed).
NOT_ENABLED_BODY = {
    "errorCode": "E0000001",
    "errorSummary": "Api validation failed: feature",
    "errorLink": "E0000001",
    "errorId": "oaeQ3pR0visN0tEnab1ed",
    "errorCauses": [{"errorSummary": "Provisioning is not enabled for the app instance."}],
}


def provisioning_not_enabled(doc: dict[str, Any]) -> None:
    """Provisioning never enabled: /features answers 400 E0000001, the app lists none."""
    read = per_app(doc, "appFeatures")
    body = NOT_ENABLED_BODY
    causes = "; ".join(c["errorSummary"] for c in body["errorCauses"])
    per_app_reads = doc["okta"]["appFeatures"]
    per_app_reads[next(iter(per_app_reads))] = snap.make_read(
        read["request"], 400, ok=True, pages=0, requests=1, data=None,
        error={
            "status": 400, "code": body["errorCode"],
            "message": f"{body['errorSummary']} ({causes})",
            "needs": snap.resource("okta", "appFeatures").needs, "body": body,
        },
    )  # fmt: skip
    o365_app(doc)["features"] = []


def deactivate_off(doc: dict[str, Any]) -> None:
    _user_provisioning(doc)["capabilities"]["update"]["lifecycleDeactivate"]["status"] = "DISABLED"


def password_push_on(doc: dict[str, Any]) -> None:
    _user_provisioning(doc)["capabilities"]["update"]["password"]["status"] = "ENABLED"


def user_sync_declared(data: dict[str, Any]) -> None:
    """The tenant file declares another provisioning type than the app holds."""
    data["expect"]["provisioning"]["provisioning_type"] = "USER_SYNC"


def provisioning_type_undeclared(data: dict[str, Any]) -> None:
    """The tenant file declares no provisioning type (its API strings are unconfirmed)."""
    del data["expect"]["provisioning"]["provisioning_type"]


def group_unassigned(doc: dict[str, Any]) -> None:
    """The assignment group removed from the app's Assignments tab."""
    per_app(doc, "appGroups")["data"] = []


def unknown_group_declared(data: dict[str, Any]) -> None:
    """The tenant file names a group that does not exist in Okta."""
    data["expect"]["provisioning"]["assignment_groups"] = ["M365 Licensed Users", "M365 Pilot"]


SCENARIOS = [
    Scenario(
        "provisioning not enabled (features answer 400 E0000001)",
        {
            f"test_prov_01_user_provisioning_enabled{T}": "failed",
            # no USER_PROVISIONING to read: its capabilities ERROR, pointing at PROV-01
            **{f"test_prov_02_capability_as_declared[demo-{c}]": "error" for c in CAPABILITIES},
            # no activity is expected without provisioning
            f"test_cred_04_recent_provisioning_activity{T}": "skipped",
        },
        mutate=provisioning_not_enabled,
        checks=("PROV-01",),
    ),
    Scenario(
        "deactivation off",
        {"test_prov_02_capability_as_declared[demo-deactivate]": "failed"},
        mutate=deactivate_off,
        checks=("PROV-02",),
    ),
    Scenario(
        "password push on",
        {"test_prov_02_capability_as_declared[demo-password_push]": "failed"},
        mutate=password_push_on,
        checks=("PROV-02",),
    ),
    Scenario(
        "another provisioning type declared",
        {f"test_prov_03_provisioning_type_as_declared{T}": "failed"},
        patch=user_sync_declared,
        checks=("PROV-03",),
    ),
    Scenario(
        "no provisioning type declared",
        # nothing to compare with, and no default to guess: skipped, the observed value shown
        {f"test_prov_03_provisioning_type_as_declared{T}": "skipped"},
        patch=provisioning_type_undeclared,
        checks=("PROV-03",),
    ),
    Scenario(
        "the assignment group not assigned to the app",
        {f"test_prov_04_assignment_groups_assigned{T}": "failed"},
        mutate=group_unassigned,
        checks=("PROV-04",),
    ),
    Scenario(
        "an assignment group that does not exist in Okta",
        {f"test_prov_04_assignment_groups_assigned{T}": "failed"},
        patch=unknown_group_declared,
        checks=("PROV-04",),
    ),
]
