"""Synthetic tenants served as a real tenant is: by a standalone emulator already running.

A run against a customer's tenant starts no emulator and reaches its APIs over the network
(``endpoints``, a CA), the services already up elsewhere. The whole-run and fleet figures
measure that run: each tenant's emulator is started here, before the timed run, as
``okta-m365-audit emulator --write-tenant`` (the rehearsal set-up, README "Rehearse a
customer setup"), with the injected latency, and the run reads the tenant file it wrote:
no ``emulator:`` block, the audit's real-tenant path. The emulators still run on this
machine and take its CPU while they serve; their start-up is outside the timed run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 600.0  #: a 100k-user snapshot takes a while to load


def machine_busy_seconds() -> float:
    """CPU seconds every process on this machine has used so far (all cores; /proc/stat,
    0 elsewhere): Chromium's printing included, which no process figure of ours holds."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class Served:
    """Standalone emulators, one per tenant, stopped when the ``with`` block ends."""

    def __init__(self) -> None:
        self._procs: list[subprocess.Popen[str]] = []

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *_exc: Any) -> None:
        for proc in self._procs:
            if proc.stdin is not None:
                proc.stdin.close()  # --until-stdin-closes: it ends
        for proc in self._procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()

    def cpu_seconds(self) -> float:
        """CPU the emulators have used so far (user and system, from /proc; 0 elsewhere):
        on this machine they share its cores with the run they serve."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        for proc in self._procs:
            try:
                fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return total

    def serve(self, synthetic_file: Path, tenants_dir: Path, state_dir: Path) -> Path:
        """Serve a synthetic tenant (its snapshot, latency and ``expect:``) and write the
        tenant file that reaches it, named as the synthetic one, into ``tenants_dir``."""
        data = yaml.safe_load(synthetic_file.read_text())
        backend = data["emulator"]
        snapshot = (synthetic_file.parent / backend["snapshot"]).resolve()
        tenants_dir.mkdir(parents=True, exist_ok=True)
        written = tenants_dir / synthetic_file.name
        cmd = [
            sys.executable, "-m", "okta_m365_audit.emulator", "--json", "--until-stdin-closes",
            "--snapshot", str(snapshot), "--tenant", str(synthetic_file),
            "--state-dir", str(state_dir), "--write-tenant", str(written), "--force",
            "--latency-ms", str(backend.get("latency_ms", 0)),
            "--jitter-ms", str(backend.get("latency_jitter_ms", 0)),
        ]  # fmt: skip
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._procs.append(proc)
        line = proc.stdout.readline() if proc.stdout is not None else ""
        if not line.strip():
            raise SystemExit(f"the standalone emulator for {synthetic_file} did not start")
        info = json.loads(line)
        # the synthetic tenant's request budget (above what its size asks for), so the run
        # measures round trips, not the polite default throttle
        if "limits" in data:
            extra = yaml.safe_dump({"limits": data["limits"]}, sort_keys=False)
            written.write_text(written.read_text() + "\n" + extra)
        assert Path(info["tenantFile"]).resolve() == written.resolve()
        return written
