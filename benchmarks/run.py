"""Benchmark: collection and whole-run cost at 1k/10k/100k users, against the floors.

    .venv/bin/python benchmarks/run.py                       # 10k and 100k, 100 ms latency
    .venv/bin/python benchmarks/run.py --sizes 1k --quick    # what CI runs

For each size it generates a synthetic tenant (scripts/build_synthetic_tenant.py; seeded,
cached under benchmarks/.work/, never committed), serves it from the emulator in a child
process with the injected latency, and measures, each in a fresh process so figures do
not leak between measurements:

- **ours**: ``collect()`` as a run does it. Requests made against the pagination floor
  (okta_m365_audit/costs.py), wall time against the latency floor (longest sequential
  chain x latency), CPU seconds per 1,000 objects, peak RSS.
- **naive**: the obvious SDK code: typed list calls (SDK models), default page sizes, the
  same ``$select`` (the checks need those fields), one list after another, for the three
  lists that grow with the tenant
  (Okta users, Office 365 app users, Entra users). Above ``--naive-max-objects`` per list
  it stops and its time and requests are extrapolated from what it read (said so).
- **run**: the whole suite (``pytest tests_integration``: collect, every check, HTML
  report, results JSON, evidence bundle) on that tenant, its wall time and peak RSS.
- **fleet** (``--fleet N``): N tenants, serial and with ``pytest -n``.

It prints figures and ratios; it asserts nothing about time (machines are shared and
noisy: report ratios from one run). It exits 1 only on deterministic facts: requests made
other than the pagination floor, a partial collection, a failed run. ``--json FILE`` also
writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

#: the lists that grow with the tenant: (snapshot api, resource) -> SDK default page size
LARGE_LISTS = {("okta", "users"): 200, ("okta", "appUsers"): 50, ("graph", "users"): 100}


def parse_size(text: str) -> int:
    text = text.strip().lower()
    return int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


# --- workers: one measurement each, in a fresh process ---------------------------------------


def _usage() -> tuple[float, float]:
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


def _import_sdks() -> float:
    """Import the SDKs before the clock starts: a one-off cost of any run, not of a tenant."""
    started = time.perf_counter()
    import msgraph  # noqa: F401
    import okta.client  # noqa: F401
    from msgraph import GraphServiceClient  # noqa: F401
    from msgraph.generated.models.user_collection_response import (  # noqa: F401
        UserCollectionResponse,  # the naive reader's models: imported, not timed
    )

    import okta_m365_audit.collect  # noqa: F401

    return time.perf_counter() - started


DEMO = ROOT / "tenants" / "demo.yaml"


def _fixed_cost(measure: Any) -> tuple[float, int]:
    """(CPU seconds, objects) of reading the demo tenant (155 objects) in this warm process:
    what any tenant costs before its size counts (the SDKs load keys and sign tokens, the
    clients are built, one GC pass). Read twice; the first pays one-off lazy imports."""
    from okta_m365_audit.config import load_tenant
    from okta_m365_audit.emulator.process import EmulatorProcess

    cfg = load_tenant(DEMO)
    with EmulatorProcess(cfg.resolve(cfg.emulator.snapshot), DEMO) as emu:
        measure(cfg, emu)
        cpu0, _ = _usage()
        objects = measure(cfg, emu)
        cpu1, _ = _usage()
    return cpu1 - cpu0, objects


def worker_collect(tenant_file: Path) -> dict[str, Any]:
    from okta_m365_audit.collect import collect
    from okta_m365_audit.config import load_tenant
    from okta_m365_audit.costs import floor_of
    from okta_m365_audit.emulator import emulator_for

    imports = _import_sdks()

    def demo(cfg: Any, emu: Any) -> int:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
        return floor_of(doc).objects

    fixed_cpu, fixed_objects = _fixed_cost(demo)
    cfg = load_tenant(tenant_file)
    with emulator_for(cfg) as emu:
        cpu0, rss0 = _usage()
        t0 = time.perf_counter()
        doc = asyncio.run(collect(cfg, emu.endpoints(cfg.m365.cloud), emu.as_of))
        wall = time.perf_counter() - t0
        cpu1, rss1 = _usage()
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


async def _naive_reads(cfg: Any, endpoints: Any, app_id: str, cap: int) -> dict[str, Any]:
    """The obvious SDK code: typed models, default page sizes, lists one after another."""
    from okta_m365_audit import snapshot as snap
    from okta_m365_audit.clients import GraphApi, OktaApi, limits_for

    out: dict[str, Any] = {}
    kept: list[Any] = []  # a naive collector holds its models, as ours holds its JSON
    limits = limits_for(cfg)
    async with OktaApi(cfg, endpoints, limits) as okta_api, GraphApi(cfg, endpoints, limits) as g:
        client = okta_api._client

        async def okta_list(method: Any, *args: Any) -> tuple[int, int]:
            from okta.pagination import PaginationHelper

            objects = pages = 0
            cursor: str | None = None
            while True:  # the SDK's cursor pagination, at the server's default page size
                kwargs = {"after": cursor} if cursor else {}
                items, resp, err = await method(*args, **kwargs)
                if err:
                    raise RuntimeError(f"naive Okta read failed: {err}")
                kept.extend(items or [])
                objects, pages = objects + len(items or []), pages + 1
                cursor = PaginationHelper.extract_next_cursor(resp.headers)
                if not cursor or objects >= cap:
                    return objects, pages

        async def graph_users() -> tuple[int, int]:
            from msgraph.generated.users.users_request_builder import UsersRequestBuilder

            # the same fields as ours (without them no check could run), default page size
            query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
                select=list(snap.GRAPH_USER_FIELDS)
            )
            config = UsersRequestBuilder.UsersRequestBuilderGetRequestConfiguration(
                query_parameters=query
            )
            page = await g.client.users.get(request_configuration=config)
            kept.extend(page.value or [])
            objects, pages = len(page.value or []), 1
            while page.odata_next_link and objects < cap:
                page = await g.client.users.with_url(page.odata_next_link).get()
                kept.extend(page.value or [])
                objects, pages = objects + len(page.value or []), pages + 1
            return objects, pages

        for key, read in (
            (("okta", "users"), lambda: okta_list(client.list_users)),
            (("okta", "appUsers"), lambda: okta_list(client.list_application_users, app_id)),
            (("graph", "users"), graph_users),
        ):
            cpu0, _ = _usage()
            t0 = time.perf_counter()
            objects, pages = await read()
            cpu1, _ = _usage()
            out[".".join(key)] = {
                "objects": objects,
                "pages": pages,
                "wall_s": time.perf_counter() - t0,
                "cpu_s": cpu1 - cpu0,
            }
    return out


def worker_naive(tenant_file: Path, app_id: str, cap: int) -> dict[str, Any]:
    from okta_m365_audit import snapshot as snap
    from okta_m365_audit.config import load_tenant
    from okta_m365_audit.emulator import emulator_for

    imports = _import_sdks()
    demo_cfg = load_tenant(DEMO)
    demo_doc = snap.load(demo_cfg.resolve(demo_cfg.emulator.snapshot))
    demo_app_id = demo_doc["okta"]["office365Apps"]["data"][0]["id"]  # read before the clock

    def demo(cfg: Any, emu: Any) -> int:
        read = asyncio.run(_naive_reads(cfg, emu.endpoints(), demo_app_id, cap))
        return sum(v["objects"] for v in read.values())

    fixed_cpu, fixed_objects = _fixed_cost(demo)
    cfg = load_tenant(tenant_file)
    with emulator_for(cfg) as emu:
        cpu0, _ = _usage()
        t0 = time.perf_counter()
        lists = asyncio.run(_naive_reads(cfg, emu.endpoints(cfg.m365.cloud), app_id, cap))
        wall = time.perf_counter() - t0
        cpu1, rss = _usage()
        log = emu.requests
    return {
        "wall_s": wall,
        "cpu_s": cpu1 - cpu0,
        "rss_peak_mib": rss,
        "imports_s": imports,
        "fixed_cpu_s": fixed_cpu,
        "fixed_objects": fixed_objects,
        "requests": sum(1 for r in log if r.method == "GET"),
        "lists": lists,
    }


def worker_run(tenants_dir: Path, reports_dir: Path, extra: list[str]) -> dict[str, Any]:
    """The whole suite, in this process, so its peak RSS is the suite's alone."""
    import pytest

    t0 = time.perf_counter()
    code = pytest.main(
        ["tests_integration", "--tenants-dir", str(tenants_dir), "--reports-dir",
         str(reports_dir), "-q", "-p", "no:cacheprovider", *extra]
    )  # fmt: skip
    wall = time.perf_counter() - t0
    cpu, rss = _usage()
    return {"wall_s": wall, "cpu_s": cpu, "rss_peak_mib": rss, "exit_code": int(code)}


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
    builder = (ROOT / "scripts" / "build_demo_tenant.py").stat().st_mtime_ns
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
    from okta_m365_audit import costs
    from okta_m365_audit import snapshot as snap
    from okta_m365_audit.config import load_tenant

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


