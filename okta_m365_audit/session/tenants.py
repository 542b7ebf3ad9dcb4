"""Auditing tenants, as a stage of its own: the pytest plugin and every xdist worker call it.

Which tenants a run covers (tenant files, ``--tenant``, ``--from-snapshot``, ``--baseline``),
and for each tenant: its configuration, its collection (from the APIs, the emulator, or a
saved snapshot), the snapshot and request log saved as evidence, the comparison with a
baseline, and the views its checks read. Nothing here knows pytest: problems an operator
must fix raise :class:`UsageProblem` (the plugin makes it a usage error, exit 4), problems of
one tenant are kept on its entry (its checks ERROR with them).

Every name that enters here from outside (``--tenant``, a snapshot's ``meta.tenant``, a
tenant file) passes core/names.py's rule before it becomes part of a path, and every path is
built inside its output folder by core/safe_files.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import json
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..catalog.checks import BY_ID
from ..collect.progress import NO_PROGRESS, Progress
from ..config import TenantConfig, load_tenant, load_tenants
from ..config.network import RunNetwork
from ..config.tenant_copy import TENANT_FILE
from ..core import names, redact, safe_files
from ..core.errors import ConfigError
from ..snapshot import document as snap
from ..views import TenantView


class UsageProblem(Exception):
    """The command line or the tenants folder cannot be used as given (one line)."""


@dataclass
class TenantEntry:
    """A tenant selected for this run: its config, or why it could not be loaded."""

    name: str
    path: Path | None
    cfg: TenantConfig | None = None
    error: str | None = None
    from_snapshot: Path | None = None
    view: TenantView | None = None
    collect_error: str | None = None
    snapshot_file: Path | None = None
    snapshot_sha256: str | None = None
    request_log: Path | None = None
    #: where its APIs were reached, and through which proxy (clients.endpoints_used)
    endpoints_used: dict[str, Any] | None = None
    announced: bool = False  #: its facts were put on a report (see tenant_facts)


@dataclass
class AuditState:
    tenants: dict[str, TenantEntry] = field(default_factory=dict)
    #: where snapshots and request logs go: --snapshot-out as given (the operator's own
    #: choice), else None for the reports folder's snapshots/ (held inside it, see
    #: evidence_path)
    snapshot_out: Path | None = None
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    failed_severities: list[Any] = field(default_factory=list)
    #: xdist workers that died, one line each (the run fails: plugin/xdist_hooks.py)
    worker_deaths: list[str] = field(default_factory=list)
    offline: bool = False
    reports_dir: Path | None = None
    #: what narrowed the run (-k, -m, --offline), for every tenant of it
    selection: dict[str, Any] = field(default_factory=dict)
    baselines: dict[str, Path] = field(default_factory=dict)
    fail_on: str = "low"
    run_id: str = ""
    operator: str = ""
    #: tenant -> node id -> results line, as the reports brought them (worker or not)
    results: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: tenant -> what its collection left (tenant_facts), as the reports brought it
    collected: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: node id -> (tenant, check ID) of every check reported so far (to place a crash)
    reported: dict[str, tuple[str, str]] = field(default_factory=dict)
    drift: dict[str, Any] = field(default_factory=dict)
    bundles: dict[str, Path] = field(default_factory=dict)
    #: tenant -> the catalog check IDs this run selected for it (after -k, -m, file args)
    selected_checks: dict[str, set[str]] = field(default_factory=dict)
    #: the session ended early (Ctrl-C, -x, --maxfail): no tenant's results are complete
    interrupted: bool = False
    #: --previous: results files (or bundle folders) to compare with, matched by tenant;
    #: empty: each tenant's latest complete run under the reports folder
    previous: list[Path] = field(default_factory=list)
    #: tenant -> what changed since its previous run (outputs/changes.py), computed once
    changes: dict[str, Any] = field(default_factory=dict)
    #: the previous runs found, read once per run (outputs/changes.py)
    previous_runs: dict[str, Any] | None = None
    #: the run's network flags (--proxy, --no-proxy, --ca-file, --proxy-from-env): the
    #: defaults of each tenant file's network:
    network: RunNetwork = field(default_factory=RunNetwork)
    #: a Chromium started with the run to print the handover PDFs at its end
    #: (outputs/chromium.py), closed when the run ends
    browser: Any = None
    #: tenant -> its collection started ahead of its checks (session/ahead.py), until
    #: the checks ask for it
    ahead: dict[str, Any] = field(default_factory=dict)

    @property
    def stamp(self) -> str:
        """The run's start, as file names carry it."""
        return self.started.strftime("%Y%m%d-%H%M%S")

    def run_facts(self, entry: TenantEntry) -> dict[str, Any]:
        """What a tenant's results file says about the run: whether it is the tenant's full
        audit (``partial`` false) and whole (``interrupted`` false), and what narrowed it."""
        selection = dict(self.selection)
        if entry.from_snapshot is not None:
            selection["fromSnapshot"] = True
        chosen = self.selected_checks.get(entry.name)
        if entry.cfg is not None and chosen is not None and len(chosen) < len(BY_ID):
            selection["checks"] = f"{len(chosen)} of {len(BY_ID)} checks selected"
        return {"selection": selection, "partial": bool(selection), "interrupted": self.interrupted}


