"""Benchmark: collection and whole-run cost from 50 to 100k users, against the floors.

    .venv/bin/python benchmarks/run.py                       # 10k and 100k, 100 ms latency
    .venv/bin/python benchmarks/run.py --sizes 50,300,2k --fleet 20   # the tenants MSPs have
    .venv/bin/python benchmarks/run.py --sizes 300 --quick   # what CI runs

For each size it generates a synthetic tenant (scripts/build_synthetic_tenant.py; seeded,
cached under benchmarks/.work/, never committed), serves it from the emulator in a child
process with the injected latency, and measures, each in a fresh process so figures do
not leak between measurements:

- **ours**: ``collect()`` as a run does it. Requests made against the pagination floor
  (okta_m365_audit/collect/costs.py), wall time against the latency floor (longest sequential
  chain x latency), CPU seconds per 1,000 objects, peak RSS.
- **naive**: the obvious SDK code: typed list calls (SDK models), default page sizes, the
  same ``$select`` (the checks need those fields), one list after another, for the three
  lists that grow with the tenant
  (Okta users, Office 365 app users, Entra users). Above ``--naive-max-objects`` per list
  it stops and its time and requests are extrapolated from what it read (said so).
- **run**: the whole suite (``pytest tests_integration``: collect, every check, HTML
  report, results JSON, evidence bundle) on that tenant in a cold process, run as
  ``make demo`` runs an audit: its wall time, its parts (start-up, pytest's collection,
  checks, outputs, exit; timed by the plugin) and peak RSS.
- **fleet** (``--fleet N``): N tenants (``--fleet-size``, 300 users by default), serial and
  with ``pytest -n`` (``--workers``, 2 by default), each worker's start-up measured; and
  the ceiling for ``-n`` on this machine: the fleet dealt into that many serial runs of
  their own, run at once (no xdist).

It prints figures and ratios; it asserts nothing about time (machines are shared and
noisy: report ratios from one run). It exits 1 only on deterministic facts: requests made
other than the pagination floor, a partial collection, a failed run. ``--json FILE`` also
writes the figures as JSON; every size has ``whole_run_s``, ``latency_floor_s``,
``requests`` and ``floor_requests`` at its top level.

This file is the command line and the orchestration; the workers live in measure.py (ours:
collection and the whole run) and naive.py (the naive SDK reader), the printout in report.py.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from measure import worker_collect, worker_run  # noqa: E402
from naive import LARGE_LISTS, naive_full, worker_naive  # noqa: E402
from report import machine, report  # noqa: E402
from served import Served, machine_busy_seconds  # noqa: E402


def parse_size(text: str) -> int:
    text = text.strip().lower()
    return int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


def _spawn(*args: str) -> dict[str, Any]:
    """Run one worker in a fresh interpreter; its last stdout line is its JSON figures."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"benchmark worker {args[0]} failed (exit {proc.returncode})")
    return json.loads(lines[-1])


# --- the orchestration -------------------------------------------------------------------------


def ensure_tenant(users: int, seed: int, latency_ms: float, jitter_ms: float, in_process: bool,
                  folder: Path, name: str | None = None) -> Path:  # fmt: skip
    """Generate a synthetic tenant once; reuse it while size, seed and generator agree."""
    import build_synthetic_tenant as synthetic

    name = name or f"synthetic-{synthetic.size_label(users)}"
    stamp = folder / f"{name}.stamp"
    generator = (ROOT / "scripts" / "build_synthetic_tenant.py").stat().st_mtime_ns
    scripts = ROOT / "scripts"
    builder = max(  # the demo builder: its command and its package
        p.stat().st_mtime_ns
        for p in (scripts / "build_demo_tenant.py", *(scripts / "demo_builder").glob("*.py"))
    )
    want = f"users={users} seed={seed} gen={generator} build={builder}"
    snapshot = folder / name / "snapshot.json"
    if not (snapshot.exists() and stamp.exists() and stamp.read_text() == want):
        synthetic.build(users, folder, seed, name=name)
        stamp.write_text(want)
    tenant_file = folder / f"{name}.yaml"
    tenant_file.write_text(
        synthetic.tenant_yaml(name, latency_ms, jitter_ms, separate_process=not in_process),
        encoding="utf-8",
    )
    return tenant_file


