"""The fleet page against hostile results folders: a malformed results file is a note on the
page, never a crash; every value is escaped; a planted symlink is never written through.

Results files are read back from folders anyone may have filled (CI artifacts, copies,
old runs), so the page treats them as untrusted input (DESIGN.md, "Trust boundaries").
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_m365_audit.core.safe_files import OutputError
from okta_m365_audit.outputs.fleet import find_results, load_fleet, render_fleet, write_fleet

from .test_fleet import FleetTable, Tags, make_doc, run_cli, write

GOOD = make_doc("good", "2025-03-02T07:00:00Z", verdicts={"FED-04": "failed"})


def listing(*folders: Path) -> dict[str, list[str]]:
    """Every entry under each folder (not following symlinks), to compare before and after."""
    seen: dict[str, list[str]] = {}
    for folder in folders:
        seen[str(folder)] = sorted(
            str(Path(d, n).relative_to(folder)) for d, ds, fs in os.walk(folder) for n in ds + fs
        )
    return seen


def build(root: Path, out: Path) -> tuple[list[dict[str, Any]], list[str], str]:
    """What the audit run and the command line do: find, load, render and write the page."""
    notes: list[str] = []
    docs = load_fleet(find_results(root, notes.append), notes.append)
    write_fleet(docs, out, notes=notes)
    return docs, notes, out.read_text("utf-8")


def assert_safe_page(page: str) -> None:
    tags = Tags(page)
    assert not {"script", "img", "iframe", "object", "embed", "link"} & tags.names
    assert not {a for a in tags.attrs if a.startswith("on")} and "src" not in tags.attrs
    assert all(not urllib.parse.urlsplit(h).scheme for h in tags.hrefs)


# --- property: anything in a results file ---------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**4000), max_value=10**4000)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(codec=None, exclude_categories=()), max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)

#: the fields the page reads, each a path into a results document
READ_FIELDS = [
    ("tenant",),
    ("run",),
    ("run", "startedAt"),
    ("run", "finishedAt"),
    ("run", "id"),
    ("run", "suiteVersion"),
    ("run", "partial"),
    ("run", "interrupted"),
    ("run", "selection"),
    ("run", "selection", "keyword"),
    ("okta",),
    ("okta", "orgUrl"),
    ("m365",),
    ("m365", "tenantId"),
    ("expectedPhase",),
    ("configError",),
    ("summary",),
    ("summary", "phases"),
    ("summary", "phases", "5"),
    ("summary", "verdicts"),
    ("summary", "verdicts", "failed"),
    ("summary", "worstFailing"),
    ("results",),
]


def mutated(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(GOOD)
    node = doc
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    return doc


def file_contents() -> st.SearchStrategy[bytes]:
    as_json = JSON.map(lambda v: json.dumps(v).encode())
    with_format = JSON.map(
        lambda v: json.dumps({"format": "okta-m365-audit/results", "tenant": v}).encode()
    )
    one_field = st.tuples(st.sampled_from(READ_FIELDS), JSON).map(
        lambda pv: json.dumps(mutated(*pv)).encode()
    )
    return as_json | with_format | one_field | st.binary(max_size=200)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(content=file_contents())
def test_any_results_file_is_shown_or_named_in_a_note(content: bytes) -> None:
    """When a results file holds anything at all (any JSON, any field the page reads
    replaced by any JSON value, any bytes): no exception; the page is written beside a
    good tenant's row; the file is either shown as a tenant row or named in the notes."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "reports")
        write(root / "good-1/results.json", GOOD)
        bad = root / "bad-1" / "results.json"
        bad.parent.mkdir(parents=True)
        bad.write_bytes(content)
        docs, notes, page = build(root, root / "index.html")
        tenants = [r["tenant"] for r in FleetTable(page).rows]
        assert "good" in tenants
        fleet = [d["_fleet"] for d in docs]
        accounted = (
            {f["source"] for f in fleet}
            | {p for f in fleet for p in f["duplicates"]}
            | {r["source"] for f in fleet for r in f["olderRuns"] + f["laterRuns"]}
        )
        if str(bad) not in accounted:  # not shown, nor a run of "good": named in a note
            assert [n for n in notes if str(bad) in n], notes
            assert "bad-1/results.json" in page
        assert_safe_page(page)


# --- the malformed files of the issue, each by name -----------------------------------------

