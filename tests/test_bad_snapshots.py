"""Bad snapshot files are findings, not crashes (issue 10, item 7).

- A snapshot whose structure is wrong is refused with one line naming the file and the
  field, and ``--from-snapshot`` on it is a usage error (exit 4), never INTERNALERROR.
- A lone surrogate in an API string is saved (as its JSON escape), read back equal, digested,
  and shown; a run over such a snapshot writes its outputs.
- A snapshot is written atomically through safe_files: a failed write leaves nothing.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from okta_m365_audit.config import load_tenant
from okta_m365_audit.core.safe_files import OutputError
from okta_m365_audit.snapshot import document as snap
from okta_m365_audit.views import DataUnavailable, TenantView

from .conftest import DEMO_YAML, GOLDEN, SUITE, golden_doc, write_tenant
from .scenarios.helpers import app_id, graph_user, okta_user
from .test_drift_untrusted import mutated_baseline

Patch = Callable[[dict[str, Any]], Any]


def _set(path: str, value: Any) -> Patch:
    """Set a dotted path (``okta.appKeys.<app>``: ``<app>`` is the Office 365 app's id)."""

    def patch(doc: dict[str, Any]) -> None:
        keys = [app_id(golden_doc()) if k == "<app>" else k for k in path.split(".")]
        for key in keys[:-1]:
            doc = doc[key]
        doc[keys[-1]] = value

    return patch


def _drop(path: str) -> Patch:
    def patch(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            doc = doc[key]
        del doc[last]

    return patch


#: (patch, what the one-line message says after the file name)
STRUCTURE: dict[str, tuple[Patch, str]] = {
    "meta-list": (_set("meta", []), "meta: expected an object, got a list"),
    "meta-missing": (_drop("meta"), "meta: missing"),
    "tenant-list": (_set("meta.tenant", ["demo"]), "meta.tenant: expected a string, got a list"),
    "tenant-missing": (_drop("meta.tenant"), "meta.tenant: missing"),
    "tenant-path": (_set("meta.tenant", "../../etc"), "meta.tenant: '../../etc' is not a valid"),
    "tenant-absolute": (_set("meta.tenant", "/tmp/x"), "meta.tenant: '/tmp/x' is not a valid"),
    "tenant-nul": (_set("meta.tenant", "demo\x00"), "meta.tenant: 'demo\\x00' is not a valid"),
    "tenant-long": (_set("meta.tenant", "a" * 300), "(300 characters) is not a valid"),
    "collected-int": (_set("meta.collectedAt", 5), "meta.collectedAt: expected a string"),
    "collected-text": (_set("meta.collectedAt", "yesterday"), "'yesterday' is not a date-time"),
    "collected-naive": (_set("meta.collectedAt", "2026-11-20T06:00:00"), "with a zone"),
    "suite-version": (_set("meta.suiteVersion", 1), "meta.suiteVersion: expected a string"),
    "partial": (_set("meta.partial", "no"), "meta.partial: expected a boolean, got a string"),
    "source": (_set("meta.source", "hacked"), "meta.source: 'hacked' is not live"),
    "meta-okta": (_set("meta.okta", "x"), "meta.okta: expected an object, got a string"),
    "org-url": (_set("meta.okta.orgUrl", ["x"]), "meta.okta.orgUrl: expected a string"),
    "tenant-id": (_set("meta.graph.tenantId", 7), "meta.graph.tenantId: expected a string"),
    "okta-list": (_set("okta", []), "okta: expected an object, got a list"),
    "graph-missing": (_drop("graph"), "graph: missing section"),
    "realm-string": (_set("realm", "x"), "realm: expected an object, got a string"),
    "unknown-resource": (_set("okta.orgg", {}), "okta.orgg: unknown resource"),
    "read-list": (_set("okta.org", []), "okta.org: expected an object, got a list"),
    "read-no-status": (_drop("okta.org.status"), "okta.org.status: missing"),
    "read-no-request": (_drop("okta.org.request"), "okta.org.request: missing"),
    "status-text": (_set("okta.org.status", "200"), "okta.org.status: expected an integer"),
    "status-bool": (_set("okta.org.status", True), "expected an integer, got a boolean"),
    "ok-text": (_set("okta.org.ok", "yes"), "okta.org.ok: expected a boolean, got a string"),
    "ok-null": (_set("okta.org.ok", None), "okta.org.ok: expected a boolean, got null"),
    "pages-negative": (_set("okta.org.pages", -1), "okta.org.pages: -1 is negative"),
    "requests-float": (_set("okta.org.requests", 1.5), "expected an integer, got a number"),
    "error-text": (_set("okta.org.error", "denied"), "okta.org.error: expected an object or"),
    "error-needs": (_set("okta.org.error", {"needs": 5}), "okta.org.error.needs: expected a"),
    "per-parent-list": (_set("okta.appKeys", []), "okta.appKeys: expected an object, got a"),
}
# a per-parent read names its parent: okta.appKeys[<app id>]
STRUCTURE["per-parent-read"] = (
    _set("okta.appKeys.<app>", "x"),
    f"okta.appKeys[{app_id(golden_doc())}]: expected an object, got a string",
)


def _write(tmp_path: Path, doc: Any, name: str = "x.snapshot.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", list(STRUCTURE))
def test_a_structurally_wrong_snapshot_is_refused_naming_file_and_field(tmp_path, case):
    """When a snapshot's meta, a section or a Read record has a wrong type or is missing:
    SnapshotError, one line, naming the file and the field; never another exception."""
    patch, says = STRUCTURE[case]
    doc = golden_doc()
    patch(doc)
    path = _write(tmp_path, doc)
    with pytest.raises(snap.SnapshotError) as caught:
        snap.load(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: "), text
    assert says in text, text
    assert "\n" not in text and len(text) < 400


@pytest.mark.parametrize(
    "doc", [[], "snapshot", None, 5, {"format": "okta-m365-audit/snapshot"}], ids=repr
)
def test_a_document_that_is_no_snapshot_is_refused(tmp_path, doc):
    with pytest.raises(snap.SnapshotError, match=r"x\.snapshot\.json: "):
        snap.load(_write(tmp_path, doc))


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"", "not valid JSON"),
        (b'{"format": ', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000, "x.snapshot.json: "),
        (b'{"n": ' + b"9" * 5000 + b"}", "not readable JSON"),
    ],
    ids=["empty", "truncated", "not-utf8", "deep", "huge-int"],
)
def test_a_file_that_is_no_json_is_refused(tmp_path, raw, says):
    path = tmp_path / "x.snapshot.json"
    path.write_bytes(raw)
    with pytest.raises(snap.SnapshotError, match=says):
        snap.load(path)


