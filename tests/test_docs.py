"""The README's check table is generated from the catalog, so it cannot drift."""

import importlib.util

from .conftest import ROOT


def test_readme_check_table_is_current():
    """When the catalog or the suite's markers change: the README must be regenerated."""
    spec = importlib.util.spec_from_file_location(
        "write_schemas", ROOT / "scripts/write_schemas.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "README.md").read_text(encoding="utf-8")
    assert module.readme_text(current) == current, "run: make schemas"
    for check_id in ("ACCESS-01", "CRED-04", "FED-07"):
        assert f"| {check_id} |" in current
