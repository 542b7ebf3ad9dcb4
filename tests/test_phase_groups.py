"""The phase strip's check groups (catalog/groups.py): the Okta org baseline and the M365
guards, each with the worst verdict among its checks, in results.json's summary and as
boxes beside the runbook phases in the report; ids not (yet) in the catalog are ignored."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

from okta_m365_audit.catalog import groups as groups_mod
from okta_m365_audit.catalog.checks import BY_ID
from okta_m365_audit.catalog.groups import GROUPS, CheckGroup
from okta_m365_audit.outputs import report
from okta_m365_audit.outputs.results import results_json_schema, summarize

from .test_fleet import make_doc

VALIDATOR = Draft202012Validator(results_json_schema())


def _results(verdicts: dict[str, str], default: str = "passed") -> list[dict]:
    return make_doc("t", "2026-01-01T00:00:00Z", verdicts=verdicts, default=default)["results"]


def test_groups_are_the_briefed_checks_and_their_ids_exist_or_are_pending():
    by_key = {g.key: g for g in GROUPS}
    assert by_key["orgBaseline"].label == "Okta org baseline"
    assert set(by_key["orgBaseline"].checks) == {f"ORG-0{n}" for n in range(5, 10)}
    guards = set(by_key["m365Guards"].checks)
    assert guards == {"ESS-06", "CRED-05", "FED-10", "FED-11", "FED-12", "FED-13", "PROV-05",
                      "PROV-06"}  # fmt: skip
    # ids absent from the catalog (added in parallel) are listed but never members
    for g in GROUPS:
        assert set(g.members()) == {c for c in g.checks if c in BY_ID}


@pytest.mark.parametrize(
    ("verdicts", "baseline", "guards"),
    [
        ({}, "passed", "passed"),
        ({"ORG-07": "failed"}, "failed", "passed"),
        ({"ORG-07": "failed", "ORG-05": "error"}, "error", "passed"),
        ({"ESS-06": "waived"}, "passed", "waived"),
        ({"FED-12": "failed", "ORG-06": "not_due"}, "passed", "failed"),
        ({"FED-10": "skipped", "FED-12": "skipped", "ESS-06": "skipped", "CRED-05": "skipped"},
         "passed", None),  # the remaining guards decide
    ],
)  # fmt: skip
def test_a_groups_state_is_its_worst_verdict(verdicts, baseline, guards):
    summary = summarize(_results(verdicts))
    assert summary["groups"]["orgBaseline"] == baseline
    if guards is not None:
        assert summary["groups"]["m365Guards"] == guards
    # a verdict of a check outside the groups does not move them
    assert summarize(_results({"ACCESS-01": "error"}))["groups"]["orgBaseline"] == "passed"


def test_a_group_without_results_is_none_and_the_document_stays_schema_valid():
    results = [r for r in _results({}) if r["check"] not in GROUPS[0].checks]
    summary = summarize(results)
    assert summary["groups"]["orgBaseline"] == "none"
    doc = make_doc("t", "2026-01-01T00:00:00Z", verdicts={"ORG-08": "failed"})
    assert doc["summary"]["groups"] == {"orgBaseline": "failed", "m365Guards": "passed"}
    VALIDATOR.validate(doc)
    doc["summary"]["groups"]["orgBaseline"] = "bogus"
    assert not VALIDATOR.is_valid(doc)


def test_ids_absent_from_the_catalog_are_ignored(monkeypatch):
    group = CheckGroup("pending", "Pending", ("NOPE-99", "ORG-05"))
    monkeypatch.setattr("okta_m365_audit.outputs.results.GROUPS", (group,))
    assert group.members() == ("ORG-05",)
    assert summarize(_results({"ORG-05": "failed"}))["groups"] == {"pending": "failed"}
    only_absent = CheckGroup("later", "Later", ("NOPE-98",))
    monkeypatch.setattr("okta_m365_audit.outputs.results.GROUPS", (only_absent,))
    assert summarize(_results({}))["groups"] == {"later": "none"}


def _boxes(html: str) -> dict[str, str]:
    return dict(re.findall(r"data-group='([^']+)' data-state='([^']+)'", html))


def test_the_strip_shows_a_box_per_group_after_the_phases():
    doc = make_doc("t", "2026-01-01T00:00:00Z", verdicts={"ORG-06": "failed"})
    strip = report._phase_strip(doc)
    assert _boxes(strip) == {"orgBaseline": "failed", "m365Guards": "passed"}
    assert strip.index("data-phase='5'") < strip.index("data-group='orgBaseline'")
    assert "<b>Okta org baseline</b>" in strip and "<b>M365 guards</b>" in strip


def test_results_of_earlier_versions_without_groups_show_none():
    doc = make_doc("t", "2026-01-01T00:00:00Z")
    del doc["summary"]["groups"]
    assert set(_boxes(report._phase_strip(doc)).values()) == {"none"}


def test_group_labels_and_keys_are_escaped(monkeypatch):
    hostile = CheckGroup("x'><script>", "<img src=x onerror=alert(1)>", ("ORG-05",))
    monkeypatch.setattr(report, "GROUPS", (hostile,))
    doc = make_doc("t", "2026-01-01T00:00:00Z")
    doc["summary"]["groups"] = {hostile.key: "failed"}
    strip = report._phase_strip(doc)
    assert "<img" not in strip and "<script>" not in strip
    assert "&lt;img src=x onerror=alert(1)&gt;" in strip
    assert groups_mod.BY_KEY["orgBaseline"] is GROUPS[0]


def test_the_handover_cover_names_each_groups_state():
    from okta_m365_audit.outputs.handover import _cover

    doc = make_doc("t", "2026-01-01T00:00:00Z", verdicts={"ESS-06": "failed"})
    cover = _cover(doc, None)
    assert "<th>Okta org baseline</th><td>PASSED</td>" in cover
    assert "<th>M365 guards</th><td>FAILED</td>" in cover


def test_a_passed_box_says_how_many_of_its_checks_were_not_verified():
    # FED-11 is always skipped (no application permission): phase 5 and the guards stay
    # PASSED, and both boxes say one check of theirs was not verified
    doc = make_doc("t", "2026-01-01T00:00:00Z", verdicts={"FED-11": "skipped"})
    strip = report._phase_strip(doc)
    boxes = re.findall(
        r"<div class='phase[^>]*data-(?:phase|group)='([^']*)'[^>]*>(.*?)</div>", strip
    )
    notes = {key: "1 not verified (skipped)" in body for key, body in boxes}
    assert notes["5"] and notes["m365Guards"]
    assert not notes["4"] and not notes["orgBaseline"]


def test_the_handover_cover_says_a_groups_checks_not_verified():
    from okta_m365_audit.outputs.handover import _cover

    doc = make_doc("t", "2026-01-01T00:00:00Z", verdicts={"FED-11": "skipped"})
    cover = _cover(doc, None)
    assert "<th>M365 guards</th><td>PASSED (1 not verified: skipped)</td>" in cover
    assert "<th>Okta org baseline</th><td>PASSED</td>" in cover
