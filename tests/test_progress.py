"""Collection progress: plain lines in a log, one live line in a terminal, nothing raw.

A run that prints nothing until its collection ends looks hung on a large tenant; a log
must show which read is slow, retried or failed. The unit tests drive the plugin's watcher
with pytest's real TerminalReporter (writing to a buffer); one run of the demo tenant checks
the lines a CI log gets.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _pytest.terminal import TerminalReporter

from okta_m365_audit.collect.progress import page_objects, read_label
from okta_m365_audit.plugin.progress import TerminalProgress
from okta_m365_audit.snapshot import document as snap
from tests.conftest import ROOT

USERS = snap.resource("okta", "users")
APP_USERS = next(r for r in snap.RESOURCES if r.api == "okta" and r.per_parent)


def _watcher(
    config: pytest.Config, monkeypatch: pytest.MonkeyPatch, tty: bool
) -> tuple[TerminalProgress, io.StringIO]:
    monkeypatch.setenv("COLUMNS", "200")  # the live line is cut at the terminal's width
    out = io.StringIO()
    reporter = TerminalReporter(config, out)
    reporter.isatty = tty
    watcher = TerminalProgress(config, "acme")
    watcher.reporter, watcher.capture, watcher.live = reporter, None, tty
    return watcher, out


def _read(ok: bool = True, pages: int = 1, requests: int = 1, data: object = ()) -> dict:
    record = {"ok": ok, "pages": pages, "requests": requests, "data": list(data)}
    if not ok:
        record["error"] = {"status": 403, "code": "E0000006\n::error::forged"}
    return record


def test_objects_are_counted_in_every_page_shape() -> None:
    assert page_objects(USERS, [{}, {}, {}]) == 3
    assert (
        page_objects(snap.resource("graph", "users"), {"@odata.nextLink": "x", "value": [{}]}) == 1
    )
    assert page_objects(snap.resource("okta", "domains"), {"domains": [{}, {}]}) == 2
    assert page_objects(snap.resource("okta", "org"), {"id": "00o1"}) == 1


def test_a_log_gets_one_line_per_read_and_a_summary(
    pytestconfig: pytest.Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    watcher, out = _watcher(pytestconfig, monkeypatch, tty=False)
    watcher.reading(USERS, None, 0, 0, 0)
    watcher.read_done(USERS, None, _read(pages=3, requests=5, data=[{}] * 600))
    watcher.read_done(APP_USERS, "0oa1", _read())  # an item's read, neither retried nor failed
    watcher.read_done(APP_USERS, "0oa2\x1b[2J", _read(ok=False, pages=0))
    watcher.finished()
    lines = out.getvalue().splitlines()
    assert lines[0] == "acme: okta users: 3 pages, 600 objects, 2 retried"
    failed = "0 pages, 0 objects, FAILED (403 E0000006\\n::error::forged)"
    assert lines[1] == f"acme: okta {APP_USERS.name} 0oa2\\x1b[2J: {failed}"
    assert lines[2].startswith("acme: collected 3 reads, 4 pages, 600 objects in ")
    assert lines[2].endswith(", 2 retried, 1 FAILED (their checks ERROR)")
    assert len(lines) == 3 and "\x1b" not in out.getvalue()


def test_a_terminal_gets_one_live_line(
    pytestconfig: pytest.Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    watcher, out = _watcher(pytestconfig, monkeypatch, tty=True)
    watcher.reading(USERS, None, 2, 400, 1)
    watcher.read_done(USERS, None, _read(pages=3, requests=4, data=[{}] * 600))
    watcher.finished()
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")  # rewritten in place, then ended
    assert (
        "acme: collecting: 0 reads done, 1 running; okta users: 2 pages, 400 objects, retry 1"
        in text
    )
    assert text.rstrip().rsplit("\r", 1)[-1].startswith("acme: collected 1 reads, 3 pages")


def test_read_labels_escape_tenant_data() -> None:
    assert read_label(APP_USERS, "0oa\n::error::x") == f"okta {APP_USERS.name} 0oa\\n::error::x"


def test_a_run_in_a_log_shows_its_collection(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    run = subprocess.run(
        [sys.executable, "-m", "okta_m365_audit", "run", "--tenant", "demo", "--no-pdf",
         "--tenants-dir", str(ROOT / "tenants"), "--reports-dir", str(tmp_path / "reports")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert "demo: okta users: 1 page, 33 objects" in lines
    summary = [line for line in lines if line.startswith("demo: collected ")]
    assert len(summary) == 1 and "FAILED" not in summary[0]
    assert "\r" not in run.stdout  # no live line in a log