def served_facts(tenant_file: Path) -> dict[str, Any]:
    """Floors and counts of the snapshot the emulator serves (what the tenant holds)."""
    from okta_m365_audit.collect import costs
    from okta_m365_audit.config import load_tenant
    from okta_m365_audit.snapshot import document as snap

    cfg = load_tenant(tenant_file)
    doc = snap.load(cfg.resolve(cfg.emulator.snapshot))
    floor = costs.floor_of(doc)
    counts = {}
    for api, name in LARGE_LISTS:
        entry = doc[api][name]
        read = next(iter(entry.values())) if snap.resource(api, name).per_parent else entry
        counts[f"{api}.{name}"] = len(read["data"])
    app_id = doc["okta"]["office365Apps"]["data"][0]["id"]
    ours_large = sum(
        v
        for k, v in floor.per_read.items()
        if k.split("[")[0] in {f"{a}.{n}" for a, n in LARGE_LISTS}
    )
    return {
        "floor_requests": floor.requests,
        "objects": floor.objects,
        "chain": floor.chain,
        "chain_of": floor.chain_of,
        "large_counts": counts,
        "large_floor": ours_large,
        "app_id": app_id,
    }


def bench_size(users: int, args: argparse.Namespace) -> dict[str, Any]:
    folder = WORK / "tenants"
    tenant_file = ensure_tenant(users, args.seed, args.latency_ms, args.jitter_ms, False, folder)
    facts = served_facts(tenant_file)
    print(f"\n== {users:,} users: {facts['objects']:,} objects; pagination floor "
          f"{facts['floor_requests']} requests; longest chain {facts['chain']} requests "
          f"({facts['chain_of']})", flush=True)  # fmt: skip
    ours = _spawn("collect", str(tenant_file))
    print(f"   ours collected: {ours['wall_s']:.1f} s, {ours['requests']} requests", flush=True)
    result: dict[str, Any] = {"users": users, "facts": facts, "ours": ours}
    if not args.skip_naive:
        naive = _spawn("naive", str(tenant_file), facts["app_id"], str(args.naive_max_objects))
        result["naive"] = naive
        result["naive_full"] = naive_full(naive, facts)
        print(f"   naive read: {naive['wall_s']:.1f} s", flush=True)
    if not args.skip_run:
        run_dir = WORK / "run" / tenant_file.stem
        shutil.rmtree(run_dir, ignore_errors=True)
        with Served() as served:  # as a real tenant's APIs are: up before the run starts
            served.serve(tenant_file, run_dir / "tenants", run_dir / "emulator-state")
            run = _spawn("run", str(run_dir / "tenants"), str(run_dir / "reports"), *_pdf(args))
        html = sorted((run_dir / "reports").glob("audit-*.html"))
        run["html_bytes"] = html[-1].stat().st_size if html else None
        result["run"] = run
        print(f"   whole run: {run['wall_s']:.1f} s, exit {run['exit_code']}", flush=True)
    # the figures every size has, under stable keys (--json)
    result |= {
        "requests": ours["requests"],
        "floor_requests": facts["floor_requests"],
        "latency_floor_s": facts["chain"] * args.latency_ms / 1000,
        "whole_run_s": result["run"]["wall_s"] if "run" in result else None,
    }
    return result


def _pdf(args: argparse.Namespace) -> list[str]:
    return ["--no-pdf"] if args.no_pdf else []


def bench_fleet(args: argparse.Namespace) -> dict[str, Any]:
    """N tenants (copies of one synthetic size under different names), serial vs -n."""
    users = parse_size(args.fleet_size)
    fleet_dir = WORK / f"fleet-{args.fleet}x{users}"
    shutil.rmtree(fleet_dir, ignore_errors=True)
    tenants = fleet_dir / "tenants"
    out: dict[str, Any] = {"tenants": args.fleet, "users": users}
    with Served() as served:  # each tenant's emulator, up before the runs start
        for i in range(args.fleet):
            synthetic = ensure_tenant(users, args.seed + i, args.latency_ms, args.jitter_ms,
                                      False, fleet_dir / "served",
                                      name=f"fleet-{i:02d}")  # fmt: skip
            served.serve(synthetic, tenants, fleet_dir / f"emulator-state-{i:02d}")

        def whole(label: str, *extra: str) -> Callable[[], dict[str, Any]]:
            return lambda: _spawn("run", str(tenants), str(fleet_dir / f"reports-{label}"),
                                  *extra, *_pdf(args))  # fmt: skip

        for label, run in (
            ("serial", whole("serial", "-p", "no:xdist")),
            ("parallel", whole("parallel", "-n", str(args.workers))),
            ("split", lambda: split_runs(tenants, fleet_dir, args)),
        ):
            before, busy = served.cpu_seconds(), machine_busy_seconds()
            out[label] = run()
            out[label]["emulators_cpu_s"] = served.cpu_seconds() - before
            out[label]["machine_busy_s"] = machine_busy_seconds() - busy
            print(f"   fleet {label}: {out[label]['wall_s']:.1f} s", flush=True)
    return out


