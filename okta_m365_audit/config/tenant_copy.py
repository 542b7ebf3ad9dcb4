"""The bundle's copy of the tenant file: the expectations a run judged the tenant against.

A bundle must reproduce its own verdicts, so it holds what the checks were measured against,
not only the data: the tenant file as loaded (validated, normalised, defaults filled in, so a
later version's defaults cannot change a replay). Secrets were never in it: the tenant file
holds them by reference (an environment variable's name, a key or certificate file's path),
and only those references are copied. A file reference written as an absolute path keeps
its file name alone: the bundle never names the runner's folders (home, checkout, temp).

A replay (``--from-snapshot <bundle>/snapshot.json``) takes the expectations from the
``tenant.yaml`` beside the snapshot (session.bundled_tenant_file), so the bundle alone
suffices.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import yaml

from .customer import image_type
from .model import TenantConfig

#: the name of the bundle's copy of the tenant file
TENANT_FILE = "tenant.yaml"

#: where the tenant file holds a file reference: (section, ..., key)
_FILE_FIELDS = (
    ("okta", "auth", "private_key_file"),
    ("m365", "auth", "certificate_file"),
    ("emulator", "snapshot"),
)


def tenant_data(cfg: TenantConfig) -> dict[str, Any]:
    """The tenant file as loaded, as plain data, its absolute file references cut to names."""
    data = cfg.model_dump(mode="json")
    # how this runner reached the APIs is no expectation, and a replay reads nothing: its
    # CA file (a path on the runner) would only make the copy fail to load elsewhere; the
    # results file says where the APIs were reached and through which proxy
    data.pop("network", None)
    for path in _FILE_FIELDS:
        *parents, key = path
        holder: Any = data
        for part in parents:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and isinstance(holder.get(key), str):
            ref = PurePath(holder[key])
            if ref.is_absolute():
                holder[key] = ref.name
    if cfg.customer.logo is not None:  # the bundle's own copy: a replay of it finds it
        data["customer"]["logo"] = bundled_logo_name(cfg)
    return data


def bundled_logo_name(cfg: TenantConfig) -> str | None:
    """The name of the bundle's copy of the customer's logo (``logo.png``...), or None when
    the tenant file names none (or it can no longer be read: the bundle then has none)."""
    if cfg.customer.logo is None:
        return None
    try:
        with cfg.resolve(cfg.customer.logo).open("rb") as fh:
            kind = image_type(fh.read(16))
    except OSError:
        return None
    return f"logo{kind[1]}" if kind else None


def tenant_file_copy(cfg: TenantConfig, run_id: str) -> str:
    """The text of the bundle's ``tenant.yaml``."""
    source = cfg.source_file.name if cfg.source_file else "(none)"
    head = (
        f"# The tenant file {source} as loaded by okta-m365-audit for run {run_id}: the\n"
        "# expectations this bundle's verdicts were judged against. Secrets by reference only\n"
        "# (environment variable names, key and certificate file names), never their values.\n"
        "# Replay: pytest tests_integration --from-snapshot <this folder>/snapshot.json\n"
    )
    return head + yaml.safe_dump(tenant_data(cfg), sort_keys=False, allow_unicode=True)
