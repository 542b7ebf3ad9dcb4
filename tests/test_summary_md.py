"""summary.md: the run in Markdown for a CI job summary or a Teams/Slack message.

Rendered with markdown-it-py's GFM-like preset (tables, autolinks: what GitHub does with a
job summary), tenant-derived text must stay text: a display name cannot inject a link, an
image, HTML, emphasis or a table cell. And the files a run writes hold the right content,
with relative links that lead to the reports.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from okta_m365_audit.outputs.summary_md import md_code, md_text, render_summary
from tests.conftest import golden_doc, run_suite, write_tenant
from tests.scenarios.fed import foreign_certificate
from tests.test_fleet import make_doc

GFM = MarkdownIt("gfm-like")
HOSTILE = (
    "[click](https://evil.example) ![img](https://evil.example/i.png) www.evil.example "
    "| a | fake | row | <img src=x onerror=alert(1)> <b>bold</b> **strong** _em_ ~~del~~ "
    "`tick` ``double`` &amp; \\ \n::error::forged\x1b[2J"
)


def _hostile_doc() -> dict:
    doc = make_doc("acme", "2026-11-20T06:00:00.000Z", verdicts={"FED-04": "failed"})
    doc["changes"] = {
        "previous": {"startedAt": "2026-11-19T06:00:00Z", "file": "acme-1/results.json"},
        "scope": "every check",
        "counts": {"new": 1, "fixed": 0, "stillOpen": 0},
        "new": [{"check": "FED-04", "item": HOSTILE, "verdict": "failed",
                 "severity": "critical", "message": HOSTILE},
                {"check": "FED-03", "item": "x", "verdict": "failed",
                 "severity": "https://evil.example/sev", "message": None}],
    }  # fmt: skip
    return doc


def test_hostile_text_stays_text() -> None:
    text = render_summary([(_hostile_doc(), "acme-1/report.html")], title="run", notes=[HOSTILE])
    html = GFM.render(text)
    hrefs = re.findall(r"<a href=\"([^\"]*)\"", html)
    assert hrefs == ["acme-1/report.html"], hrefs  # the report link alone, no injected one
    for tag in ("<img", "<b>", "<strong>bold", "<em>em", "<del>", "<script"):
        assert tag not in html.replace("&lt;img", "").replace("&lt;b&gt;", ""), tag
    assert "<strong>strong</strong>" not in html and "<em>em</em>" not in html
    # the table: a header and one row, each of exactly five cells
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.DOTALL)
    assert len(rows) == 2 and all(len(re.findall(r"<t[hd]>", r)) == 5 for r in rows)
    # one line each, control characters shown escaped, nothing forges a CI log line
    assert "\x1b" not in text and not any(
        line.startswith("::error::") for line in text.splitlines()
    )
    assert "[click](https://evil.example)" in html  # shown, literally, inside code


@pytest.mark.parametrize("value", ["a`b", "``", "`lead", "plain", " ", "x|y"])
def test_code_spans_hold_any_backticks(value: str) -> None:
    html = GFM.render(md_code(value, in_table=False))
    assert html.count("<code>") == 1, html
    shown = re.search(r"<code>(.*)</code>", html, flags=re.DOTALL)
    assert shown and shown[1].strip() == value.strip()


def test_our_own_text_is_escaped_too() -> None:
    assert GFM.render(md_text("a_b_c *x* [y](z) <i>")).strip() == (
        "<p>a_b_c *x* [y](z) &lt;i&gt;</p>"
    )


def test_a_run_writes_summaries_that_link_its_reports(pytester: pytest.Pytester) -> None:
    doc = golden_doc()
    foreign_certificate(doc)
    run = run_suite(pytester, write_tenant(pytester.path / "tenants", doc).dir)
    assert run.ret == 1
    bundle = next(run.outdir.glob("demo-*/summary.md")).parent
    run_summary = next(run.outdir.glob("audit-*.summary.md"))
    fleet_summary = run.outdir / "summary.md"
    for path in (bundle / "summary.md", run_summary, fleet_summary):
        text = path.read_text("utf-8")
        assert "| `demo` | FAILED: 1 finding, worst critical | 1 critical | first run |" in text
        links = re.findall(r"\]\(([^)]*)\)", text)
        assert len(links) == 1, text
        target = path.parent / urllib.parse.unquote(links[0])
        # the handover document (the fleet's summary links what the fleet page links)
        assert target.name in {"handover.html", "report.html"} and target.is_file(), target
    # the bundle's summary is in its manifest (hashed with the rest of the evidence)
    assert '"summary.md"' in (bundle / "manifest.json").read_text("utf-8")

    golden = golden_doc()
    write_tenant(pytester.path / "tenants", golden)
    again = run_suite(pytester, pytester.path / "tenants")
    assert again.ret == 0
    text = (again.outdir / "summary.md").read_text("utf-8")
    assert "| `demo` | Phase 5 complete: 0 findings | none | none new, 1 fixed |" in text


def test_fleet_command_writes_summary_beside_the_page(tmp_path: Path) -> None:
    from okta_m365_audit.outputs.fleet.command import main

    folder = tmp_path / "a/acme-1"
    folder.mkdir(parents=True)
    import json

    (folder / "results.json").write_text(json.dumps(_hostile_doc()), "utf-8")
    (folder / "report.html").write_text("<html></html>", "utf-8")
    assert main([str(tmp_path / "a"), "-o", str(tmp_path / "site/index.html")]) == 0
    text = (tmp_path / "site/summary.md").read_text("utf-8")
    assert "(../a/acme-1/report.html)" in text and "1 new" in text
