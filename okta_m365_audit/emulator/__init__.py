"""The emulated sandbox tenant (see server.py); ``python -m okta_m365_audit.emulator``.

May import: core, config, catalog, clients, snapshot (layers 0-4); never views, session,
outputs or the plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .latency import Latency
from .registration import registrations_for
from .server import Emulator

if TYPE_CHECKING:
    from ..config import TenantConfig
    from .process import EmulatorProcess

__all__ = ["Emulator", "Latency", "emulator_for", "registrations_for", "spawn_ahead"]

#: emulator processes started ahead of need (spawn_ahead), by what emulator_for would build
_SPAWNED: dict[tuple[Any, ...], EmulatorProcess] = {}


def spawn_ahead(cfg: TenantConfig) -> None:
    """Start the emulator process of a tenant whose file asks for one now, without waiting
    for it: its start-up (1.5-2 s on this project's machine: its imports, TLS, the snapshot)
    then overlaps the run's own start-up, and ``emulator_for`` hands it out. A process that
    is never handed out ends with the run (it serves until its standard input closes)."""
    backend = cfg.emulator
    if backend is None or not backend.separate_process or cfg.source_file is None:
        return
    from .process import EmulatorProcess

    latency = Latency(backend.latency_ms, backend.latency_jitter_ms)
    snapshot = cfg.resolve(backend.snapshot)
    key = _key(snapshot, cfg.source_file, latency)
    if key not in _SPAWNED:
        _SPAWNED[key] = EmulatorProcess(snapshot, cfg.source_file, latency).spawn()


def _key(snapshot: Any, tenant_file: Any, latency: Latency) -> tuple[Any, ...]:
    return (str(snapshot), str(tenant_file), latency.ms, latency.jitter_ms, latency.seed)


def emulator_for(cfg: TenantConfig) -> Emulator | EmulatorProcess:
    """The emulator a tenant file's ``emulator:`` block asks for (not started yet)."""
    from ..snapshot import document as snap

    backend = cfg.emulator
    assert backend is not None and cfg.source_file is not None
    latency = Latency(backend.latency_ms, backend.latency_jitter_ms)
    if backend.separate_process:
        from .process import EmulatorProcess

        snapshot = cfg.resolve(backend.snapshot)
        spawned = _SPAWNED.pop(_key(snapshot, cfg.source_file, latency), None)
        return spawned or EmulatorProcess(snapshot, cfg.source_file, latency)
    served = snap.load(cfg.resolve(backend.snapshot))
    return Emulator(served, registrations_for(cfg), latency=latency, copy=False)
