"""The layout holds: no Python file over 400 lines (the project's own tests aside), and the
package's imports go one way, from the configuration up to the pytest plugin.

The layers, lowest first (a module may import its own layer and the layers below it):
0. leaves every layer uses: errors, names, normalize, terminal, redact, safe_files;
1. configuration: config;
2. what the checks and reads are: resources, scope, consent, catalog, catalog_conditions, policy;
3. clients: clients, failures (how a failed request is told);
4. collection and the snapshot: collect, collect_consent, costs, snapshot, snapshot_*;
5. reading a snapshot, and serving one: views, emulator;
6. one tenant's run and its evidence: session, report, results, drift, anonymize, parallel;
7. outputs across tenants: tenant_outputs, fleet, fleet_*;
8. the pytest plugin.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "okta_m365_audit"
MAX_LINES = 400

LAYERS: dict[str, int] = {
    "__init__": 0, "errors": 0, "names": 0, "normalize": 0, "terminal": 0, "redact": 0,
    "safe_files": 0, "schemas": 0,
    "config": 1,
    "resources": 2, "scope": 2, "consent": 2, "catalog": 2, "catalog_conditions": 2, "policy": 2,
    "clients": 3, "failures": 3,
    "collect": 4, "collect_consent": 4, "costs": 4, "snapshot": 4, "snapshot_json": 4,
    "snapshot_validation": 4,
    "views": 5, "emulator": 5,
    "session": 6, "report": 6, "results": 6, "drift": 6, "anonymize": 6, "parallel": 6,
    "tenant_outputs": 7, "fleet": 7, "fleet_check": 7, "fleet_load": 7, "fleet_page": 7,
    "plugin": 8,
}  # fmt: skip


def python_files() -> list[Path]:
    skip = {".venv", ".git", "tests", "node_modules", ".work", "build"}
    return [
        p
        for p in ROOT.rglob("*.py")
        if not skip & set(p.relative_to(ROOT).parts) and "egg-info" not in str(p)
    ]


def test_no_python_file_over_400_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in python_files()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these along their seams (at most {MAX_LINES} lines each)"


def _stage(module: str) -> str:
    """okta_m365_audit.views.base -> views; okta_m365_audit -> __init__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> set[str]:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    package = parts if parts[-1] == "__init__" else parts[:-1]
    package = [p for p in package if p != "__init__"]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {t for t in found if t.split(".")[0] == "okta_m365_audit"}


def test_every_stage_has_a_layer():
    stages = {_stage(".".join(p.relative_to(ROOT).with_suffix("").parts))
              for p in PACKAGE.rglob("*.py")}  # fmt: skip
    assert stages - set(LAYERS) == set(), "give each new module or package a layer above"


def test_imports_go_one_way():
    """No module imports a layer above its own (see the module docstring)."""
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        here = _stage(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for target in _imports(path):
            there = _stage(target)
            if LAYERS.get(there, 0) > LAYERS[here]:
                wrong.append(f"{path.relative_to(ROOT)} ({here}) imports {target} ({there})")
    assert wrong == []
