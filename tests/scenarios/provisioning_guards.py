"""Provisioning guard scenarios: licences that do not land or run out (PROV-05) and Entra
Connect still writing the users Okta provisions (PROV-06), broken one way at a time, and
realistic variations that must stay green.

Values: licenseAssignmentState ``error`` / ``state`` enums from microsoft-graph-docs-contrib
api-reference/v1.0/resources/licenseassignmentstate.md; subscribedSku counts from
resources/subscribedsku.md and licenseunitsdetail.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import Scenario
from .helpers import AS_OF, graph_user

PROV05_ERRORS = "test_prov_05_licences_assigned_without_error[demo]"
PROV05_SEATS = "test_prov_05_declared_skus_have_free_seats[demo]"
PROV06_ORG = "test_prov_06_directory_sync_stopped[demo]"
PROV06_USERS = "test_prov_06_no_user_written_by_sync[demo]"
IN_SCOPE = "noah.patel@contoso.com"
BREAK_GLASS_1 = "breakglass1@contosodemo.onmicrosoft.com"
LICENCE_GROUP = "3c9e1f4a-7b2d-5e8f-a1c3-6d4b2e0f9a18"  #: "M365 E3 (group-based)"


def _state(doc: dict[str, Any], upn: str) -> dict[str, Any]:
    return graph_user(doc, upn)["licenseAssignmentStates"][0]


def _e3(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["graph"]["subscribedSkus"]["data"][0]


def _ago(**delta: float) -> str:
    return (AS_OF - dt.timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def licence_count_violation(doc: dict[str, Any]) -> None:
    """An in-scope user's E3 could not be assigned: no seat was free when Okta pushed it."""
    _state(doc, IN_SCOPE).update(error="CountViolation", state="Error")


def licence_usage_location_missing(doc: dict[str, Any]) -> None:
    """A group-based E3 for a user without a usage location: Entra cannot assign it."""
    user = graph_user(doc, IN_SCOPE)
    user["usageLocation"] = None
    _state(doc, IN_SCOPE).update(
        assignedByGroup=LICENCE_GROUP, error="ProhibitedInUsageLocationViolation", state="Error"
    )


def licence_states_not_returned(doc: dict[str, Any]) -> None:
    """Graph did not return licenseAssignmentStates for one user."""
    del graph_user(doc, IN_SCOPE)["licenseAssignmentStates"]


def licence_by_group(doc: dict[str, Any]) -> None:
    """The user's E3 comes from a licensing group instead of Okta, and landed."""
    _state(doc, IN_SCOPE)["assignedByGroup"] = LICENCE_GROUP


def licence_error_spelled_none(doc: dict[str, Any]) -> None:
    """Every landed licence reports error "None" (as real answers are reported to)."""
    for u in doc["graph"]["users"]["data"]:
        for s in u["licenseAssignmentStates"]:
            s["error"] = "None"


def break_glass_count_violation(doc: dict[str, Any]) -> None:
    """A break-glass admin (cloud-only, out of scope) was given an E3 with no seat left:
    nothing Okta assigns or federates."""
    user = graph_user(doc, BREAK_GLASS_1)
    user["licenseAssignmentStates"] = [
        {**_state(doc, IN_SCOPE), "error": "CountViolation", "state": "Error"}
    ]


def seats_exhausted(doc: dict[str, Any]) -> None:
    """Every E3 seat is assigned: the next user Okta licenses gets a CountViolation."""
    _e3(doc)["consumedUnits"] = _e3(doc)["prepaidUnits"]["enabled"]


def subscription_suspended(doc: dict[str, Any]) -> None:
    """The E3 subscription was cancelled: its seats are suspended, none enabled."""
    e3 = _e3(doc)
    e3["capabilityStatus"] = "Suspended"
    e3["prepaidUnits"].update(enabled=0, suspended=40)


def licences_undeclared(data: dict[str, Any]) -> None:
    del data["expect"]["provisioning"]["licences"]


