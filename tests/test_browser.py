"""The report as a person sees it: the handover view opened in a real headless Chromium.

Two reports are built in-process (tests/conftest.py ``write_tenant`` + ``run_suite``): the
golden demo tenant, and the same tenant with a foreign federation certificate (FED-04
fails). Each is loaded from disk in Debian's Chromium, driven over the Chrome DevTools
protocol (CDP) through aiohttp's WebSocket client, which the project already depends on: no
WebDriver, no browser download, no extra Python package. "Visible" means rendered: the
element has a box, ``checkVisibility()`` (display, visibility, opacity, content-visibility)
holds, and once scrolled into view it is the element actually hit at its centre, so
nothing covers it. A screenshot of each report is written to ``reports/screenshots/``.

Without Chromium the tests are skipped, except under CI (``CI`` set), where .ci/run installs
it and a missing browser is a failure.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from okta_m365_audit.catalog.checks import BY_ID, PHASES
from okta_m365_audit.outputs.handover_pdf import find_chromium
from okta_m365_audit.views.federation import Certificate
from tests.conftest import ROOT, golden_doc, run_suite, write_tenant
from tests.scenarios.fed import foreign_certificate
from tests.scenarios.helpers import federation

SCREENSHOTS = ROOT / "reports" / "screenshots"

#: Without network, Chromium's background services (field trials, component updates, sync,
#: QUIC probes) stall start-up; each of these turns one off. The profile is a fresh folder.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)
VIEWPORT = {"width": 1280, "height": 900}
START_TIMEOUT = 20.0  #: seconds for Chromium to open its DevTools port
STEP_TIMEOUT = 20.0  #: seconds for any one CDP command or page load

TENANT = "section.audit-tenant[data-tenant='demo']"
STRIP = f"{TENANT} div.phase-strip"
FED04_FAILED = f"{TENANT} tr[data-check='FED-04'][data-verdict='failed']"


# --- finding the browser -------------------------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_chromium() -> str:
    """Chromium's path; else skip, or fail under CI, which installs it (.ci/run)."""
    path = find_chromium()
    if path is None:
        reason = (
            "no Chromium found ($CHROMIUM, chromium, chromium-browser, /usr/bin/chromium): "
            "install Debian's package (`apt-get install chromium`, as .ci/run does)"
        )
        if in_ci():
            pytest.fail(f"CI is set and the browser test needs Chromium: {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> str:
    path = require_chromium()
    # the report header names who ran the audit: a stable name for the screenshots
    monkeypatch.setenv("AUDIT_OPERATOR", "auditor@msp.example")
    return path


# --- a minimal CDP client ------------------------------------------------------------------


class BrowserError(RuntimeError):
    pass


class Chromium:
    """Headless Chromium with one page, spoken to over CDP (flat sessions on the browser's
    WebSocket). Use as ``async with Chromium(path, profile) as page``."""

    def __init__(self, executable: str, profile: Path) -> None:
        self.executable = executable
        self.profile = profile
        self.log = profile.parent / f"{profile.name}.chromium.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.http: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.reader: asyncio.Task[None] | None = None
        self.session: str | None = None
        self.next_id = 0
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.waiting: dict[str, list[asyncio.Future[dict[str, Any]]]] = {}
        self.exceptions: list[str] = []  #: uncaught JavaScript errors of the page
        self.console_errors: list[str] = []

    # lifecycle

    async def __aenter__(self) -> Chromium:
        self.profile.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [self.executable, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its helpers form one process group, ended below
            )
        try:
            await self._connect()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _connect(self) -> None:
        port_file = self.profile / "DevToolsActivePort"  # "<port>\n/devtools/browser/<id>"
        deadline = time.monotonic() + START_TIMEOUT
        lines: list[str] = []
        while len(lines) < 2:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise BrowserError(
                    f"Chromium exited with {self.proc.returncode} before opening its DevTools "
                    f"port:\n{self._log_tail()}"
                )
            if time.monotonic() > deadline:
                raise BrowserError(
                    f"Chromium opened no DevTools port in {START_TIMEOUT:.0f}s:\n{self._log_tail()}"
                )
            await asyncio.sleep(0.05)
            if port_file.is_file():
                lines = port_file.read_text().split()
        url = f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        self.http = aiohttp.ClientSession()  # trust_env is off: no proxy for loopback
        self.ws = await asyncio.wait_for(
            self.http.ws_connect(url, max_msg_size=0), timeout=STEP_TIMEOUT
        )
        self.reader = asyncio.create_task(self._read())
        target = await self.browser("Target.createTarget", url="about:blank")
        attached = await self.browser(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )
        self.session = attached["sessionId"]
        await self.send("Page.enable")
        await self.send("Runtime.enable")
        await self.send(
            "Emulation.setDeviceMetricsOverride", deviceScaleFactor=1, mobile=False, **VIEWPORT
        )

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.browser("Browser.close"), timeout=3)
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(BaseException):
                await self.reader
        if self.http is not None:
            await self.http.close()
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)  # the group this test started
                self.proc.wait(timeout=5)

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return "(no log)"

    # protocol

    async def _read(self) -> None:
        assert self.ws is not None
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                break
            data = json.loads(msg.data)
            if "id" in data:
                fut = self.pending.pop(data["id"], None)
                if fut is not None and not fut.done():
                    if "error" in data:
                        fut.set_exception(BrowserError(f"CDP error: {data['error']}"))
                    else:
                        fut.set_result(data.get("result", {}))
                continue
            method, params = data.get("method", ""), data.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                self.exceptions.append(
                    details.get("exception", {}).get("description") or details.get("text", "")
                )
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                self.console_errors.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                )
            for fut in self.waiting.pop(method, []):
                if not fut.done():
                    fut.set_result(params)
        for fut in self.pending.values():  # the connection closed under a command
            if not fut.done():
                fut.set_exception(BrowserError(f"DevTools connection closed\n{self._log_tail()}"))

    async def _command(self, method: str, session: str | None, **params: Any) -> dict[str, Any]:
        assert self.ws is not None
        self.next_id += 1
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        await self.ws.send_str(json.dumps(message))
        try:
            return await asyncio.wait_for(fut, timeout=STEP_TIMEOUT)
        except TimeoutError:
            raise BrowserError(f"{method}: no answer in {STEP_TIMEOUT:.0f}s") from None

    async def browser(self, method: str, **params: Any) -> dict[str, Any]:
        return await self._command(method, None, **params)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """A command to the page."""
        return await self._command(method, self.session, **params)

    # page helpers

    async def open(self, path: Path) -> None:
        loaded: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting.setdefault("Page.loadEventFired", []).append(loaded)
        result = await self.send("Page.navigate", url=path.resolve().as_uri())
        if result.get("errorText"):
            raise BrowserError(f"could not open {path}: {result['errorText']}")
        await asyncio.wait_for(loaded, timeout=STEP_TIMEOUT)

    async def js(self, expression: str) -> Any:
        result = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:80]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def look(self, selector: str) -> dict[str, Any]:
        """How the first element matching ``selector`` is rendered, after scrolling it into
        view: found, displayed (has a box and checkVisibility()), on top (the element hit at
        its centre is it or inside it), its rendered text and its box in page coordinates."""
        return await self.js(f"({LOOK_JS})({json.dumps(selector)})")

    async def click(self, selector: str) -> None:
        """A real mouse click at the element's centre (as a person would)."""
        seen = await self.look(selector)
        assert seen["displayed"] and seen["onTop"], f"cannot click {selector}: {seen}"
        x, y = seen["viewX"], seen["viewY"]
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1
            )

    async def open_blank(self) -> None:
        await self.send("Page.navigate", url="about:blank")

    async def capture(self, clip: dict[str, float]) -> str:
        """The page region ``clip`` (page coordinates) as a base64 PNG, beyond the viewport
        if need be."""
        shot = await self.send(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={**clip, "scale": 1},
        )
        return shot["data"]

    async def screenshot(self, file: Path, clip: dict[str, float]) -> Path:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(base64.b64decode(await self.capture(clip)))
        return file