def test_a_key_of_the_file_cannot_forge_lines_in_the_message(tmp_path):
    doc = golden_doc()
    doc["okta"]["appKeys"]["x\n::error::forged\x1b[2J" + "k" * 500] = "x"
    with pytest.raises(snap.SnapshotError) as caught:
        snap.load(_write(tmp_path, doc))
    text = str(caught.value)
    assert "\n" not in text and "\x1b" not in text and len(text) < 400
    assert "x\\n::error::forged\\x1b[2J" in text


def test_unknown_fields_are_allowed(tmp_path):
    """A newer writer's additions (a field in meta, in a Read record) still load."""
    doc = golden_doc()
    doc["meta"]["collectorHost"] = "runner-7"
    doc["okta"]["org"]["origins"] = ["https://contoso-demo.okta.com"]
    assert snap.load(_write(tmp_path, doc))["meta"]["collectorHost"] == "runner-7"


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_baseline())
def test_any_mutated_snapshot_is_refused_in_one_line_or_read_safely(doc):
    """Random edits anywhere (meta, sections, reads, data): validate refuses the snapshot
    with a SnapshotError, or the views read every resource, a wrong-typed read as failed."""
    try:
        snap.validate(doc, "x.snapshot.json")
    except snap.SnapshotError as exc:
        assert str(exc).startswith("x.snapshot.json: ") and "\n" not in str(exc)
        return
    view = TenantView(load_tenant(DEMO_YAML), doc)
    view.as_of  # noqa: B018 (a valid collectedAt)
    for res in snap.RESOURCES:
        for read in view.reads(res.api, res.name):
            assert read["ok"] is False or snap.data_problem(res, read) is None
        if not res.per_parent and res.name in doc[res.api]:
            try:
                view.data(res.api, res.name)
            except DataUnavailable:
                pass


@pytest.mark.parametrize("case", ["tenant-list", "tenant-path", "ok-text", "per-parent-read"])
def test_from_snapshot_on_a_malformed_snapshot_is_a_usage_error(pytester, tmp_path, case):
    """When --from-snapshot names a malformed snapshot: exit 4 with file and field, no
    INTERNALERROR and no traceback."""
    patch, says = STRUCTURE[case]
    files = write_tenant(tmp_path / "tenants", golden_doc())
    doc = golden_doc()
    patch(doc)
    bad = _write(tmp_path, doc)
    result = pytester.runpytest_inprocess(
        str(SUITE), "--tenants-dir", str(files.dir), "--reports-dir", str(tmp_path / "out"),
        "--from-snapshot", str(bad), "-p", "no:randomly",
    )  # fmt: skip
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = "\n".join(result.errlines)
    assert str(bad) in errors and says in errors, errors
    assert "INTERNALERROR" not in errors + "\n".join(result.outlines)
    assert "Traceback" not in errors


# --- any Unicode an API returns -------------------------------------------------------------

LONE = "\ud800"  #: a high surrogate with no low one: JSON allows it, UTF-8 cannot encode it


def with_lone_surrogates(doc: dict[str, Any]) -> dict[str, Any]:
    """Display names (not logins: the checks match on those) with lone surrogates."""
    graph_user(doc, "amelia.clarke@contoso.com")["displayName"] = f"Amelia {LONE} Clarke\udfff"
    okta_user(doc, "amelia.clarke@contoso.com")["profile"]["lastName"] = f"Cl{LONE}arke"
    doc["graph"]["users"]["data"][0][f"ext{LONE}"] = "a key too"
    graph_user(doc, "arthur.wright@contoso.com")["displayName"] = "Zoë Ünal"  # and ordinary Unicode
    return doc