def directory_sync_running(doc: dict[str, Any]) -> None:
    """Entra Connect synced 20 minutes ago while Okta is declared the only writer (the
    golden declares the on-premises AD, so ORG-02 has nothing against sync)."""
    org = doc["graph"]["organization"]["data"][0]
    org.update(onPremisesSyncEnabled=True, onPremisesLastSyncDateTime=_ago(minutes=20))


def user_still_synced(doc: dict[str, Any]) -> None:
    """One in-scope user is still written by directory sync (last sync an hour ago)."""
    user = graph_user(doc, IN_SCOPE)
    user.update(onPremisesSyncEnabled=True, onPremisesLastSyncDateTime=_ago(hours=1))


def directory_sync_retired(doc: dict[str, Any]) -> None:
    """The Entra Connect server was decommissioned 40 days ago without turning sync off:
    the flag is still true, on the organization and its last-synced users."""
    org = doc["graph"]["organization"]["data"][0]
    org.update(onPremisesSyncEnabled=True, onPremisesLastSyncDateTime=_ago(days=40))
    graph_user(doc, IN_SCOPE).update(
        onPremisesSyncEnabled=True, onPremisesLastSyncDateTime=_ago(days=40)
    )


def sole_writer_undeclared(data: dict[str, Any]) -> None:
    del data["expect"]["provisioning"]["okta_sole_writer"]


def profile_sync_only(data: dict[str, Any]) -> None:
    data["expect"]["provisioning"]["okta_sole_writer"] = False


SCENARIOS = [
    Scenario(
        "an in-scope user's licence not assigned: no seat (CountViolation)",
        {PROV05_ERRORS: "failed"},
        mutate=licence_count_violation,
        checks=("PROV-05",),
    ),
    Scenario(
        "a group-based licence blocked by a missing usage location",
        {PROV05_ERRORS: "failed"},
        mutate=licence_usage_location_missing,
        checks=("PROV-05",),
    ),
    Scenario(
        "a user's licence states not returned by Graph",
        {PROV05_ERRORS: "error"},
        mutate=licence_states_not_returned,
        checks=("PROV-05",),
    ),
    Scenario(
        "the declared SKU's seats exhausted",
        {PROV05_SEATS: "failed"},
        mutate=seats_exhausted,
        checks=("PROV-05",),
    ),
    Scenario(
        "the declared SKU's subscription suspended",
        {PROV05_SEATS: "failed"},
        mutate=subscription_suspended,
        checks=("PROV-05",),
    ),
    Scenario(
        "no SKU declared: the seats are not judged",
        {PROV05_SEATS: "skipped"},
        patch=licences_undeclared,
        checks=("PROV-05",),
    ),
    Scenario(
        "a group-based licence that landed (stays green)",
        {},
        mutate=licence_by_group,
        checks=("PROV-05",),
    ),
    Scenario(
        "landed licences reporting error None (stays green)",
        {},
        mutate=licence_error_spelled_none,
        checks=("PROV-05",),
    ),
    Scenario(
        "an out-of-scope break-glass admin with a CountViolation (stays green)",
        {},
        mutate=break_glass_count_violation,
        checks=("PROV-05",),
    ),
    Scenario(
        "directory sync running while Okta is the only writer",
        {PROV06_ORG: "failed"},
        mutate=directory_sync_running,
        checks=("PROV-06",),
    ),
    Scenario(
        "an in-scope user still written by directory sync",
        {PROV06_USERS: "failed"},
        mutate=user_still_synced,
        checks=("PROV-06",),
    ),
    Scenario(
        "directory sync flag still on, last sync 40 days ago (stays green)",
        {},
        mutate=directory_sync_retired,
        checks=("PROV-06",),
    ),
    Scenario(
        "Okta's sole writing undeclared: PROV-06 not judged",
        {PROV06_ORG: "skipped", PROV06_USERS: "skipped"},
        patch=sole_writer_undeclared,
        checks=("PROV-06",),
    ),
    Scenario(
        "Okta declared profile sync only: PROV-06 not judged",
        {PROV06_ORG: "skipped", PROV06_USERS: "skipped"},
        patch=profile_sync_only,
        checks=("PROV-06",),
    ),
]