def split_runs(tenants: Path, fleet_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The fleet dealt into ``--workers`` parts, each audited by a serial run of its own, all
    at once: what that many processes reach on this machine with none of xdist's costs (no
    controller, no report crossing between processes, each collecting only its tenants).
    Without the PDFs it is the ceiling for ``-n``: no schedule of the same work over xdist's
    processes beats it by much. With them it is another set-up: each part starts a Chromium
    and prints its own PDFs, where ``-n`` prints them all in the controller's one.
    Each part's folder sits beside ``tenants/``, so the files' relative paths still hold."""
    from concurrent.futures import ThreadPoolExecutor

    files = sorted(tenants.glob("*.yaml"))
    parts = [fleet_dir / f"split-{i}" for i in range(args.workers)]
    for i, part in enumerate(parts):
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir()
        for f in files[i :: args.workers]:
            shutil.copy2(f, part / f.name)

    def one(i: int) -> dict[str, Any]:
        return _spawn("run", str(parts[i]), str(fleet_dir / f"reports-split-{i}"),
                      "-p", "no:xdist", *_pdf(args))  # fmt: skip

    with ThreadPoolExecutor(len(parts)) as pool:
        runs = list(pool.map(one, range(len(parts))))
    return {
        "wall_s": max(r["wall_s"] for r in runs),
        "exit_code": max(r["exit_code"] for r in runs),
        "cpu_s": sum(r.get("cpu_s", 0.0) for r in runs),
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        kind, rest = argv[1], argv[2:]
        if kind == "collect":
            figures = worker_collect(Path(rest[0]))
        elif kind == "naive":
            figures = worker_naive(Path(rest[0]), rest[1], int(rest[2]))
        else:
            figures = worker_run(Path(rest[0]), Path(rest[1]), rest[2:])
        print(json.dumps(figures), flush=True)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated, e.g. 1k,10k,100k")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--naive-max-objects", type=int, default=20_000,
                        help="per list; beyond it the naive figures are extrapolated")  # fmt: skip
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-run", action="store_true")
    parser.add_argument("--fleet", type=int, default=0, help="also time N tenants (e.g. 20)")
    parser.add_argument("--fleet-size", default="300")
    parser.add_argument("--workers", type=int, default=2, help="pytest -n for the fleet")
    parser.add_argument("--no-pdf", action="store_true",
                        help="whole runs without the handover PDF")  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="CI: 10 ms latency, naive capped at 1,000 objects")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.quick:
        args.latency_ms, args.naive_max_objects = 10.0, 1000
    host = machine()
    sizes = [bench_size(parse_size(s), args) for s in args.sizes.split(",") if s.strip()]
    fleet = bench_fleet(args) if args.fleet else None
    text = report(sizes, fleet, args, host)
    print("\n" + text)
    problems = [
        f"{s['users']:,} users: {why}"
        for s in sizes
        for why in (
            f"{s['ours']['requests']} requests, not the floor {s['facts']['floor_requests']}"
            if s["ours"]["requests"] != s["facts"]["floor_requests"]
            else None,
            "the collection was partial" if s["ours"]["partial"] else None,
            f"the whole run exited {s['run']['exit_code']}"
            if "run" in s and s["run"]["exit_code"] != 0
            else None,
        )
        if why
    ]
    if fleet:
        problems += [
            f"fleet {label} run exited {fleet[label]['exit_code']}"
            for label in ("serial", "parallel", "split")
            if fleet[label]["exit_code"] != 0
        ]
    for problem in problems:  # deterministic facts only; time is never judged here
        print(f"error: {problem}", file=sys.stderr)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)  # a new folder is fine: say where
        args.json.write_text(
            json.dumps(
                {
                    "machine": host,
                    "args": {k: str(v) for k, v in vars(args).items()},
                    "sizes": sizes,
                    "fleet": fleet,
                },
                indent=1,
            )
            + "\n"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
