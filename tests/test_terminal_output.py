"""Tenant data never writes raw to the terminal: no forged CI log line, no escape sequence.

A federation's sign-in URI (API data that FED-03 quotes in its failure message) carries a
newline followed by a GitHub Actions workflow command, an ANSI clear-screen, and a bidi
override. The suite's whole console output must hold none of them raw, while the message
still shows them, escaped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SUITE, golden_doc, write_tenant
from tests.scenarios.helpers import federation

HOSTILE = "https://evil.example/x\n::error::forged\x1b[2J\u202ereversed"


def test_failure_messages_are_printable(tmp_path: Path) -> None:
    doc = golden_doc()
    federation(doc, "contoso.com")["passiveSignInUri"] = HOSTILE
    files = write_tenant(tmp_path / "tenants", doc)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", str(SUITE), "--tenants-dir", str(files.dir),
         "--reports-dir", str(tmp_path / "reports"), "-p", "no:randomly",
         "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-rA", "--no-pdf"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode == 1, output[-3000:]
    assert "test_fed_03" in output and "FAILED" in output
    assert not any(line.lstrip("E ").startswith("::error::") for line in output.splitlines())
    assert "\x1b" not in output and "\u202e" not in output
    assert "x\\n::error::forged\\x1b[2J\\u202ereversed" in output  # shown, escaped