def start_run(
    state: AuditState,
    *,
    reports_dir: Path,
    controller: dict[str, Any] | None,
    offline: bool,
    fail_on: str,
    selection: dict[str, Any],
    snapshot_out: str | None,
) -> None:
    """The run's identity and settings: its id, start and operator (on an xdist worker, the
    controller's run, so the same snapshot file names), and what narrowed it (-k, -m,
    --offline: every tenant's results say so)."""
    state.reports_dir = reports_dir
    state.run_id = str(uuid.uuid4())
    if controller:
        state.run_id = controller["runId"]
        state.started = dt.datetime.fromisoformat(controller["startedAt"])
    state.operator = (
        os.environ.get("AUDIT_OPERATOR") or f"{getpass.getuser()}@{socket.gethostname()}"
    )
    state.offline = offline
    state.fail_on = fail_on
    state.selection = {k: v for k, v in {**selection, "offline": offline}.items() if v}
    state.snapshot_out = Path(snapshot_out) if snapshot_out else None


def select_tenants(
    state: AuditState,
    *,
    tenants_dir: Path,
    wanted: list[str],
    from_snapshots: list[str],
    baselines: list[str],
) -> None:
    """Fill ``state.tenants``: the tenants asked for (all tenant files when none is), each
    with its config or the error that keeps it from being audited."""
    wanted = [names.tenant_name(name, "--tenant") for name in wanted]
    snapshots: dict[str, Path] = {}
    bundled: dict[str, TenantConfig | ConfigError | None] = {}
    for raw in from_snapshots:
        try:
            tenant = snap.load(raw)["meta"]["tenant"]
        except snap.SnapshotError as exc:
            raise UsageProblem(f"--from-snapshot: {exc}") from None
        snapshots[tenant] = Path(raw)
        bundled[tenant] = bundled_tenant_file(Path(raw))
        if tenant not in wanted:
            wanted.append(tenant)
    unreadable_baselines = []
    for raw in baselines:
        try:
            state.baselines[snap.load(raw)["meta"]["tenant"]] = Path(raw)
        except snap.SnapshotError as exc:
            unreadable_baselines.append(str(exc))
    configs, errors = (
        load_tenants(tenants_dir, known_checks=BY_ID) if tenants_dir.is_dir() else ({}, [])
    )
    broken: dict[str, list[Any]] = {}
    for err in errors:
        name = getattr(err, "tenant", None) or Path(err.file).stem
        if not names.is_tenant_name(name):
            raise UsageProblem(redact.redact(str(err)))  # no name to report it under
        broken.setdefault(name, []).append(err)
    by_stem = {c.source_file.stem: c for c in configs.values() if c.source_file}
    for name, found in bundled.items():  # a bundle's replay: the expectations it judged
        if isinstance(found, TenantConfig):
            configs[name] = found
            broken.pop(name, None)
        elif found is not None:
            broken[name] = [found]
    if not wanted:
        wanted = sorted(set(configs) | set(broken))
    if not wanted:
        raise UsageProblem(
            f"no tenant files in {tenants_dir}: create one with: okta-m365-audit init NAME, "
            "or pass --tenants-dir"
        )
    known = sorted(set(configs) | set(broken))
    for name in sorted(set(wanted)):
        if name not in snapshots and not (name in configs or name in by_stem or name in broken):
            raise UsageProblem(
                f"--tenant {name}: no tenant file for it in {tenants_dir} (known tenants: "
                f"{', '.join(known) or 'none'}); create one with: okta-m365-audit init {name}"
            )
    for name in sorted(set(wanted)):
        cfg = configs.get(name) or by_stem.get(name)
        key = cfg.name if cfg else name
        path = cfg.source_file if cfg else (Path(broken[name][0].file) if name in broken else None)
        entry = TenantEntry(key, path, from_snapshot=snapshots.get(name))
        if name in broken:
            entry.error = redact.redact("\n".join(str(e) for e in broken[name]))
        elif cfg is None:
            entry.error = (
                f"no tenant named {name} in {tenants_dir} (known: {', '.join(known) or 'none'}); "
                f"create it with: okta-m365-audit init {name}"
            )
        else:
            entry.cfg = cfg
        state.tenants[key] = entry
    for problem in unreadable_baselines:  # whose baseline it was cannot be told: say it
        for name in state.tenants:
            if name not in state.baselines:
                state.drift[name] = {"error": f"the baseline could not be read: {problem}"}


