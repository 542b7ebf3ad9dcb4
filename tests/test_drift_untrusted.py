"""Drift against a baseline nobody vouches for (issue 10, item 7): whatever the baseline
holds, ``compare`` returns a report or raises DriftError with a one-line reason ("not
compared: <why>"), never another exception; what it shows cannot forge terminal lines."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_m365_audit.core.terminal import printable
from okta_m365_audit.outputs import drift
from okta_m365_audit.outputs.drift.rules import NOT_COMPARED
from okta_m365_audit.snapshot import document as snap
from tests.conftest import SUITE, golden_doc, write_tenant
from tests.scenarios.helpers import app_id, okta_user, per_app

_GOLDEN = golden_doc()

#: any text an API or a file can hold: controls, bidi overrides, lone surrogates
_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=12)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=6,
)


def _check_outcome(baseline: dict[str, Any], current: dict[str, Any]) -> dict[str, Any] | None:
    """compare, then everything the run does with the outcome; the report, or None."""
    try:
        report = drift.compare(baseline, current)
    except drift.DriftError as exc:
        reason = str(exc)
        assert reason and reason == printable(reason) and len(reason) <= 300
        # the defensive net in compare is for what nobody foresaw: every reader is type-safe
        assert not reason.startswith("the baseline could not be compared"), reason
        return None
    json.dumps(report, default=str)  # drift.json
    text = drift.render_text(report)
    for line in text.split("\n"):
        assert line == printable(line)
    drift.render_html(report).encode("utf-8")
    return report


def _reads(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The Read records still in place (an earlier edit may have replaced a section)."""
    found = []
    for res in snap.RESOURCES:
        section = doc.get(res.api)
        entry = section.get(res.name) if isinstance(section, dict) else None
        if isinstance(entry, dict):
            found += list(entry.values()) if res.per_parent else [entry]
    return [r for r in found if isinstance(r, dict)] or [{"data": None}]


@st.composite
def mutated_baseline(draw: st.DrawFn) -> dict[str, Any]:
    """The golden snapshot with 1-4 random edits. Each starts at a section (meta, okta,
    graph, realm) or, mostly, at one read's ``data`` (where the comparison spends its
    time), walks a random path down (an object, a field, a list item, at any depth), and
    replaces the value there with any JSON value or deletes it. (``format`` and
    ``schemaVersion`` are left alone: a wrong one is refused at once.)"""
    doc = copy.deepcopy(_GOLDEN)
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 3)) == 0:
            parent: Any = doc
            key: Any = draw(st.sampled_from([k for k in ("meta", *snap.APIS) if k in doc]))
        else:
            parent, key = draw(st.sampled_from(_reads(doc))), "data"
        node: Any = parent.get(key)
        for _depth in range(draw(st.integers(0, 6))):
            if isinstance(node, dict) and node:
                k = draw(st.sampled_from(sorted(node)))
            elif isinstance(node, list) and node:
                k = draw(st.integers(0, len(node) - 1))
            else:
                break
            parent, key, node = node, k, node[k]
        if draw(st.booleans()) and isinstance(parent, dict) and key in parent:
            del parent[key]
        else:
            parent[key] = draw(_json)
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_baseline())
def test_any_mutated_baseline_is_a_report_or_a_drift_error(baseline):
    _check_outcome(baseline, golden_doc())


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_baseline())
def test_any_mutated_current_snapshot_is_a_report_or_a_drift_error(current):
    """--from-snapshot makes the current side a file too."""
    _check_outcome(golden_doc(), current)


def test_what_no_reader_foresaw_is_still_a_drift_error(monkeypatch):
    def broken(*args: Any) -> None:
        raise KeyError("surprise\nline")

    monkeypatch.setattr(drift.comparison, "log_window", broken)
    with pytest.raises(drift.DriftError) as caught:
        drift.compare(golden_doc(), golden_doc())
    assert str(caught.value) == "the baseline could not be compared (KeyError: 'surprise\\nline')"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from([r for r in snap.RESOURCES]), _json)
def test_any_data_in_any_baseline_read_is_compared_or_said(res, value):
    """Whatever a baseline read's data is, the read is compared or listed as not comparable:
    a wrong type is never "every object removed"."""
    baseline = golden_doc()
    entry = baseline[res.api][res.name]
    read = next(iter(entry.values())) if res.per_parent else entry
    read["data"] = value
    report = _check_outcome(baseline, golden_doc())
    assert report is not None
    # the log reads are events, not compared (drift.rules.NOT_COMPARED): logs, changeLogs and
    # directoryAudits are read by the attribution, office365Logs (CRED-04) not at all
    if snap.data_problem(res, read) is not None and (res.api, res.name) not in NOT_COMPARED:
        assert any("data has the wrong type" in u for u in report["unreadable"])
        assert not [c for c in report["changes"] if c["resource"] == res.name]