def naive_full(naive: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """Naive figures at the tenant's full size (extrapolated per object where it stopped)."""
    requests = cpu = wall = 0.0
    sampled = False
    for (api, name), page in LARGE_LISTS.items():
        key = f"{api}.{name}"
        got, full = naive["lists"][key], facts["large_counts"][key]
        pages = max(1, math.ceil(full / page))
        requests += pages
        scale = full / got["objects"] if got["objects"] else 1.0
        sampled |= got["objects"] < full
        cpu += got["cpu_s"] * scale
        wall += got["wall_s"] * (pages / got["pages"])
    return {"requests": int(requests), "cpu_s": cpu, "wall_s": wall, "sampled": sampled}


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
        (run_dir / "tenants").mkdir(parents=True)
        shutil.copy(tenant_file, run_dir / "tenants" / tenant_file.name)
        (run_dir / "tenants" / tenant_file.stem).symlink_to(folder / tenant_file.stem)
        run = _spawn("run", str(run_dir / "tenants"), str(run_dir / "reports"))
        html = sorted((run_dir / "reports").glob("audit-*.html"))
        run["html_bytes"] = html[-1].stat().st_size if html else None
        result["run"] = run
        print(f"   whole run: {run['wall_s']:.1f} s, exit {run['exit_code']}", flush=True)
    return result


def bench_fleet(args: argparse.Namespace) -> dict[str, Any]:
    """N tenants (copies of one synthetic size under different names), serial vs -n."""
    users = parse_size(args.fleet_size)
    fleet_dir = WORK / f"fleet-{args.fleet}x{users}"
    shutil.rmtree(fleet_dir, ignore_errors=True)
    tenants = fleet_dir / "tenants"
    for i in range(args.fleet):
        ensure_tenant(users, args.seed + i, args.latency_ms, args.jitter_ms, True, tenants,
                      name=f"fleet-{i:02d}")  # fmt: skip
    out: dict[str, Any] = {"tenants": args.fleet, "users": users}
    for label, extra in (("serial", ["-p", "no:xdist"]), ("parallel", ["-n", str(args.workers)])):
        out[label] = _spawn("run", str(tenants), str(fleet_dir / f"reports-{label}"), *extra)
        print(f"   fleet {label}: {out[label]['wall_s']:.1f} s", flush=True)
    return out


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
            "python": platform.python_version(), "os": platform.platform()}  # fmt: skip


