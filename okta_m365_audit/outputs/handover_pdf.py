"""``report.pdf``: the handover document printed by headless Chromium (``--print-to-pdf``).

Chromium's print engine is the one the document's print CSS was written for (and the one
tests/test_browser.py drives), and Debian's ``chromium`` package is what CI installs; no
Python PDF library lays out HTML tables as faithfully. The print runs with a timeout, in a
temporary profile, with the network unreachable (every host name resolves to nothing; the
page's CSP loads nothing anyway), without Chromium's header and footer (they would print the
file's temporary path), and with ``--no-sandbox`` only when running as root, where
Chromium's sandbox cannot start (CI runs as root).

When Chromium is missing or fails, :class:`PdfError` says why in one line; the caller notes
it in the bundle's manifest and the terminal, and the HTML document stands on its own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

#: seconds one print may take (a cold start is 1-2 s; a 100k-user tenant's document more)
PRINT_TIMEOUT = 120.0

#: no network, no background services (without network they stall start-up), no GPU
PRINT_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pdf-header-footer",
)


class PdfError(Exception):
    """Why report.pdf was not written (one line)."""


def find_chromium() -> str | None:
    """$CHROMIUM, else Debian's ``chromium`` (or ``chromium-browser``) on the PATH."""
    candidates = [os.environ.get("CHROMIUM")]
    candidates += [shutil.which(n) for n in ("chromium", "chromium-browser")]
    candidates.append("/usr/bin/chromium")
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End Chromium and its helpers (one process group: start_new_session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def print_pdf(html: str, chromium: str, timeout: float = PRINT_TIMEOUT) -> bytes:
    """The PDF of ``html`` as Chromium prints it (A4, the document's print CSS)."""
    try:
        return _print(html, chromium, timeout)
    except OSError as exc:  # the temporary folder: disk full, no space left, read-only
        raise PdfError(f"its temporary files cannot be written ({exc.strerror or exc})") from None


def _print(html: str, chromium: str, timeout: float) -> bytes:
    with tempfile.TemporaryDirectory(prefix="okta-m365-audit-pdf-") as tmp:
        folder = Path(tmp)
        page, out = folder / "handover.html", folder / "report.pdf"
        page.write_text(html, "utf-8")
        cmd = [chromium, *PRINT_FLAGS, f"--user-data-dir={folder / 'profile'}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--no-sandbox")  # Chromium's sandbox refuses to start as root
        cmd += [f"--print-to-pdf={out}", page.as_uri()]
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            raise PdfError(f"Chromium ({chromium}) cannot be started: {exc.strerror}") from None
        try:
            log, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(proc)
            raise PdfError(f"Chromium did not print within {timeout:.0f} s") from None
        finally:
            _stop(proc)  # helpers that outlive the browser process
        data = out.read_bytes() if out.is_file() else b""
        if proc.returncode != 0 or not data.startswith(b"%PDF-"):
            last = [ln for ln in log.decode("utf-8", "replace").splitlines() if ln.strip()]
            why = last[-1].strip().replace(tmp, "<temp>")[:200] if last else "no output"
            raise PdfError(f"Chromium printed no PDF (exit {proc.returncode}: {why})")
        return data
