"""``init``, ``validate`` and ``schema``: a new customer's files, and checking them.

``init`` writes the shipped commented template (tenants/example.yaml in a checkout,
okta_m365_audit/templates/ in the wheel: one file) under the customer's name, with the JSON
Schema beside it for editors, and never overwrites a file. ``validate`` loads every tenant
file as a run would and prints every error at once, so one pass fixes them all.
"""

from __future__ import annotations

import re
import sys
from importlib import resources
from pathlib import Path

from ..catalog.checks import BY_ID
from ..config import load_tenant, load_tenants
from ..core import names, redact
from ..core.errors import ConfigError
from ..core.suite import tenant_template
from .main import PROG, USAGE_ERROR

SCHEMA_FILE = "tenant.schema.json"
#: values of the template that no real tenant has: a file still holding one is not ready
PLACEHOLDERS = ("0oaXXXXXXXXXXXXXXXXX", "REPLACE-WITH-", "00000000-0000-0000-0000-000000000000")
#: "example" is the template's name, which tenant discovery skips
RESERVED = ("example",)
_HEADER = re.compile(r"\A# yaml-language-server: \$schema=\S*\n")
_TEMPLATE_NOTE = re.compile(r"# TEMPLATE for one customer:.*?\n#\n", re.S)


def schema(name: str) -> int:
    text = resources.files("okta_m365_audit").joinpath("schemas", f"{name}.schema.json")
    sys.stdout.write(text.read_text(encoding="utf-8"))
    return 0


def tenant_file_text(name: str) -> str:
    """The template, made this tenant's: its name, the schema beside it, no template note."""
    text = tenant_template().read_text(encoding="utf-8")
    text = _HEADER.sub(f"# yaml-language-server: $schema={SCHEMA_FILE}\n", text, count=1)
    text = _TEMPLATE_NOTE.sub(
        f"# The tenant file of {name}: an Okta org, a Microsoft 365 tenant, and what the\n"
        "# integration runbook promises about them. Replace every placeholder (acme, XXX,\n"
        f"# REPLACE-...), then: {PROG} validate; {PROG} run --tenant {name}\n#\n",
        text,
        count=1,
    )
    text, found = re.subn(r"^name: example$", f"name: {name}", text, count=1, flags=re.M)
    if not found:
        raise RuntimeError(f"{tenant_template()}: no 'name: example' line to replace")
    return text


def init(name: str, tenants_dir: str, reports_dir: str) -> int:
    try:
        name = names.tenant_name(name, "NAME")
    except names.InvalidName as exc:
        print(f"{PROG} init: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if name in RESERVED:
        print(f"{PROG} init: error: {name!r} is the template's name; choose another",
              file=sys.stderr)  # fmt: skip
        return USAGE_ERROR
    folder = Path(tenants_dir)
    target = folder / f"{name}.yaml"
    for existing in (target, target.with_suffix(".yml")):
        if existing.exists():
            print(f"{PROG} init: {existing} exists; not overwritten", file=sys.stderr)
            return 1
    folder.mkdir(parents=True, exist_ok=True)
    Path(reports_dir).mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as out:  # never over a file made meanwhile
        out.write(tenant_file_text(name))
    schema_file = folder / SCHEMA_FILE
    if not schema_file.exists():
        shipped = resources.files("okta_m365_audit").joinpath("schemas", SCHEMA_FILE)
        schema_file.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    print(f"wrote {target} (reports go to {reports_dir}/)")
    print(f"next: replace its placeholders, then {PROG} validate and {PROG} run --tenant {name}")
    return 0


def validate(paths: list[str]) -> int:
    ok: list[str] = []
    errors: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            configs, problems = load_tenants(path, known_checks=BY_ID)
            for c in configs.values():
                _checked(c.name, c.source_file or path, ok, errors)
            errors += [str(e) for e in problems]
            if not configs and not problems:
                errors.append(f"{path}: no tenant files (*.yaml) in this folder")
        elif path.is_file():
            try:
                cfg = load_tenant(path, known_checks=BY_ID)
            except ConfigError as exc:
                errors.append(str(exc))
            else:
                _checked(cfg.name, path, ok, errors)
        else:
            errors.append(f"{path}: no such file or folder; pass tenant files or their folder")
    for line in ok:
        print(f"ok: {line}")
    for message in errors:
        print(f"error: {redact.redact(message)}", file=sys.stderr)
    print(f"{len(ok)} valid, {len(errors)} error(s)")
    return 1 if errors else 0


def placeholders(path: Path) -> list[str]:
    """The template's placeholder values a tenant file still holds (comments aside)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    values = [ln.split("#", 1)[0] for ln in lines]
    return [p for p in PLACEHOLDERS if any(p in v for v in values)]


def _checked(name: str, path: Path, ok: list[str], errors: list[str]) -> None:
    left = placeholders(path)
    if left:
        errors.append(
            f"{path}: still holds the template's placeholders ({', '.join(left)}); "
            "replace them with the customer's values"
        )
    else:
        ok.append(f"{name} ({path})")
