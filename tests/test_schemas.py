"""The JSON Schemas shipped in okta_m365_audit/schemas/: current, valid, and in agreement
with the files they describe (tenant YAML files, snapshot files)."""

from __future__ import annotations

import copy
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from okta_m365_audit.config import tenant_json_schema
from okta_m365_audit.outputs.results import results_json_schema
from okta_m365_audit.snapshot.document import snapshot_json_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "okta_m365_audit" / "schemas"
TENANTS = ROOT / "tenants"
GOLDEN_SNAPSHOT = TENANTS / "demo" / "golden.snapshot.json"
REGENERATE = ".venv/bin/python scripts/write_schemas.py"


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "write_schemas", ROOT / "scripts" / "write_schemas.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


write_schemas = _load_script()


def as_editor_sees_it(doc: Any) -> Any:
    """YAML data as JSON (what yaml-language-server validates): dates become strings."""
    return json.loads(json.dumps(doc, default=str))


def tenant_doc(stem: str) -> dict[str, Any]:
    return as_editor_sees_it(yaml.safe_load((TENANTS / f"{stem}.yaml").read_text()))


@pytest.fixture(scope="module")
def tenant_validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / "tenant.schema.json").read_text()))


def errors_of(validator: Draft202012Validator, doc: Any) -> list[str]:
    return [
        f"{'.'.join(map(str, e.absolute_path)) or '(document)'}: {e.message}"
        for e in validator.iter_errors(doc)
    ]


# --- (a) the shipped files are what the code generates -------------------------------------


@pytest.mark.parametrize("name", sorted(write_schemas.SCHEMAS))
def test_shipped_schema_is_current(name: str) -> None:
    """When the model changes but the shipped schema does not: should fail (editors would lie)."""
    shipped = SCHEMAS / name
    assert shipped.is_file(), f"{shipped} is missing: run {REGENERATE}"
    expected = write_schemas.render(write_schemas.SCHEMAS[name]())
    assert shipped.read_text(encoding="utf-8") == expected, (
        f"{shipped.relative_to(ROOT)} is out of date: run {REGENERATE}"
    )


def test_script_builds_from_the_code() -> None:
    """When the script is pointed at other builders: should fail (it must ship the real ones)."""
    assert write_schemas.SCHEMAS == {
        "tenant.schema.json": tenant_json_schema,
        "snapshot.schema.json": snapshot_json_schema,
        "results.schema.json": results_json_schema,
    }
    text = write_schemas.render({"a": 1})
    assert text == '{\n  "a": 1\n}\n'  # pretty-printed, with a trailing newline


@pytest.mark.parametrize(
    "name", ["tenant.schema.json", "snapshot.schema.json", "results.schema.json"]
)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    """When a schema is not valid 2020-12 JSON Schema: should fail (validators would reject it)."""
    schema = json.loads((SCHEMAS / name).read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"/schemas/{name}")


def test_tenant_schema_has_only_file_keys() -> None:
    """When the schema shows loader internals or pydantic-only formats: should fail."""
    schema = tenant_json_schema()
    assert "source_file" not in schema["properties"]
    assert "name" in schema["properties"] and "name" not in schema["required"]
    assert sorted(schema["required"]) == ["expect", "m365", "okta"]
    assert '"format": "path"' not in json.dumps(schema)
    assert schema["additionalProperties"] is False


# --- (b) tenant files validate; typos do not ------------------------------------------------


@pytest.mark.parametrize("stem", ["demo", "example"])
def test_shipped_tenant_files_validate(tenant_validator: Draft202012Validator, stem: str) -> None:
    """When a shipped tenant file is checked by the schema: should pass (editors show no error)."""
    assert errors_of(tenant_validator, tenant_doc(stem)) == []


def test_example_with_its_optional_blocks_validates(
    tenant_validator: Draft202012Validator,
) -> None:
    """When the example's commented waiver and emulator are used: should pass with dates as text."""
    doc = tenant_doc("example")
    doc["waivers"] = as_editor_sees_it(
        yaml.safe_load(
            "- check: FED-06\n  reason: r\n  approver: a\n  ticket: CHG-1\n  expires: 2027-03-31\n"
        )
    )
    doc["emulator"] = {"snapshot": "acme/golden.snapshot.json", "granted_okta_scopes": []}
    del doc["name"]  # optional: defaults to the file stem
    assert errors_of(tenant_validator, doc) == []


def _set(path: str, value: Any) -> Callable[[dict], None]:
    def patch(doc: dict) -> None:
        *parents, last = path.split(".")
        for key in parents:
            doc = doc[key]
        doc[last] = value

    return patch


def _rename(path: str, new: str) -> Callable[[dict], None]:
    def patch(doc: dict) -> None:
        *parents, last = path.split(".")
        for key in parents:
            doc = doc[key]
        doc[new] = doc.pop(last)

    return patch


