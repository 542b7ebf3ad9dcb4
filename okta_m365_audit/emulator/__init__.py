"""The emulated sandbox tenant (see server.py); ``python -m okta_m365_audit.emulator``.

May import: core, config, catalog, clients, snapshot (layers 0-4); never views, session,
outputs or the plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .latency import Latency
from .registration import registrations_for
from .server import Emulator

if TYPE_CHECKING:
    from ..config import TenantConfig
    from .process import EmulatorProcess

__all__ = ["Emulator", "Latency", "emulator_for", "registrations_for"]


def emulator_for(cfg: TenantConfig) -> Emulator | EmulatorProcess:
    """The emulator a tenant file's ``emulator:`` block asks for (not started yet)."""
    from ..snapshot import document as snap

    backend = cfg.emulator
    assert backend is not None and cfg.source_file is not None
    latency = Latency(backend.latency_ms, backend.latency_jitter_ms)
    if backend.separate_process:
        from .process import EmulatorProcess

        return EmulatorProcess(cfg.resolve(backend.snapshot), cfg.source_file, latency)
    served = snap.load(cfg.resolve(backend.snapshot))
    return Emulator(served, registrations_for(cfg), latency=latency, copy=False)
