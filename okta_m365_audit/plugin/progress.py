"""A tenant's collection as the operator sees it while it runs.

In a terminal, one live line is rewritten in place (pytest's own "collecting ..." way:
``TerminalReporter.rewrite``), at most ten times a second, and replaced by a summary line
when the collection ends. In a log (no terminal, e.g. CI), plain lines: one per read as it
ends (per-item reads, such as one app's users, only when they were retried or failed, so
a tenant of 200 apps does not print 200 lines), then the summary. With ``-q`` only the
summary and the reads that were retried or failed are printed. xdist workers print nothing
(their output is not shown); neither does a replay of a snapshot (nothing is read).

The lines are written with pytest's capture suspended, as its live logging does: the
collection runs inside a fixture, where output is otherwise captured.
"""

from __future__ import annotations

import shutil
import time
from typing import Any

import pytest

from ..collect.progress import NO_PROGRESS, Progress, page_objects, read_label
from ..core.terminal import printable
from ..snapshot import document as snap

#: the live line is rewritten at most this often (seconds)
LIVE_INTERVAL = 0.1


class TerminalProgress(Progress):
    """Shows one tenant's collection on pytest's terminal."""

    def __init__(self, config: pytest.Config, tenant: str) -> None:
        self.reporter = config.pluginmanager.get_plugin("terminalreporter")
        self.capture = config.pluginmanager.get_plugin("capturemanager")
        self.live = bool(getattr(self.reporter, "isatty", False))
        self.detail = config.get_verbosity() >= 0
        self.tenant = tenant
        self.started = time.monotonic()
        self.running: dict[str, tuple[int, int, int]] = {}  #: label -> pages, objects, retries
        self.done = self.failed = self.pages = self.objects = self.retries = 0
        self.shown = 0.0

    def reading(
        self, res: snap.Resource, key: str | None, pages: int, objects: int, retries: int
    ) -> None:
        self.running[read_label(res, key)] = (pages, objects, retries)
        if self.live and time.monotonic() - self.shown >= LIVE_INTERVAL:
            self._rewrite(self._live_text())

    def read_done(self, res: snap.Resource, key: str | None, record: dict[str, Any]) -> None:
        label = read_label(res, key)
        self.running.pop(label, None)
        pages = record.get("pages") or 0
        objects = page_objects(res, record.get("data")) if record.get("ok") and pages else 0
        #: attempts beyond one per page (a read of no page, e.g. a 404 that is an answer,
        #: made one): the SDKs' retries and the collector's
        retries = max(0, (record.get("requests") or 0) - max(pages, 1))
        self.done += 1
        self.failed += not record.get("ok")
        self.pages += record.get("pages") or 0
        self.objects += objects
        self.retries += retries
        notable = retries or not record.get("ok")
        if not self.live and (notable or (self.detail and not res.per_parent)):
            self._line(f"{self.tenant}: {label}: {_read_text(record, objects, retries)}")

    def finished(self) -> None:
        """The collection ended (whatever its outcome): the summary line."""
        seconds = time.monotonic() - self.started
        text = (
            f"{self.tenant}: collected {self.done} reads, {self.pages} pages, "
            f"{self.objects:,} objects in {seconds:.1f} s"
            + (f", {self.retries} retried" if self.retries else "")
            + (f", {self.failed} FAILED (their checks ERROR)" if self.failed else "")
        )
        if self.live:
            self._rewrite(text)
            self._write(lambda: self.reporter.line(""))
        else:
            self._line(text)

    def _live_text(self) -> str:
        slowest = max(self.running.items(), key=lambda kv: kv[1][0], default=None)
        text = f"{self.tenant}: collecting: {self.done} reads done, {len(self.running)} running"
        if slowest is not None:
            label, (pages, objects, retries) = slowest
            text += f"; {label}: {pages} pages, {objects:,} objects"
            text += f", retry {retries}" if retries else ""
        return text + f" ({time.monotonic() - self.started:.0f} s)"

    def _rewrite(self, text: str) -> None:
        self.shown = time.monotonic()
        width = max(20, shutil.get_terminal_size().columns - 1)
        self._write(lambda: self.reporter.rewrite(text[:width], erase=True))

    def _line(self, text: str) -> None:
        self._write(lambda: self.reporter.write_line(text))

    def _write(self, write: Any) -> None:
        if self.capture is None:
            write()
            return
        with self.capture.global_and_fixture_disabled():
            write()


def _read_text(record: dict[str, Any], objects: int, retries: int) -> str:
    pages = record.get("pages") or 0
    text = f"{pages} page{'s' * (pages != 1)}, {objects:,} object{'s' * (objects != 1)}"
    text += f", {retries} retried" if retries else ""
    if not record.get("ok"):
        error = record.get("error") or {}
        text += (
            f", FAILED ({printable(error.get('status', '?'))} {printable(error.get('code', ''))})"
        )
    return text


def progress_for(config: pytest.Config, tenant: str) -> Progress:
    """The watcher of a tenant's collection: on the terminal, except on an xdist worker or
    when pytest has no terminal reporter."""
    if (
        hasattr(config, "workerinput")
        or config.pluginmanager.get_plugin("terminalreporter") is None
    ):
        return NO_PROGRESS
    return TerminalProgress(config, tenant)
