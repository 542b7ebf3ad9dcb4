"""The benchmark's printed report: the machine, then figures and ratios for each size and
for the fleet. It reports; it judges nothing about time."""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path
from typing import Any


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem, 1),
            "python": platform.python_version(), "os": platform.platform(),
            "reference_loop_s": reference_loop_s()}  # fmt: skip


def reference_loop_s(tries: int = 3) -> float:
    """Seconds one core takes for a fixed pure-Python loop (10 million additions), the best
    of ``tries``: the same model name has been seen here on VMs 2-3 times apart in speed,
    and most of a small tenant's run is CPU, so figures from two machines (or two days)
    compare only beside this one."""
    best = float("inf")
    for _ in range(tries):
        start, total = time.perf_counter(), 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return round(best, 2)


def _marginal(cpu: float, objects: int, figures: dict[str, Any]) -> float:
    """CPU seconds per 1,000 objects beyond the demo tenant's (the fixed cost of a tenant)."""
    extra = objects - figures["fixed_objects"]
    return (cpu - figures["fixed_cpu_s"]) / (extra / 1000) if extra > 0 else float("nan")


def _parts(parts: dict[str, float]) -> str:
    """A whole run's stages (plugin/timing.py), in seconds. "Waiting for data": the part
    of the checks spent waiting for tenants' collections (started ahead, while pytest
    collected and other tenants were checked: the rest of each overlapped other work)."""
    return (
        f"start-up {parts['startup_s']:.2f} s, collection {parts['collection_s']:.2f} s, "
        f"checks {parts['checks_s']:.2f} s (waiting for data {parts['tenant_collect_s']:.2f} s), "
        f"outputs {parts['outputs_s']:.2f} s, exit {parts['exit_s']:.2f} s"
    )


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


NO_PDF = "without the handover PDF (--no-pdf)"
WITH_PDF = "the handover PDF printed (as make demo prints it)"


def _fleet_cpu(run: dict[str, Any], cores: int) -> str:
    """The CPU a fleet run used: the audit's and the emulators' processes, and the whole
    machine's (Chromium printing the PDFs included), and the wall time that bounds on this
    machine's cores for any schedule of the same work."""
    audit = run.get("cpu_s", 0.0) + sum(w["cpu_s"] for w in run.get("workers", []))
    emulators, busy = run.get("emulators_cpu_s", 0.0), run.get("machine_busy_s", 0.0)
    return (
        f"the audit's processes {audit:.1f} s, the emulators' {emulators:.1f} s; the "
        f"machine busy {busy:.1f} s of {cores * run['wall_s']:.1f} s ({cores} cores x wall): "
        f"no run on it can take less than {busy / cores:.1f} s"
    )


