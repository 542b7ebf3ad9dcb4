"""A bundle's handover document and its PDF, made before the bundle is written.

The document's appendix lists the bundle's other files with their SHA-256, so it is built
from the files about to be written; the PDF is printed from the document; and the manifest,
written last by results.write_bundle, hashes all of them and notes a PDF that could not be
made. Printing is the slow step (a Chromium start, 1-2 s): a browser started with the run
(chromium.py) prints each document in a few tenths of a second; without it (or where it
fails), each tenant gets a Chromium of its own, a few at a time.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.terminal import printable
from .chromium import PrintingBrowser
from .handover import HANDOVER_FILE, PDF_FILE, handover_document
from .handover_pdf import PdfError, find_chromium, print_pdf
from .results import sha256_file

#: Chromium processes printing at once (each takes a core while it lays out)
PARALLEL_PRINTS = max(1, min(4, (os.cpu_count() or 2) // 2))


def _listing(files: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name -> {sha256, bytes} of the files about to be written (as write_bundle writes
    them: text as UTF-8)."""
    out: dict[str, dict[str, Any]] = {}
    for name, src in files.items():
        if isinstance(src, Path):
            try:
                out[name] = {"sha256": sha256_file(src), "bytes": src.stat().st_size}
            except OSError:
                continue  # write_bundle names the file that cannot be read
            continue
        data = src if isinstance(src, bytes) else src.encode("utf-8")
        out[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    return out


@dataclass
class Handover:
    """One tenant's handover document, from its results document and bundle files."""

    doc: dict[str, Any]
    files: dict[str, Any]
    logo_uri: str | None = None
    pdf: bytes | None = None
    pdf_note: str | None = None
    dropped: bool = False  #: replaced by a newer document of the same tenant (Printer.drop)

    def __post_init__(self) -> None:
        self.listing = _listing(self.files)

    def html(self) -> str:
        return handover_document(
            self.doc, logo_uri=self.logo_uri, files=self.listing, pdf_note=self.pdf_note
        )

    def bundle_files(self) -> dict[str, Any]:
        files = dict(self.files) | {HANDOVER_FILE: self.html()}
        if self.pdf is not None:
            files[PDF_FILE] = self.pdf
        return files

    def notes(self) -> list[str]:
        return [f"{PDF_FILE}: not written: {self.pdf_note}"] if self.pdf_note else []


class Printer:
    """Prints handover documents to PDF while the caller goes on building the next ones.

    With a browser started with the run (chromium.py), a thread prints each document as it
    is added: the printing is Chromium's work, on another core, so it overlaps the building
    of the other tenants' documents and the writing of the run-wide reports. A document it
    cannot print, or every document when there is no such browser, is printed at
    ``finish`` by a Chromium of its own, a few at a time. ``finish`` notes, once for the run,
    why no PDF is printed when none can be."""

    def __init__(
        self, pdf: bool, say: Callable[[str], None], browser: PrintingBrowser | None = None
    ) -> None:
        self.pdf, self.say, self.browser = pdf, say, browser
        self.chromium = find_chromium() if pdf else None
        self.handovers: list[Handover] = []
        self._left: list[Handover] = []  # for a Chromium of their own
        self._queue: queue.SimpleQueue[Handover | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        if self.chromium is not None and browser is not None:
            self._thread = threading.Thread(target=self._print_queued, name="pdf", daemon=True)
            self._thread.start()

    def add(self, hand: Handover) -> None:
        self.handovers.append(hand)
        if self._thread is not None:
            self._queue.put(hand)
        elif self.chromium is not None:
            self._left.append(hand)

    def drop(self, hand: Handover) -> None:
        """A document replaced by a newer one: not printed (if not yet), not reported."""
        hand.dropped = True
        if hand in self.handovers:
            self.handovers.remove(hand)

    def _print_queued(self) -> None:
        assert self.browser is not None
        while (hand := self._queue.get()) is not None:
            if hand.dropped:
                continue
            try:
                hand.pdf = self.browser.print_pdf(hand.html())
            except PdfError:
                self._left.append(hand)  # printed at finish, by a Chromium of its own
            except Exception as exc:  # never lose the document: noted, the bundle is written
                hand.pdf_note = f"not printed ({type(exc).__name__}: {exc})"

    def finish(self) -> None:
        """Every added document printed, or noted why not."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if not self.handovers:
            return
        if not self.pdf or self.chromium is None:
            why = (
                "turned off (--no-pdf)"
                if not self.pdf
                else "no Chromium found ($CHROMIUM, chromium, chromium-browser); install "
                "Debian's chromium package to have it"
            )
            for hand in self.handovers:
                hand.pdf_note = why
            if self.pdf:  # asked for and not possible: said once, in one line
                self.say(
                    f"okta-m365-audit: {PDF_FILE} not written: {why}; handover.html is complete"
                )
            return
        chromium = self.chromium

        def one(hand: Handover) -> None:
            try:
                hand.pdf = print_pdf(hand.html(), chromium)
            except PdfError as exc:
                hand.pdf_note = str(exc)

        with ThreadPoolExecutor(max_workers=PARALLEL_PRINTS) as pool:
            list(pool.map(one, [h for h in self._left if not h.dropped]))
        self._left = []
        failed = [h for h in self.handovers if h.pdf_note]
        if failed:
            tenants = ", ".join(h.doc["tenant"] for h in failed)
            self.say(
                printable(
                    f"okta-m365-audit: {PDF_FILE} not written for {tenants}: "
                    f"{failed[0].pdf_note}; handover.html is complete"
                )
            )


def print_all(
    handovers: list[Handover],
    pdf: bool,
    say: Callable[[str], None],
    browser: PrintingBrowser | None = None,
) -> None:
    """Print each handover document to PDF; or note, once for the run, why none is.
    ``browser``: one started when the run started (chromium.py), printing one document
    after another in a few tenths of a second each; a document it cannot print is printed
    by a Chromium of its own, as without it."""
    printer = Printer(pdf, say, browser)
    for hand in handovers:
        printer.add(hand)
    printer.finish()
