"""The benchmark's measurements of our own code: ``collect()`` as a run does it, and the
whole suite. Each worker runs in a fresh process (benchmarks/run.py spawns it) and returns
its figures; the helpers here are shared with the naive reader (naive.py)."""

from __future__ import annotations

import asyncio
import json
import resource
import time
from pathlib import Path
from typing import Any

DEMO = Path(__file__).resolve().parents[1] / "tenants" / "demo.yaml"


def usage() -> tuple[float, float]:
    """(CPU seconds, peak RSS MiB) of this process so far.

    The peak is /proc's VmHWM: Linux carries ``ru_maxrss`` over fork and exec, so a worker
    would report its parent's peak as its own."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    peak = ru.ru_maxrss / 1024
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    except OSError:
        pass
    return ru.ru_utime + ru.ru_stime, peak


def import_sdks() -> float:
    """Import the SDKs before the clock starts: a one-off cost of any run, not of a tenant."""
    started = time.perf_counter()
    import msgraph  # noqa: F401
    import okta.client  # noqa: F401
    from msgraph import GraphServiceClient  # noqa: F401
    from msgraph.generated.models.user_collection_response import (  # noqa: F401
        UserCollectionResponse,  # the naive reader's models: imported, not timed
    )

    import okta_m365_audit.collect.collector  # noqa: F401

    return time.perf_counter() - started


def fixed_cost(measure: Any) -> tuple[float, int]:
    """(CPU seconds, objects) of reading the demo tenant (155 objects) in this warm process:
    what any tenant costs before its size counts (the SDKs load keys and sign tokens, the
    clients are built, one GC pass). Read twice; the first pays one-off lazy imports."""
    from okta_m365_audit.config import load_tenant
    from okta_m365_audit.emulator.process import EmulatorProcess

    cfg = load_tenant(DEMO)
    with EmulatorProcess(cfg.resolve(cfg.emulator.snapshot), DEMO) as emu:
        measure(cfg, emu)
        cpu0, _ = usage()
        objects = measure(cfg, emu)
        cpu1, _ = usage()
    return cpu1 - cpu0, objects


def worker_collect(tenant_file: Path) -> dict[str, Any]:
    from okta_m365_audit.collect.collector import collect
    from okta_m365_audit.collect.costs import floor_of
    from okta_m365_audit.config import load_tenant
    from okta_m365_audit.emulator import emulator_for

    imports = import_sdks()

    def demo(cfg: Any, emu: Any) -> int:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
        return floor_of(doc).objects

    fixed_cpu, fixed_objects = fixed_cost(demo)
    cfg = load_tenant(tenant_file)
    with emulator_for(cfg) as emu:
        cpu0, rss0 = usage()
        t0 = time.perf_counter()
        doc = asyncio.run(collect(cfg, emu.endpoints(cfg.m365.cloud), emu.as_of))
        wall = time.perf_counter() - t0
        cpu1, rss1 = usage()
        log = emu.requests
    gets = [r for r in log if r.method == "GET"]
    return {
        "wall_s": wall,
        "cpu_s": cpu1 - cpu0,
        "rss_peak_mib": rss1,
        "rss_before_mib": rss0,
        "imports_s": imports,
        "fixed_cpu_s": fixed_cpu,
        "fixed_objects": fixed_objects,
        "requests": len(gets),
        "token_requests": len(log) - len(gets),
        "partial": doc["meta"]["partial"],
    }


def worker_run(tenants_dir: Path, reports_dir: Path, extra: list[str]) -> dict[str, Any]:
    """The whole suite in a fresh interpreter, as ``make demo`` runs it (``python -m
    okta_m365_audit run``: the audit's plugins only): a cold process whose
    figures include python's and pytest's start-up and every import.

    The plugin times its stages (okta_m365_audit/plugin/timing.py) into a side file, one
    line per process: start-up (spawn to the plugin's configure), pytest's collection of the
    check modules, the checks (the tenant's data collection among them), the outputs
    (pytest-html, JUnit XML, results, bundles, fleet page) and the exit; with ``-n``, each
    worker's start-up, from the moment the controller starts its workers."""
    import os
    import subprocess
    import sys

    reports_dir.mkdir(parents=True, exist_ok=True)
    timings = reports_dir / "timings.jsonl"
    timings.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["OKTA_M365_AUDIT_TIMINGS"] = str(timings)
    cmd = [sys.executable, "-m", "okta_m365_audit", "run", "tests_integration",
           "--tenants-dir", str(tenants_dir), "--reports-dir", str(reports_dir),
           "-q", "-p", "no:cacheprovider", *extra]  # fmt: skip
    t0 = time.time()
    proc = subprocess.run(cmd, cwd=DEMO.parents[1], env=env, capture_output=True, text=True)
    wall = time.time() - t0
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
    lines = [json.loads(x) for x in timings.read_text().splitlines()] if timings.exists() else []
    main = next((x for x in lines if x.get("worker") is None), {})
    workers = [x for x in lines if x.get("worker") is not None]
    out: dict[str, Any] = {"wall_s": wall, "exit_code": proc.returncode}
    if main:
        # an xdist controller collects no checks: its workers do (their own lines)
        collected = main.get("collected", main.get("session_start", main["configure"]))
        parts = {
            "startup_s": main["configure"] - t0,
            "collection_s": collected - main["configure"],
            "checks_s": main["checks_done"] - collected,
            "tenant_collect_s": main.get("tenant_collect_s", 0.0),
            "outputs_s": main["outputs_done"] - main["checks_done"],
            "exit_s": t0 + wall - main["outputs_done"],
        }
        out |= {"parts": parts, "cpu_s": main["cpu_s"], "rss_peak_mib": main["rss_peak_mib"]}
    if workers:
        spawn = main.get("workers_spawn", t0)
        out["workers"] = [
            {
                "worker": w["worker"],
                "startup_s": w["configure"] - spawn,
                "collection_s": w.get("collected", w["configure"]) - w["configure"],
                "tenant_collect_s": w.get("tenant_collect_s", 0.0),
                "cpu_s": w["cpu_s"],
                "rss_peak_mib": w["rss_peak_mib"],
            }
            for w in sorted(workers, key=lambda w: w["worker"])
        ]
        out["rss_peak_mib"] = max(
            [out.get("rss_peak_mib", 0.0)] + [w["rss_peak_mib"] for w in workers]
        )
    return out
