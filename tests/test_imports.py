"""Issue 16: an audit imports only what runs.

Deterministic facts about ``sys.modules``, never timings (shared machines are noisy): the
audit of the demo tenant, run in a fresh interpreter the way ``make demo`` runs it, does not
import ``okta.client`` (the SDK's ~1,100 model modules: seconds of a small tenant's run) nor
any pytest plugin the audit does not ask for (the dev extra's hypothesis, pytest-randomly...
are installed next to it for ``make test``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from .conftest import ROOT

#: what the audit must never import (the SDK's client class and its models)
NEVER = ("okta.client", "okta.api.", "okta.models.application")

_PROBE = """
import json, sys
import pytest
code = pytest.main(sys.argv[1:])
print("MODULES=" + json.dumps(sorted(sys.modules)))
raise SystemExit(int(code))
"""


def audit_plugins() -> list[str]:
    """The ``-p`` plugins the Makefile's audit command names (``AUDIT_PLUGINS``)."""
    makefile = (ROOT / "Makefile").read_text()
    line = re.search(r"^AUDIT_PLUGINS\s*:?=\s*(.*)$", makefile, re.M)
    assert line, "Makefile: AUDIT_PLUGINS, the plugins an audit loads, is missing"
    return line.group(1).split()


def test_make_demo_runs_the_audit_command() -> None:
    """``make demo`` runs the audit with plugin autoloading off and its plugins named."""
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^AUDIT\s*:?=\s*PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 ", makefile, re.M)
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "$(AUDIT) tests_integration" in demo


def test_the_audit_imports_only_what_runs(tmp_path: Path) -> None:
    args = [*audit_plugins(), "tests_integration", "--tenant", "demo", "-q"]
    args += ["--reports-dir", str(tmp_path / "reports")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES="))
    modules = set(json.loads(line.removeprefix("MODULES=")))

    assert "okta.request_executor" in modules  # the probe saw the Okta side run
    imported = sorted(m for m in modules if m.startswith(NEVER))
    assert not imported, f"the audit imported the okta SDK's client or models: {imported[:5]}"

    named = {a for a in audit_plugins() if a != "-p"}
    plugins = entry_points(group="pytest11")
    wanted = {ep.dist.name for ep in plugins if ep.dist and ep.value in named}
    unwanted = sorted(
        f"{ep.value} ({ep.dist.name if ep.dist else '?'})"
        for ep in plugins
        if (ep.dist and ep.dist.name) not in wanted and ep.value.split(":")[0] in modules
    )
    assert not unwanted, f"the audit loaded plugins it does not use: {unwanted}"
    for test_only in ("hypothesis", "_hypothesis_pytestplugin", "pytest_randomly"):
        assert test_only not in modules
