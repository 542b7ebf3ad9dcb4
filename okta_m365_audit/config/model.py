"""The tenant file's typed model: TenantConfig, its parts and their validators.

Unknown keys are errors (every model forbids extra keys), and secrets are held only by
reference: the name of an environment variable, or the path of a key or certificate file.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, PrivateAttr, field_validator

from ..core.names import TENANT_NAME_PATTERN
from .credentials import M365Config, OktaConfig
from .customer import Customer
from .expectations import ApiLimits, Expectations
from .fields import Strict, file_path
from .network import EndpointOverrides, NetworkConfig
from .waiver import Waiver


class EmulatedBackend(Strict):
    """Run this tenant against the bundled emulator instead of the real services."""

    snapshot: Path = Field(description="Snapshot file the emulator serves (relative to the YAML).")
    granted_okta_scopes: tuple[str, ...] | None = Field(
        None, description="Scopes the emulated Okta grants the service app (default: all)."
    )
    granted_graph_permissions: tuple[str, ...] | None = Field(
        None, description="Application permissions consented in the emulated tenant (default: all)."
    )
    latency_ms: float = Field(
        0, ge=0, le=60000, description="Delay the emulator adds to every request, in ms."
    )
    latency_jitter_ms: float = Field(
        0, ge=0, le=60000, description="Up to this much more delay per request (uniform, seeded)."
    )
    separate_process: bool = Field(
        False,
        description="Serve from a child process, so the audit's own CPU and memory are "
        "measured alone (benchmarks, large tenants).",
    )

    _path = field_validator("snapshot", mode="before")(file_path)


class TenantConfig(Strict):
    """One customer: an Okta org, an M365 tenant, and what the runbook promises about them."""

    name: str = Field(pattern=TENANT_NAME_PATTERN, description="Short id used in test ids.")
    okta: OktaConfig
    m365: M365Config
    expect: Expectations
    customer: Customer = Customer()
    waivers: tuple[Waiver, ...] = ()
    limits: ApiLimits = ApiLimits()
    emulator: EmulatedBackend | None = None
    #: how the APIs are reached (proxy, CA bundle) and where (endpoint overrides)
    network: NetworkConfig | None = None
    endpoints: EndpointOverrides | None = None
    _source_file: Path | None = PrivateAttr(None)

    @property
    def source_file(self) -> Path | None:
        """The tenant file this config was loaded from (set by load_tenant)."""
        return self._source_file

    def resolve(self, path: Path) -> Path:
        """A path from the YAML, relative to the YAML's own folder."""
        if path.is_absolute() or self.source_file is None:
            return path
        return (self.source_file.parent / path).resolve()
