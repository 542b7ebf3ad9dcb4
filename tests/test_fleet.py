"""The fleet page: results files of separate CI jobs merge into one index.html."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from okta_m365_audit import __version__
from okta_m365_audit.catalog.checks import CHECKS, PHASES
from okta_m365_audit.outputs.fleet import find_results, load_fleet, render_fleet
from okta_m365_audit.outputs.results import results_document, results_json_schema

VALIDATOR = Draft202012Validator(
    results_json_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
)
EVIL = "<script>alert('x')</script>&co"
CONFIG_ERROR = "tenants/initech.yaml line 4: okta.auth.key_file: no such file keys/okta.pem"


def make_doc(
    tenant: str,
    started: str,
    *,
    verdicts: dict[str, str] | None = None,
    default: str = "passed",
    config_error: str | None = None,
    run_id: str | None = None,
) -> dict[str, Any]:
    """A fake but schema-valid results document: every catalog check, `default` unless
    `verdicts` names another verdict for its ID."""
    verdicts = verdicts or {}
    results = []
    for check in CHECKS:
        verdict = verdicts.get(check.id, default)
        results.append(
            {
                "testId": f"test_{check.id.lower().replace('-', '_')}[{tenant}]",
                "check": check.id,
                "phase": check.phase,
                "phaseLabel": check.phase_label,
                "severity": check.severity.name,
                "title": check.title,
                "verdict": verdict,
                "message": config_error if verdict == "error" else None,
                "remediation": check.remediation,
                "evidence": {},
                "waiver": None,
            }
        )
    doc = results_document(
        tenant=tenant,
        run={
            "id": run_id or f"run-{tenant}-{started}",
            "startedAt": started,
            "finishedAt": started,
            "suiteVersion": __version__,
            "operator": "ci@runner",
            "failOn": "low",
        },
        okta={"orgUrl": f"https://{tenant}.okta.example"},
        m365={"tenantId": "00000000-0000-0000-0000-000000000000", "cloud": "global"},
        expected_phase=5,
        snapshot=None,
        results=results,
        config_error=config_error,
    )
    VALIDATOR.validate(doc)  # keep the fakes honest to the results format
    return doc


def write(path: Path, doc: Any, report: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=1), "utf-8")
    if report:
        (path.parent / "report.html").write_text("<html>report</html>", "utf-8")
    return path


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    """What CI leaves after four jobs uploaded their evidence bundles, plus some junk."""
    root = tmp_path / "artifacts"
    # the older acme run: a failure that must not show; its folder sorts after the newer one
    # and its timestamp string sorts after the newer one's too (different offsets)
    old_acme = make_doc("acme", "2025-03-02T05:00:00.000Z", verdicts={"ORG-03": "failed"})
    write(root / "job-9/reports/acme-20250302-050000/results.json", old_acme, report=True)
    new_acme = make_doc("acme", "2025-03-02T04:00:00.000-03:00")  # 07:00Z: the latest
    write(root / "job-1/reports/acme-20250302-070000/results.json", new_acme, report=True)
    globex = make_doc("globex", "2025-03-01T22:00:00.000Z", verdicts={"FED-01": "failed"})
    write(root / "job-2/reports/globex-20250301-220000/results.json", globex, report=True)
    initech = make_doc(
        "initech", "2025-03-02T06:00:00.000Z", default="error", config_error=CONFIG_ERROR
    )
    write(root / "job-3/initech.results.json", initech)  # no report beside it
    write(root / "job-4/other.results.json", {"format": "someone-else/results", "x": 1})
    write(root / "job-5/results.json", '{"format": "okta-m365-audit/results", "tenant": ')
    write(root / "job-5/notes.json", {"not": "a results file name"})
    return root


class FleetTable(HTMLParser):
    """The rows of the fleet matrix: tenant, phase cells, worst severity, counts, links."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.phase_heads: list[str] = []
        self._row: dict[str, Any] | None = None
        self._cell: dict[str, str | None] | None = None
        self._text = ""
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "th" and "data-phase" in a:
            self.phase_heads.append(str(a["data-phase"]))
        elif tag == "tr" and "data-tenant" in a:
            self._row = {"tenant": a["data-tenant"], "phases": {}, "counts": {}, "links": []}
            self._row["text"] = ""
        elif self._row is not None and tag == "td":
            self._cell, self._text = a, ""
        elif self._row is not None and tag == "a":
            self._row["links"].append(a["href"])

    def handle_data(self, data: str) -> None:
        if self._row is not None:
            self._row["text"] += data
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if self._row is None:
            return
        if tag == "td" and self._cell is not None:
            a, text = self._cell, self._text.strip()
            if "data-phase" in a:
                self._row["phases"][a["data-phase"]] = (a["data-state"], text)
            if "data-worst" in a:
                self._row["worst"] = text
            if "data-count" in a:
                self._row["counts"][a["data-count"]] = int(text)
            self._cell = None
        elif tag == "tr":
            self.rows.append(self._row)
            self._row = None


