"""Write the generated files: the JSON Schemas shipped in okta_m365_audit/schemas/ and the
README's check table, from the code that defines them.

- ``tenant.schema.json``: tenant YAML files (``okta_m365_audit.config.tenant_json_schema``),
  referenced by the ``# yaml-language-server: $schema=`` line of each tenant file;
- ``snapshot.schema.json``: snapshot files
  (``okta_m365_audit.snapshot.document.snapshot_json_schema``).
- ``results.schema.json``: results files (``okta_m365_audit.outputs.results.results_json_schema``),
  the ``results.json`` of each evidence bundle, which the fleet page reads back.

Run it from the repository root after changing any of these models::

    .venv/bin/python scripts/write_schemas.py

tests/test_schemas.py fails when the shipped files differ from what this writes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from okta_m365_audit.catalog.checks import checks_markdown, implemented_check_ids  # noqa: E402
from okta_m365_audit.config import tenant_json_schema  # noqa: E402
from okta_m365_audit.outputs.results import results_json_schema  # noqa: E402
from okta_m365_audit.snapshot.document import snapshot_json_schema  # noqa: E402

SCHEMA_DIR = ROOT / "okta_m365_audit" / "schemas"

#: File name -> function that builds the schema.
SCHEMAS: dict[str, Callable[[], dict]] = {
    "tenant.schema.json": tenant_json_schema,
    "snapshot.schema.json": snapshot_json_schema,
    "results.schema.json": results_json_schema,
}


def render(schema: dict) -> str:
    """The exact text of a shipped schema file: 2-space indent, trailing newline."""
    return json.dumps(schema, indent=2) + "\n"


README = ROOT / "README.md"
BEGIN, END = "<!-- checks:begin -->", "<!-- checks:end -->"


def readme_text(current: str) -> str:
    """The README with its check table regenerated from the catalog and the suite's markers."""
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    table = checks_markdown(implemented_check_ids(ROOT / "tests_integration"))
    return f"{head}{BEGIN}\n{table}\n{END}{tail}"


def main() -> int:
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for name, build in SCHEMAS.items():
        path = SCHEMA_DIR / name
        text = render(build())
        old = path.read_text(encoding="utf-8") if path.exists() else None
        path.write_text(text, encoding="utf-8")
        state = "unchanged" if old == text else "written"
        print(f"{path.relative_to(ROOT)}: {state}")
    old = README.read_text(encoding="utf-8")
    new = readme_text(old)
    README.write_text(new, encoding="utf-8")
    print(f"README.md check table: {'unchanged' if old == new else 'written'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