@pytest.mark.parametrize(
    ("patch", "says"),
    [
        (lambda d: d.pop("okta"), "baseline: okta: missing section"),
        (lambda d: d.update(meta=[]), "baseline: meta: expected an object, got a list"),
        (lambda d: d["meta"].update(tenant="../x"), "'../x' is not a valid tenant name"),
        (lambda d: d["okta"]["org"].update(ok="yes"), "okta.org.ok: expected a boolean"),
        (lambda d: d["okta"].update(logs=[]), "okta.logs: expected an object, got a list"),
        (lambda d: d["meta"]["okta"].update(orgUrl="https://evil\n.example"),
         "another Okta org (https://evil\\n.example)"),
    ],
    ids=["no-okta", "meta-list", "tenant-path", "ok-text", "logs-list", "org-newline"],
)  # fmt: skip
def test_a_malformed_baseline_says_why_in_one_line(patch, says):
    baseline = golden_doc()
    patch(baseline)
    with pytest.raises(drift.DriftError) as caught:
        drift.compare(baseline, golden_doc())
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_odd_system_log_events_are_skipped_not_fatal():
    """Events whose fields have other types (actor a list, target a string, outcome a
    number, published without a zone): attribution skips them; the rest is compared."""
    baseline, current = golden_doc(), golden_doc()
    events = per_app(current, "logs")["data"]
    template = events[-1]
    odd = [
        {**template, "uuid": "odd-1", "actor": ["x"], "published": "2026-11-20T07:00:00Z"},
        {**template, "uuid": "odd-2", "target": "0oa", "published": "2026-11-20T07:00:00Z"},
        {**template, "uuid": "odd-3", "outcome": 5, "published": "2026-11-20T07:00:00Z"},
        {**template, "uuid": {"a": 1}, "published": "2026-11-20T07:00:00"},
        {**template, "uuid": "odd-5", "published": 20261120},
        "not an event",
    ]
    events.extend(odd)
    okta_user(current, "amelia.clarke@contoso.com")["status"] = "SUSPENDED"
    report = _check_outcome(baseline, current)
    assert report is not None
    assert [c["label"] for c in report["changes"]] == ["amelia.clarke@contoso.com"]


def test_lone_surrogates_and_controls_in_a_baseline_are_compared_and_shown_escaped():
    baseline, current = golden_doc(), golden_doc()
    okta_user(baseline, "amelia.clarke@contoso.com")["profile"]["lastName"] = "C\ud800\x1b[2J"
    okta_user(current, "amelia.clarke@contoso.com")["profile"]["lastName"] = "Clarke\n::error::x"
    baseline["meta"]["runId"] = "run\u202e1"
    report = _check_outcome(baseline, current)
    assert report is not None
    text = drift.render_text(report)
    assert "C\\ud800\\x1b[2J -> Clarke\\n::error::x" in text
    assert "run\\u202e1" in text
    assert "C\\ud800" in drift.render_html(report)


def test_a_wrong_typed_current_read_is_not_comparable_either():
    current = golden_doc()
    per_app(current, "appUsers")["data"] = {}
    report = _check_outcome(golden_doc(), current)
    assert report is not None and report["changes"] == []
    assert report["unreadable"] == [
        f"okta.appUsers[{app_id(current)}] (Microsoft Office 365): not comparable, the current "
        "read failed (data has the wrong type: expected a list of objects, got an object)"
    ]


# --- through the run ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patch", "says"),
    [
        (lambda d: d.update(meta=[]), "not compared: the baseline could not be read: "),
        (lambda d: d["okta"]["logs"].update(x={"ok": "yes"}), "not compared: "),
        (lambda d: d["okta"]["users"].update(data={}), "not comparable, the baseline read "
         "failed (data has the wrong type: expected a list of objects, got an object)"),
    ],
    ids=["unreadable", "malformed-read", "wrong-type-data"],
)  # fmt: skip
def test_a_malformed_baseline_leaves_every_check_its_verdict(pytester, tmp_path, patch, says):
    """When --baseline names a malformed baseline: the checks pass as without it, and the
    drift section says why it was not compared (or what was not comparable)."""
    files = write_tenant(tmp_path / "tenants", golden_doc())
    baseline = golden_doc()
    patch(baseline)
    path = tmp_path / "baseline.snapshot.json"
    path.write_text(json.dumps(baseline), encoding="utf-8")
    result = pytester.runpytest_inprocess(
        str(SUITE), "--tenants-dir", str(files.dir), "--reports-dir", str(tmp_path / "out"),
        "--baseline", str(path), "-p", "no:randomly",
    )  # fmt: skip
    console = "\n".join(result.outlines + result.errlines)
    assert result.ret == pytest.ExitCode.OK, console
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) > 90 and not {"failed", "errors", "error"} & set(outcomes)
    assert says in console