LOOK_JS = """
(selector) => {
  const el = document.querySelector(selector);
  if (!el) return {found: false, selector};
  el.scrollIntoView({block: 'center', inline: 'nearest'});
  const r = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  const vx = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const vy = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(vx, vy);
  return {
    found: true, selector,
    displayed: r.width > 0 && r.height > 0 &&
      el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}),
    onTop: !!hit && (hit === el || el.contains(hit)),
    text: el.innerText,
    display: style.display, visibility: style.visibility, opacity: style.opacity,
    x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height,
    viewX: vx, viewY: vy,
  };
}
"""


def assert_visible(seen: dict[str, Any]) -> str:
    """The element is really displayed, uncovered; returns its rendered text."""
    assert seen["found"], f"{seen['selector']}: not in the page"
    assert seen["displayed"], f"{seen['selector']}: in the page but not displayed: {seen}"
    assert seen["onTop"], f"{seen['selector']}: displayed but covered by another element: {seen}"
    return seen["text"]


# --- building the reports ------------------------------------------------------------------


def build_report(pytester: pytest.Pytester, doc: dict[str, Any], exit_code: int) -> Path:
    """Run the compliance suite on ``doc`` (emulated) and return its HTML report."""
    files = write_tenant(pytester.path / "tenants", doc)
    run = run_suite(pytester, files.dir, "--reports-dir", str(pytester.path / "out"))
    report = run.outdir / "report.html"
    assert report.is_file(), f"the suite wrote no report (exit {run.ret})"
    assert run.ret == exit_code, run.verdicts
    return report


