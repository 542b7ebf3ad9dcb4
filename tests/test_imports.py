"""Issue 16: an audit imports only what runs.

Deterministic facts about ``sys.modules``, never timings (shared machines are noisy): the
audit of the demo tenant, run in a fresh interpreter the way ``make demo`` runs it
(``python -m okta_m365_audit run``), does not import ``okta.client`` (the SDK's ~1,100 model
modules: seconds of a small tenant's run) nor any pytest plugin the audit does not ask for
(the dev extra's hypothesis, pytest-randomly... are installed next to it for ``make test``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from okta_m365_audit.__main__ import AUDIT_PLUGINS

from .conftest import ROOT

#: what the audit must never import (the SDK's client class, its API classes, its models)
NEVER = ("okta.client", "okta.api.", "okta.models.application")

_PROBE = """
import json, sys
from okta_m365_audit.cli import main
code = main(["run", *sys.argv[1:]])
print("MODULES=" + json.dumps(sorted(sys.modules)))
raise SystemExit(code)
"""


def test_make_demo_runs_the_audit_command() -> None:
    """``make demo`` runs the audit command (python -m okta_m365_audit run)."""
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^AUDIT\s*:?=\s*\$\(BIN\)/python -m okta_m365_audit$", makefile, re.M)
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "$(AUDIT) run tests_integration" in demo


def _modules_of_demo_run(tmp_path: Path, *extra: str) -> set[str]:
    """The modules the main process of the demo's audit imported, run in a fresh interpreter
    as ``python -m okta_m365_audit run`` runs it (``extra``: more options)."""
    args = ["tests_integration", "--tenant", "demo", "-q", *extra]
    args += ["--reports-dir", str(tmp_path / "reports")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES=")))


def test_the_audit_imports_only_what_runs(tmp_path: Path) -> None:
    """The demo's audit, in a fresh interpreter, as ``python -m okta_m365_audit run`` runs it."""
    modules = _modules_of_demo_run(tmp_path)

    assert "okta.request_executor" in modules  # the probe saw the Okta side run
    imported = sorted(m for m in modules if m.startswith(NEVER))
    assert not imported, f"the audit imported the okta SDK's client or models: {imported[:5]}"

    plugins = entry_points(group="pytest11")
    wanted = {ep.dist.name for ep in plugins if ep.dist and ep.value in AUDIT_PLUGINS}
    unwanted = sorted(
        f"{ep.value} ({ep.dist.name if ep.dist else '?'})"
        for ep in plugins
        if (ep.dist and ep.dist.name) not in wanted and ep.value.split(":")[0] in modules
    )
    assert not unwanted, f"the audit loaded plugins it does not use: {unwanted}"
    for test_only in ("hypothesis", "_hypothesis_pytestplugin", "pytest_randomly"):
        assert test_only not in modules


#: what reads an API (packages, with their modules): the HTTP stacks, the SDKs, the emulator
API_READERS = ("aiohttp", "httpx", "okta", "msgraph", "kiota_http", "azure.identity",
               "okta_m365_audit.emulator")  # fmt: skip


def test_an_xdist_controller_imports_no_api_client(tmp_path: Path) -> None:
    """With ``-n``, the main process places the checks and writes the outputs; its workers
    read the APIs. Its start-up is before any worker starts (every worker waits for it), so
    it imports neither the HTTP stacks nor the SDKs (aiohttp makes its TLS contexts as it is
    imported: 0.3 s of the start-up with httpx), nor the emulator (clients/__init__.py and
    emulator are imported on use)."""
    modules = _modules_of_demo_run(tmp_path, "--no-pdf", "-n", "2")
    assert "xdist.dsession" in modules  # the probe saw a controller
    readers = sorted(m for m in modules
                     if any(m == p or m.startswith(p + ".") for p in API_READERS))  # fmt: skip
    assert not readers, f"the controller imported what reads an API: {readers[:8]}"
