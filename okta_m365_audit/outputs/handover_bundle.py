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
    if not handovers:
        return
    chromium = find_chromium() if pdf else None
    if not pdf or chromium is None:
        why = (
            "turned off (--no-pdf)"
            if not pdf
            else "no Chromium found ($CHROMIUM, chromium, chromium-browser); install "
            "Debian's chromium package to have it"
        )
        for hand in handovers:
            hand.pdf_note = why
        if pdf:  # asked for and not possible: said once, in one line
            say(f"okta-m365-audit: {PDF_FILE} not written: {why}; handover.html is complete")
        return

    def one(hand: Handover) -> None:
        try:
            hand.pdf = print_pdf(hand.html(), chromium)
        except PdfError as exc:
            hand.pdf_note = str(exc)

    left = handovers
    if browser is not None:
        left = []
        for hand in handovers:
            try:
                hand.pdf = browser.print_pdf(hand.html())
            except PdfError:
                left.append(hand)  # printed below, by a Chromium of its own
    with ThreadPoolExecutor(max_workers=PARALLEL_PRINTS) as pool:
        list(pool.map(one, left))
    failed = [h for h in handovers if h.pdf_note]
    if failed:
        tenants = ", ".join(h.doc["tenant"] for h in failed)
        say(
            printable(
                f"okta-m365-audit: {PDF_FILE} not written for {tenants}: {failed[0].pdf_note};"
                " handover.html is complete"
            )
        )
