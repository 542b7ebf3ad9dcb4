"""CRED-04's attribution of System Log events (views/credentials.py), on the golden snapshot.

Whether Office 365's own events name the app as a target is unconfirmed (api-facts.md,
Corrections), so an event naming no app instance counts against this app only where it is
the org's only Office 365 instance, and with several the check ERRORs; an event naming
another instance never counts. The verdict matrix cannot add a second instance without
changing the PREP checks, so the several-instances cases are proven here directly.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from okta_m365_audit.config import load_tenant
from okta_m365_audit.snapshot import document as snap
from okta_m365_audit.views import DataUnavailable, TenantView

from .conftest import DEMO_YAML, golden_doc
from .scenarios.cred_consent import OFFICE365_FAILURES, OTHER_APP
from .scenarios.helpers import AS_OF, app_id, o365_app

FAILURE = OFFICE365_FAILURES[0]


def _event(doc: dict[str, Any], uid: str, target_app: str | None) -> None:
    """An Office 365 credential failure in the org-wide read, naming ``target_app`` (or no
    app instance at all)."""
    targets = []
    if target_app is not None:
        targets = [{"id": target_app, "type": "AppInstance", "alternateId": "Microsoft Office 365",
                    "displayName": "Microsoft Office 365", "detailEntry": None}]  # fmt: skip
    published = snap.iso_z(AS_OF - dt.timedelta(hours=1))  # inside the window
    event = {"uuid": uid, "published": published, "eventType": FAILURE,
             "outcome": {"result": "FAILURE"}, "target": targets}  # fmt: skip
    doc["okta"]["office365Logs"]["data"].append(event)


def _second_instance(doc: dict[str, Any]) -> None:
    """Another Office 365 app in the org, for another M365 tenant."""
    other = copy.deepcopy(o365_app(doc))
    other.update(id=OTHER_APP, label="Office 365 (other tenant)")
    other["settings"]["app"]["msftTenant"] = "othertenant"
    doc["okta"]["office365Apps"]["data"].append(other)


def _view(doc: dict[str, Any]) -> TenantView:
    return TenantView(load_tenant(DEMO_YAML), doc)


def test_an_event_naming_no_instance_counts_when_the_app_is_the_only_one():
    doc = golden_doc()
    _event(doc, "no-target", None)
    found = _view(doc).failure_events({FAILURE})
    assert [f["instance"] for f in found] == ["unknown instance"]


def test_an_event_naming_no_instance_errors_when_the_org_has_several():
    doc = golden_doc()
    _second_instance(doc)
    _event(doc, "no-target", None)
    with pytest.raises(DataUnavailable, match="cannot tell whether they are this app's"):
        _view(doc).failure_events({FAILURE})


def test_an_event_naming_another_instance_never_counts():
    doc = golden_doc()
    _second_instance(doc)
    _event(doc, "other", OTHER_APP)
    assert _view(doc).failure_events({FAILURE}) == []


def test_this_apps_own_failure_fails_whatever_else_is_unknown():
    doc = golden_doc()
    _second_instance(doc)
    _event(doc, "no-target", None)
    _event(doc, "ours", app_id(doc))
    found = _view(doc).failure_events({FAILURE})
    assert sorted(f["instance"] for f in found) == ["this app", "unknown instance"]