MALFORMED: dict[str, str | bytes | Any] = {
    "not JSON": "{not json",
    "not UTF-8": b'{"format": "okta-m365-audit/results", "tenant": "\xff"}',
    "a list": [GOOD],
    "an integer of 5000 digits": '{"format": "okta-m365-audit/results", "x": ' + "9" * 5000 + "}",
    "nested 100000 deep": "[" * 100_000 + "]" * 100_000,
    "tenant ../x": mutated(("tenant",), "../x"),
    "tenant absolute": mutated(("tenant",), "/etc/passwd"),
    "tenant with NUL": mutated(("tenant",), "a\x00b"),
    "tenant of 300 characters": mutated(("tenant",), "a" * 300),
    "tenant not a string": mutated(("tenant",), ["good"]),
    "tenant with markup": mutated(("tenant",), "<script>alert(1)</script>"),
    "tenant with a lone surrogate": mutated(("tenant",), "a\ud800"),
    "orgUrl with a lone surrogate": mutated(("okta", "orgUrl"), "https://x\udfff"),
    "configError of 10 MB": mutated(("configError",), "x" * 10_000_000),
    "a count as text": mutated(("summary", "verdicts", "failed"), "3"),
    "a count as true": mutated(("summary", "verdicts", "failed"), True),
    "a count of 10**30": mutated(("summary", "verdicts", "passed"), 10**30),
    "a count of 4000 digits": mutated(("summary", "verdicts", "passed"), 10**3999),
    "phases as a list": mutated(("summary", "phases"), ["failed"]),
    "a phase state as an object": mutated(("summary", "phases", "5"), {"x": 1}),
    "run.partial as text": mutated(("run", "partial"), "yes"),
    "run.interrupted as 0": mutated(("run", "interrupted"), 0),
    "run.selection as a list": mutated(("run", "selection"), ["-k"]),
    "startedAt overflowing": mutated(("run", "startedAt"), "0001-01-01T00:00:00+23:59"),
    "startedAt a number": mutated(("run", "startedAt"), 1741000000),
    "expectedPhase as text": mutated(("expectedPhase",), "5"),
    "expectedPhase of 10**20": mutated(("expectedPhase",), 10**20),
    "results not a list": mutated(("results",), {}),
    "okta as text": mutated(("okta",), "https://x"),
    "summary missing": {k: v for k, v in GOOD.items() if k != "summary"},
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_results_file_is_a_note_not_a_crash(tmp_path: Path, case: str) -> None:
    """When one results file under reports/ is malformed: the command exits 0, the good
    tenant is shown, and the bad file is named on stderr and on the page."""
    root = tmp_path / "reports"
    write(root / "good-1/results.json", GOOD)
    bad = root / "bad-1/results.json"
    bad.parent.mkdir(parents=True)
    content = MALFORMED[case]
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        write(bad, content if isinstance(content, str) else json.dumps(content))
    proc = run_cli(root, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{bad}: " in proc.stderr
    bad_lines = [line for line in proc.stderr.splitlines() if str(bad) in line]
    assert len(bad_lines) == 1 and len(bad_lines[0]) < 400, bad_lines
    page = (root / "index.html").read_text("utf-8")
    assert [r["tenant"] for r in FleetTable(page).rows] == ["good"]
    assert "bad-1/results.json" in page
    assert_safe_page(page)


def test_planted_special_files_are_skipped_without_hanging(tmp_path: Path) -> None:
    """When a results.json is a symlink to /dev/zero or to a file outside, or a FIFO: each is
    skipped with a note (nothing is read through the link, nothing blocks)."""
    root = tmp_path / "reports"
    write(root / "good-1/results.json", GOOD)
    outside = write(tmp_path / "elsewhere/results.json", GOOD)
    (root / "zero").mkdir()
    (root / "zero/results.json").symlink_to("/dev/zero")
    (root / "link").mkdir()
    (root / "link/results.json").symlink_to(outside)
    (root / "fifo").mkdir()
    os.mkfifo(root / "fifo/results.json")
    docs, notes, _ = build(root, root / "index.html")
    assert [d["tenant"] for d in docs] == ["good"]
    for name in ("zero", "link", "fifo"):
        assert any(f"{root / name / 'results.json'}" in n for n in notes), (name, notes)


def test_file_names_cannot_inject_markup_links_or_log_lines(tmp_path: Path) -> None:
    """When folder names hold a URL scheme, markup, a newline or bytes that are not UTF-8:
    the report links are relative and percent-quoted, the page escapes the names, and the
    terminal lines escape the control characters."""
    root = tmp_path / "reports"
    hostile = ["javascript:alert(1)", "<img src=x onerror=alert(1)>", "x\nFAKE LINE"]
    for i, folder in enumerate(hostile):
        doc = make_doc(f"t{i}", "2025-03-02T07:00:00Z")
        write(root / folder / "results.json", doc, report=True)
    write(root / hostile[2] / "other.results.json", "{broken")
    odd = os.fsencode(root) + b"/\xff\xfe-folder"
    os.makedirs(odd)
    with open(odd + b"/results.json", "w") as fh:
        fh.write("{broken")
    proc = run_cli(root, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "\nFAKE LINE" not in proc.stderr and "x\\nFAKE LINE/other.results.json" in proc.stderr
    assert "\\udcff\\udcfe-folder" in proc.stderr
    page = (root / "index.html").read_text("utf-8")
    assert_safe_page(page)
    hrefs = sorted(h for r in FleetTable(page).rows for h in r["links"])
    assert hrefs == sorted(
        urllib.parse.quote(f"{folder}/report.html", safe="/") for folder in hostile
    )
    assert "javascript%3Aalert%281%29/report.html" in hrefs
    for href in hrefs:
        assert (root / urllib.parse.unquote(href)).is_file()


# --- writes through planted symlinks ----------------------------------------------------------


def test_write_fleet_never_follows_a_planted_symlink(tmp_path: Path) -> None:
    """When reports/index.html and reports/index.html.tmp are symlinks to files outside:
    the page replaces the link; the outside files keep their content; nothing else is
    written outside the reports folder."""
    root = tmp_path / "reports"
    write(root / "good-1/results.json", GOOD)
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.html"
    victim.write_text("precious", "utf-8")
    tmp_victim = outside / "tmp-victim"
    tmp_victim.write_text("precious too", "utf-8")
    (root / "index.html").symlink_to(victim)
    (root / "index.html.tmp").symlink_to(tmp_victim)
    before = listing(outside, tmp_path)
    build(root, root / "index.html")
    assert victim.read_text("utf-8") == "precious"
    assert tmp_victim.read_text("utf-8") == "precious too"
    assert not (root / "index.html").is_symlink() and (root / "index.html").is_file()
    after = listing(outside, tmp_path)
    assert after[str(outside)] == before[str(outside)]
    assert set(after[str(tmp_path)]) - set(before[str(tmp_path)]) == set()  # replaced, not added


def test_a_page_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    """When the page's folder cannot be made (a file is in the way): OutputError with one
    line naming the path; the command line exits 2 with that line, no traceback."""
    root = tmp_path / "reports"
    write(root / "good-1/results.json", GOOD)
    blocker = tmp_path / "site"
    blocker.write_text("a file, not a folder", "utf-8")
    docs = load_fleet(find_results(root, lambda line: None), lambda line: None)
    with pytest.raises(OutputError) as caught:
        write_fleet(docs, blocker / "index.html")
    assert str(blocker) in str(caught.value) and "\n" not in str(caught.value)
    proc = run_cli(root, "-o", blocker / "index.html", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"error: {blocker}" in proc.stderr
    assert blocker.read_text("utf-8") == "a file, not a folder"


def test_render_fleet_of_loaded_docs_escapes_every_attribute(tmp_path: Path) -> None:
    """When every text field the page shows carries a quote-breaking payload: no attribute
    or tag is added to the page."""
    payload = "'\"><img src=x onerror=alert(1)>"
    doc = make_doc("quoted", "2025-03-02T07:00:00Z")
    doc["run"].update(id=payload, suiteVersion=payload, selection={payload: payload})
    doc["run"]["partial"] = True
    doc["okta"]["orgUrl"] = doc["m365"]["tenantId"] = doc["configError"] = payload
    doc["summary"]["phases"]["5"] = payload
    doc["summary"]["worstFailing"] = payload
    path = write(tmp_path / "q/results.json", doc, report=True)
    page = render_fleet(load_fleet([path], lambda line: None), tmp_path / "index.html")
    assert_safe_page(page)
    assert "<img" not in page
    (row,) = FleetTable(page).rows
    assert row["phases"]["5"] == (payload, payload.upper())
