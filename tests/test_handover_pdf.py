"""report.pdf, read back page by page with pypdf: every remediation, skip reason and check ID
of the results document is in it, nothing is cut at a page's edge or break, and a runner
without Chromium gets one line and a manifest note instead of a PDF.

Without Chromium the printing tests are skipped, except under CI (``CI`` set), where a
missing browser fails them (tests/test_browser.py's rule).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from okta_m365_audit.outputs import handover_bundle
from okta_m365_audit.outputs.handover import PHASE_SECTIONS, handover_document
from okta_m365_audit.outputs.handover import specific_remediation as remedy
from okta_m365_audit.outputs.handover_bundle import Handover, print_all
from okta_m365_audit.outputs.handover_pdf import PdfError, print_pdf

from .test_browser import require_chromium
from .test_handover import HOSTILE, _doc, failing_bundle

A4_WIDTH = 595.3  #: points


def _squeezed(text: str) -> str:
    """Text with every whitespace removed: a value wrapped over lines (or pages) still
    matches."""
    return re.sub(r"\s+", "", text)


def pdf_pages(path_or_bytes: Path | bytes) -> list[str]:
    import io

    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:  # the page is A4 wide, so nothing was laid out beyond it
        assert float(page.mediabox.width) == pytest.approx(A4_WIDTH, abs=1)
    return [page.extract_text() or "" for page in reader.pages]


def test_failing_tenants_pdf_holds_every_remediation_skip_reason_and_check(pytester, golden):
    require_chromium()
    folder = failing_bundle(pytester, golden)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert "report.pdf" in manifest["files"] and "notes" not in manifest
    doc = json.loads((folder / "results.json").read_text())
    pages = pdf_pages(folder / "report.pdf")
    assert len(pages) >= 5 and all(p.strip() for p in pages)
    text = _squeezed("".join(pages))

    assert _squeezed(HOSTILE) in text
    assert _squeezed("3 findings, 3 critical, 1 waived") in text
    missing = []
    for r in doc["results"]:
        assert r["check"] in text
        wanted = []
        if r["verdict"] in ("failed", "error", "waived"):
            wanted += [remedy(r), r["message"]]
        if r["verdict"] in ("skipped", "not_due"):
            wanted.append(r["message"])
        missing += [(r["testId"], w) for w in wanted if _squeezed(w) not in text]
    assert not missing
    assert any(r["verdict"] == "skipped" for r in doc["results"])  # a skip reason was seen

    # the last row of each phase's table is printed whole (its title, item and evidence)
    for key in PHASE_SECTIONS:
        rows = sorted((r for r in doc["results"] if r["phase"] == key),
                      key=lambda r: (r["check"], r.get("item") or "", r["testId"]))  # fmt: skip
        if rows:
            last = rows[-1]
            for value in (last["title"], last.get("item") or "tenant"):
                assert _squeezed(value) in text, (key, value)
    assert doc["snapshot"]["sha256"] in text  # the appendix, on the last pages
    assert "Appendix" in pages[-1] or "Appendix" in pages[-2]


def test_long_tokens_and_wide_tables_wrap_inside_the_page():
    """A 100-character UPN, a long URL and an 8-column table of long values: each is in the
    PDF whole (once line breaks are removed), on A4 pages."""
    chromium = require_chromium()
    upn = "a" * 60 + ".very.long.local.part@" + "subdomain-" * 3 + "contoso.onmicrosoft.com"
    url = "https://login.microsoftonline.com/" + "x" * 80 + "/wsfed?wtrealm=urn:federation:x"
    doc = _doc()
    doc["results"][0]["item"] = upn
    doc["results"][0]["evidence"] = {
        "observed": [{f"column{i}": f"{'v' * 30}-{i}-{n}" for i in range(8)} for n in range(3)],
        "expected": {"passiveLogOnUri": url},
    }
    pages = pdf_pages(print_pdf(handover_document(doc), chromium))
    text = _squeezed("".join(pages))
    assert upn in text and url in text
    for n in range(3):
        assert f"{'v' * 30}-7-{n}" in text  # the last column of every row


def _handover() -> Handover:
    return Handover(_doc(), {"results.json": "{}\n"})


def test_no_chromium_is_one_line_and_a_manifest_note(monkeypatch):
    monkeypatch.setattr(handover_bundle, "find_chromium", lambda: None)
    hands, lines = [_handover(), _handover()], []
    print_all(hands, True, lines.append)
    assert len(lines) == 1 and lines[0].startswith("okta-m365-audit: report.pdf not written: ")
    for hand in hands:
        assert hand.pdf is None and "report.pdf" not in hand.bundle_files()
        assert hand.notes() == [f"report.pdf: not written: {hand.pdf_note}"]
        assert "no Chromium found" in hand.notes()[0]
        assert "report.pdf: not written: no Chromium found" in hand.bundle_files()["handover.html"]


def test_a_chromium_that_fails_is_one_line_naming_why(monkeypatch, tmp_path):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(handover_bundle, "find_chromium", lambda: str(broken))
    hand, lines = _handover(), []
    print_all([hand], True, lines.append)
    assert hand.pdf is None
    assert hand.pdf_note == "Chromium printed no PDF (exit 3: cannot open display)"
    assert lines == [
        "okta-m365-audit: report.pdf not written for acme: Chromium printed no PDF (exit 3: "
        "cannot open display); handover.html is complete"
    ]


def test_no_pdf_is_noted_and_says_nothing(monkeypatch):
    hand, lines = _handover(), []
    print_all([hand], False, lines.append)
    assert lines == [] and hand.notes() == ["report.pdf: not written: turned off (--no-pdf)"]


# --- the browser started with the run (outputs/chromium.py) --------------------------------


def test_the_started_browser_prints_what_a_one_shot_chromium_prints():
    from okta_m365_audit.outputs.chromium import PrintingBrowser

    chromium = require_chromium()
    html = _handover().html()
    browser = PrintingBrowser(chromium)
    try:
        first, second = browser.print_pdf(html), browser.print_pdf(html)  # one after another
    finally:
        browser.close()
    one_shot = pdf_pages(print_pdf(html, chromium))
    assert pdf_pages(first) == one_shot == pdf_pages(second)
    assert not browser.folder.exists()  # its profile is removed
    assert _running(browser.pid) == []  # and it is gone, helpers included


def test_documents_printed_in_the_kept_page_are_each_their_own():
    """The browser prints every document in one page (a new renderer per print cost as
    much again): two tenants' documents, one after the other, each give their own PDF,
    page for page what a one-shot print of it gives; the second holds nothing of the
    first. A page that ended is replaced by a new one."""
    from okta_m365_audit.outputs.chromium import PrintingBrowser

    chromium = require_chromium()
    alpha = _handover().html().replace("acme", "tenantalphaonly")
    bravo = _handover().html().replace("acme", "tenantbravoonly")
    assert alpha != bravo
    browser = PrintingBrowser(chromium)
    try:
        first = pdf_pages(browser.print_pdf(alpha))
        browser._pending.append({"sessionId": browser._session, "method": "Page.loadEventFired"})
        second = pdf_pages(browser.print_pdf(bravo))  # a stale load event is not its own
        kept = browser._target
        browser._command("Target.closeTarget", {"targetId": kept})  # the page ends under it
        third = pdf_pages(browser.print_pdf(alpha))  # in a page of its own
        assert browser._target not in (None, kept)
    finally:
        browser.close()
    assert first == pdf_pages(print_pdf(alpha, chromium)) == third
    assert second == pdf_pages(print_pdf(bravo, chromium))
    assert "tenantalphaonly" in "".join(first)
    assert "tenantalphaonly" not in "".join(second)


def test_the_page_is_opened_while_the_run_goes_on(monkeypatch):
    """The browser started with the run opens its page at once, on a thread: the first
    print finds it open. Closed while the page is still opening, the browser ends at once,
    its helpers with it. A browser whose page cannot be opened (no answer) prints nothing
    and says why at once, so the prints go to the one-shot Chromium without waiting."""
    from okta_m365_audit.outputs import chromium as module

    monkeypatch.setattr(module, "find_chromium", require_chromium)
    browser = module.start_printing_browser()
    assert browser is not None
    try:
        for thread in threading.enumerate():  # the page opening, on its thread
            if thread.name == "chromium-page":
                thread.join(30)
        assert browser._target is not None  # open before any print was asked
        assert browser.print_pdf(_handover().html()).startswith(b"%PDF-")
        # printed in it, or (its renderer ended, as a just-started Chromium's sometimes
        # do: 1 in 8 here) in the page that replaced it
        assert browser._target is not None
    finally:
        browser.close()
    quick = module.start_printing_browser()
    assert quick is not None
    started = time.monotonic()
    quick.close()  # its page is still being opened: the close does not wait for it
    assert time.monotonic() - started < 5
    assert _running(quick.pid) == [] and not quick.folder.exists()
    mute = module.PrintingBrowser(require_chromium())
    monkeypatch.setattr(module, "OPEN_TIMEOUT", 1.0)
    try:
        os.killpg(mute.pid, signal.SIGSTOP)  # Chromium and its helpers stopped: no answer
        mute._open_page()
        started = time.monotonic()
        with pytest.raises(PdfError, match="its page could not be opened"):
            mute.print_pdf(_handover().html())
        assert time.monotonic() - started < 1
    finally:
        os.killpg(mute.pid, signal.SIGCONT)
        mute.close()


def test_a_browser_that_died_is_replaced_by_a_one_shot_print(monkeypatch):
    from okta_m365_audit.outputs.chromium import PrintingBrowser

    chromium = require_chromium()
    browser = PrintingBrowser(chromium)
    os.killpg(browser.pid, signal.SIGKILL)
    monkeypatch.setattr(handover_bundle, "find_chromium", lambda: chromium)
    hand, lines = _handover(), []
    try:
        print_all([hand], True, lines.append, browser)
    finally:
        browser.close()
    assert lines == [] and hand.pdf is not None and hand.pdf.startswith(b"%PDF-")


def test_a_browser_that_is_not_chromium_ends_in_the_one_shot_note(monkeypatch, tmp_path):
    from okta_m365_audit.outputs.chromium import PrintingBrowser

    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(handover_bundle, "find_chromium", lambda: str(broken))
    browser = PrintingBrowser(str(broken))
    hand, lines = _handover(), []
    try:
        print_all([hand], True, lines.append, browser)
    finally:
        browser.close()
    assert hand.pdf is None
    assert hand.pdf_note == "Chromium printed no PDF (exit 3: cannot open display)"


def test_the_browser_ends_with_the_process_that_started_it(tmp_path):
    """A run killed (or ended by os._exit, as the command does) leaves no Chromium behind:
    its pipe closes, and Chromium exits."""
    chromium = require_chromium()
    code = (
        "import os, sys\n"
        "from okta_m365_audit.outputs.chromium import PrintingBrowser\n"
        f"b = PrintingBrowser({chromium!r})\n"
        "print(b.pid, flush=True)\n"
        "os._exit(0)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)  # fmt: skip
    group = int(run.stdout.split()[0])
    deadline = time.monotonic() + 20
    while _running(group) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _running(group)
    if left:
        os.killpg(group, signal.SIGKILL)
    assert left == [], "Chromium outlived the process that started it by 20 s"


def _running(group: int) -> list[int]:
    """The processes of a process group that still run (a zombie, ended but not yet reaped
    by an init that does not reap, is not running)."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":  # state, ppid, pgrp
            running.append(int(stat.parent.name))
    return running
