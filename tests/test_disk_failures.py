"""A full disk is one line per output that could not be written, never a traceback or a
half-written file.

The run gets a file-size limit (RLIMIT_FSIZE, with SIGXFSZ ignored, so a write past it fails
with EFBIG as a write to a full disk fails with ENOSPC): small enough that the snapshot
cannot be saved, or that pytest-html's run-wide report cannot, while smaller outputs can.
Whatever could not be written is named with its path and the OS error; the run's exit
status is not 0; no file under the reports folder is empty, truncated or a leftover
temporary file, and every manifest matches the files it lists.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from okta_m365_audit.outputs.results import verify_manifest
from tests.conftest import SUITE, golden_doc, write_tenant


def _limit(max_bytes: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


@pytest.mark.parametrize(
    ("max_kib", "unwritable"),
    [(100, "snapshot.json"), (200, ".html")],
    ids=["snapshot-too-large", "report-too-large"],
)
def test_a_full_disk_is_named_not_a_traceback(tmp_path: Path, max_kib: int, unwritable: str):
    files = write_tenant(tmp_path / "tenants", golden_doc())
    reports = tmp_path / "reports"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", str(SUITE), "--tenants-dir", str(files.dir),
         "--reports-dir", str(reports), "-p", "no:randomly", "-p", "no:cacheprovider",
         "-p", "no:hypothesispytest", "-q"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        preexec_fn=_limit(max_kib * 1024),
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode not in (0, 3), output[-3000:]
    assert "Traceback" not in output and "INTERNALERROR" not in output, output[-3000:]
    named = [line for line in output.splitlines() if "File too large" in line]
    assert any(unwritable in line for line in named), output[-3000:]
    for path in reports.rglob("*"):
        if path.is_dir():
            continue
        assert not path.name.endswith(".tmp"), f"left behind: {path}"
        assert path.stat().st_size > 0, f"an empty output: {path}"
        if path.suffix == ".json":
            json.loads(path.read_text("utf-8"))  # complete, not cut off
        if path.suffix == ".html":
            assert path.read_text("utf-8").rstrip().endswith("</html>"), f"cut off: {path}"
    for manifest in reports.glob("*/manifest.json"):
        assert verify_manifest(manifest.parent) == [], manifest
