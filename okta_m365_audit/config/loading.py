"""Loading tenant files: one (load_tenant), or every file of a folder (load_tenants,
discover_tenants), with the rules that keep tenant names unique.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core.errors import ConfigError
from ..core.names import is_tenant_name
from .customer import LOGO_FIX, logo_problem
from .messages import _one, _to_config_errors
from .model import TenantConfig
from .network import ca_file_problem
from .yaml_loader import _read_document


def _validate(
    path: Path,
    data: dict,
    lines: dict,
    problems: list[ConfigError],
    known_checks: Iterable[str] | None,
) -> TenantConfig:
    file = str(path)
    if problems and any(not isinstance(k, str) for k in _all_keys(data)):
        raise _one(problems)  # non-text keys: the rest would only be noise
    if "name" not in data:
        if not is_tenant_name(path.stem):
            raise ConfigError(
                file, "name", f"the file name {path.stem!r} is not a valid tenant name",
                "rename the file to lowercase letters, digits, '-' and '_' (like acme-corp.yaml), "
                "or set name: in it",
            )  # fmt: skip
        data["name"] = path.stem
    try:
        cfg = TenantConfig.model_validate(data)
    except ValidationError as err:
        raise _one(problems + _to_config_errors(file, err, lines)) from None
    if problems:
        raise _one(problems)
    cfg._source_file = path.resolve()
    if cfg.customer.logo is not None:
        problem = logo_problem(cfg.resolve(cfg.customer.logo))
        if problem:
            raise ConfigError(file, "customer.logo", problem, LOGO_FIX,
                              lines.get(("customer", "logo")))  # fmt: skip
    _check_network(cfg, file, lines)
    if known_checks is not None:
        known = set(known_checks)
        for i, waiver in enumerate(cfg.waivers):
            if waiver.check not in known:
                raise ConfigError(
                    file, f"waivers.{i}.check", f"unknown check ID {waiver.check}",
                    "use an ID from the README's check table, e.g. FED-06",
                    lines.get(("waivers", i, "check")),
                )  # fmt: skip
    return cfg


def _check_network(cfg: TenantConfig, file: str, lines: dict) -> None:
    """What the model alone cannot judge: the CA file (it exists and holds PEM
    certificates), and endpoint overrides beside an emulator (which serves instead)."""
    if cfg.endpoints is not None and cfg.emulator is not None:
        raise ConfigError(
            file, "endpoints", "is set beside emulator:, which serves the tenant instead",
            "remove endpoints: to run against the bundled emulator, or emulator: to reach "
            "the APIs at the endpoints given", lines.get(("endpoints",)),
        )  # fmt: skip
    ca_file = cfg.network.ca_file if cfg.network else None
    if ca_file is not None:
        problem = ca_file_problem(cfg.resolve(ca_file))
        if problem:
            raise ConfigError(
                file, "network.ca_file", problem,
                "give the PEM file of the CA to trust (-----BEGIN CERTIFICATE----- blocks), "
                "relative to the tenant file", lines.get(("network", "ca_file")),
            )  # fmt: skip


def _all_keys(value: Any) -> Iterator[Any]:
    """Every mapping key of a (bounded, acyclic) document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _all_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_keys(item)


def load_tenant(path: str | os.PathLike, known_checks: Iterable[str] | None = None) -> TenantConfig:
    """Read and validate one tenant file; raise ConfigError naming file, field and fix.

    Any input gives a TenantConfig or a ConfigError (ConfigErrors for several problems),
    never another exception: tests/test_config_fuzz.py holds it to that.

    With ``known_checks``, a waiver naming any other check ID is an error too (a waiver
    for a misspelt ID would leave the real check unwaived, or worse, hide the typo).
    """
    path = Path(path)
    data, lines, problems = _read_document(path)
    return _validate(path, data, lines, problems, known_checks)


def _tenant_files(directory: Path) -> list[Path]:
    """Tenant files of a folder, in discovery order; example.yaml is a template."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    return [p for p in files if p.stem != "example"]


def discover_tenants(directory: str | os.PathLike) -> dict[str, Path]:
    """Tenant files of a folder, by tenant name (the file stem); example.yaml is a template."""
    return {p.stem: p for p in _tenant_files(Path(directory))}


def load_tenants(
    directory: str | os.PathLike, known_checks: Iterable[str] | None = None
) -> tuple[dict[str, TenantConfig], list[ConfigError]]:
    """Load every tenant file of a folder: the configs by tenant name, and the errors.

    Each error carries ``tenant``, the name it concerns (the file's ``name:`` when it
    could be read, else the file stem), so a caller can report it against that tenant.
    Besides each file's own problems, it reports names that are not unique: two files
    with the same name (a ``name:`` or the file stem it defaults to, acme.yaml beside
    acme.yml included), or a ``name:`` equal to another file's stem. No config is
    returned for an ambiguous name.
    """
    directory = Path(directory)
    if not directory.is_dir():
        err = ConfigError(
            str(directory), "(folder)", "is not a folder of tenant files",
            "pass the folder that holds the tenant YAML files (--tenants-dir)",
        )  # fmt: skip
        err.tenant = ""  # type: ignore[attr-defined]
        return {}, [err]
    known = None if known_checks is None else frozenset(known_checks)
    entries: list[_Entry] = []
    errors: list[ConfigError] = []
    for path in _tenant_files(directory):
        entry = _Entry(path, path.stem)
        try:
            data, lines, problems = _read_document(path)
            declared = data.get("name")
            # a rejected file's name still labels its errors (test IDs, bundle folders):
            # only a name that follows the rule may (core/names.py), else the file stem does
            if is_tenant_name(declared):
                entry.name, entry.declared = declared, True
                entry.line = lines.get(("name",))
            entry.cfg = _validate(path, data, lines, problems, known)
            entry.name = entry.cfg.name
        except ConfigError as exc:
            exc.tenant = entry.name  # type: ignore[attr-defined]
            errors.append(exc)
        entries.append(entry)

    by_name: dict[str, list[_Entry]] = {}
    for entry in entries:
        by_name.setdefault(entry.name, []).append(entry)
    stems = {e.path.stem: e for e in entries}
    for name, group in by_name.items():
        if len(group) > 1:
            blamed = ([e for e in group if e.declared] or group)[-1]
            err = ConfigError(
                str(blamed.path), "name",
                f"tenant name {name!r} is used by {len(group)} files: "
                + ", ".join(str(e.path) for e in group),
                "give each tenant file its own name: set a different name: in one of them "
                "(the name defaults to the file name), or remove the copy",
                blamed.line,
            )  # fmt: skip
        elif group[0].declared and (other := stems.get(name)) not in (None, group[0]):
            blamed = group[0]
            err = ConfigError(
                str(blamed.path), "name",
                f"tenant name {name!r} is the file name of {other.path}, which is tenant "
                f"{other.name!r}, so --tenant {name} would be ambiguous",
                "choose a name: that is no other tenant file's name, or rename the files "
                "so that each name is its own file's name",
                blamed.line,
            )  # fmt: skip
            group = [blamed]
        else:
            continue
        err.tenant = name  # type: ignore[attr-defined]
        errors.append(err)
        for entry in group:
            entry.cfg = None
    configs = {e.name: e.cfg for e in entries if e.cfg is not None}
    return configs, errors


@dataclass
class _Entry:
    path: Path
    name: str
    declared: bool = False
    line: int | None = None
    cfg: TenantConfig | None = None
