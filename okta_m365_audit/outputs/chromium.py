"""A headless Chromium started when the run starts, to print the handover PDFs at its end.

A cold Chromium takes a second or more to start, which on a small tenant is a third of the
whole run (issue 16). Started at session start, it comes up while the tenant is collected
and checked, and at the end each print is a page load and ``Page.printToPDF``: a few tenths
of a second. It is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
requests on file descriptor 3, answers on 4, each a JSON text ending in a NUL byte), so it
opens no port any other process could reach. It runs with the same flags as the one-shot
print (handover_pdf.PRINT_FLAGS: no network, a temporary profile), in a process group of its
own, which ends when this process ends, however it ends (see ``WATCH``).

Anything that goes wrong (it did not start, died, or answered nonsense) raises PdfError; the
caller then prints with a one-shot Chromium as before, so a pre-started browser can make a
run faster, never make its PDF missing.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .handover_pdf import PRINT_FLAGS, PdfError, find_chromium

#: seconds the browser may take to answer one command (a page load included)
COMMAND_TIMEOUT = 60.0
#: the largest answer read (a PDF of a 100k-user tenant's document is a few MB, base64)
MAX_MESSAGE = 256 * 1024 * 1024
#: The group's leader is a shell that starts Chromium and then waits on file descriptor 5,
#: the read end of a pipe whose write end only this process holds: when this process ends,
#: however it ends (killed, ``os._exit``), the pipe closes and the shell kills the group.
#: Chromium alone does not notice a pipe closed while it starts, and would outlive the run.
SHELL = "/bin/sh"
WATCH = '"$@" 5<&- & read _ <&5; kill -KILL 0'
#: messages kept that no one has waited for yet (events of other pages are dropped beyond)
MAX_PENDING = 200
#: pages opened, at most, until one has loaded a document (``open_page_soon``), and the
#: seconds each answer may take then (a page opens in a fraction of a second once Chromium
#: is up, and Chromium is up in 1-2 s; one that does not answer prints nothing either)
OPEN_TRIES = 3
OPEN_TIMEOUT = 20.0


class PrintingBrowser:
    """One headless Chromium, printing one document at a time (a lock serialises prints)."""

    def __init__(self, chromium: str) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="okta-m365-audit-chromium-"))
        to_child, self._send = os.pipe()
        self._receive, from_child = os.pipe()
        lifeline, self._lifeline = os.pipe()  #: only this process holds the write end
        cmd = [chromium, *PRINT_FLAGS, f"--user-data-dir={self.folder / 'profile'}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--no-sandbox")  # Chromium's sandbox refuses to start as root
        cmd += ["--remote-debugging-pipe"]
        devnull = os.open(os.devnull, os.O_RDWR)
        try:
            self.pid = os.posix_spawn(  # the group's leader: the shell that watches
                SHELL,
                [SHELL, "-c", WATCH, "okta-m365-audit-chromium", *cmd],
                {k: v for k, v in os.environ.items() if k != "CHROME_DEVEL_SANDBOX"},
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, devnull, 0),
                    (os.POSIX_SPAWN_DUP2, devnull, 1),
                    (os.POSIX_SPAWN_DUP2, devnull, 2),
                    (os.POSIX_SPAWN_DUP2, to_child, 3),
                    (os.POSIX_SPAWN_DUP2, from_child, 4),
                    (os.POSIX_SPAWN_DUP2, lifeline, 5),
                ],
                setsid=True,
            )
        except OSError as exc:
            self._close_fds(self._send, self._receive, self._lifeline)
            shutil.rmtree(self.folder, ignore_errors=True)
            raise PdfError(f"Chromium ({chromium}) cannot be started: {exc.strerror}") from None
        finally:
            self._close_fds(devnull, to_child, from_child, lifeline)
        os.set_blocking(self._receive, False)
        self._buffer = b""
        self._pending: list[dict[str, Any]] = []
        self._next_id = 0
        #: the page the documents are printed in (``_page``), once opened
        self._target: str | None = None
        self._session: str | None = None
        self._timeout = COMMAND_TIMEOUT  #: for each answer (shorter while the page opens)
        #: why this browser prints nothing (its page could not be opened), once known
        self._unusable: str | None = None
        self._lock = threading.Lock()
        self._closed = False

    # --- the protocol ---

    def _command(self, method: str, params: dict[str, Any], session: str | None = None) -> Any:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._send, data) :]
        except OSError as exc:
            raise PdfError(f"Chromium is gone ({exc.strerror})") from None
        return self._wait(lambda m: m.get("id") == self._next_id, method, session)

    def _wait(self, wanted: Any, what: str, session: str | None = None) -> dict[str, Any]:
        """Read messages until one is ``wanted``; return its result (or the event's
        params). Messages not wanted yet are kept: an event (a page's load) may come before
        the answer to the command that caused it. The page of ``session`` gone (its
        renderer ended) ends the wait at once."""
        deadline = time.monotonic() + self._timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                self._pending.append(json.loads(raw))
            for message in self._pending:
                if (
                    session
                    and message.get("sessionId") == session
                    and message.get("method") in ("Inspector.detached", "Target.detachedFromTarget")
                ):
                    reason = message.get("params", {}).get("reason", "detached")
                    raise PdfError(f"Chromium's page ended before {what} ({reason})")
                if wanted(message):
                    self._pending.remove(message)
                    if "error" in message:
                        error = message["error"].get("message")
                        raise PdfError(f"Chromium refused {what}: {error}")
                    return message.get("result", message.get("params", {}))
            del self._pending[:-MAX_PENDING]  # what no one waits for (other events)
            left = deadline - time.monotonic()
            if left <= 0:
                raise PdfError(f"Chromium did not answer {what} within {self._timeout:.0f} s")
            ready, _, _ = select.select([self._receive], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._receive, 1 << 20)
            if not chunk:
                raise PdfError("Chromium ended before it printed")
            self._buffer += chunk
            if len(self._buffer) > MAX_MESSAGE:
                raise PdfError("Chromium's answer is larger than any handover PDF")

    # --- what the bundles ask of it ---

    def print_pdf(self, html: str) -> bytes:
        """The PDF of ``html``, printed as the one-shot ``--print-to-pdf`` prints it (A4 by
        the document's print CSS, backgrounds, no header or footer)."""
        with self._lock:
            if self._closed:
                raise PdfError("the browser was closed")
            if self._unusable:
                raise PdfError(self._unusable)
            kept = self._session is not None
            try:
                try:
                    return self._print(html)
                except PdfError as exc:
                    if "page ended" not in str(exc) and not kept:
                        raise
                    # the first page's renderer of a just-started Chromium can crash
                    # (seen with Debian's chromium 156 as root), and a kept page's renderer
                    # may have ended since the last print: once more, in a new page
                    return self._print(html)
            except (ValueError, KeyError, TypeError) as exc:  # JSON or base64 not as sent
                raise PdfError(f"Chromium answered what is not a PDF ({exc})") from None
            except OSError as exc:  # the temporary folder: disk full, read-only
                error = exc.strerror or exc
                raise PdfError(f"its temporary files cannot be written ({error})") from None

    def _page(self) -> str:
        """The session of the page the documents are printed in, opened at the first print
        and kept: a new page is a new renderer process, which cost as much CPU again as the
        print itself (a 300-user tenant's 37-page document on the 2-core benchmark machine: 1.8
        s of CPU a print in a new page, 0.85-0.96 s in the kept one; the same PDF bytes).
        The page holds one document at a time, each replacing the last; the handover
        documents run no script."""
        if self._session is None:
            target = self._command("Target.createTarget", {"url": "about:blank"})["targetId"]
            self._target = target
            self._session = self._command(
                "Target.attachToTarget", {"targetId": target, "flatten": True}
            )["sessionId"]
            self._command("Page.enable", {}, self._session)
        return self._session

    def _close_page(self) -> None:
        """After a print that failed: the next one opens a page of its own."""
        target, self._target, self._session = self._target, None, None
        if target is not None:
            with contextlib.suppress(PdfError):
                self._command("Target.closeTarget", {"targetId": target})

    def _load(self, session: str, url: str) -> None:
        """The page of ``session`` shows ``url``, loaded."""
        # nothing the page said about the document before counts for this one
        self._pending = [m for m in self._pending if m.get("sessionId") != session]
        loaded = self._command("Page.navigate", {"url": url}, session)
        if loaded.get("errorText"):
            raise PdfError(f"Chromium did not load the document ({loaded['errorText']})")
        self._wait(
            lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session,
            "the page load",
            session,
        )

    def _print(self, html: str) -> bytes:
        try:
            with tempfile.TemporaryDirectory(dir=self.folder) as tmp:
                page = Path(tmp) / "handover.html"
                page.write_text(html, "utf-8")
                session = self._page()
                self._load(session, page.as_uri())
                result = self._command(
                    "Page.printToPDF",
                    {"printBackground": True, "preferCSSPageSize": True,
                     "displayHeaderFooter": False},
                    session,
                )  # fmt: skip
        except BaseException:
            self._close_page()
            raise
        data = base64.b64decode(result["data"], validate=True)
        if not data.startswith(b"%PDF-"):
            raise PdfError("Chromium printed no PDF")
        return data

    def open_page_soon(self) -> None:
        """Open the page the documents are printed in now, on a thread, while the run reads
        and checks: its renderer's start (a quarter to a third of a second of the first
        print) is then not at the run's end. The page loads an empty document of the same
        kind (a file), so the renderer that prints is the one started here; the first
        renderer of a just-started Chromium ends as it loads its first document ("Render
        process gone", Debian's chromium 156 as root, every time), and a new page is then
        opened, up to ``OPEN_TRIES`` in all, after which the first print opens one itself.
        A Chromium that does not answer, or refuses, is given up (``_open_page``)."""
        threading.Thread(target=self._open_page, name="chromium-page", daemon=True).start()

    def _open_page(self) -> None:
        """A renderer that ended is replaced (``OPEN_TRIES`` in all); anything else (no
        answer within ``OPEN_TIMEOUT``, a refusal) makes the browser unusable at once, so
        the prints go to the one-shot Chromium instead of waiting on this one."""
        with self._lock:
            self._timeout = OPEN_TIMEOUT
            try:
                for _ in range(OPEN_TRIES):
                    if self._closed:
                        return
                    try:
                        blank = self.folder / "blank.html"
                        blank.write_text("<!DOCTYPE html><title>-</title>", "utf-8")
                        self._load(self._page(), blank.as_uri())
                        return
                    except (PdfError, OSError, ValueError, KeyError, TypeError) as exc:
                        self._close_page()
                        if not isinstance(exc, PdfError) or "page ended" not in str(exc):
                            self._unusable = f"its page could not be opened ({exc})"
                            return
            finally:
                self._timeout = COMMAND_TIMEOUT

    def close(self) -> None:
        """End Chromium and its helpers, and remove its profile."""
        if not self._closed:  # the group first: a page being opened stops waiting at once
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
        with self._lock:
            if self._closed:
                return
            self._closed = True
            # the lifeline closes: the watching shell ends the group (and so do we, at once)
            self._close_fds(self._send, self._receive, self._lifeline)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            shutil.rmtree(self.folder, ignore_errors=True)

    @staticmethod
    def _close_fds(*fds: int) -> None:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)


def start_printing_browser() -> PrintingBrowser | None:
    """A browser started now for the PDFs printed at the run's end; None when there is no
    Chromium or it cannot be started (the end of the run then says so, or prints one-shot)."""
    chromium = find_chromium()
    if chromium is None:
        return None
    try:
        browser = PrintingBrowser(chromium)
    except PdfError:
        return None
    browser.open_page_soon()
    return browser