@pytest.mark.parametrize(
    ("patch", "where"),
    [
        (_set("oktaa", {}), "(document)"),
        (_rename("expect.domains_to_federate", "domains_to_federat"), "expect"),
        (_set("okta.auth.scope", ["okta.apps.read"]), "okta.auth"),
        (_set("source_file", "/etc/passwd"), "(document)"),
    ],
    ids=["top-level", "nested-typo", "in-auth", "source_file"],
)
def test_unknown_key_does_not_validate(
    tenant_validator: Draft202012Validator, patch: Callable[[dict], None], where: str
) -> None:
    """When a tenant document has an unknown key: should fail because typos disable checks."""
    doc = copy.deepcopy(tenant_doc("demo"))
    patch(doc)
    errors = errors_of(tenant_validator, doc)
    assert errors, "the schema accepted an unknown key"
    assert any(e.startswith(f"{where}:") for e in errors), errors


@pytest.mark.parametrize(
    "patch",
    [
        _set("expect.phase", "five"),
        _set("expect.phase", 6),
        _set("m365.auth.method", "password"),
        _set("okta.auth", {"client_id": "x", "private_key_file": "k.pem"}),
        _set("okta.auth.key_id", 5),
        _set("waivers", [{"check": "fed-6", "reason": "r", "approver": "a", "ticket": "t"}]),
    ],
    ids=["phase-type", "phase-range", "method", "no-method", "key_id-type", "waiver"],
)
def test_bad_values_do_not_validate(
    tenant_validator: Draft202012Validator, patch: Callable[[dict], None]
) -> None:
    """When a tenant document has a wrong type or value: should fail as the loader does."""
    doc = copy.deepcopy(tenant_doc("demo"))
    patch(doc)
    assert errors_of(tenant_validator, doc)


# --- (c) the golden snapshot validates ------------------------------------------------------


def test_golden_snapshot_validates() -> None:
    """When the demo's golden snapshot is checked by the schema: should pass (it is the model)."""
    validator = Draft202012Validator(json.loads((SCHEMAS / "snapshot.schema.json").read_text()))
    doc = json.loads(GOLDEN_SNAPSHOT.read_text())
    assert errors_of(validator, doc) == []


@pytest.mark.parametrize(
    ("patch", "where"),
    [
        (lambda d: d["okta"].update(orgg=d["okta"]["org"]), "okta"),
        (lambda d: d["okta"]["org"].pop("status"), "okta.org"),
        (lambda d: d.update(schemaVersion=-1), "schemaVersion"),
    ],
    ids=["unknown-resource", "read-without-status", "schema-version"],
)
def test_broken_snapshot_does_not_validate(patch: Callable[[dict], Any], where: str) -> None:
    """When a snapshot has an unknown resource or a malformed read: should fail validation."""
    validator = Draft202012Validator(json.loads((SCHEMAS / "snapshot.schema.json").read_text()))
    doc = json.loads(GOLDEN_SNAPSHOT.read_text())
    patch(doc)
    errors = errors_of(validator, doc)
    assert any(e.startswith(f"{where}:") for e in errors), errors


# --- (d) results files say what kind of run they are ---------------------------------------


def test_results_schema_documents_partial_interrupted_and_selection() -> None:
    """When the run object lacks the fields that tell a complete run from a partial or
    interrupted one, or their description: should fail (the fleet page depends on them)."""
    run = results_json_schema()["properties"]["run"]
    for key in ("partial", "interrupted"):
        assert run["properties"][key]["type"] == "boolean"
        assert "Absent" in run["properties"][key]["description"]
    selection = run["properties"]["selection"]
    assert selection["type"] == "object"
    for key in ("keyword", "markers", "offline", "fromSnapshot", "tenants"):
        assert key in selection["description"]
    assert "complete" in run["description"]


@pytest.mark.parametrize(
    ("patch", "where"),
    [
        (lambda d: d.update(tenant="../acme"), "tenant"),
        (lambda d: d.update(tenant="Acme Corp"), "tenant"),
        (lambda d: d["run"].update(interrupted="yes"), "run.interrupted"),
        (lambda d: d["run"].update(partial=1), "run.partial"),
        (lambda d: d["run"].update(selection=["-k", "FED"]), "run.selection"),
    ],
)
def test_broken_results_do_not_validate(patch: Callable[[dict], Any], where: str) -> None:
    """When a results file breaks the name rule or types a run flag wrongly: should fail."""
    validator = Draft202012Validator(json.loads((SCHEMAS / "results.schema.json").read_text()))
    doc = {
        "format": "okta-m365-audit/results",
        "schemaVersion": 1,
        "tenant": "acme",
        "run": {"id": "r1", "startedAt": "2027-01-01T02:30:00Z", "suiteVersion": "0.1.0",
                "partial": True, "interrupted": False, "selection": {"keyword": "FED"}},
        "summary": {"verdicts": {}, "bySeverity": {}, "worstFailing": None, "phases": {}},
        "results": [],
    }  # fmt: skip
    assert errors_of(validator, doc) == []
    patch(doc)
    assert any(e.startswith(where) for e in errors_of(validator, doc)), where