class Tags(HTMLParser):
    """Every tag name, attribute name and href of a page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.attrs: set[str] = set()
        self.hrefs: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.add(tag)
        self.attrs |= {k for k, _ in attrs}
        self.hrefs += [str(v) for k, v in attrs if k == "href"]


def run_cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okta_m365_audit.fleet", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_merges_ci_jobs_into_one_page(artifacts: Path, tmp_path: Path) -> None:
    """When four CI jobs uploaded results: one row per tenant, worst first, latest run."""
    proc = run_cli(artifacts, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    index = artifacts / "index.html"
    assert f"merged 3 tenants from 4 results files (1 older run(s) ignored) into {index}" in (
        proc.stdout
    )
    # the junk is reported, not fatal
    assert "job-4/other.results.json: its format is 'someone-else/results'" in proc.stderr
    assert "job-5/results.json: not a readable JSON file" in proc.stderr
    assert "acme: showing the run of 2025-03-02T04:00:00.000-03:00" in proc.stderr

    page = index.read_text("utf-8")
    table = FleetTable(page)
    assert [r["tenant"] for r in table.rows] == ["globex", "initech", "acme"]
    assert table.phase_heads == list(PHASES)  # catalog order
    for _key, (_, label) in PHASES.items():
        assert label in page
    globex, initech, acme = table.rows

    assert globex["worst"] == "critical"
    assert globex["phases"]["5"] == ("failed", "FAILED")
    assert all(globex["phases"][k] == ("passed", "PASSED") for k in PHASES if k != "5")
    assert globex["counts"] == {"failed": 1, "error": 0, "waived": 0, "passed": len(CHECKS) - 1}

    # the latest acme run (all passed), not the older one with an ORG-03 failure
    assert acme["worst"] == "none"
    assert acme["phases"]["ORG"] == ("passed", "PASSED")
    assert acme["counts"]["failed"] == 0
    assert "2025-03-02 07:00 UTC" in acme["text"]

    assert CONFIG_ERROR in initech["text"]
    assert initech["phases"]["ACCESS"] == ("error", "ERROR")
    assert initech["links"] == []  # no report.html beside its results file

    # report links: relative to the index's folder, to the report beside each results file
    assert acme["links"] == ["job-1/reports/acme-20250302-070000/report.html"]
    assert globex["links"] == ["job-2/reports/globex-20250301-220000/report.html"]
    for href in acme["links"] + globex["links"]:
        assert not urllib.parse.urlsplit(href).scheme and not href.startswith("/")
        assert (index.parent / urllib.parse.unquote(href)).is_file()

    # the skipped files are named on the page, so a reader of the page learns of them too
    assert "other.results.json" in page and "job-5" in page
    assert "older run of 2025-03-02T05:00:00.000Z ignored" in page


def test_output_elsewhere_links_relative_to_it(artifacts: Path, tmp_path: Path) -> None:
    """When -o puts the page in another folder: the links still reach the reports."""
    out = tmp_path / "site" / "fleet.html"
    proc = run_cli(artifacts, "-o", out, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not (artifacts / "index.html").exists()
    links = [h for r in FleetTable(out.read_text("utf-8")).rows for h in r["links"]]
    assert sorted(links) == [
        "../artifacts/job-1/reports/acme-20250302-070000/report.html",
        "../artifacts/job-2/reports/globex-20250301-220000/report.html",
    ]
    assert all((out.parent / urllib.parse.unquote(h)).is_file() for h in links)


def test_no_results_exits_2_with_a_message(tmp_path: Path) -> None:
    """When the folder holds no results file (or does not exist): exit 2, saying why."""
    empty = tmp_path / "empty"
    write(empty / "job-1/report.html", "<html></html>")
    proc = run_cli(empty, cwd=tmp_path)
    assert proc.returncode == 2
    assert "no usable results file under" in proc.stderr and str(empty) in proc.stderr
    assert not (empty / "index.html").exists()

    proc = run_cli(tmp_path / "missing", cwd=tmp_path)
    assert proc.returncode == 2
    assert "is not a folder" in proc.stderr

    only_broken = tmp_path / "broken"
    write(only_broken / "results.json", "{not json")
    proc = run_cli(only_broken, cwd=tmp_path)
    assert proc.returncode == 2
    assert "not a readable JSON file" in proc.stderr and "no usable results file" in proc.stderr


def test_functions_find_load_and_note_what_they_skip(artifacts: Path) -> None:
    """find_results keeps only results files; load_fleet keeps the latest run per tenant."""
    warnings: list[str] = []
    paths = find_results(artifacts, warnings.append)
    assert sorted(p.relative_to(artifacts).as_posix() for p in paths) == [
        "job-1/reports/acme-20250302-070000/results.json",
        "job-2/reports/globex-20250301-220000/results.json",
        "job-3/initech.results.json",
        "job-9/reports/acme-20250302-050000/results.json",
    ]
    assert len(warnings) == 2
    assert any("job-5/results.json" in w and "not a readable JSON" in w for w in warnings)
    assert any("job-4/other.results.json" in w for w in warnings)

    # the same run uploaded twice (e.g. an unpacked bundle and a copy) is no "older run"
    copy = write(artifacts / "copy/globex.results.json", json.loads(paths[1].read_text()))
    docs = load_fleet([*paths, copy], warnings.append)
    assert len(warnings) == 2
    assert [d["tenant"] for d in docs] == ["globex", "initech", "acme"]
    acme = docs[2]
    assert acme["run"]["startedAt"] == "2025-03-02T04:00:00.000-03:00"
    assert acme["_fleet"]["source"].endswith("job-1/reports/acme-20250302-070000/results.json")
    assert [o["startedAt"] for o in acme["_fleet"]["olderRuns"]] == ["2025-03-02T05:00:00.000Z"]
    globex = docs[0]
    assert globex["_fleet"]["olderRuns"] == []
    assert globex["_fleet"]["source"] == str(paths[1])  # the copy with a report beside it
    assert globex["_fleet"]["duplicates"] == [str(copy)]


def test_page_is_self_contained_escaped_and_printable(tmp_path: Path) -> None:
    """When a tenant's fields carry markup: it is shown as text; the page needs nothing else.
    A tenant name that breaks the name rule is not shown: its file is skipped with a note."""
    evil = make_doc("evil", "2025-03-03T10:00:00.000Z", verdicts={"PREP-05": "failed"})
    evil["okta"]["orgUrl"] = 'https://x.example/"><img src=x onerror=alert(1)>'
    evil["m365"]["tenantId"] = EVIL
    evil["configError"] = "<b>bold</b> & broken"
    path = write(tmp_path / "evil/results.json", evil, report=True)
    named = write(tmp_path / "named/results.json", make_doc("named", "2025-03-03T10:00:00Z"))
    named_doc = json.loads(named.read_text())
    named_doc["tenant"] = EVIL
    write(named, named_doc)
    notes: list[str] = []
    docs = load_fleet([path, named], notes.append)
    generated = dt.datetime(2025, 3, 5, 12, 0, tzinfo=dt.UTC)
    page = render_fleet(docs, tmp_path / "index.html", notes=notes, generated_at=generated)

    assert "<script" not in page.lower() and "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;co" in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; broken" in page
    (row,) = FleetTable(page).rows
    assert row["tenant"] == "evil"
    assert EVIL in row["text"]  # the parser unescapes the text: it is the value, as text
    assert row["phases"]["2"] == ("failed", "FAILED")
    assert row["links"] == ["evil/report.html"]
    (note,) = notes
    assert str(named) in note and "is not a valid tenant name" in note

    assert "2025-03-05 12:00 UTC" in page  # generation time
    assert __version__ in page  # suite version
    assert "2 d 2 h old" in row["text"]
    assert "@media print" in page
    tags = Tags(page)
    assert not {"script", "link", "img", "iframe", "object", "embed"} & tags.names
    assert not {"src", "srcset", "style", "onerror", "onload"} & tags.attrs
    assert all(not urllib.parse.urlsplit(h).scheme for h in tags.hrefs)
    assert "url(" not in page.split("</style>")[0]
    assert "<title>okta-m365-audit fleet: 1 tenant</title>" in page


# --- complete runs stand for a tenant; partial and interrupted ones are listed beside ------


def later_rows(page: str) -> list[str]:
    """The text of each "later run" sub-row, in page order."""

    class Later(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[str] = []
            self._in = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "tr":
                self._in = ("class", "later") in attrs
                if self._in:
                    self.rows.append("")

        def handle_data(self, data: str) -> None:
            if self._in:
                self.rows[-1] += data

    parser = Later()
    parser.feed(page)
    return parser.rows


def with_run(doc: dict[str, Any], **run: Any) -> dict[str, Any]:
    doc["run"].update(run)
    VALIDATOR.validate(doc)
    return doc


def test_partial_and_interrupted_runs_never_replace_the_complete_one(tmp_path: Path) -> None:
    """When a full run (FED-04 failed), then a -k run of other checks (all passed), then an
    interrupted run (nothing failed yet) were written: the tenant's state is the full run's;
    the two later runs are listed beneath it, newest first, with what limited them."""
    root = tmp_path / "reports"
    full = make_doc("acme", "2025-03-02T07:00:00Z", verdicts={"FED-04": "failed"})
    write(root / "acme-20250302-070000/results.json", full, report=True)
    subset = make_doc("acme", "2025-03-02T08:00:00Z", verdicts={"FED-04": "failed"})
    subset["summary"]["verdicts"] = {"passed": 3, "failed": 0}
    subset["summary"]["worstFailing"] = None
    subset["summary"]["phases"] = {k: "passed" if k == "ORG" else "none" for k in PHASES}
    with_run(subset, partial=True, selection={"keyword": "ORG"})
    write(root / "acme-20250302-080000/results.json", subset, report=True)
    stopped = make_doc("acme", "2025-03-02T09:00:00Z")
    with_run(stopped, interrupted=True, partial=False)
    write(root / "acme-20250302-090000/results.json", stopped)

    proc = run_cli(root, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "2 later partial or interrupted run(s) listed" in proc.stdout
    page = (root / "index.html").read_text("utf-8")
    (row,) = FleetTable(page).rows
    assert row["worst"] == "critical" and row["phases"]["5"] == ("failed", "FAILED")
    assert row["counts"]["failed"] == 1
    assert row["links"] == ["acme-20250302-070000/report.html"]
    assert "No complete run" not in page
    first, second = later_rows(page)
    assert first.startswith("later: interrupted run at 2025-03-02 09:00 UTC: ")
    assert second.startswith("later: partial run (-k ORG) at 2025-03-02 08:00 UTC: 3 passed")
    assert "not the tenant's state" in second


def test_a_tenant_with_only_partial_runs_is_labelled_not_clean(tmp_path: Path) -> None:
    """When a tenant was only ever run with -k (nothing failed): its row says it has no
    complete run, its unrun phases say NOT RUN, its worst severity is unknown (not "none"),
    and it sorts before the tenants that are known to be clean."""
    clean = write(tmp_path / "a/results.json", make_doc("aaa-clean", "2025-03-02T07:00:00Z"))
    subset = make_doc("zzz-subset", "2025-03-02T08:00:00Z")
    subset["summary"]["phases"] = {k: "passed" if k == "5" else "none" for k in PHASES}
    with_run(subset, partial=True, selection={"markers": "critical", "offline": True, "x": [1]})
    partial = write(tmp_path / "b/results.json", subset)
    docs = load_fleet([clean, partial], lambda line: None)
    assert [d["tenant"] for d in docs] == ["zzz-subset", "aaa-clean"]
    page = render_fleet(docs, tmp_path / "index.html")
    shown, known = FleetTable(page).rows
    assert shown["tenant"] == "zzz-subset" and known["tenant"] == "aaa-clean"
    assert shown["worst"] == "unknown (no complete run)" and known["worst"] == "none"
    assert shown["phases"]["ORG"] == ("none", "NOT RUN")
    assert shown["phases"]["5"] == ("passed", "PASSED")
    assert (
        "No complete run: shown is its latest partial run (-m critical, offline, x=(a list))"
        in (shown["text"])
    )
    assert "1 with no complete run" in page


def test_results_without_interrupted_are_complete(tmp_path: Path) -> None:
    """When results files of an earlier version lack run.interrupted (and run.partial):
    they count as complete runs; the newest of them is shown."""
    old = make_doc("acme", "2025-03-01T07:00:00Z", verdicts={"ORG-03": "failed"})
    new = make_doc("acme", "2025-03-02T07:00:00Z")
    for doc in (old, new):
        assert "interrupted" not in doc["run"] and "partial" not in doc["run"]
    paths = [write(tmp_path / f"{i}/results.json", d) for i, d in enumerate((old, new))]
    (doc,) = load_fleet(paths, lambda line: None)
    assert doc["run"]["startedAt"] == "2025-03-02T07:00:00Z"
    assert doc["_fleet"]["complete"] is True and doc["_fleet"]["laterRuns"] == []
    assert [o["startedAt"] for o in doc["_fleet"]["olderRuns"]] == ["2025-03-01T07:00:00Z"]


def test_audit_runs_full_then_subset_then_interrupted_keep_the_full_state(pytester, golden):
    """When the suite audits a tenant with a foreign certificate (FED-04 fails), then runs
    only -k org (all pass), then runs with -x (stops at FED-04): reports/index.html still
    shows the full run's state, and lists the two later runs beneath it, each for what it is."""
    from .conftest import run_suite, write_tenant
    from .scenarios.fed import foreign_certificate

    foreign_certificate(golden)
    files = write_tenant(pytester.path / "tenants", golden)
    runs = []
    for args in ([], ["-k", "org"], ["-x"]):
        runs.append(run_suite(pytester, files.dir, *args, out="reports"))
        time.sleep(1.1)  # bundles are named by the second a run started
    assert [r.ret for r in runs] == [1, 0, 1]
    reports = runs[0].outdir
    docs = {
        d["run"]["id"]: d
        for d in (json.loads(p.read_text()) for p in sorted(reports.glob("demo-*/results.json")))
    }
    assert len(docs) == 3
    full, subset, stopped = sorted(docs.values(), key=lambda d: d["run"]["startedAt"])
    assert (full["run"]["partial"], full["run"]["interrupted"]) == (False, False)
    assert subset["run"]["partial"] and subset["run"]["selection"]["keyword"] == "org"
    assert stopped["run"]["interrupted"] and not stopped["run"]["partial"]

    page = (reports / "index.html").read_text("utf-8")
    (row,) = FleetTable(page).rows
    assert row["tenant"] == "demo" and row["worst"] == "critical"
    assert row["phases"]["5"] == ("failed", "FAILED")
    assert row["counts"] == {c: full["summary"]["verdicts"][c] for c in row["counts"]}
    newest, older = later_rows(page)
    assert newest.startswith("later: interrupted run at ")
    assert older.startswith("later: partial run (-k org")
