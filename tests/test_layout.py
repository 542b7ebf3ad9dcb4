"""The layout holds: no Python file over 400 lines (the project's own tests aside), the
package is made of stage packages (nothing flat at its top but ``__init__`` and
``__main__``), each package says what it holds and what it may import, and the imports go
one way, from the leaves up to the pytest plugin.

The stages, lowest first (a package may import its own layer and the layers below it):
0. core: the leaves every stage uses (errors, names, normalize, terminal, redact,
   safe_files); and schemas/ (data);
1. config: tenant files;
2. catalog: the checks, their conditions and policy, the reads they need, scope, consent;
3. clients: the SDK clients and transports, and how a failed read is told;
4. collect: every read into a snapshot; snapshot: its format, JSON and validation;
5. views: reading a snapshot; emulator: serving one;
6. session: one run's tenants and their evidence; anonymize (an offline tool);
7. outputs: handover report, results, bundles, drift, fleet page;
8. the entry points: plugin (pytest hooks and fixtures), cli (the command okta-m365-audit:
   run, init, validate, fleet, emulator, anonymize, schema), fleet (the fleet page's
   command), and ``__main__`` (python -m okta_m365_audit: the same command).
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "okta_m365_audit"
MAX_LINES = 400

LAYERS: dict[str, int] = {
    "__init__": 0, "core": 0, "schemas": 0,
    "config": 1,
    "catalog": 2,
    "clients": 3,
    "collect": 4, "snapshot": 4,
    "views": 5, "emulator": 5,
    "session": 6, "anonymize": 6,
    "outputs": 7,
    "plugin": 8, "cli": 8, "fleet": 8, "__main__": 8,
}  # fmt: skip


def python_files() -> list[Path]:
    skip = {".venv", ".venv-proxy", ".git", "tests", "node_modules", ".work", "build"}
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
            # ``from .. import snapshot``: the names may be modules, of a later stage
            found.update(f"{target}.{a.name}" for a in node.names)
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


def test_nothing_flat_at_the_package_top():
    """Every module lives in the package of its stage, so the folder listing is the design."""
    flat = {p.name for p in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py"}
    assert flat == set(), "move these into the package of their stage"


def test_every_package_says_what_it_holds_and_may_import():
    missing = []
    for init in sorted(PACKAGE.rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        if init.parent != PACKAGE and "May import" not in doc:
            missing.append(str(init.relative_to(ROOT)))
    assert missing == [], 'start each with a docstring: what it holds, and "May import: ..."'


def test_every_package_has_an_init():
    """A folder of modules without ``__init__.py`` would be a namespace package the layer
    test still sees, but one with no docstring to say what it holds."""
    bare = sorted(
        str(d.relative_to(ROOT))
        for d in PACKAGE.rglob("*")
        if d.is_dir() and any(d.glob("*.py")) and not (d / "__init__.py").exists()
    )
    assert bare == []