async def check_strip(
    page: Chromium, expected: dict[str, str], notes: dict[str, str] | None = None
) -> dict[str, str]:
    """Every phase box of the strip displayed, showing its state as text, and under it, in
    the boxes ``notes`` names (only there), how many of its checks were not verified."""
    assert_visible(await page.look(STRIP))
    shown, noted = {}, {}
    for key, (_, label) in PHASES.items():
        text = assert_visible(await page.look(f"{STRIP} > div.phase[data-phase='{key}']"))
        assert label in text, f"phase {key}: box shows {text!r}, not its label {label!r}"
        state, _, note = text.replace(label, "").strip().partition("\n")
        shown[key] = state.strip()
        if note.strip():
            noted[key] = note.strip()
    assert shown == expected
    if notes is not None:
        assert noted == notes
    return shown


async def region(
    page: Chromium, top: str, bottom: str, above: float = 8, below: float = 8
) -> dict[str, float]:
    """The full-width page region from the top of ``top`` to the bottom of ``bottom``, with
    a margin ``above`` and ``below``."""
    first, last = await page.look(top), await page.look(bottom)
    assert first["found"] and last["found"], (first, last)
    y = max(first["y"] - above, 0)
    end = last["y"] + last["height"] + below
    return {"x": 0, "y": y, "width": VIEWPORT["width"], "height": end - y}


COLLAGE = """<body style="margin:0;background:#fff;font:14px system-ui,Arial,sans-serif">
<img src="data:image/png;base64,{top}" style="display:block">
<div style="margin:4px 8px;max-width:1200px;padding:6px 0;color:#555;text-align:center;
border-top:2px dashed #999;border-bottom:2px dashed #999">
&#8942; the passing phases' results are left out of this picture &#8942;</div>
<img src="data:image/png;base64,{bottom}" style="display:block"></body>"""