def bundled_tenant_file(snapshot: Path) -> TenantConfig | ConfigError | None:
    """The tenant file of the bundle a replayed snapshot sits in (``tenant.yaml`` beside it,
    tenant_copy.py): the expectations its verdicts were judged against, so a replay of the
    bundle alone reproduces them, whatever the tenants folder holds today. None: the
    snapshot is not in a bundle (the tenants folder's file is used)."""
    path = snapshot.parent / TENANT_FILE
    if not path.is_file():
        return None
    try:
        cfg = load_tenant(path, known_checks=BY_ID)
    except ConfigError as exc:
        return exc
    return cfg


class NotKept(Exception):
    """A collection read and then let go before it wrote anything (session/ahead.py)."""


def collect_tenant(
    entry: TenantEntry,
    state: AuditState,
    progress: Progress = NO_PROGRESS,
    keep: Callable[[], bool] | None = None,
) -> TenantView:
    """Collect (or load) one tenant's snapshot, keep it as evidence, and build its views;
    ``progress`` watches the collection (collect/progress.py). ``keep``, when given, is
    asked once the answers are in and before any file is written: False lets them go
    (``NotKept``), so a read that turned out not to be this process's leaves no file."""
    cfg = entry.cfg
    assert cfg is not None
    log: list[dict[str, Any]] | None = None
    if entry.from_snapshot is not None:
        doc = snap.load(entry.from_snapshot)
        entry.snapshot_file = entry.from_snapshot
    elif cfg.emulator is not None:
        from ..clients import endpoints_used, network_for
        from ..collect.collector import collect
        from ..emulator import emulator_for

        network = network_for(cfg, state.network)
        with emulator_for(cfg) as emu:
            endpoints = replace(emu.endpoints(cfg.m365.cloud), network=network)
            entry.endpoints_used = endpoints_used(cfg, endpoints)
            doc = asyncio.run(collect(cfg, endpoints, emu.as_of, state.offline, progress))
            log = [r.__dict__ for r in emu.requests]
    else:
        from ..clients import Endpoints, endpoints_used, network_for
        from ..collect.collector import collect

        endpoints = Endpoints.real(cfg, network_for(cfg, state.network))
        entry.endpoints_used = endpoints_used(cfg, endpoints)
        doc = asyncio.run(collect(cfg, endpoints, None, state.offline, progress))
    if keep is not None and not keep():
        raise NotKept(cfg.name)
    if log is not None:  # what the emulator served: proof that the run only read
        entry.request_log = safe_files.write_text(
            evidence_path(state, cfg.name, "emulator-requests.json"),
            json.dumps(log, indent=1) + "\n",
        )
    if entry.snapshot_file is None:
        entry.snapshot_file = snap.save(doc, evidence_path(state, cfg.name, "snapshot.json"))
    entry.snapshot_sha256 = snap.digest(doc)
    view = TenantView(cfg, doc)
    if entry.from_snapshot is not None:
        # a replay judges the answers the snapshot holds, as the run that collected them did
        if doc["meta"].get("realmDiscovery") != "probed":
            view.realm_skip_reason = (
                "home-realm discovery was not probed for this snapshot (meta.realmDiscovery: "
                f"{doc['meta'].get('realmDiscovery') or 'not recorded'}); FED-09 has no "
                "answers to judge"
            )
    elif state.offline:
        view.realm_skip_reason = "home-realm discovery not probed: --offline"
    return view


def evidence_path(state: AuditState, tenant: str, suffix: str) -> Path:
    """``<tenant>-<stamp>.<suffix>`` in the snapshot folder, checked to stay inside it: in
    ``reports/snapshots/`` a ``snapshots`` planted as a link to elsewhere is refused."""
    name = f"{names.tenant_name(tenant, 'tenant')}-{state.stamp}.{suffix}"
    if state.snapshot_out is not None:
        return safe_files.inside(state.snapshot_out, name)
    assert state.reports_dir is not None
    return safe_files.inside(state.reports_dir, "snapshots", name)


def tenant_facts(state: AuditState, entry: TenantEntry) -> dict[str, Any]:
    """What a tenant's collection left that its results, report and bundle need (plain
    data: it travels from an xdist worker to the controller on a test report)."""
    snapshot = None
    if entry.view is not None:
        meta = entry.view.doc["meta"]
        snapshot = {
            "file": str(entry.snapshot_file) if entry.snapshot_file else None,
            "sha256": entry.snapshot_sha256,
            "collectedAt": meta.get("collectedAt"),
            "source": meta.get("source"),
        }
    return {
        "name": entry.name,
        "snapshot": snapshot,
        "snapshotFile": str(entry.snapshot_file) if entry.snapshot_file else None,
        "requestLog": str(entry.request_log) if entry.request_log else None,
        "endpointsUsed": entry.endpoints_used,
        "collectError": entry.collect_error,
        "drift": state.drift.get(entry.name),
        # what this process collected for the tenant (an xdist worker collects every test)
        "selectedChecks": sorted(state.selected_checks.get(entry.name, ())),
    }