def report(sizes: list[dict[str, Any]], fleet: dict[str, Any] | None, args: argparse.Namespace,
           host: dict[str, Any]) -> str:  # fmt: skip
    lat = args.latency_ms / 1000
    lines = [
        f"machine: {host['cpu']}, {host['cores']} cores, {host['memory_gib']} GiB, "
        f"Python {host['python']}; a 10-million-step Python loop takes "
        f"{host.get('reference_loop_s', float('nan')):.2f} s on one core (speed reference)",
        f"latency injected: {args.latency_ms:g} ms per request"
        + (f" + up to {args.jitter_ms:g} ms jitter" if args.jitter_ms else ""),
        "whole runs: " + (NO_PDF if getattr(args, "no_pdf", False) else WITH_PDF),
        "",
    ]
    for s in sizes:
        f, o = s["facts"], s["ours"]
        floor_s = f["chain"] * lat
        per_k = o["cpu_s"] / (f["objects"] / 1000)
        marginal_k = _marginal(o["cpu_s"], f["objects"], o)
        lines += [
            f"{s['users']:,} users ({f['objects']:,} objects)",
            f"  requests            {o['requests']:>10,}   floor {f['floor_requests']:,}   "
            f"({_ratio(o['requests'], f['floor_requests'])}; +{o['token_requests']} token)",
            f"  collection wall     {o['wall_s']:>10.1f} s latency floor {floor_s:.1f} s "
            f"({_ratio(o['wall_s'], floor_s)})",
            f"  collection CPU      {o['cpu_s']:>10.2f} s = {per_k:.4f} s per 1,000 objects "
            f"(SDK imports before: {o['imports_s']:.1f} s)",
            f"    of which fixed    {o['fixed_cpu_s']:>10.2f} s a tenant (keys, tokens, clients)",
            f"    marginal          {marginal_k:>10.4f} s per 1,000 objects beyond that",
            f"  collection peak RSS {o['rss_peak_mib']:>10.0f} MiB",
        ]
        if "run" in s:
            r = s["run"]
            lines += [
                f"  whole run wall      {r['wall_s']:>10.1f} s ({_ratio(r['wall_s'], floor_s)} "
                f"the latency floor), exit {r['exit_code']}",
                f"  whole run peak RSS  {r.get('rss_peak_mib', 0):>10.0f} MiB; HTML report "
                f"{(r['html_bytes'] or 0) / 1e6:.2f} MB",
            ]
            if "parts" in r:
                lines.append("  whole run parts     " + _parts(r["parts"]))
        if "naive" in s:
            n, nf = s["naive"], s["naive_full"]
            large_objects = sum(f["large_counts"].values())
            n_objects = sum(v["objects"] for v in n["lists"].values())
            n_per_k = n["cpu_s"] / (n_objects / 1000)
            n_marginal_k = _marginal(n["cpu_s"], n_objects, n)
            tag = (
                " (extrapolated from the first " + f"{n_objects:,} objects)"
                if nf["sampled"]
                else ""
            )
            lines += [
                f"  naive, 3 large lists{tag}:",
                f"    requests          {nf['requests']:>10,}   ours {f['large_floor']:,} "
                f"({_ratio(nf['requests'], f['large_floor'])} more)",
                f"    wall              {nf['wall_s']:>10.1f} s "
                f"({_ratio(nf['wall_s'], o['wall_s'])} ours)",
                f"    CPU per 1,000     {n_per_k:>10.3f} s ({_ratio(n_per_k, per_k)} ours)",
                f"    marginal          {n_marginal_k:>10.3f} s per 1,000 "
                f"({_ratio(n_marginal_k, marginal_k)} ours)",
                f"    peak RSS          {n['rss_peak_mib']:>10.0f} MiB "
                f"(for {n_objects:,} objects of {large_objects:,})",
            ]
        lines.append("")
    if fleet:
        ser, par = fleet["serial"], fleet["parallel"]
        lines += [
            f"fleet: {fleet['tenants']} tenants of {fleet['users']:,} users",
            f"  serial              {ser['wall_s']:>10.1f} s, exit {ser['exit_code']}",
            f"  pytest -n {args.workers:<9} {par['wall_s']:>10.1f} s, exit {par['exit_code']} "
            f"({_ratio(ser['wall_s'], par['wall_s'])} faster)",
        ]
        split = fleet.get("split")
        if split:
            lines.append(
                f"  {args.workers} serial runs at once {split['wall_s']:>6.1f} s, exit "
                f"{split['exit_code']} ({_ratio(ser['wall_s'], split['wall_s'])} faster): "
                f"1/{args.workers} of the tenants each, no xdist (none of its costs; each "
                f"prints its own PDFs)"
            )
        for label, run in (("serial", ser), (f"-n {args.workers}", par), ("runs at once", split)):
            if run:
                lines.append(f"  {label + ' CPU':<20}" + _fleet_cpu(run, host["cores"]))
        if "parts" in ser:
            lines.append("  serial parts        " + _parts(ser["parts"]))
        if "parts" in par:
            lines.append("  -n parts            " + _parts(par["parts"]))
        for w in par.get("workers", []):
            lines.append(
                f"    worker {w['worker']:<10} start-up {w['startup_s']:.2f} s, "
                f"waiting for data {w['tenant_collect_s']:.1f} s, CPU {w['cpu_s']:.1f} s"
            )
    return "\n".join(lines)
