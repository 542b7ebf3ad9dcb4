"""No value from a tenant runs or changes anything in a page the suite writes.

Payloads are placed wherever outside text reaches the HTML outputs: tenant-file items that
become test IDs (a domain to federate, an excluded account), a waiver's text, the tenants
folder's path (pytest-html's Environment table), API strings that checks show as evidence
(a federation's sign-in URI and display name) and that drift shows as changed values (a
baseline). Every page is then opened in headless Chromium: the combined report, the
tenant's own bundle report, and the fleet page. A payload that ran would add itself to
``window.__pwned``; one that was inserted as markup would add an element of class ``pwned``
or an ``onerror``/``onload`` attribute. Each page must show the payload as text instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import golden_doc, run_suite, write_tenant
from tests.scenarios.helpers import federation
from tests.test_browser import Chromium, chromium  # noqa: F401 - the fixture

_RUN = "window.__pwned=(window.__pwned||[]).concat"


def payload(where: str) -> str:
    """Markup that marks the DOM, runs a script, and breaks out of attributes."""
    return (
        f"x'\"><b class=pwned>{where}</b><img src=x onerror=\"{_RUN}(['{where}'])\">"
        f"<script>{_RUN}(['{where}-script'])</script>"
    )


def _hostile_tenant(data: dict[str, Any]) -> None:
    expect = data["expect"]
    expect["domains_to_federate"].append(payload("domain").lower())
    expect["excluded_accounts"] = [
        *expect.get("excluded_accounts", []),
        payload("account").lower() + "@contoso.onmicrosoft.com",
    ]
    data["waivers"] = [
        {
            "check": "FED-03",
            "reason": payload("waiver"),
            "approver": payload("approver"),
            "ticket": "CHG-1",
            "expires": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
        }
    ]


PAGE_CHECK = """(() => ({
  ran: window.__pwned || [],
  marked: document.querySelectorAll('.pwned').length,
  handlers: document.querySelectorAll('[onerror],[onload]').length,
  images: [...document.images].filter(i => i.getAttribute('src') === 'x').length,
  text: document.body.innerText,
  source: document.body.textContent,
}))()"""


@pytest.fixture
def hostile_run(pytester: pytest.Pytester) -> Path:
    baseline = golden_doc()
    doc = golden_doc()
    fed = federation(doc, "contoso.com")
    fed["passiveSignInUri"] = "https://evil.example/" + payload("api-uri")
    fed["displayName"] = payload("api-name")
    tenants = pytester.path / payload("folder").replace("/", "_")
    files = write_tenant(tenants, doc, _hostile_tenant)
    base_file = pytester.path / "baseline.snapshot.json"
    base_file.write_text(json.dumps(baseline), encoding="utf-8")
    run = run_suite(pytester, files.dir, "--baseline", str(base_file))
    assert run.ret == 1, run.verdicts
    return run.outdir


def test_no_payload_runs_or_alters_any_page(hostile_run: Path, chromium: str) -> None:  # noqa: F811
    pages = {
        "combined report": hostile_run / "report.html",
        "bundle report": next(hostile_run.glob("demo-*/report.html")),
        "fleet page": hostile_run / "index.html",
    }
    # what each page must show as text: the payloads that reach it
    shown = {
        "combined report": ["domain", "account", "waiver", "api-uri", "folder"],
        "bundle report": ["domain", "account", "waiver", "api-uri"],
        "fleet page": [],
    }

    async def scenario() -> dict[str, Any]:
        seen = {}
        async with Chromium(chromium, hostile_run / "profile") as page:
            for label, file in pages.items():
                await page.open(file)
                await asyncio.sleep(0.3)  # pytest-html renders its rows after load
                seen[label] = await page.js(PAGE_CHECK)
                seen[label]["errors"] = page.exceptions + page.console_errors
        return seen

    seen = asyncio.run(scenario())
    for label, found in seen.items():
        assert found["ran"] == [], f"{label}: a payload ran: {found['ran']}"
        assert found["marked"] == 0, f"{label}: a payload was inserted as markup"
        assert found["handlers"] == 0 and found["images"] == 0, f"{label}: {found}"
        for where in shown[label]:
            assert f"<b class=pwned>{where}" in found["source"], (
                f"{label}: the {where} payload is not shown as text"
            )