async def collage(page: Chromium, file: Path, top: dict[str, float], bottom: dict[str, float]):
    """One picture of two regions of the current page, one above the other with a labelled
    divider: the page is not changed, the two real screenshots are laid out on a blank page.
    """
    top_png = await page.capture(top)
    bottom_png = await page.capture(bottom)
    await page.open_blank()
    html = COLLAGE.format(top=top_png, bottom=bottom_png)
    await page.js(
        f"document.documentElement.innerHTML = {json.dumps(html)};"
        "Promise.all([...document.images].map(i => i.decode()))"
    )
    height = await page.js(
        "Math.ceil(document.body.lastElementChild.getBoundingClientRect().bottom)"
    )
    return await page.screenshot(
        file, {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
    )


# --- the tests -----------------------------------------------------------------------------


def test_demo_report_in_a_browser(pytester: pytest.Pytester, chromium: str) -> None:
    report = build_report(pytester, golden_doc(), exit_code=0)

    async def scenario() -> Path:
        async with Chromium(chromium, pytester.path / "profile") as page:
            await page.open(report)
            await check_strip(page, {key: "PASSED" for key in PHASES})
            assert not await page.js(
                f"document.querySelectorAll(\"{TENANT} tr[data-verdict='failed'], "
                f"{TENANT} tr[data-verdict='error'], {TENANT} p.remediation\").length"
            ), "the golden tenant shows a failure or a remediation"
            # pytest-html's own table was rendered by its script, without a script error
            assert_visible(await page.look("#results-table tbody.results-table-row"))
            # a passed check folds its evidence away; one click on "evidence" shows it
            row = f"{TENANT} tr[data-check='FED-04'][data-verdict='passed']"
            assert not (await page.look(f"{row} table.evidence"))["displayed"]
            await page.click(f"{row} details > summary")
            text = assert_visible(await page.look(f"{row} table.evidence"))
            assert "observed" in text and "Okta active key" in text
            errors = page.exceptions + page.console_errors
            assert not errors, f"script errors in the report: {errors}"
            # the tenant's header, phase strip, counts and first results table
            clip = await region(page, TENANT, f"{TENANT} table.results")
            return await page.screenshot(SCREENSHOTS / "report-demo.png", clip)

    shot = asyncio.run(scenario())
    assert shot.stat().st_size > 10_000


def test_failing_report_in_a_browser(pytester: pytest.Pytester, chromium: str) -> None:
    doc = golden_doc()
    expected_sha1 = Certificate(federation(doc, "contoso.com")["signingCertificate"]).sha1
    foreign_certificate(doc)
    observed_sha1 = Certificate(federation(doc, "contoso.com")["signingCertificate"]).sha1
    report = build_report(pytester, doc, exit_code=1)

    async def scenario() -> Path:
        async with Chromium(chromium, pytester.path / "profile") as page:
            await page.open(report)
            shown = await check_strip(page, {k: "FAILED" if k == "5" else "PASSED" for k in PHASES})
            assert shown["5"] == "FAILED"
            # the failing check, its evidence (observed versus expected) and remediation
            row = assert_visible(await page.look(FED04_FAILED))
            assert "FAILED" in row and "[demo-contoso.com]" in row
            evidence = assert_visible(await page.look(f"{FED04_FAILED} table.evidence"))
            observed, _, expected = evidence.partition("expected")
            assert observed.startswith("observed"), evidence  # observed first, then expected
            assert "Entra signingCertificate" in observed and "CN=not-okta" in observed
            assert observed_sha1 in observed and expected_sha1 not in observed
            assert "Okta active key" in expected and expected_sha1 in expected
            remediation = assert_visible(await page.look(f"{FED04_FAILED} p.remediation"))
            assert BY_ID["FED-04"].remediation in remediation
            errors = page.exceptions + page.console_errors
            assert not errors, f"script errors in the report: {errors}"
            # the tenant's header, phase strip and counts; then the failing phase's heading
            # down to the FED-04 row (failures come first in their phase)
            heading = f"{TENANT} h3:has(+ table.results {FED04_FAILED[len(TENANT) + 1 :]})"
            return await collage(
                page,
                SCREENSHOTS / "report-failing.png",
                await region(page, TENANT, f"{TENANT} table.counts"),
                await region(page, heading, FED04_FAILED, below=1),
            )

    shot = asyncio.run(scenario())
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize("ci", ["", "true"])
def test_without_chromium_skip_or_fail_under_ci(monkeypatch: pytest.MonkeyPatch, ci: str) -> None:
    monkeypatch.setattr(f"{__name__}.find_chromium", lambda: None)
    monkeypatch.setenv("CI", ci)
    expected = pytest.fail.Exception if ci else pytest.skip.Exception
    with pytest.raises(expected, match="no Chromium found"):
        require_chromium()


def test_large_tenant_report_in_a_browser(pytester: pytest.Pytester, chromium: str) -> None:
    """A grown tenant where most users never reached Okta: the report stays small and opens,
    each long list shows its first items and how many more; the results file has them all."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import build_synthetic_tenant as synthetic

    from okta_m365_audit.outputs.report import HTML_LIST_LIMIT
    from okta_m365_audit.snapshot import document as snap

    tenant_file = synthetic.build(3000, pytester.path / "big")
    doc = snap.load(tenant_file.parent / "synthetic-3k" / "snapshot.json")
    users = doc["okta"]["users"]["data"]
    doc["okta"]["users"]["data"] = users[::5]  # 4 users in 5 missing from Okta
    missing = len(users) - len(users[::5])
    report = build_report(pytester, doc, exit_code=1)
    assert report.stat().st_size < 2_000_000

    async def scenario() -> str:
        async with Chromium(chromium, pytester.path / "profile") as page:
            await page.open(report)
            row = f"{TENANT} tr[data-check='IMP-01'][data-verdict='failed']"
            text = assert_visible(await page.look(f"{row} table.evidence"))  # failures: open
            errors = page.exceptions + page.console_errors
            assert not errors, f"script errors in the report: {errors}"
            return text

    text = asyncio.run(scenario())
    assert f"and {missing - HTML_LIST_LIMIT} more ({missing} in all)" in text
    [results] = (pytester.path / "out").rglob("results.json")
    table = next(
        r["evidence"]["reconciliation"]
        for r in json.loads(results.read_text())["results"]
        if r["check"] == "IMP-01"
    )
    assert len(table["missing in Okta"]) == missing
