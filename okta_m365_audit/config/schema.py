"""The JSON Schema of tenant files, for editors (yaml-language-server) and docs."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .model import TenantConfig


def tenant_json_schema() -> dict:
    """JSON Schema for tenant files, for editors (yaml-language-server) and docs."""
    schema = TenantConfig.model_json_schema(mode="validation")
    schema["properties"].pop("source_file", None)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://okta-m365-audit.invalid/schemas/tenant.schema.json"
    schema["title"] = "okta-m365-audit tenant file"
    schema["required"] = [r for r in schema.get("required", []) if r != "name"]

    def drop_path_format(node: Any) -> None:  # pydantic's "format": "path" is not JSON Schema
        if isinstance(node, dict):
            if node.get("format") == "path":
                del node["format"]
            for value in node.values():
                drop_path_format(value)
        elif isinstance(node, list):
            for value in node:
                drop_path_format(value)

    drop_path_format(schema)
    return schema


def write_schema(path: str | os.PathLike) -> None:
    Path(path).write_text(json.dumps(tenant_json_schema(), indent=2) + "\n", encoding="utf-8")