def _marginal(cpu: float, objects: int, figures: dict[str, Any]) -> float:
    """CPU seconds per 1,000 objects beyond the demo tenant's (the fixed cost of a tenant)."""
    extra = objects - figures["fixed_objects"]
    return (cpu - figures["fixed_cpu_s"]) / (extra / 1000) if extra > 0 else float("nan")


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def report(sizes: list[dict[str, Any]], fleet: dict[str, Any] | None, args: argparse.Namespace,
           host: dict[str, Any]) -> str:  # fmt: skip
    lat = args.latency_ms / 1000
    lines = [
        f"machine: {host['cpu']}, {host['cores']} cores, {host['memory_gib']} GiB, "
        f"Python {host['python']}",
        f"latency injected: {args.latency_ms:g} ms per request"
        + (f" + up to {args.jitter_ms:g} ms jitter" if args.jitter_ms else ""),
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
                f"  whole run peak RSS  {r['rss_peak_mib']:>10.0f} MiB; HTML report "
                f"{(r['html_bytes'] or 0) / 1e6:.2f} MB",
            ]
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
    return "\n".join(lines)


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
    parser.add_argument("--fleet-size", default="1k")
    parser.add_argument("--workers", type=int, default=4, help="pytest -n for the fleet")
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
            for label in ("serial", "parallel")
            if fleet[label]["exit_code"] != 0
        ]
    for problem in problems:  # deterministic facts only; time is never judged here
        print(f"error: {problem}", file=sys.stderr)
    if args.json:
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
