"""The fleet page on a laptop: 20 tenants at 1366x768 scroll down, never sideways.

The page is opened in headless Chromium (tests/test_browser.py's CDP client) at a 1366 x
768 viewport, with tenant names, org URLs and selections as long as real ones get; the
document must be no wider than the viewport, and the new-since-last-run column must be
shown for every tenant.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from okta_m365_audit.outputs.fleet import render_fleet
from tests.test_browser import Chromium, chromium  # noqa: F401 (a fixture)
from tests.test_fleet import make_doc

LAPTOP = {"width": 1366, "height": 768}


def _fleet(tmp_path: Path) -> Path:
    docs = []
    for i in range(20):
        name = f"customer-{i:02d}-" + "northwind-traders-holdings"[: 5 + i]
        verdicts = {"FED-04": "failed", "PREP-02": "error"} if i % 3 == 0 else {}
        doc = make_doc(name, f"2026-11-{(i % 28) + 1:02d}T06:00:00.000Z", verdicts=verdicts)
        doc["okta"]["orgUrl"] = f"https://{name}-production-tenant.okta.com"
        if i % 3 == 0:
            doc["changes"] = {"previous": {"file": "x/results.json"}, "scope": "every check",
                              "counts": {"new": 2, "fixed": 1, "stillOpen": 0}}  # fmt: skip
        elif i % 3 == 1:
            doc["changes"] = {"previous": None, "notCompared": "no earlier run (this is its first)"}
        docs.append(doc)
    page = tmp_path / "index.html"
    page.write_text(render_fleet(docs, page), "utf-8")
    return page


def test_twenty_tenants_fit_a_laptop_screen(tmp_path: Path, chromium: str) -> None:  # noqa: F811
    page_file = _fleet(tmp_path)

    async def scenario() -> dict[str, int]:
        async with Chromium(chromium, tmp_path / "profile") as page:
            await page.send(
                "Emulation.setDeviceMetricsOverride", deviceScaleFactor=1, mobile=False, **LAPTOP
            )
            await page.open(page_file)
            return await page.js(
                "({scroll: document.documentElement.scrollWidth, "
                "table: document.querySelector('table.fleet').getBoundingClientRect().right, "
                "rows: document.querySelectorAll('tr[data-tenant]').length, "
                "news: document.querySelectorAll('td[data-new]').length})"
            )

    seen = asyncio.run(scenario())
    assert seen["rows"] == 20 and seen["news"] == 20, seen
    assert seen["scroll"] <= LAPTOP["width"], f"scrolls sideways: {seen}"
    assert seen["table"] <= LAPTOP["width"], seen


def test_findings_and_new_since_last_run_per_tenant(tmp_path: Path) -> None:
    page = _fleet(tmp_path).read_text("utf-8")
    row = page.split("data-tenant='customer-00-north'")[1].split("</tr>")[0]
    assert "data-findings='2'>2 critical</td>" in row
    assert "data-new='2'>2 new, 1 fixed</td>" in row
    first = page.split("data-tenant='customer-01-northw'")[1].split("</tr>")[0]
    assert "data-new=''>first run</td>" in first and "data-findings='0'>none</td>" in first
    older = page.split("data-tenant='customer-02-northwi'")[1].split("</tr>")[0]
    assert "data-new=''>not compared</td>" in older  # a results file from before `changes`