def test_lone_surrogates_are_saved_read_back_equal_and_digested(tmp_path):
    doc = with_lone_surrogates(golden_doc())
    path = snap.save(doc, tmp_path / "s.json")
    raw = path.read_bytes()
    raw.decode("utf-8")  # valid UTF-8 ...
    assert b"Amelia \\ud800 Clarke\\udfff" in raw  # ... with the surrogates as JSON escapes
    assert "Zoë Ünal".encode() in raw  # other text is kept as it is
    again = snap.load(path)
    assert again == doc
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    assert snap.digest(again) == snap.digest(doc) == hashlib.sha256(canonical).hexdigest()


def test_an_ordinary_snapshot_is_written_and_digested_as_before(tmp_path):
    """No surrogate: the file is byte for byte the shipped golden file."""
    path = snap.save(golden_doc(), tmp_path / "s.json")
    assert path.read_bytes() == GOLDEN.read_bytes()


def _run_over(pytester, tmp_path: Path, doc: dict[str, Any]) -> tuple[Any, list[Path]]:
    files = write_tenant(tmp_path / "tenants", golden_doc())
    current = snap.save(doc, tmp_path / "current.snapshot.json")
    out = tmp_path / "out"
    result = pytester.runpytest_inprocess(
        str(SUITE), "--tenants-dir", str(files.dir), "--reports-dir", str(out),
        "--from-snapshot", str(current), "--baseline", str(GOLDEN), "-p", "no:randomly",
    )  # fmt: skip
    written = [p for p in out.rglob("*") if p.is_file()]
    return result, written


def _assert_written(written: list[Path]) -> None:
    assert {p.name for p in written} >= {"results.json", "report.html", "junit.xml", "drift.json"}
    for p in written:
        assert p.stat().st_size > 0, p
        if p.suffix in (".json", ".html", ".xml"):
            p.read_bytes().decode("utf-8")


def test_a_run_over_a_snapshot_with_lone_surrogates_writes_its_outputs(pytester, tmp_path):
    """--from-snapshot on such a snapshot, with the golden as --baseline (so the changed
    names are shown in the drift, on the terminal and in the report): the run passes and
    every output is written, non-empty and valid UTF-8."""
    result, written = _run_over(pytester, tmp_path, with_lone_surrogates(golden_doc()))
    console = "\n".join(result.outlines + result.errlines)
    assert result.ret == pytest.ExitCode.OK, console
    assert "INTERNALERROR" not in console
    assert "displayName Amelia Clarke -> Amelia \\ud800 Clarke\\udfff" in console  # escaped
    _assert_written(written)
    (drift_file,) = [p for p in written if p.name == "drift.json"]
    changes = json.loads(drift_file.read_text())["changes"]
    assert any(LONE in json.dumps(c, ensure_ascii=False) for c in changes)
    (report,) = [p for p in written if p.name == "report.html"]
    assert "Amelia \\ud800 Clarke" in report.read_text()  # the drift section, escaped


def test_a_failure_whose_evidence_holds_a_lone_surrogate_is_reported(pytester, tmp_path):
    """When a check fails on a value with a lone surrogate (ORG-04, Okta's companyName):
    the failure is reported (exit 1) and every output is written."""
    doc = with_lone_surrogates(golden_doc())
    doc["okta"]["org"]["data"]["companyName"] = f"Contoso {LONE}"
    result, written = _run_over(pytester, tmp_path, doc)
    console = "\n".join(result.outlines + result.errlines)
    assert result.ret == pytest.ExitCode.TESTS_FAILED, console
    _assert_written(written)


# --- writing -----------------------------------------------------------------------------


def test_save_replaces_a_planted_symlink_never_follows_it(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    target = tmp_path / "snaps" / "demo.snapshot.json"
    target.parent.mkdir()
    target.symlink_to(victim)
    snap.save(golden_doc(), target)
    assert victim.read_text() == "keep"
    assert not target.is_symlink() and snap.load(target)["meta"]["tenant"] == "demo"


def test_a_failed_save_leaves_nothing_and_says_one_line(tmp_path, monkeypatch):
    """When the disk fills up mid-write: OutputError naming the path and the OS error; no
    target, no temporary file; an earlier snapshot at the path is kept."""
    target = tmp_path / "demo.snapshot.json"

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError) as caught:
        snap.save(golden_doc(), target)
    assert str(caught.value) == f"{target}: cannot be written (No space left on device)"
    assert list(tmp_path.iterdir()) == []
    target.write_text("earlier")
    with pytest.raises(OutputError):
        snap.save(golden_doc(), target)
    assert target.read_text() == "earlier" and list(tmp_path.iterdir()) == [target]


def test_save_into_a_folder_that_cannot_be_made(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="cannot create the folder"):
        snap.save(copy.deepcopy(golden_doc()), tmp_path / "file" / "s.json")
